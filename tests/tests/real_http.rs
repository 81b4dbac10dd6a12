//! The example apps of all four frameworks served over real TCP on 127.0.0.1, initialized
//! through `init_auth` against the stand-in, called with a real HTTP client.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{SocketAddr, TcpListener};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use actix_web::{App, HttpServer, web};
use propelauth_core::{Auth, AuthOptions};
use propelauth_example_actix as actix_app;
use propelauth_example_axum as axum_app;
use propelauth_testing::StandIn;
use propelauth_testing::samples::{
    ACME_ORG_ID, MEMBER_USER_ID, OWNER_USER_ID, member_token, no_org_token, owner_token,
};

/// A server running on its own thread; stopped and joined on drop.
struct Running {
    address: SocketAddr,
    stop: Option<Box<dyn FnOnce() + Send>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop();
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn loopback_listener() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    (listener, address)
}

fn serve_axum(auth: Auth) -> Running {
    let (listener, address) = loopback_listener();
    listener.set_nonblocking(true).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let router = axum_app::router(propelauth_axum::PropelAuth::from(auth));
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
    });
    Running {
        address,
        stop: Some(Box::new(move || {
            let _ = stop.send(());
        })),
        thread: Some(thread),
    }
}

fn serve_actix(auth: Auth) -> Running {
    let (listener, address) = loopback_listener();
    let (handle_sender, handle_receiver) = mpsc::channel();
    let auth = web::Data::new(propelauth_actix::PropelAuth::from(auth));
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                App::new()
                    .app_data(auth.clone())
                    .configure(actix_app::routes)
            })
            .workers(1)
            .disable_signals()
            .listen(listener)
            .unwrap()
            .run();
            handle_sender.send(server.handle()).unwrap();
            server.await.unwrap();
        });
    });
    let handle = handle_receiver
        .recv_timeout(Duration::from_secs(10))
        .unwrap();
    Running {
        address,
        stop: Some(Box::new(move || {
            stop_actix(handle);
        })),
        thread: Some(thread),
    }
}

/// Stops an actix server from outside its runtime.
fn stop_actix(handle: actix_web::dev::ServerHandle) {
    let stop = handle.stop(true);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(stop);
}

fn serve_rocket(auth: Auth) -> Running {
    let (port_sender, port_receiver) = mpsc::channel();
    let quiet_on_any_port = rocket::Config::figment()
        .merge(("log_level", rocket::config::LogLevel::Off))
        .merge(("address", "127.0.0.1"))
        .merge(("port", 0))
        .merge(("shutdown.ctrlc", false))
        .merge(("shutdown.grace", 0))
        .merge(("shutdown.mercy", 0));
    let rocket = propelauth_example_rocket::app(
        rocket::custom(quiet_on_any_port),
        propelauth_rocket::PropelAuth::from(auth),
    )
    .attach(rocket::fairing::AdHoc::on_liftoff(
        "report port",
        move |rocket| {
            Box::pin(async move {
                let _ = port_sender.send((rocket.config().port, rocket.shutdown()));
            })
        },
    ));
    let thread = std::thread::spawn(move || {
        let _ = rocket::execute(rocket.launch());
    });
    let (port, shutdown) = port_receiver.recv_timeout(Duration::from_secs(30)).unwrap();
    Running {
        address: SocketAddr::from(([127, 0, 0, 1], port)),
        stop: Some(Box::new(move || shutdown.notify())),
        thread: Some(thread),
    }
}

fn serve_poem(auth: Auth) -> Running {
    use poem::listener::{Acceptor, Listener};
    let (address_sender, address_receiver) = mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let acceptor = poem::listener::TcpListener::bind("127.0.0.1:0")
                .into_acceptor()
                .await
                .unwrap();
            let address = acceptor.local_addr()[0].as_socket_addr().copied().unwrap();
            address_sender.send(address).unwrap();
            let app = propelauth_example_poem::app(propelauth_poem::PropelAuth::from(auth));
            poem::Server::new_with_acceptor(acceptor)
                .run_with_graceful_shutdown(
                    app,
                    async move {
                        let _ = stopped.await;
                    },
                    Some(Duration::from_secs(1)),
                )
                .await
                .unwrap();
        });
    });
    let address = address_receiver
        .recv_timeout(Duration::from_secs(10))
        .unwrap();
    Running {
        address,
        stop: Some(Box::new(move || {
            let _ = stop.send(());
        })),
        thread: Some(thread),
    }
}

fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

struct Answer {
    status: u16,
    www_authenticate: Option<String>,
    body: String,
}

fn get(address: SocketAddr, path: &str, token: &str) -> Answer {
    let mut response = client()
        .get(format!("http://{address}{path}"))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    Answer {
        status: response.status().as_u16(),
        www_authenticate: response
            .headers()
            .get("www-authenticate")
            .map(|value| value.to_str().unwrap().to_owned()),
        body: response.body_mut().read_to_string().unwrap(),
    }
}

fn check_over_http(server: &Running) {
    let valid = get(server.address, "/api/whoami", &owner_token().sign());
    assert_eq!(valid.status, 200, "{}", valid.body);
    let user: serde_json::Value = serde_json::from_str(&valid.body).unwrap();
    assert_eq!(user["user_id"], OWNER_USER_ID);

    let expired = get(
        server.address,
        "/api/whoami",
        &owner_token().expires_in(-3600).sign(),
    );
    assert_eq!(expired.status, 401);
    assert_eq!(
        expired.www_authenticate.as_deref(),
        Some(r#"Bearer error="invalid_token""#)
    );
    assert_eq!(expired.body, r#"{"detail":"Unauthorized"}"#);

    let billing = format!("/api/org/{ACME_ORG_ID}/billing");
    let forbidden = get(server.address, &billing, &member_token().sign());
    assert_eq!(forbidden.status, 403);
    assert_eq!(forbidden.www_authenticate, None);
    assert_eq!(forbidden.body, r#"{"detail":"Forbidden"}"#);
}

/// `GET /api/org/{org_id}/users`: a member gets the org's users from the backend API (the
/// stand-in's answer); a non-member is refused before any backend call; a failing backend
/// is a 502 that does not leak the error.
fn check_org_users(server: &Running, stand_in: &StandIn) {
    stand_in.clear_requests();
    let path = format!("/api/org/{ACME_ORG_ID}/users");
    let answer = get(server.address, &path, &member_token().sign());
    assert_eq!(answer.status, 200, "{}", answer.body);
    let page: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["user_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [OWNER_USER_ID, MEMBER_USER_ID]);
    let requests = stand_in.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].path,
        format!("/api/backend/v1/user/org/{ACME_ORG_ID}")
    );

    stand_in.clear_requests();
    let outsider = get(server.address, &path, &no_org_token().sign());
    assert_eq!(
        (outsider.status, outsider.body.as_str()),
        (403, r#"{"detail":"Forbidden"}"#)
    );
    assert!(
        stand_in.requests().is_empty(),
        "no backend call for a non-member"
    );

    let backend = format!("/api/backend/v1/user/org/{ACME_ORG_ID}");
    stand_in.respond(
        "GET",
        &backend,
        propelauth_testing::CannedResponse::text(500, "secret detail"),
    );
    let failed = get(server.address, &path, &member_token().sign());
    assert_eq!(failed.status, 502);
    assert!(!failed.body.contains("secret detail"), "{}", failed.body);
    stand_in.clear_overrides();
}

fn auth_from_stand_in(stand_in: &StandIn) -> Auth {
    AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
        .backend_base_url(stand_in.base_url())
        .init()
        .unwrap()
}

#[test]
fn axum_example_over_real_http() {
    let stand_in = StandIn::start().unwrap();
    let server = serve_axum(auth_from_stand_in(&stand_in));
    check_over_http(&server);
    check_org_users(&server, &stand_in);
}

#[test]
fn actix_example_over_real_http() {
    let stand_in = StandIn::start().unwrap();
    let server = serve_actix(auth_from_stand_in(&stand_in));
    check_over_http(&server);
    check_org_users(&server, &stand_in);
}

#[test]
fn rocket_example_over_real_http() {
    let stand_in = StandIn::start().unwrap();
    let server = serve_rocket(auth_from_stand_in(&stand_in));
    check_over_http(&server);
    check_org_users(&server, &stand_in);
}

#[test]
fn poem_example_over_real_http() {
    let stand_in = StandIn::start().unwrap();
    let server = serve_poem(auth_from_stand_in(&stand_in));
    check_over_http(&server);
    check_org_users(&server, &stand_in);
}

/// What a server answered, as far as the contract fixes it: status, every `WWW-Authenticate`
/// value, content type and body bytes (`Date`, `Server` and framing headers differ by
/// framework and are left out).
#[derive(Debug, Clone, PartialEq, Eq)]
struct RawAnswer {
    status: u16,
    www_authenticate: Vec<Vec<u8>>,
    content_type: Option<Vec<u8>>,
    body: Vec<u8>,
}

/// `GET path` over a fresh TCP connection, with one `Authorization` header per entry of
/// `authorization` (raw bytes, in that order), and `Connection: close`. HTTP clients refuse
/// to send bytes that are not visible ASCII, so the request is written by hand.
fn raw_get(address: SocketAddr, path: &str, authorization: &[&[u8]]) -> RawAnswer {
    use std::io::{Read, Write};
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\n").into_bytes();
    for value in authorization {
        request.extend_from_slice(b"Authorization: ");
        request.extend_from_slice(value);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"Connection: close\r\n\r\n");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(&request).unwrap();
    let mut response = Vec::new();
    stream.take(1 << 20).read_to_end(&mut response).unwrap();
    parse_response(&response)
}

fn parse_response(response: &[u8]) -> RawAnswer {
    let head_end = response
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of head in {:?}", String::from_utf8_lossy(response)));
    let head = std::str::from_utf8(&response[..head_end]).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap();
    let headers: Vec<(String, &str)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.to_ascii_lowercase(), value.trim())
        })
        .collect();
    let values = |wanted: &str| -> Vec<Vec<u8>> {
        headers
            .iter()
            .filter(|(name, _)| name == wanted)
            .map(|(_, value)| value.as_bytes().to_vec())
            .collect()
    };
    let mut body = response[head_end + 4..].to_vec();
    if values("transfer-encoding")
        .iter()
        .any(|value| value == b"chunked")
    {
        body = dechunk(&body);
    }
    RawAnswer {
        status: status.parse().unwrap(),
        www_authenticate: values("www-authenticate"),
        content_type: values("content-type").into_iter().next(),
        body,
    }
}

fn dechunk(mut chunked: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = chunked.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = std::str::from_utf8(&chunked[..line_end]).unwrap();
        let size = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return body;
        }
        let start = line_end + 2;
        body.extend_from_slice(&chunked[start..start + size]);
        chunked = &chunked[start + size + 2..];
    }
}

/// The four example servers around one auth handle configuration.
fn four_servers(stand_in: &StandIn, debug: bool) -> Vec<(&'static str, Running)> {
    let auth = || {
        AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
            .backend_base_url(stand_in.base_url())
            .debug(debug)
            .init()
            .unwrap()
    };
    vec![
        ("axum", serve_axum(auth())),
        ("actix", serve_actix(auth())),
        ("rocket", serve_rocket(auth())),
        ("poem", serve_poem(auth())),
    ]
}

fn unauthorized(detail: &str, www_authenticate: &str) -> RawAnswer {
    RawAnswer {
        status: 401,
        www_authenticate: vec![www_authenticate.as_bytes().to_vec()],
        content_type: Some(b"application/json".to_vec()),
        body: propelauth_core::detail_body(detail).into_bytes(),
    }
}

/// Answers of the four servers to one request, compared with the first (axum): identical
/// bytes, except the content type of 200s (poem's `Json` adds a charset).
fn answers_agree(servers: &[(&str, Running)], headers: &[&[u8]], what: &str) -> RawAnswer {
    let comparable = |answer: &RawAnswer| {
        let mut answer = answer.clone();
        if answer.status == 200 {
            answer.content_type = None;
        }
        answer
    };
    let mut answers = servers
        .iter()
        .map(|(framework, server)| (*framework, raw_get(server.address, "/api/whoami", headers)));
    let (_, first) = answers.next().unwrap();
    for (framework, answer) in answers {
        assert_eq!(
            comparable(&answer),
            comparable(&first),
            "{what}: {framework} differs from axum"
        );
    }
    first
}

/// Two `Authorization` headers: every framework reads the first value, as core's contract
/// says, and a first value that is not visible ASCII makes the request malformed. Over real
/// TCP, because HTTP clients and in-process test clients refuse such bytes.
#[test]
fn duplicate_authorization_headers_answer_the_same_bytes_over_real_tcp() {
    let stand_in = StandIn::start().unwrap();
    let valid = format!("Bearer {}", owner_token().sign()).into_bytes();
    for debug in [false, true] {
        let servers = four_servers(&stand_in, debug);
        let malformed = if debug {
            unauthorized(
                "Invalid authorization header. Expected: Bearer {accessToken}",
                "Bearer",
            )
        } else {
            unauthorized("Unauthorized", "Bearer")
        };
        for (name, headers) in [
            (
                "first value UTF-8 but not ASCII",
                [&b"Bearer t\xc3\xa9"[..], &valid],
            ),
            ("first value another scheme", [b"Token abc", &valid]),
            ("first value not a token", [b"Bearer abc", &valid]),
        ] {
            let what = format!("{name} (debug: {debug})");
            let answer = answers_agree(&servers, &headers, &what);
            if name == "first value not a token" {
                assert_eq!(answer.status, 401, "{what}: {answer:?}");
                assert_eq!(
                    answer.www_authenticate,
                    [br#"Bearer error="invalid_token""#.to_vec()]
                );
            } else {
                assert_eq!(answer, malformed, "{what}");
            }
        }
        let what = format!("first value valid, second not UTF-8 (debug: {debug})");
        let answer = answers_agree(&servers, &[&valid, b"Bearer \xff"], &what);
        assert_eq!(answer.status, 200, "{what}: {answer:?}");
        let user: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(user["user_id"], OWNER_USER_ID);

        // A first value that is not UTF-8: axum, actix-web and poem see it (malformed).
        // Rocket 0.5 drops such a value while it builds its request, before any fairing or
        // guard runs, and keeps no raw headers, so the adapter cannot see it: Rocket judges
        // the request by the next value (docs/rocket.md, "Header bytes"). This pins that
        // known difference; when Rocket keeps raw header bytes, the adapter must read them
        // and this becomes the same check as above.
        let not_utf8: [&[u8]; 2] = [b"Bearer \xff", &valid];
        let (others, rocket): (Vec<_>, Vec<_>) = servers
            .into_iter()
            .partition(|(framework, _)| *framework != "rocket");
        let what = format!("first value not UTF-8 (debug: {debug})");
        assert_eq!(
            answers_agree(&others, &not_utf8, &what),
            malformed,
            "{what}"
        );
        let rocket_sees = answers_agree(&rocket, &not_utf8[1..], &what);
        assert_eq!(
            answers_agree(&rocket, &not_utf8, &what),
            rocket_sees,
            "{what}"
        );
        // Alone, such a value is a 401 everywhere; outside debug mode the bytes are the same
        // (Rocket counts the header as missing, the others as malformed).
        let what = format!("only value not UTF-8 (debug: {debug})");
        let alone = answers_agree(&others, &not_utf8[..1], &what);
        let rocket_alone = answers_agree(&rocket, &not_utf8[..1], &what);
        assert_eq!(alone, malformed, "{what}");
        if debug {
            assert_eq!(
                rocket_alone,
                unauthorized("No authorization header found", "Bearer"),
                "{what}"
            );
        } else {
            assert_eq!(rocket_alone, alone, "{what}");
        }
    }
}
