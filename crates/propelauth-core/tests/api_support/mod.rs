//! Shared harness of the backend API tests: a stand-in, an auth handle pointed at it, the
//! check of the exact request a call sent, and the shape of the call table.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use propelauth_core::api::ApiError;
use propelauth_core::{Auth, AuthOptions, TokenVerificationMetadata};
use propelauth_testing::{CannedResponse, RecordedRequest, StandIn, TEST_PUBLIC_KEY_PEM};
use serde::Serialize;
use serde_json::{Value, json};

/// Prefix of every backend API path.
pub const API: &str = "/api/backend/v1";

/// A stand-in and an auth handle that talks to it (2 s timeout).
pub struct Harness {
    pub stand_in: StandIn,
    pub auth: Auth,
}

impl Harness {
    pub fn new() -> Self {
        let stand_in = StandIn::start().unwrap();
        let auth = options(&stand_in).init().unwrap();
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
    pub fn assert_no_request(&self, what: &str) {
        let requests = self.stand_in.requests();
        assert!(requests.is_empty(), "{what} sent {requests:#?}");
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

/// Options pointed at `stand_in` (2 s timeout, metadata given: no request at init).
pub fn options(stand_in: &StandIn) -> AuthOptions {
    AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
        .backend_base_url(stand_in.base_url())
        .timeout(Duration::from_secs(2))
        .metadata(TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM))
}

/// A call's answer, as JSON (`None` and `()` are `null`), or its error.
pub type Outcome = Result<Value, ApiError>;

/// `result` as an [`Outcome`].
pub fn out<T: Serialize>(result: Result<T, ApiError>) -> Outcome {
    result.map(|value| serde_json::to_value(value).unwrap())
}

/// What a call answers when the service says 404.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum On404 {
    /// `None`.
    Null,
    /// `false`.
    False,
    /// [`ApiError::NotFound`] naming this.
    NotFound(&'static str),
    /// [`ApiError::AccessTokenCreationNotEnabled`].
    AccessTokenCreationNotEnabled,
    /// [`ApiError::UnexpectedStatus`] 404.
    Unexpected,
}

impl On404 {
    pub fn check(self, name: &str, outcome: &Outcome) {
        let matched = match (self, outcome) {
            (Self::Null, Ok(Value::Null)) | (Self::False, Ok(Value::Bool(false))) => true,
            (Self::NotFound(what), Err(ApiError::NotFound(named))) => what == *named,
            (Self::AccessTokenCreationNotEnabled, Err(ApiError::AccessTokenCreationNotEnabled)) => {
                true
            }
            (Self::Unexpected, Err(ApiError::UnexpectedStatus { status: 404, .. })) => true,
            _ => false,
        };
        assert!(matched, "404 on {name}: expected {self:?}, got {outcome:?}");
    }
}

/// What a call answers, without a request, for an id that cannot exist.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    Value(Value),
    NotFound(&'static str),
    UserNotFound,
}

impl Expect {
    pub fn check(&self, name: &str, id: &str, outcome: &Outcome) {
        let matched = match (self, outcome) {
            (Self::Value(expected), Ok(value)) => expected == value,
            (Self::NotFound(what), Err(ApiError::NotFound(named))) => what == named,
            (Self::UserNotFound, Err(ApiError::UserNotFound)) => true,
            _ => false,
        };
        assert!(
            matched,
            "{name}({id:?}): expected {self:?}, got {outcome:?}"
        );
    }
}

/// A call with an id that cannot exist.
pub struct Invalid {
    pub ids: &'static [&'static str],
    pub call: fn(&Auth, &str) -> Outcome,
    pub expect: Expect,
}

/// One row of the call table: a call with realistic arguments, the exact request it must
/// send, a check of its parsed answer to the stand-in's realistic body, its 404 rule, and the
/// ids it must refuse without a request.
pub struct Row {
    pub name: &'static str,
    pub call: fn(&Auth) -> Outcome,
    pub method: &'static str,
    /// Under the API prefix.
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    /// The exact JSON body, or `None` for a bodiless request.
    pub body: Option<Value>,
    pub answer: fn(&Value),
    pub on_404: On404,
    pub invalid: Vec<Invalid>,
}

/// A row for `call`; the builder methods fill in the rest.
pub fn row(name: &'static str, call: fn(&Auth) -> Outcome) -> Row {
    Row {
        name,
        call,
        method: "GET",
        path: String::new(),
        query: Vec::new(),
        body: None,
        answer: |_| {},
        on_404: On404::Unexpected,
        invalid: Vec::new(),
    }
}

impl Row {
    fn request(mut self, method: &'static str, path: impl Into<String>) -> Self {
        self.method = method;
        self.path = path.into();
        self
    }

    pub fn get(self, path: impl Into<String>) -> Self {
        self.request("GET", path)
    }

    pub fn post(self, path: impl Into<String>) -> Self {
        self.request("POST", path)
    }

    pub fn put(self, path: impl Into<String>) -> Self {
        self.request("PUT", path)
    }

    pub fn patch(self, path: impl Into<String>) -> Self {
        self.request("PATCH", path)
    }

    pub fn delete(self, path: impl Into<String>) -> Self {
        self.request("DELETE", path)
    }

    pub fn query(mut self, pairs: &[(&'static str, &str)]) -> Self {
        self.query = pairs
            .iter()
            .map(|(name, value)| (*name, (*value).to_owned()))
            .collect();
        self
    }

    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    pub fn answer(mut self, check: fn(&Value)) -> Self {
        self.answer = check;
        self
    }

    /// The answer is `true` (a boolean mutation); a 404 is `false`.
    pub fn found(self) -> Self {
        self.answer(|value| assert_eq!(value, &json!(true)))
            .on_404(On404::False)
    }

    pub fn on_404(mut self, rule: On404) -> Self {
        self.on_404 = rule;
        self
    }

    pub fn invalid(
        mut self,
        ids: &'static [&'static str],
        call: fn(&Auth, &str) -> Outcome,
        expect: Expect,
    ) -> Self {
        self.invalid.push(Invalid { ids, call, expect });
        self
    }

    /// Checks method, path, query, body, the two auth headers, and `Content-Type` exactly
    /// when there is a body.
    pub fn assert_request(&self, harness: &Harness, request: &RecordedRequest) {
        let name = self.name;
        assert_eq!(request.method, self.method, "method of {name}");
        assert_eq!(
            request.path,
            format!("{API}{}", self.path),
            "path of {name}"
        );
        let mut query = request.query.clone();
        query.sort();
        let mut wanted: Vec<(String, String)> = self
            .query
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone()))
            .collect();
        wanted.sort();
        assert_eq!(query, wanted, "query of {name}");
        let api_key = format!("Bearer {}", harness.stand_in.api_key());
        assert_eq!(
            request.header("authorization"),
            Some(api_key.as_str()),
            "{name}"
        );
        assert_eq!(
            request.header("x-propelauth-url"),
            Some(harness.stand_in.tenant_host()),
            "{name}"
        );
        match &self.body {
            Some(body) => {
                assert_eq!(request.json.as_ref(), Some(body), "body of {name}");
                assert_eq!(
                    request.header("content-type"),
                    Some("application/json"),
                    "{name}"
                );
            }
            None => {
                assert!(
                    request.body.is_empty(),
                    "{name} sent a body: {:?}",
                    request.body
                );
                assert_eq!(
                    request.header("content-type"),
                    None,
                    "{name}: Content-Type without a body"
                );
            }
        }
    }
}

/// A 404 answered with this JSON body.
pub fn not_found() -> CannedResponse {
    CannedResponse::json(404, &json!({"error": "not_found"}))
}
