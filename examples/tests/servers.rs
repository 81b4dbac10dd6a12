//! Runs the example server binaries as a newcomer would (development mode, no
//! configuration), reads what they print, and follows their instructions over real HTTP.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running example server; killed on drop.
struct Server {
    child: Child,
    base_url: String,
    banner: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `binary` on an OS-chosen port and waits for its "listening on" line.
fn start(binary: &str) -> Server {
    let mut command = Command::new(binary);
    for name in [
        "PROPELAUTH_AUTH_URL",
        "PROPELAUTH_API_KEY",
        "PROPELAUTH_API_BASE_URL",
        "PROPELAUTH_DEBUG",
    ] {
        command.env_remove(name);
    }
    let child = command
        .env("HOST", "127.0.0.1")
        .env("PORT", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    // From here on the child is killed and reaped on drop, whatever happens.
    let mut server = Server {
        child,
        base_url: String::new(),
        banner: String::new(),
    };
    let stdout = server.child.stdout.take().unwrap();
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        // Keep draining after the test stops listening, so the server never writes into a
        // closed pipe.
        for line in BufReader::new(stdout).lines() {
            let _ = lines.send(line.unwrap_or_default());
        }
    });
    loop {
        let line = received
            .recv_timeout(Duration::from_secs(30))
            .expect("the server printed its address");
        server.banner.push_str(&line);
        server.banner.push('\n');
        if let Some((_, address)) = line.split_once(" listening on ") {
            server.base_url = address.trim().to_owned();
            return server;
        }
    }
}

fn exported(banner: &str, variable: &str) -> String {
    let prefix = format!("export {variable}=");
    banner
        .lines()
        .find_map(|line| line.trim().strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {prefix} line in:\n{banner}"))
        .to_owned()
}

fn get(server: &Server, path: &str, token: Option<&str>) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let mut request = agent.get(format!("{}{path}", server.base_url));
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let mut response = request.call().unwrap();
    (
        response.status().as_u16(),
        response.body_mut().read_to_string().unwrap(),
    )
}

fn check_development_mode(binary: &str) {
    let server = start(binary);
    let banner = &server.banner;
    assert!(banner.starts_with("DEVELOPMENT MODE"), "{banner}");
    assert!(banner.contains("Never use this in production"), "{banner}");
    for route in [
        "/healthz",
        "/api/whoami",
        "/api/whoami_optional",
        "/check",
        "/admin_or_owner",
        "/admin_only",
        "/billing",
        "/billing_and_reports",
    ] {
        assert!(
            banner
                .lines()
                .any(|line| line.contains("curl -i") && line.contains(route)),
            "no curl line for {route}"
        );
    }
    assert!(banner.contains(&format!("curl -i {}/healthz", server.base_url)));

    let owner = exported(banner, "OWNER");
    let member = exported(banner, "MEMBER");
    assert_eq!(get(&server, "/healthz", None), (200, "ok".to_owned()));
    assert_eq!(get(&server, "/api/whoami", None).0, 401);
    let (status, body) = get(&server, "/api/whoami", Some(&owner));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("owner@acme.test"), "{body}");
    let billing = format!("/api/org/{}/billing", propelauth_examples::SAMPLE_ORG_ID);
    assert_eq!(
        get(&server, &billing, Some(&member)),
        (403, r#"{"detail":"Forbidden"}"#.to_owned())
    );
    assert_eq!(get(&server, &billing, Some(&owner)).0, 200);
}

/// The API docs over real HTTP, as a browser would open them: `/docs` (following redirects)
/// is Swagger UI's HTML page, `/openapi.json` the document with the PropelAuth bearer scheme,
/// and a sample token sent as the Authorize button sends it gets a 200.
fn check_api_docs(binary: &str) {
    let server = start(binary);
    let docs = format!("API docs: {}/docs", server.base_url);
    assert!(server.banner.contains(&docs), "{}", server.banner);
    let (status, page) = get(&server, "/docs", None);
    assert_eq!(status, 200, "{page}");
    assert!(page.to_lowercase().contains("swagger"), "{page}");
    let (status, document) = get(&server, "/openapi.json", None);
    assert_eq!(status, 200, "{document}");
    let document: serde_json::Value = serde_json::from_str(&document).unwrap();
    let scheme = &document["components"]["securitySchemes"]["propelauth"];
    assert_eq!(scheme["scheme"], "bearer", "{document}");
    assert_eq!(
        document["paths"]["/api/whoami"]["get"]["security"],
        serde_json::json!([{ "propelauth": [] }])
    );
    let owner = exported(&server.banner, "OWNER");
    assert_eq!(get(&server, "/api/whoami", Some(&owner)).0, 200);
}

#[test]
fn the_axum_example_runs_in_development_mode() {
    check_development_mode(env!("CARGO_BIN_EXE_axum"));
}

#[test]
fn the_actix_example_runs_in_development_mode() {
    check_development_mode(env!("CARGO_BIN_EXE_actix"));
}

#[test]
fn the_rocket_example_runs_in_development_mode() {
    check_development_mode(env!("CARGO_BIN_EXE_rocket"));
}

#[test]
fn the_poem_example_runs_in_development_mode() {
    check_development_mode(env!("CARGO_BIN_EXE_poem"));
}

#[test]
fn the_axum_example_serves_api_docs() {
    check_api_docs(env!("CARGO_BIN_EXE_axum"));
}

#[test]
fn the_actix_example_serves_api_docs() {
    check_api_docs(env!("CARGO_BIN_EXE_actix"));
}

#[test]
fn the_poem_example_serves_api_docs() {
    check_api_docs(env!("CARGO_BIN_EXE_poem"));
}

#[test]
fn the_rocket_example_serves_api_docs() {
    check_api_docs(env!("CARGO_BIN_EXE_rocket"));
}

#[test]
fn a_bad_port_is_reported() {
    let output = Command::new(env!("CARGO_BIN_EXE_axum"))
        .env("PORT", "http")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("PORT=http"));
}
