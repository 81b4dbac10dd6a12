//! The bare hyper example beyond the shared table: what a custom server must do itself (404,
//! 405, percent-decoded path parameters), its route group, personal API keys checked without
//! blocking (and their 429 with `Retry-After`), and the 502 of a failed backend call. Over
//! loopback, through the example's own accept loop.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use hyper::Method;
use propelauth_conformance::hyper_driver::{HyperDriver, RawResponse};
use propelauth_conformance::{Driver, test_auth};
use propelauth_core::{AuthOptions, TokenVerificationMetadata};
use propelauth_testing::samples::{ACME_ORG_ID, OWNER_USER_ID, PERSONAL_API_KEY, owner_token};
use propelauth_testing::{CannedResponse, StandIn, TEST_PUBLIC_KEY_PEM};
use serde_json::{Value, json};

fn header<'a>(response: &'a RawResponse, name: &str) -> Option<&'a str> {
    response
        .headers
        .get(name)
        .map(|value| value.to_str().unwrap())
}

fn body(response: &RawResponse) -> &str {
    std::str::from_utf8(&response.body).unwrap()
}

fn get(driver: &mut HyperDriver, path: &str, authorization: Option<&str>) -> RawResponse {
    let headers: Vec<(&str, &[u8])> = authorization
        .map(|value| ("authorization", value.as_bytes()))
        .into_iter()
        .collect();
    driver.send(Method::GET, path, &headers)
}

/// A driver whose handle talks to `stand_in`, with personal API keys accepted.
fn accepting_api_keys(stand_in: &StandIn, debug: bool) -> HyperDriver {
    let auth = AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
        .backend_base_url(stand_in.base_url())
        .metadata(TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM))
        .timeout(Duration::from_secs(2))
        .accept_personal_api_keys(true)
        .debug(debug)
        .init()
        .unwrap();
    HyperDriver::new(auth)
}

#[test]
fn unknown_paths_are_404_and_other_methods_405() {
    let mut driver = HyperDriver::new(test_auth(false));
    let owner = format!("Bearer {}", owner_token().sign());
    for path in [
        "/",
        "/nope",
        "/api/whoami/",
        "/api/org//check",
        "/api/org/x/unknown",
        "/api/org/x/check/more",
        "/api/group/other",
    ] {
        let response = get(&mut driver, path, Some(&owner));
        assert_eq!((response.status, body(&response)), (404, ""), "{path}");
    }
    let response = driver.send(Method::POST, "/api/whoami", &[]);
    assert_eq!(response.status, 405);
    assert_eq!(header(&response, "allow"), Some("GET"));
}

#[test]
fn the_org_id_is_percent_decoded() {
    let mut driver = HyperDriver::new(test_auth(false));
    let owner = format!("Bearer {}", owner_token().sign());
    let encoded: String = ACME_ORG_ID.bytes().map(|b| format!("%{b:02X}")).collect();
    let response = get(
        &mut driver,
        &format!("/api/org/{encoded}/check"),
        Some(&owner),
    );
    assert_eq!(response.status, 200, "{}", body(&response));
    let member: Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(member["org_id"], ACME_ORG_ID);
    // Not UTF-8 once decoded: refused before any check.
    let response = get(&mut driver, "/api/org/%FF/check", Some(&owner));
    assert_eq!(response.status, 400, "{}", body(&response));
}

#[test]
fn the_route_group_requires_a_user() {
    let mut driver = HyperDriver::new(test_auth(false));
    let response = get(&mut driver, "/api/group/ping", None);
    assert_eq!(response.status, 401);
    assert_eq!(header(&response, "www-authenticate"), Some("Bearer"));
    assert_eq!(body(&response), r#"{"detail":"Unauthorized"}"#);
    let owner = format!("Bearer {}", owner_token().sign());
    let response = get(&mut driver, "/api/group/ping", Some(&owner));
    assert_eq!((response.status, body(&response)), (200, "pong"));
}

#[test]
fn personal_api_keys_and_their_rate_limit() {
    let stand_in = StandIn::start().unwrap();
    let mut driver = accepting_api_keys(&stand_in, false);
    let key = format!("Bearer {PERSONAL_API_KEY}");
    let response = get(&mut driver, "/api/whoami", Some(&key));
    assert_eq!(response.status, 200, "{}", body(&response));
    let user: Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(user["user_id"], OWNER_USER_ID);

    let other = StandIn::start().unwrap();
    let mut driver = accepting_api_keys(&other, false);
    other.respond_once(
        "POST",
        "/api/backend/v1/end_user_api_keys/validate",
        CannedResponse::json(429, &json!({"wait_seconds": 12.5})),
    );
    let response = get(&mut driver, "/api/whoami", Some(&key));
    assert_eq!(response.status, 429);
    assert_eq!(header(&response, "retry-after"), Some("13"));
    assert_eq!(header(&response, "content-type"), Some("application/json"));
    assert_eq!(header(&response, "www-authenticate"), None);
    assert_eq!(body(&response), r#"{"detail":"Too Many Requests"}"#);
}

#[test]
fn a_failed_backend_call_is_a_502_without_its_text() {
    let stand_in = StandIn::start().unwrap();
    let mut driver = accepting_api_keys(&stand_in, true);
    stand_in.respond_once(
        "GET",
        &format!("/api/backend/v1/user/org/{ACME_ORG_ID}"),
        CannedResponse::text(500, "secret internal failure"),
    );
    let owner = format!("Bearer {}", owner_token().sign());
    let path = format!("/api/org/{ACME_ORG_ID}/users");
    let response = get(&mut driver, &path, Some(&owner));
    assert_eq!(response.status, 502);
    assert_eq!(header(&response, "content-type"), Some("application/json"));
    assert_eq!(
        body(&response),
        r#"{"detail":"The call to PropelAuth's backend API failed"}"#
    );
    // The next call reaches the stand-in's own answer: the sample org's users.
    let response = get(&mut driver, &path, Some(&owner));
    assert_eq!(response.status, 200, "{}", body(&response));
    let page: Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(page["total"], 2);
}
