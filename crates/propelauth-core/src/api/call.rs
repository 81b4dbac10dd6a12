//! One backend call: how the request is built and how the answer's status is read.
//!
//! Every call of the `api` modules is written with these pieces, so the wire rules of
//! backend-api-wire.md live in one place: the path prefix, `Content-Type` only with a body,
//! `true`/`false` query booleans, the 401/429/400/426 answers common to every call.

use std::collections::BTreeMap;
use std::fmt::Display;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::error::{ApiError, BadRequest, RateLimit};
use crate::backend::BackendConnection;

/// Prefix of every backend API path.
pub(crate) const API_PREFIX: &str = "/api/backend/v1";

/// Longest body excerpt kept in an error.
const ERROR_BODY_CHARS: usize = 512;

/// HTTP methods the backend API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

/// A request to send: method, path under [`API_PREFIX`], query, optional JSON body.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Option<Value>,
}

impl Call {
    pub(crate) fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
        }
    }

    pub(crate) fn get(path: impl Into<String>) -> Self {
        Self::new(Method::Get, path)
    }

    pub(crate) fn post(path: impl Into<String>) -> Self {
        Self::new(Method::Post, path)
    }

    pub(crate) fn put(path: impl Into<String>) -> Self {
        Self::new(Method::Put, path)
    }

    pub(crate) fn patch(path: impl Into<String>) -> Self {
        Self::new(Method::Patch, path)
    }

    pub(crate) fn delete(path: impl Into<String>) -> Self {
        Self::new(Method::Delete, path)
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

    /// Sets the JSON body.
    pub(crate) fn json(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
}

/// A path segment, percent-encoded so that an id can never change the path.
pub(crate) fn segment(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// A JSON object built field by field, for bodies whose unset options are left out.
#[derive(Debug, Default)]
pub(crate) struct Body(Map<String, Value>);

impl Body {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Always sends `name`.
    pub(crate) fn field(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.0.insert(name.to_owned(), value.into());
        self
    }

    /// Sends `name` when set (any set value, `false`, `0` and `""` included).
    pub(crate) fn field_opt<T: Into<Value>>(self, name: &str, value: Option<T>) -> Self {
        match value {
            Some(value) => self.field(name, value),
            None => self,
        }
    }

    /// Sends `name` unless it is falsy (unset, `false`, `0`, `""`, `{}`, `[]`), as the
    /// end-user API key calls do.
    pub(crate) fn field_truthy<T: Into<Value>>(self, name: &str, value: Option<T>) -> Self {
        match value.map(Into::into) {
            Some(value) if is_truthy(&value) => self.field(name, value),
            _ => self,
        }
    }

    pub(crate) fn build(self) -> Value {
        Value::Object(self.0)
    }
}

/// Python's truthiness, which decides what the reference library leaves out.
pub(crate) fn is_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(flag) => *flag,
        Value::Number(number) => number.as_f64().is_some_and(|number| number != 0.0),
        Value::String(text) => !text.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(fields) => !fields.is_empty(),
    }
}

/// An answer whose status is not one of the common errors (401, 429, 400, 426).
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: String,
}

impl Answer {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as `T`.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        serde_json::from_str(&self.body)
            .map_err(|error| ApiError::MalformedResponse(error.to_string()))
    }

    /// The error for a status this call does not expect.
    pub(crate) fn unexpected(self) -> ApiError {
        ApiError::UnexpectedStatus {
            status: self.status,
            body: excerpt(&self.body),
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
        match self.status {
            404 => Ok(None),
            _ => self.into_json().map(Some),
        }
    }

    /// 2xx → `true`; 404 → `false`; anything else → unexpected status.
    pub(crate) fn into_found(self) -> Result<bool, ApiError> {
        match self.status {
            200..=299 => Ok(true),
            404 => Ok(false),
            _ => Err(self.unexpected()),
        }
    }
}

fn excerpt(body: &str) -> String {
    body.chars().take(ERROR_BODY_CHARS).collect()
}

/// The field errors of a JSON 400 body: `{"field": ["message", ...]}` or `{"field": "message"}`.
pub(crate) fn field_errors(body: &str) -> BTreeMap<String, Vec<String>> {
    let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(body) else {
        return BTreeMap::new();
    };
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
    RateLimit {
        text: excerpt(body),
        wait_seconds: json.get("wait_seconds").and_then(Value::as_f64),
        user_facing_error: text("user_facing_error"),
        error_code: text("error_code"),
    }
}

impl BackendConnection {
    /// Sends `call` and turns the statuses every call shares into errors: 401 (checked first),
    /// 429, 400 and 426. Every other status comes back as an [`Answer`].
    pub(crate) fn send(&self, call: Call) -> Result<Answer, ApiError> {
        let url = self.url(&format!("{API_PREFIX}{}", call.path));
        let response = self
            .request(call.method, &url, &call.query, call.body.as_ref())
            .map_err(|source| ApiError::Network {
                url: url.clone(),
                source: Box::new(source),
            })?;
        match response.status {
            401 => Err(ApiError::InvalidApiKey),
            429 => Err(ApiError::RateLimited(rate_limit(&response.body))),
            400 => Err(ApiError::BadRequest(BadRequest {
                field_errors: field_errors(&response.body),
                body: excerpt(&response.body),
            })),
            426 => Err(ApiError::B2bNotEnabled),
            status => Ok(Answer {
                status,
                body: response.body,
            }),
        }
    }
}
