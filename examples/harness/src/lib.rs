//! Runs an example server binary as a newcomer would, reads what it prints, and follows its
//! instructions over real HTTP on 127.0.0.1. Each example package's `tests/server.rs` calls
//! the checks below with its own binary (`env!("CARGO_BIN_EXE_axum")`, ...), so the four
//! servers are held to one set of answers (docs/examples.md).
#![deny(missing_docs)]
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use propelauth_testing::samples::{
    ACME_ORG_ID, MEMBER_USER_ID, ORG_API_KEY, OWNER_USER_ID, PERSONAL_API_KEY,
};
use propelauth_testing::{
    CannedResponse, OTHER_PUBLIC_KEY_PEM, StandIn, TokenBuilder, TokenVariant,
};
use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, WebSocket};

/// The variables the example servers read (docs/examples.md "Variables"), removed before each start so that
/// the caller's environment never leaks into a test.
const VARIABLES: [&str; 8] = [
    "PROPELAUTH_ACCEPT_API_KEYS",
    "PROPELAUTH_AUTH_URL",
    "PROPELAUTH_API_KEY",
    "PROPELAUTH_API_BASE_URL",
    "PROPELAUTH_DEBUG",
    "PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS",
    "HOST",
    "PORT",
];

/// How long a server may take to print its address.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The example binary as a command, with none of those variables inherited.
pub fn command(binary: &str) -> Command {
    let mut command = Command::new(binary);
    for name in VARIABLES {
        command.env_remove(name);
    }
    command
}

/// A running example server; killed on drop.
#[derive(Debug)]
pub struct Server {
    child: Child,
    /// Where it listens, as printed (`http://127.0.0.1:PORT`).
    pub base_url: String,
    /// Everything it printed on stdout up to and including the "listening on" line.
    pub output: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `binary` on an OS-chosen loopback port with `vars` set, and waits for its
    /// "listening on" line.
    pub fn start(binary: &str, vars: &[(&str, &str)]) -> Self {
        let child = command(binary)
            .envs(vars.iter().copied())
            .env("HOST", "127.0.0.1")
            .env("PORT", "0")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        // From here on the child is killed and reaped on drop, whatever happens.
        let mut server = Self {
            child,
            base_url: String::new(),
            output: String::new(),
        };
        let stdout = server.child.stdout.take().unwrap();
        let (lines, received) = mpsc::channel();
        std::thread::spawn(move || {
            // Keep draining after the test stops listening, so the server never writes into
            // a closed pipe.
            for line in BufReader::new(stdout).lines() {
                let _ = lines.send(line.unwrap_or_default());
            }
        });
        loop {
            let line = received
                .recv_timeout(START_TIMEOUT)
                .unwrap_or_else(|_| panic!("no address printed; so far:\n{}", server.output));
            server.output.push_str(&line);
            server.output.push('\n');
            if let Some((_, address)) = line.split_once(" listening on ") {
                server.base_url = address.trim().to_owned();
                return server;
            }
        }
    }

    /// Starts `binary` in development mode (no configuration).
    pub fn development(binary: &str) -> Self {
        Self::start(binary, &[])
    }

    /// Starts `binary` configured for the project `stand_in` serves, with a 1 s minimum key
    /// refresh interval.
    pub fn configured(binary: &str, stand_in: &StandIn) -> Self {
        Self::configured_with(binary, stand_in, &[])
    }

    /// [`configured`](Self::configured), with `more` variables set too.
    pub fn configured_with(binary: &str, stand_in: &StandIn, more: &[(&str, &str)]) -> Self {
        let base_url = stand_in.base_url();
        let mut vars = vec![
            ("PROPELAUTH_AUTH_URL", stand_in.auth_url()),
            ("PROPELAUTH_API_KEY", stand_in.api_key()),
            ("PROPELAUTH_API_BASE_URL", &base_url),
            ("PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS", "1"),
        ];
        vars.extend_from_slice(more);
        Self::start(binary, &vars)
    }

    /// The value of the `export VARIABLE=...` line the server printed.
    pub fn exported(&self, variable: &str) -> String {
        let prefix = format!("export {variable}=");
        self.output
            .lines()
            .find_map(|line| line.trim().strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no {prefix} line in:\n{}", self.output))
            .to_owned()
    }

    /// `GET path`, with `Authorization: Bearer token` when given: status and body.
    pub fn get(&self, path: &str, token: Option<&str>) -> (u16, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        let mut request = agent.get(format!("{}{path}", self.base_url));
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        let mut response = request.call().unwrap();
        (
            response.status().as_u16(),
            response.body_mut().read_to_string().unwrap(),
        )
    }
}

/// A WebSocket handshake the server refused: status, `WWW-Authenticate`, body.
#[derive(Debug, PartialEq, Eq)]
pub struct RefusedHandshake {
    /// The status.
    pub status: u16,
    /// The `WWW-Authenticate` header, if any.
    pub www_authenticate: Option<String>,
    /// The body.
    pub body: String,
}

impl Server {
    /// Opens a WebSocket to `path_and_query` (over a loopback TCP connection with a 10 s read
    /// timeout), with `Authorization: Bearer token` when given.
    pub fn websocket(
        &self,
        path_and_query: &str,
        token: Option<&str>,
    ) -> Result<WebSocket<TcpStream>, RefusedHandshake> {
        let address = self.base_url.trim_start_matches("http://");
        let url = format!("ws://{address}{path_and_query}");
        let mut request = url.into_client_request().unwrap();
        if let Some(token) = token {
            let value = format!("Bearer {token}").parse().unwrap();
            request.headers_mut().insert("Authorization", value);
        }
        let stream = TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        match tungstenite::client(request, stream) {
            Ok((socket, response)) => {
                assert_eq!(response.status().as_u16(), 101);
                Ok(socket)
            }
            Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response))) => {
                Err(RefusedHandshake {
                    status: response.status().as_u16(),
                    www_authenticate: response
                        .headers()
                        .get("WWW-Authenticate")
                        .map(|value| value.to_str().unwrap().to_owned()),
                    body: String::from_utf8(response.body().clone().unwrap_or_default()).unwrap(),
                })
            }
            Err(error) => panic!("WebSocket handshake failed: {error}"),
        }
    }
}

/// Reads the next text message, skipping pings and pongs.
fn next_text(socket: &mut WebSocket<TcpStream>) -> String {
    loop {
        match socket.read().unwrap() {
            Message::Text(text) => return text.as_str().to_owned(),
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("expected a text message, got {other:?}"),
        }
    }
}

/// The route group (`/api/group/ping`, protected by the group alone) and the WebSocket
/// (`/api/ws`) over real TCP with a real WebSocket client: the header token and the
/// `access_token` query parameter open it, the first message is the user id and then it
/// echoes; no token and a bad token are the usual 401 bytes, without an upgrade.
pub fn check_group_and_websocket(binary: &str) {
    let server = Server::development(binary);
    let member = server.exported("MEMBER");
    assert!(
        server.output.contains("/api/group/ping"),
        "{}",
        server.output
    );
    let unauthorized = r#"{"detail":"Unauthorized"}"#.to_owned();
    assert_eq!(
        server.get("/api/group/ping", None),
        (401, unauthorized.clone())
    );
    assert_eq!(
        server.get("/api/group/ping", Some("not-a-token")),
        (401, unauthorized.clone())
    );
    assert_eq!(
        server.get("/api/group/ping", Some(&member)),
        (200, "pong".to_owned())
    );

    let greeting = serde_json::json!({ "user_id": MEMBER_USER_ID }).to_string();
    let mut socket = server.websocket("/api/ws", Some(&member)).unwrap();
    assert_eq!(next_text(&mut socket), greeting);
    socket.send(Message::text("hello")).unwrap();
    assert_eq!(next_text(&mut socket), "hello");
    socket.send(Message::binary(vec![0, 1, 2])).unwrap();
    assert_eq!(socket.read().unwrap(), Message::binary(vec![0, 1, 2]));
    socket.close(None).unwrap();

    let mut socket = server
        .websocket(&format!("/api/ws?access_token={member}"), None)
        .unwrap();
    assert_eq!(next_text(&mut socket), greeting);
    socket.send(Message::text("from a browser")).unwrap();
    assert_eq!(next_text(&mut socket), "from a browser");
    socket.close(None).unwrap();

    assert_eq!(
        server.websocket("/api/ws", None).unwrap_err(),
        RefusedHandshake {
            status: 401,
            www_authenticate: Some("Bearer".to_owned()),
            body: unauthorized.clone(),
        }
    );
    let invalid = Some(r#"Bearer error="invalid_token""#.to_owned());
    assert_eq!(
        server
            .websocket("/api/ws", Some("abc.def.ghi"))
            .unwrap_err(),
        RefusedHandshake {
            status: 401,
            www_authenticate: invalid.clone(),
            body: unauthorized.clone(),
        }
    );
    assert_eq!(
        server
            .websocket("/api/ws?access_token=abc.def.ghi", None)
            .unwrap_err(),
        RefusedHandshake {
            status: 401,
            www_authenticate: invalid,
            body: unauthorized.clone(),
        }
    );
    // The query parameter is for this route only: the other routes read the header alone.
    assert_eq!(
        server.get(&format!("/api/whoami?access_token={member}"), None),
        (401, unauthorized)
    );
}

/// `PROPELAUTH_ACCEPT_API_KEYS=1` against a stand-in of the project over real TCP: a personal
/// key is the user (one backend call, then the cache), an org key is a 401 on the user routes,
/// PropelAuth failing is a 503 with the exact body; without the variable, a personal key is a
/// 401 and PropelAuth is never asked.
pub fn check_api_keys(binary: &str) {
    let unauthorized = r#"{"detail":"Unauthorized"}"#.to_owned();
    let stand_in = StandIn::start().unwrap();
    {
        let server = Server::configured(binary, &stand_in);
        assert_eq!(
            server.get("/api/whoami", Some(PERSONAL_API_KEY)),
            (401, unauthorized.clone())
        );
        assert_eq!(stand_in.api_key_validations(), 0, "keys are off by default");
    }

    let server = Server::configured_with(binary, &stand_in, &[("PROPELAUTH_ACCEPT_API_KEYS", "1")]);
    let (status, body) = server.get("/api/whoami", Some(PERSONAL_API_KEY));
    assert_eq!(status, 200, "{body}");
    let user: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(user["user_id"], OWNER_USER_ID, "{body}");
    assert_eq!(server.get("/api/whoami", Some(PERSONAL_API_KEY)).0, 200);
    assert_eq!(
        server.get("/api/group/ping", Some(PERSONAL_API_KEY)),
        (200, "pong".to_owned())
    );
    assert_eq!(
        stand_in.api_key_validations(),
        1,
        "then answered from the cache"
    );
    assert_eq!(
        server.get("/api/whoami", Some(ORG_API_KEY)),
        (401, unauthorized)
    );
    let token = TokenBuilder::new("token-user").sign();
    assert_eq!(server.get("/api/whoami", Some(&token)).0, 200);
    assert_eq!(stand_in.api_key_validations(), 2, "access tokens never ask");

    stand_in.respond(
        "POST",
        "/api/backend/v1/end_user_api_keys/validate",
        CannedResponse::json(500, &serde_json::json!({ "error": "boom" })),
    );
    assert_eq!(
        server.get("/api/whoami", Some("another-personal-key")),
        (503, r#"{"detail":"Service Unavailable"}"#.to_owned())
    );
    drop(server);

    // Development mode with the variable: the embedded stand-in knows the sample key.
    let server = Server::start(binary, &[("PROPELAUTH_ACCEPT_API_KEYS", "1")]);
    let (status, body) = server.get("/api/whoami", Some(PERSONAL_API_KEY));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(OWNER_USER_ID), "{body}");
}

/// Runs `binary` with `vars` until it exits (a configuration it refuses): its output.
pub fn run_to_exit(binary: &str, vars: &[(&str, &str)]) -> Output {
    command(binary)
        .envs(vars.iter().copied())
        .env("HOST", "127.0.0.1")
        .env("PORT", "0")
        .output()
        .unwrap()
}

/// Development mode, as the README promises: the banner first, an `export` line per sample
/// user, a `curl` line per route, and those lines answer as they say.
pub fn check_development_mode(binary: &str) {
    let server = Server::development(binary);
    let output = &server.output;
    assert!(output.starts_with("DEVELOPMENT MODE"), "{output}");
    assert!(output.contains("never use this in production"), "{output}");
    for route in [
        "/healthz",
        "/api/whoami",
        "/api/whoami_optional",
        "/check",
        "/admin_or_owner",
        "/admin_only",
        "/billing",
        "/billing_and_reports",
        "/users",
    ] {
        assert!(
            output
                .lines()
                .any(|line| line.contains("curl -i") && line.contains(route)),
            "no curl line for {route}:\n{output}"
        );
    }
    assert!(output.contains(&format!("curl -i {}/healthz", server.base_url)));

    let owner = server.exported("OWNER");
    let member = server.exported("MEMBER");
    let no_org = server.exported("NO_ORG");
    assert_eq!(server.get("/healthz", None), (200, "ok".to_owned()));
    assert_eq!(server.get("/api/whoami", None).0, 401);
    let (status, body) = server.get("/api/whoami", Some(&owner));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("owner@acme.test"), "{body}");
    let org = format!("/api/org/{ACME_ORG_ID}");
    assert_eq!(
        server.get(&format!("{org}/billing"), Some(&member)),
        (403, r#"{"detail":"Forbidden"}"#.to_owned())
    );
    assert_eq!(server.get(&format!("{org}/billing"), Some(&owner)).0, 200);
    assert_eq!(server.get(&format!("{org}/check"), Some(&no_org)).0, 403);
}

/// The org's users come from the embedded stand-in's backend API (through the async twin of
/// the call): the sample org's two users.
pub fn check_org_users(binary: &str) {
    let server = Server::development(binary);
    let member = server.exported("MEMBER");
    let (status, body) = server.get(&format!("/api/org/{ACME_ORG_ID}/users"), Some(&member));
    assert_eq!(status, 200, "{body}");
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(page["total"], 2, "{body}");
    let no_org = server.exported("NO_ORG");
    let path = format!("/api/org/{ACME_ORG_ID}/users");
    assert_eq!(server.get(&path, Some(&no_org)).0, 403);
}

/// `PROPELAUTH_DEBUG=1`: the same statuses, the reason in the body.
pub fn check_debug_mode(binary: &str) {
    let server = Server::start(binary, &[("PROPELAUTH_DEBUG", "1")]);
    assert_eq!(
        server.get("/api/whoami", None),
        (
            401,
            r#"{"detail":"No authorization header found"}"#.to_owned()
        )
    );
    let member = server.exported("MEMBER");
    assert_eq!(
        server.get(&format!("/api/org/{ACME_ORG_ID}/billing"), Some(&member)),
        (
            403,
            r#"{"detail":"User doesn't have required permission"}"#.to_owned()
        )
    );
}

/// The API docs over real HTTP, as a browser would open them: `/docs` (following redirects)
/// is Swagger UI's page, `/openapi.json` the document with the PropelAuth bearer scheme, and
/// a sample token sent as the Authorize button sends it gets a 200.
pub fn check_api_docs(binary: &str) {
    let server = Server::development(binary);
    let docs = format!("API docs: {}/docs", server.base_url);
    assert!(server.output.contains(&docs), "{}", server.output);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let mut response = agent
        .get(format!("{}/docs", server.base_url))
        .call()
        .unwrap();
    let page = response.body_mut().read_to_string().unwrap();
    assert_eq!(response.status().as_u16(), 200, "{page}");
    assert!(page.to_lowercase().contains("swagger"), "{page}");
    let (status, document) = server.get("/openapi.json", None);
    assert_eq!(status, 200, "{document}");
    let document: serde_json::Value = serde_json::from_str(&document).unwrap();
    let scheme = &document["components"]["securitySchemes"]["propelauth"];
    assert_eq!(scheme["scheme"], "bearer", "{document}");
    assert_eq!(
        document["paths"]["/api/whoami"]["get"]["security"],
        serde_json::json!([{ "propelauth": [] }])
    );
    let owner = server.exported("OWNER");
    assert_eq!(server.get("/api/whoami", Some(&owner)).0, 200);
}

/// Configured for a project, the server fetches the verification key once, prints no
/// development banner, rotates to a new key while running after a 401 for it, and drops the
/// old one: no restart.
pub fn check_key_rotation(binary: &str) {
    let stand_in = StandIn::start().unwrap();
    let server = Server::configured(binary, &stand_in);
    assert!(
        !server.output.contains("DEVELOPMENT MODE"),
        "{}",
        server.output
    );
    let old = TokenBuilder::new("old-key-user").sign();
    assert_eq!(server.get("/api/whoami", Some(&old)).0, 200);
    assert_eq!(stand_in.metadata_fetches(), 1, "fetched once at start");

    stand_in.set_verifier_key_pem(OTHER_PUBLIC_KEY_PEM);
    let new = TokenBuilder::new("new-key-user").sign_variant(TokenVariant::WrongKey);
    assert_eq!(
        server.get("/api/whoami", Some(&new)),
        (401, r#"{"detail":"Unauthorized"}"#.to_owned())
    );
    // The 401 scheduled a refresh (at most 1 s after the start-up fetch); poll until the new
    // key is in, within a bounded time.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (status, body) = server.get("/api/whoami", Some(&new));
        if status == 200 {
            assert!(body.contains("new-key-user"), "{body}");
            break;
        }
        assert!(Instant::now() < deadline, "the new key was never accepted");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(server.get("/api/whoami", Some(&old)).0, 401);
    let fetches = stand_in.metadata_fetches();
    assert!((2..=3).contains(&fetches), "{fetches} metadata fetches");
}

/// A configuration the server refuses: it exits with a failure, and stderr carries one
/// sentence to act on (`main` returned the error, which prints its `Debug`), never a struct
/// dump nor the API key.
pub fn check_bad_configuration(binary: &str) {
    let refused = |vars: &[(&str, &str)]| {
        let output = run_to_exit(binary, vars);
        assert!(!output.status.success(), "{output:?}");
        String::from_utf8(output.stderr).unwrap()
    };
    let stderr = refused(&[("PROPELAUTH_AUTH_URL", "https://auth.example.com")]);
    assert_eq!(
        stderr.trim_end(),
        "Error: PROPELAUTH_API_KEY is not set: set it to the backend API key from the Backend \
         Integration page of your PropelAuth dashboard"
    );

    let stand_in = StandIn::start().unwrap();
    let base_url = stand_in.base_url();
    let stderr = refused(&[
        ("PROPELAUTH_AUTH_URL", stand_in.auth_url()),
        ("PROPELAUTH_API_KEY", "the-wrong-key"),
        ("PROPELAUTH_API_BASE_URL", &base_url),
    ]);
    assert!(
        stderr.starts_with("Error: integration_api_key is incorrect: PropelAuth rejected"),
        "{stderr}"
    );
    assert!(!stderr.contains("InvalidApiKey"), "{stderr}");
    assert!(!stderr.contains("the-wrong-key"), "{stderr}");

    let stderr = refused(&[("PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS", "soon")]);
    assert!(
        stderr.starts_with(
            "Error: invalid PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS=\"soon\": expected a whole \
             number of seconds"
        ),
        "{stderr}"
    );

    let output = command(binary).env("PORT", "http").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("Error: invalid listen address PORT=http"),
        "{stderr}"
    );
}

#[cfg(test)]
mod tests {
    /// docs/examples.md's "Variables" table names exactly the variables the servers read
    /// (and this harness clears), so the users' page cannot drift from the servers.
    #[test]
    fn the_variables_table_lists_what_the_servers_read() {
        let page = include_str!("../../../docs/examples.md");
        let table = page
            .split("## Variables")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .expect("docs/examples.md has a Variables section");
        let mut documented: Vec<&str> = table
            .lines()
            .filter_map(|line| line.strip_prefix("| `"))
            .flat_map(|cell| cell.split('|').next())
            .flat_map(|names| names.split('`'))
            .map(str::trim)
            .filter(|name| !name.is_empty() && *name != ",")
            .collect();
        documented.sort_unstable();
        let mut read = super::VARIABLES.to_vec();
        read.sort_unstable();
        assert_eq!(documented, read);
    }
}
