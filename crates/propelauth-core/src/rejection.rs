//! The framework-neutral description of a rejected request. Adapters copy it into their
//! framework's response type and add nothing, so every framework answers the same bytes.

use std::borrow::Cow;

/// `WWW-Authenticate` value when no bearer token was sent (RFC 6750 §3).
pub const WWW_AUTHENTICATE_BEARER: &str = "Bearer";
/// `WWW-Authenticate` value when a bearer token was sent but is not valid (RFC 6750 §3.1).
pub const WWW_AUTHENTICATE_INVALID_TOKEN: &str = r#"Bearer error="invalid_token""#;

/// A response to send instead of running the handler.
///
/// Every rejection has a JSON body (content type [`Rejection::CONTENT_TYPE`]) of the form
/// `{"detail": "..."}`.
///
/// ```
/// let rejection = propelauth_core::Rejection::missing_setup(
///     "PropelAuth is not installed: add `.layer(Extension(auth))` to your router",
/// );
/// assert_eq!(rejection.status, 500);
/// assert!(rejection.body.contains("Extension(auth)"));
/// assert_eq!(rejection.www_authenticate, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// HTTP status: 401, 403 or 500.
    pub status: u16,
    /// JSON body, `{"detail": "..."}`.
    pub body: Cow<'static, str>,
    /// Value of the `WWW-Authenticate` header, when one must be sent (401 only).
    pub www_authenticate: Option<&'static str>,
}

impl Rejection {
    /// Content type of every rejection body.
    pub const CONTENT_TYPE: &'static str = "application/json";
    /// Body of a 401 outside debug mode.
    pub const UNAUTHORIZED_BODY: &'static str = r#"{"detail":"Unauthorized"}"#;
    /// Body of a 403 outside debug mode.
    pub const FORBIDDEN_BODY: &'static str = r#"{"detail":"Forbidden"}"#;

    /// A 500 for an application that uses an extractor without installing the auth handle.
    /// `message` should name the missing setup step.
    pub fn missing_setup(message: &str) -> Self {
        Self {
            status: 500,
            body: detail_body(message).into(),
            www_authenticate: None,
        }
    }
}

/// `{"detail": message}` as compact JSON, with `message` escaped.
///
/// ```
/// assert_eq!(propelauth_core::detail_body("a \"quote\""), r#"{"detail":"a \"quote\""}"#);
/// ```
pub fn detail_body(message: &str) -> String {
    let escaped = serde_json::Value::String(message.to_owned());
    format!(r#"{{"detail":{escaped}}}"#)
}
