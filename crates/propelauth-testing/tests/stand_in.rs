//! End-to-end tests of the stand-in over real TCP connections.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use propelauth_testing::{CannedResponse, MetadataShape, StandIn};
use propelauth_testing::{TEST_API_KEY, TEST_AUTH_URL, TEST_PUBLIC_KEY_PEM};
use serde_json::{Value, json};

const METADATA_PATH: &str = "/api/v1/token_verification_metadata";

type Headers = Vec<(String, String)>;

/// Sends `raw` over a fresh connection and returns (status, headers, body).
fn http(addr: SocketAddr, raw: &str) -> (u16, Headers, String) {
    try_http(addr, raw).expect("HTTP exchange failed")
}

fn try_http(addr: SocketAddr, raw: &str) -> io::Result<(u16, Headers, String)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    stream.write_all(raw.as_bytes())?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    parse_response(&String::from_utf8_lossy(&response))
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "malformed HTTP response"))
}

fn parse_response(text: &str) -> Option<(u16, Headers, String)> {
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    Some((status, headers, body.to_owned()))
}

/// A complete HTTP/1.1 request that asks the server to close the connection afterwards.
fn request(method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut raw = format!("{method} {target} HTTP/1.1\r\nHost: stand-in\r\nConnection: close\r\n");
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    raw
}

fn get(stand_in: &StandIn, path: &str, headers: &[(&str, &str)]) -> (u16, Headers, String) {
    http(stand_in.addr(), &request("GET", path, headers, ""))
}

fn get_metadata(stand_in: &StandIn, api_key: Option<&str>, tenant: &str) -> (u16, Value) {
    let bearer = api_key.map(|key| format!("Bearer {key}"));
    let mut headers = vec![("X-Propelauth-url", tenant)];
    if let Some(bearer) = &bearer {
        headers.push(("Authorization", bearer));
    }
    let (status, _, body) = get(stand_in, METADATA_PATH, &headers);
    (status, serde_json::from_str(&body).expect("JSON body"))
}

fn header<'a>(headers: &'a Headers, name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

#[test]
fn defaults_come_from_the_test_constants() {
    let stand_in = StandIn::start().unwrap();
    assert_eq!(stand_in.api_key(), TEST_API_KEY);
    assert_eq!(stand_in.auth_url(), TEST_AUTH_URL);
    assert_eq!(stand_in.tenant_host(), "auth.propelauth.test");
    assert_eq!(stand_in.base_url(), format!("http://{}", stand_in.addr()));
    assert!(stand_in.addr().ip().is_loopback());
}

#[test]
fn metadata_with_right_key_and_tenant_returns_the_pem() {
    let stand_in = StandIn::start().unwrap();
    let (status, body) = get_metadata(&stand_in, Some(TEST_API_KEY), stand_in.tenant_host());
    assert_eq!(status, 200);
    // By default both names of the PEM, and a field the libraries do not read.
    assert_eq!(
        body,
        json!({
            "verifier_key_pem": TEST_PUBLIC_KEY_PEM,
            "public_key_pem": TEST_PUBLIC_KEY_PEM,
            "roles": ["Owner", "Admin", "Member"],
        })
    );
}

#[test]
fn metadata_shape_chooses_the_names_of_the_pem() {
    for (shape, verifier, public) in [
        (MetadataShape::VerifierKeyPem, true, false),
        (MetadataShape::PublicKeyPem, false, true),
        (MetadataShape::BothKeys, true, true),
    ] {
        let stand_in = StandIn::builder().metadata_shape(shape).start().unwrap();
        let (status, body) = get_metadata(&stand_in, Some(TEST_API_KEY), stand_in.tenant_host());
        assert_eq!(status, 200);
        let pem = Some(&json!(TEST_PUBLIC_KEY_PEM));
        assert_eq!(
            body.get("verifier_key_pem") == pem,
            verifier,
            "{shape:?}: {body}"
        );
        assert_eq!(
            body.get("public_key_pem") == pem,
            public,
            "{shape:?}: {body}"
        );
        assert!(body.get("roles").is_some(), "{shape:?}: {body}");
    }
}

#[test]
fn metadata_is_json() {
    let stand_in = StandIn::start().unwrap();
    let bearer = format!("Bearer {TEST_API_KEY}");
    let headers = [
        ("Authorization", bearer.as_str()),
        ("X-Propelauth-url", "auth.propelauth.test"),
    ];
    let (_, response_headers, _) = get(&stand_in, METADATA_PATH, &headers);
    assert_eq!(
        header(&response_headers, "content-type"),
        Some("application/json")
    );
}

#[test]
fn metadata_with_wrong_key_is_unauthorized() {
    let stand_in = StandIn::start().unwrap();
    let (status, body) = get_metadata(&stand_in, Some("wrong-key"), stand_in.tenant_host());
    assert_eq!((status, body), (401, json!({ "error": "unauthorized" })));
}

#[test]
fn metadata_without_key_is_unauthorized() {
    let stand_in = StandIn::start().unwrap();
    let (status, body) = get_metadata(&stand_in, None, stand_in.tenant_host());
    assert_eq!((status, body), (401, json!({ "error": "unauthorized" })));
}

#[test]
fn metadata_for_another_tenant_is_not_found() {
    let stand_in = StandIn::start().unwrap();
    let (status, body) = get_metadata(&stand_in, Some(TEST_API_KEY), "other.propelauth.test");
    assert_eq!((status, body), (404, json!({ "error": "not_found" })));
}

#[test]
fn builder_settings_are_used() {
    let stand_in = StandIn::builder()
        .api_key("custom-key")
        .auth_url("http://localhost:3000")
        .verifier_key_pem("custom pem")
        .metadata_shape(MetadataShape::VerifierKeyPem)
        .start()
        .unwrap();
    assert_eq!(stand_in.tenant_host(), "localhost:3000");
    let (status, body) = get_metadata(&stand_in, Some("custom-key"), "localhost:3000");
    assert_eq!(
        (status, body),
        (
            200,
            json!({ "verifier_key_pem": "custom pem", "roles": ["Owner", "Admin", "Member"] })
        )
    );
}

#[test]
fn unknown_path_is_not_found() {
    let stand_in = StandIn::start().unwrap();
    let (status, _, body) = get(&stand_in, "/api/v1/nope", &[]);
    assert_eq!(status, 404);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({ "error": "not_found" })
    );
}

#[test]
fn respond_overrides_every_matching_request() {
    let stand_in = StandIn::start().unwrap();
    stand_in.respond("GET", METADATA_PATH, CannedResponse::text(500, "boom"));
    for _ in 0..2 {
        let (status, headers, body) = get(&stand_in, &format!("{METADATA_PATH}?x=1"), &[]);
        assert_eq!((status, body.as_str()), (500, "boom"));
        assert_eq!(
            header(&headers, "content-type"),
            Some("text/plain; charset=utf-8")
        );
    }
    let (status, _, _) = http(stand_in.addr(), &request("POST", METADATA_PATH, &[], ""));
    assert_eq!(status, 404, "other methods are not overridden");
}

#[test]
fn respond_once_applies_once_in_fifo_order() {
    let stand_in = StandIn::start().unwrap();
    stand_in.respond_once(
        "GET",
        "/thing",
        CannedResponse::json(201, &json!({ "n": 1 })),
    );
    stand_in.respond_once("GET", "/thing", CannedResponse::text(202, "second"));
    let statuses: Vec<u16> = (0..3).map(|_| get(&stand_in, "/thing", &[]).0).collect();
    assert_eq!(statuses, [201, 202, 404]);
}

#[test]
fn respond_once_takes_precedence_over_respond() {
    let stand_in = StandIn::start().unwrap();
    stand_in.respond("GET", "/thing", CannedResponse::text(500, "always"));
    stand_in.respond_once("GET", "/thing", CannedResponse::text(200, "once"));
    assert_eq!(get(&stand_in, "/thing", &[]).2, "once");
    assert_eq!(get(&stand_in, "/thing", &[]).2, "always");
}

#[test]
fn clear_overrides_restores_built_in_routes() {
    let stand_in = StandIn::start().unwrap();
    stand_in.respond("GET", "/thing", CannedResponse::text(500, "always"));
    stand_in.respond_once("GET", "/thing", CannedResponse::text(200, "once"));
    stand_in.clear_overrides();
    assert_eq!(get(&stand_in, "/thing", &[]).0, 404);
}

#[test]
fn delayed_response_does_not_block_other_requests() {
    let stand_in = StandIn::start().unwrap();
    let delay = Duration::from_millis(1500);
    stand_in.respond(
        "GET",
        "/slow",
        CannedResponse::text(200, "slow").with_delay(delay),
    );
    let addr = stand_in.addr();
    let started = Instant::now();
    let slow = thread::spawn(move || http(addr, &request("GET", "/slow", &[], "")));
    while stand_in.requests().is_empty() {
        thread::sleep(Duration::from_millis(10));
    }

    let fast_started = Instant::now();
    assert_eq!(get(&stand_in, "/fast", &[]).0, 404);
    assert!(fast_started.elapsed() < Duration::from_millis(500));

    let (status, _, body) = slow.join().unwrap();
    assert_eq!((status, body.as_str()), (200, "slow"));
    assert!(started.elapsed() >= delay);
}

#[test]
fn requests_are_recorded() {
    let stand_in = StandIn::start().unwrap();
    let raw = request(
        "POST",
        "/api/v1/things?a=1&b=x%20y",
        &[
            ("X-Custom-Header", "Value"),
            ("Content-Type", "application/json"),
        ],
        r#"{"hello":"world"}"#,
    );
    http(stand_in.addr(), &raw);

    let recorded = stand_in.requests();
    assert_eq!(recorded.len(), 1);
    let request = &recorded[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/api/v1/things");
    assert_eq!(
        request.query,
        [
            ("a".to_owned(), "1".to_owned()),
            ("b".to_owned(), "x y".to_owned())
        ]
    );
    assert_eq!(request.query_param("b"), Some("x y"));
    assert_eq!(request.query_param("c"), None);
    assert!(
        request
            .headers
            .iter()
            .any(|(name, value)| name == "x-custom-header" && value == "Value")
    );
    assert_eq!(request.header("X-CUSTOM-HEADER"), Some("Value"));
    assert_eq!(request.body, r#"{"hello":"world"}"#);
    assert_eq!(request.json, Some(json!({ "hello": "world" })));
}

#[test]
fn requests_are_kept_in_arrival_order_until_cleared() {
    let stand_in = StandIn::start().unwrap();
    get(&stand_in, "/first", &[]);
    get(&stand_in, "/second", &[]);
    let paths: Vec<String> = stand_in.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/first", "/second"]);
    assert_eq!(stand_in.requests()[0].json, None);

    stand_in.clear_requests();
    assert!(stand_in.requests().is_empty());
}

#[test]
fn oversized_body_is_rejected_but_recorded() {
    let stand_in = StandIn::start().unwrap();
    let body = "x".repeat(1024 * 1024 + 1);
    let (status, _, _) = http(stand_in.addr(), &request("POST", "/upload", &[], &body));
    assert_eq!(status, 413);
    let recorded = stand_in.requests();
    assert_eq!(recorded[0].body.len(), 1024 * 1024);
}

#[test]
fn malformed_body_gets_an_error_and_the_server_keeps_serving() {
    let stand_in = StandIn::start().unwrap();
    let raw = "POST /chunked HTTP/1.1\r\nHost: stand-in\r\nConnection: close\r\n\
               Transfer-Encoding: chunked\r\n\r\nnot-a-chunk-size\r\n\r\n";
    let (status, _, _) = http(stand_in.addr(), raw);
    assert_eq!(status, 400);
    assert_eq!(stand_in.requests()[0].path, "/chunked");
    assert_eq!(get(&stand_in, "/still-alive", &[]).0, 404);
}

#[test]
fn drop_is_prompt_while_a_delayed_request_is_in_flight() {
    let stand_in = StandIn::start().unwrap();
    let addr = stand_in.addr();
    let delay = Duration::from_secs(10);
    stand_in.respond(
        "GET",
        "/slow",
        CannedResponse::text(200, "slow").with_delay(delay),
    );
    // Detached: it only finishes once the delayed answer (or the read timeout) arrives.
    thread::spawn(move || try_http(addr, &request("GET", "/slow", &[], "")));
    while stand_in.requests().is_empty() {
        thread::sleep(Duration::from_millis(10));
    }

    let started = Instant::now();
    drop(stand_in);
    assert!(started.elapsed() < Duration::from_secs(1));

    // tiny_http closes the listener on its own thread right after the drop.
    let refused = (0..20).any(|_| {
        thread::sleep(Duration::from_millis(50));
        try_http(addr, &request("GET", "/after-drop", &[], "")).is_err()
    });
    assert!(refused, "the server still answers after being dropped");
}

#[test]
fn debug_output_hides_the_api_key() {
    let stand_in = StandIn::builder()
        .api_key("super-secret-key")
        .start()
        .unwrap();
    let debug = format!("{stand_in:?}");
    assert!(!debug.contains("super-secret-key"), "{debug}");
    assert!(debug.contains("<redacted>"), "{debug}");
    let builder = format!("{:?}", StandIn::builder().api_key("super-secret-key"));
    assert!(!builder.contains("super-secret-key"), "{builder}");
}
