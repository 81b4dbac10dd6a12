//! One backend API call: its request (method, path template with encoded ids, query, JSON
//! body) and the reading of its answer's status.
//!
//! Every call of the `api` modules is written with these pieces, so the rules shared by all
//! calls live here: the path prefix, ids that can never change the path, `true`/`false` query
//! booleans, JSON bodies from `Serialize` structs, and the statuses every call answers alike
//! (401, 429, 400, 426; 3xx and any other status the call does not expect are unexpected).

use std::collections::BTreeMap;
use std::fmt::Display;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::answer;
use super::error::{ApiError, BadRequest, RateLimit};
use crate::Auth;
use crate::backend::{self, Method, Request, Response, SharedRefusal};

/// The path template of a backend API call: `route!("/user/{user_id}")` is
/// `"/api/backend/v1/user/{user_id}"`.
macro_rules! route {
    ($template:literal) => {
        concat!("/api/backend/v1", $template)
    };
}
pub(crate) use route;

/// A request to send.
#[derive(Debug)]
pub(crate) struct Call {
    method: Method,
    route: &'static str,
    path: String,
    query: Vec<(&'static str, String)>,
    json: Option<Result<Vec<u8>, String>>,
    /// An id was empty, `.` or `..`: no request is sent, the call reads a 404.
    unroutable: bool,
}

impl Call {
    /// `method route`, each `{name}` of the template replaced, in order, by the next of
    /// `ids`, percent-encoded. An empty, `.` or `..` id names nothing: the call is answered
    /// as the service answers for a missing object (404), without a request.
    pub(crate) fn new(method: Method, route: &'static str, ids: &[&str]) -> Self {
        let mut ids = ids.iter();
        let mut unroutable = false;
        let path = route
            .split('/')
            .map(|part| {
                if part.starts_with('{') && part.ends_with('}') {
                    let id = ids.next().copied().unwrap_or_default();
                    unroutable |= matches!(id, "" | "." | "..");
                    segment(id)
                } else {
                    part.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        debug_assert!(
            ids.next().is_none(),
            "more ids than placeholders in {route}"
        );
        Self {
            method,
            route,
            path,
            query: Vec::new(),
            json: None,
            unroutable,
        }
    }

    pub(crate) fn get(route: &'static str, ids: &[&str]) -> Self {
        Self::new(Method::Get, route, ids)
    }

    pub(crate) fn post(route: &'static str, ids: &[&str]) -> Self {
        Self::new(Method::Post, route, ids)
    }

    pub(crate) fn put(route: &'static str, ids: &[&str]) -> Self {
        Self::new(Method::Put, route, ids)
    }

    pub(crate) fn patch(route: &'static str, ids: &[&str]) -> Self {
        Self::new(Method::Patch, route, ids)
    }

    pub(crate) fn delete(route: &'static str, ids: &[&str]) -> Self {
        Self::new(Method::Delete, route, ids)
    }

    /// Adds a query parameter (booleans render as `true`/`false`).
    pub(crate) fn query(mut self, name: &'static str, value: impl Display) -> Self {
        self.query.push((name, value.to_string()));
        self
    }

    /// Adds a query parameter when `value` is set.
    pub(crate) fn query_opt(self, name: &'static str, value: Option<impl Display>) -> Self {
        match value {
            Some(value) => self.query(name, value),
            None => self,
        }
    }

    /// Adds a query parameter unless `value` is unset or falsy (`""`, `0`), the rule of the
    /// end-user API key calls.
    pub(crate) fn query_truthy<T: Display + Falsy>(
        self,
        name: &'static str,
        value: Option<T>,
    ) -> Self {
        self.query_opt(name, value.filter(|value| !value.is_falsy()))
    }

    /// Sets the JSON body.
    pub(crate) fn json(mut self, body: &impl Serialize) -> Self {
        self.json = Some(serde_json::to_vec(body).map_err(|error| error.to_string()));
        self
    }
}

/// A path segment, percent-encoded except for RFC 3986's unreserved characters.
fn segment(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// Values the end-user API key calls leave out of bodies and queries when falsy, as the
/// reference library does (Python's truthiness: `""`, `0`, `false`, `{}`, `[]`).
pub(crate) trait Falsy {
    fn is_falsy(&self) -> bool;
}

impl Falsy for bool {
    fn is_falsy(&self) -> bool {
        !*self
    }
}

impl Falsy for str {
    fn is_falsy(&self) -> bool {
        self.is_empty()
    }
}

impl Falsy for String {
    fn is_falsy(&self) -> bool {
        self.is_empty()
    }
}

impl Falsy for i64 {
    fn is_falsy(&self) -> bool {
        *self == 0
    }
}

impl Falsy for u64 {
    fn is_falsy(&self) -> bool {
        *self == 0
    }
}

impl Falsy for serde_json::Map<String, Value> {
    fn is_falsy(&self) -> bool {
        self.is_empty()
    }
}

impl<T: Falsy> Falsy for Option<T> {
    fn is_falsy(&self) -> bool {
        self.as_ref().is_none_or(Falsy::is_falsy)
    }
}

impl<T: Falsy + ?Sized> Falsy for &T {
    fn is_falsy(&self) -> bool {
        (**self).is_falsy()
    }
}

/// For `#[serde(skip_serializing_if = "falsy")]`.
pub(crate) fn falsy<T: Falsy>(value: &T) -> bool {
    value.is_falsy()
}

/// An answer whose status is not one of the shared refusals.
#[derive(Debug)]
pub(crate) struct Answer {
    response: Response,
}

impl Answer {
    /// A 404 that no request produced (an id that names nothing).
    fn local_not_found() -> Self {
        Self {
            response: Response {
                status: 404,
                body: String::new(),
                complete: true,
            },
        }
    }

    pub(crate) fn status(&self) -> u16 {
        self.response.status
    }

    pub(crate) fn is_success(&self) -> bool {
        self.response.is_success()
    }

    pub(crate) fn body(&self) -> &str {
        &self.response.body
    }

    /// The body as `T` (bounded, required ids checked: see [`answer::parse`]).
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        if !self.response.complete {
            return Err(ApiError::MalformedResponse(format!(
                "the answer is larger than {} bytes",
                backend::MAX_RESPONSE_BYTES
            )));
        }
        answer::parse(&self.response.body)
    }

    /// The error for a status this call does not expect.
    pub(crate) fn unexpected(&self) -> ApiError {
        ApiError::UnexpectedStatus {
            status: self.response.status,
            body: self.response.excerpt(),
        }
    }

    /// The shared refusals (401 first, 429, 400, 426) as errors; any other answer as is.
    pub(crate) fn refuse_shared(self) -> Result<Self, ApiError> {
        let response = &self.response;
        match response.shared_refusal() {
            None => Ok(self),
            Some(SharedRefusal::InvalidApiKey) => Err(ApiError::InvalidApiKey),
            Some(SharedRefusal::RateLimited) => {
                Err(ApiError::RateLimited(rate_limit(&response.body)))
            }
            Some(SharedRefusal::BadRequest) => Err(ApiError::BadRequest(BadRequest::new(
                field_errors(&response.body),
                response.excerpt(),
            ))),
            Some(SharedRefusal::B2bNotEnabled) => Err(ApiError::B2bNotEnabled),
        }
    }

    /// 2xx → the body as `T`; anything else → unexpected status.
    pub(crate) fn into_json<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        if self.is_success() {
            self.json()
        } else {
            Err(self.unexpected())
        }
    }

    /// 2xx → `Some(T)`; 404 → `None`; anything else → unexpected status.
    pub(crate) fn into_optional<T: DeserializeOwned>(self) -> Result<Option<T>, ApiError> {
        match self.status() {
            404 => Ok(None),
            _ => self.into_json().map(Some),
        }
    }

    /// 2xx → `true`; 404 → `false`; anything else → unexpected status.
    pub(crate) fn into_found(self) -> Result<bool, ApiError> {
        match self.status() {
            200..=299 => Ok(true),
            404 => Ok(false),
            _ => Err(self.unexpected()),
        }
    }

    /// 2xx → done (the body is not read); anything else → unexpected status.
    pub(crate) fn into_done(self) -> Result<(), ApiError> {
        if self.is_success() {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    /// 404 → [`ApiError::NotFound`] naming `what`; any other answer as is.
    pub(crate) fn not_found_is_error(self, what: &'static str) -> Result<Self, ApiError> {
        if self.status() == 404 {
            Err(ApiError::NotFound(what))
        } else {
            Ok(self)
        }
    }
}

impl Auth {
    /// Sends `call`, the shared refusals turned into errors.
    pub(crate) fn send(&self, call: Call) -> Result<Answer, ApiError> {
        self.exchange(call)?.refuse_shared()
    }

    /// Sends `call`; only a failed transport is an error (step-up MFA reads refusals
    /// itself).
    pub(crate) fn exchange(&self, call: Call) -> Result<Answer, ApiError> {
        if call.unroutable {
            return Ok(Answer::local_not_found());
        }
        let json = match &call.json {
            Some(Ok(bytes)) => Some(bytes.as_slice()),
            Some(Err(error)) => return Err(ApiError::InvalidRequest(error.clone())),
            None => None,
        };
        let request = Request {
            method: call.method,
            route: call.route,
            path: &call.path,
            query: &call.query,
            json,
        };
        let backend = self.backend();
        backend
            .send(&request)
            .map(|response| Answer { response })
            .map_err(|source| ApiError::Network {
                url: backend.url(&call.path),
                source,
            })
    }

    /// A mutation addressed by an id that must be a UUID: `false` without a request
    /// otherwise, `true` on 2xx, `false` on 404.
    pub(crate) fn checked_mutation(
        &self,
        id: &str,
        call: impl FnOnce() -> Call,
    ) -> Result<bool, ApiError> {
        if !super::is_uuid(id) {
            return Ok(false);
        }
        self.send(call())?.into_found()
    }
}

/// The field errors of a JSON 400 body: `{"field": ["message", ...]}` or `{"field": "message"}`.
pub(crate) fn field_errors(body: &str) -> BTreeMap<String, Vec<String>> {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(fields)) => object_field_errors(fields),
        _ => BTreeMap::new(),
    }
}

/// The field errors of a JSON object.
pub(crate) fn object_field_errors(
    fields: serde_json::Map<String, Value>,
) -> BTreeMap<String, Vec<String>> {
    fields
        .into_iter()
        .map(|(field, messages)| {
            let messages = match messages {
                Value::Array(items) => items.iter().map(message_text).collect(),
                other => vec![message_text(&other)],
            };
            (field, messages)
        })
        .collect()
}

fn message_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The details of a 429 body: `wait_seconds`, `user_facing_error`, `error_code` when JSON.
fn rate_limit(body: &str) -> RateLimit {
    let json = serde_json::from_str::<Value>(body).unwrap_or(Value::Null);
    let text = |name: &str| json.get(name).and_then(Value::as_str).map(str::to_owned);
    RateLimit::new(
        backend::excerpt(body),
        json.get("wait_seconds").and_then(Value::as_f64),
        text("user_facing_error"),
        text("error_code"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_encoded_and_unroutable_ids_are_flagged() {
        let call = Call::get(
            route!("/user/{user_id}/{provider}/fresh_token"),
            &["a b/c?d", "x%y"],
        );
        assert_eq!(
            call.path,
            "/api/backend/v1/user/a%20b%2Fc%3Fd/x%25y/fresh_token"
        );
        assert_eq!(
            call.route,
            "/api/backend/v1/user/{user_id}/{provider}/fresh_token"
        );
        assert!(!call.unroutable);
        for id in ["", ".", ".."] {
            assert!(
                Call::get(route!("/user/{user_id}/mfa"), &[id]).unroutable,
                "{id:?}"
            );
        }
        assert!(!Call::get(route!("/user/{user_id}/mfa"), &["..."]).unroutable);
        assert_eq!(
            Call::get(route!("/user/{user_id}"), &["é~-._"]).path,
            "/api/backend/v1/user/%C3%A9~-._"
        );
    }

    #[test]
    fn falsy_follows_python_truthiness() {
        assert!(falsy(&None::<String>));
        assert!(falsy(&Some(String::new())));
        assert!(falsy(&Some(0_i64)));
        assert!(falsy(&false));
        assert!(falsy(&Some(serde_json::Map::new())));
        assert!(!falsy(&Some("x")));
        assert!(!falsy(&Some(-1_i64)));
        assert!(!falsy(&true));
    }

    #[test]
    fn field_errors_read_lists_and_lone_strings() {
        let errors = field_errors(r#"{"email":["is invalid","is taken"],"name":"too long","n":3}"#);
        assert_eq!(errors["email"], ["is invalid", "is taken"]);
        assert_eq!(errors["name"], ["too long"]);
        assert_eq!(errors["n"], ["3"]);
        assert!(field_errors("not json").is_empty());
        assert!(field_errors("[1]").is_empty());
    }
}
