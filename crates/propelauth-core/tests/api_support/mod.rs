//! Shared harness of the backend API tests: a stand-in, an auth handle pointed at it, and
//! checks of the exact request sent and of the answers every call shares.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Debug;
use std::time::Duration;

use propelauth_core::api::ApiError;
use propelauth_core::{Auth, AuthOptions};
use propelauth_testing::{CannedResponse, RecordedRequest, StandIn};
use serde_json::{Value, json};

/// Prefix of every backend API path.
pub const API: &str = "/api/backend/v1";

/// A stand-in and an auth handle that talks to it (2 s timeout; the timeout check uses its
/// own 100 ms handle).
pub struct Harness {
    pub stand_in: StandIn,
    pub auth: Auth,
}

impl Harness {
    pub fn new() -> Self {
        let stand_in = StandIn::start().unwrap();
        let auth = AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
            .backend_base_url(stand_in.base_url())
            .timeout(Duration::from_secs(2))
            .init()
            .unwrap();
        stand_in.clear_requests();
        Self { stand_in, auth }
    }

    /// The one request made since the last call of this method (or since start).
    pub fn only_request(&self) -> RecordedRequest {
        let mut requests = self.stand_in.requests();
        self.stand_in.clear_requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request: {requests:#?}"
        );
        requests.remove(0)
    }

    /// Asserts that nothing was sent.
    pub fn assert_no_request(&self) {
        assert!(
            self.stand_in.requests().is_empty(),
            "{:#?}",
            self.stand_in.requests()
        );
    }

    /// Makes every `method path` (path under the API prefix) answer `response`.
    pub fn respond(&self, method: &str, path: &str, response: CannedResponse) {
        self.stand_in
            .respond(method, &format!("{API}{path}"), response);
    }

    pub fn clear(&self) {
        self.stand_in.clear_overrides();
        self.stand_in.clear_requests();
    }
}

/// What a call must have put on the wire.
pub struct Expected<'a> {
    pub method: &'a str,
    /// Under the API prefix.
    pub path: &'a str,
    /// Every query parameter, in any order.
    pub query: &'a [(&'a str, &'a str)],
    /// The exact JSON body, or `None` for a bodiless request.
    pub body: Option<Value>,
}

/// Checks method, path, query, body, the two auth headers, and `Content-Type` exactly when
/// there is a body.
pub fn assert_request(harness: &Harness, request: &RecordedRequest, expected: &Expected<'_>) {
    assert_eq!(
        request.method, expected.method,
        "method of {}",
        request.path
    );
    assert_eq!(request.path, format!("{API}{}", expected.path));
    let mut query: Vec<(String, String)> = request.query.clone();
    query.sort();
    let mut wanted: Vec<(String, String)> = expected
        .query
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    wanted.sort();
    assert_eq!(query, wanted, "query of {}", request.path);
    let api_key = format!("Bearer {}", harness.stand_in.api_key());
    assert_eq!(request.header("authorization"), Some(api_key.as_str()));
    assert_eq!(
        request.header("x-propelauth-url"),
        Some(harness.stand_in.tenant_host())
    );
    match &expected.body {
        Some(body) => {
            assert_eq!(
                request.json.as_ref(),
                Some(body),
                "body of {}",
                request.path
            );
            assert_eq!(request.header("content-type"), Some("application/json"));
        }
        None => {
            assert!(
                request.body.is_empty(),
                "unexpected body {:?}",
                request.body
            );
            assert_eq!(
                request.header("content-type"),
                None,
                "Content-Type without a body"
            );
        }
    }
}

/// The answers every call shares: 400 with field errors, 401, 426, 429, 500, a timeout.
pub fn assert_common_errors<T: Debug>(
    harness: &Harness,
    method: &str,
    path: &str,
    call: impl Fn(&Auth) -> Result<T, ApiError>,
) {
    let answer = |response: CannedResponse| {
        harness.clear();
        harness.respond(method, path, response);
        call(&harness.auth)
    };
    let error = answer(CannedResponse::json(
        400,
        &json!({"email": ["is invalid"], "name": "too long"}),
    ));
    match error {
        Err(ApiError::BadRequest(bad)) => {
            assert_eq!(bad.field_errors["email"], ["is invalid"]);
            assert_eq!(bad.field_errors["name"], ["too long"]);
        }
        other => panic!("400 on {path}: {other:?}"),
    }
    assert!(
        matches!(answer(CannedResponse::text(400, "plain")), Err(ApiError::BadRequest(bad)) if bad.body == "plain")
    );
    assert!(
        matches!(
            answer(CannedResponse::text(401, "no")),
            Err(ApiError::InvalidApiKey)
        ),
        "401 on {path}"
    );
    assert!(
        matches!(
            answer(CannedResponse::text(426, "b2b")),
            Err(ApiError::B2bNotEnabled)
        ),
        "426 on {path}"
    );
    match answer(CannedResponse::text(429, "slow down")) {
        Err(ApiError::RateLimited(limit)) => assert_eq!(limit.text, "slow down"),
        other => panic!("429 on {path}: {other:?}"),
    }
    match answer(CannedResponse::text(500, "boom")) {
        Err(ApiError::UnexpectedStatus { status: 500, body }) => assert_eq!(body, "boom"),
        other => panic!("500 on {path}: {other:?}"),
    }
    harness.clear();
    let slow = CannedResponse::json(200, &json!({})).with_delay(Duration::from_secs(2));
    harness.respond(method, path, slow);
    let impatient = AuthOptions::new(harness.stand_in.auth_url(), harness.stand_in.api_key())
        .backend_base_url(harness.stand_in.base_url())
        .timeout(Duration::from_millis(100))
        .metadata(propelauth_core::TokenVerificationMetadata::new(
            propelauth_testing::TEST_PUBLIC_KEY_PEM,
        ))
        .init()
        .unwrap();
    assert!(
        matches!(call(&impatient), Err(ApiError::Network { .. })),
        "timeout on {path}"
    );
    harness.clear();
}

/// A 200 whose body is not JSON is a malformed response (for calls that read the body).
pub fn assert_malformed_on_non_json<T: Debug>(
    harness: &Harness,
    method: &str,
    path: &str,
    call: impl Fn(&Auth) -> Result<T, ApiError>,
) {
    harness.clear();
    harness.respond(method, path, CannedResponse::text(200, "<html>oops</html>"));
    assert!(
        matches!(call(&harness.auth), Err(ApiError::MalformedResponse(_))),
        "non-JSON on {path}"
    );
    harness.clear();
}

/// A 404 answered with this JSON body.
pub fn not_found() -> CannedResponse {
    CannedResponse::json(404, &json!({"error": "not_found"}))
}
