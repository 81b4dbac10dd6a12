//! The framework-neutral description of a rejected request, and how each error renders
//! into it. Adapters copy it into their framework's response type and add nothing, so every
//! framework answers the same bytes.

use std::borrow::Cow;

use crate::error::{
    AuthError, ForbiddenError, SERVICE_UNAVAILABLE_MESSAGE, ServiceUnavailableError,
    TooManyRequestsError, UnauthorizedError,
};

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
///
/// Core builds every rejection ([`UnauthorizedError::rejection`],
/// [`ForbiddenError::rejection`], [`AuthError::rejection`], [`Rejection::missing_setup`],
/// [`Rejection::with_detail`]); adapters read its fields. Fields may be added, so it cannot
/// be built with a struct literal outside core, and patterns on it need `..`:
///
/// ```compile_fail
/// let rejection = propelauth_core::Rejection {
///     status: 401,
///     body: "{}".into(),
///     www_authenticate: None,
/// };
/// ```
///
/// ```
/// # let rejection = propelauth_core::Rejection::with_detail(401, "Unauthorized");
/// let propelauth_core::Rejection { status, body, .. } = rejection;
/// # assert_eq!((status, body.as_ref()), (401, r#"{"detail":"Unauthorized"}"#));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rejection {
    /// HTTP status: 401, 403, 429, 500 or 503 for PropelAuth's own rejections.
    pub status: u16,
    /// JSON body, `{"detail": "..."}`.
    pub body: Cow<'static, str>,
    /// Value of the `WWW-Authenticate` header, when one must be sent (401 only).
    pub www_authenticate: Option<&'static str>,
    /// Value of the `Retry-After` header in seconds, when one must be sent (a 429 for an API
    /// key over its rate limit, when PropelAuth said how long to wait).
    pub retry_after_secs: Option<u64>,
}

impl Rejection {
    /// Content type of every rejection body.
    pub const CONTENT_TYPE: &'static str = "application/json";
    /// Body of a 401 outside debug mode.
    pub const UNAUTHORIZED_BODY: &'static str = r#"{"detail":"Unauthorized"}"#;
    /// Body of a 403 outside debug mode.
    pub const FORBIDDEN_BODY: &'static str = r#"{"detail":"Forbidden"}"#;
    /// Body of a 429 outside debug mode.
    pub const TOO_MANY_REQUESTS_BODY: &'static str = r#"{"detail":"Too Many Requests"}"#;
    /// Body of a 503 outside debug mode.
    pub const SERVICE_UNAVAILABLE_BODY: &'static str = r#"{"detail":"Service Unavailable"}"#;

    /// A 500 for an application that uses an extractor without installing the auth handle.
    /// `message` should name the missing setup step.
    pub fn missing_setup(message: &str) -> Self {
        Self::with_detail(500, message)
    }

    /// Any status with body `{"detail": message}` and no `WWW-Authenticate`: for an
    /// adapter that must answer a status no PropelAuth check produced (for example a 401
    /// raised by another part of the app) in the same shape.
    ///
    /// ```
    /// let rejection = propelauth_core::Rejection::with_detail(401, "Unauthorized");
    /// assert_eq!(rejection.body, propelauth_core::Rejection::UNAUTHORIZED_BODY);
    /// assert_eq!(rejection.www_authenticate, None);
    /// ```
    pub fn with_detail(status: u16, message: &str) -> Self {
        Self {
            status,
            body: detail_body(message).into(),
            www_authenticate: None,
            retry_after_secs: None,
        }
    }

    /// Every header the response must carry, as (lower-case name, value) pairs in this
    /// order: `content-type` ([`CONTENT_TYPE`](Self::CONTENT_TYPE)), then `www-authenticate`
    /// and `retry-after` when the rejection has them. With [`status`](Self::status) and
    /// [`body`](Self::body) that is the whole response, so a server copies the three into its
    /// own response type and adds nothing (this is what the framework adapters do):
    ///
    /// ```
    /// # let auth = propelauth_testing::test_auth_options().init()?;
    /// let rejection = auth.validate_authorization_header(None).unwrap_err().rejection();
    /// let headers: Vec<_> = rejection.headers().collect();
    /// assert_eq!(rejection.status, 401);
    /// assert_eq!(
    ///     headers,
    ///     [("content-type", "application/json".into()), ("www-authenticate", "Bearer".into())]
    /// );
    /// assert_eq!(rejection.body, r#"{"detail":"Unauthorized"}"#);
    /// # Ok::<(), propelauth_core::InitError>(())
    /// ```
    ///
    /// The names are valid lower-case HTTP header names (as HTTP/2 requires) and the values
    /// visible ASCII, so `http::HeaderName::from_static` and `http::HeaderValue::from_str`
    /// accept them. The iterator owns its items: it does not borrow the rejection.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, Cow<'static, str>)> + use<> {
        let content_type = ("content-type", Cow::Borrowed(Self::CONTENT_TYPE));
        let www_authenticate = self
            .www_authenticate
            .map(|value| ("www-authenticate", Cow::Borrowed(value)));
        let retry_after = self
            .retry_after_secs
            .map(|seconds| ("retry-after", Cow::Owned(seconds.to_string())));
        [Some(content_type), www_authenticate, retry_after]
            .into_iter()
            .flatten()
    }
}

impl UnauthorizedError {
    /// The framework-neutral response: 401, `{"detail":"Unauthorized"}` (or the debug
    /// message) and the RFC 6750 `WWW-Authenticate` value.
    pub fn rejection(&self) -> Rejection {
        let reason = self.reason();
        let www_authenticate = if reason.token_was_sent() {
            WWW_AUTHENTICATE_INVALID_TOKEN
        } else {
            WWW_AUTHENTICATE_BEARER
        };
        let body = if self.exposes_detail() {
            detail_body(&reason.debug_message()).into()
        } else {
            Rejection::UNAUTHORIZED_BODY.into()
        };
        Rejection {
            status: self.status(),
            body,
            www_authenticate: Some(www_authenticate),
            retry_after_secs: None,
        }
    }
}

impl From<UnauthorizedError> for Rejection {
    fn from(error: UnauthorizedError) -> Self {
        error.rejection()
    }
}

impl ForbiddenError {
    /// The framework-neutral response: 403 with `{"detail":"Forbidden"}` (or the debug
    /// message) and no `WWW-Authenticate`.
    pub fn rejection(&self) -> Rejection {
        let body = if self.exposes_detail() {
            detail_body(&self.reason().to_string()).into()
        } else {
            Rejection::FORBIDDEN_BODY.into()
        };
        Rejection {
            status: self.status(),
            body,
            www_authenticate: None,
            retry_after_secs: None,
        }
    }
}

impl From<ForbiddenError> for Rejection {
    fn from(error: ForbiddenError) -> Self {
        error.rejection()
    }
}

impl ServiceUnavailableError {
    /// The framework-neutral response: 503 with `{"detail":"Service Unavailable"}` (in debug
    /// mode `Service Unavailable: <reason>`), no `WWW-Authenticate` (the credential was not
    /// found wrong) and no `Retry-After`.
    pub fn rejection(&self) -> Rejection {
        let body = if self.exposes_detail() {
            detail_body(&format!("{SERVICE_UNAVAILABLE_MESSAGE}: {}", self.reason())).into()
        } else {
            Rejection::SERVICE_UNAVAILABLE_BODY.into()
        };
        Rejection {
            status: self.status(),
            body,
            www_authenticate: None,
            retry_after_secs: None,
        }
    }
}

impl From<ServiceUnavailableError> for Rejection {
    fn from(error: ServiceUnavailableError) -> Self {
        error.rejection()
    }
}

impl TooManyRequestsError {
    /// The framework-neutral response: 429 with `{"detail":"Too Many Requests"}` (in debug
    /// mode followed by PropelAuth's message for the key's holder), `Retry-After` when
    /// PropelAuth said how long to wait, no `WWW-Authenticate`.
    pub fn rejection(&self) -> Rejection {
        let body = if self.exposes_detail() {
            detail_body(&self.to_string()).into()
        } else {
            Rejection::TOO_MANY_REQUESTS_BODY.into()
        };
        Rejection {
            status: self.status(),
            body,
            www_authenticate: None,
            retry_after_secs: self.retry_after_secs(),
        }
    }
}

impl From<TooManyRequestsError> for Rejection {
    fn from(error: TooManyRequestsError) -> Self {
        error.rejection()
    }
}

impl AuthError {
    /// The framework-neutral response.
    pub fn rejection(&self) -> Rejection {
        match self {
            Self::Unauthorized(error) => error.rejection(),
            Self::Forbidden(error) => error.rejection(),
            Self::MissingSetup(message) => Rejection::missing_setup(message),
            Self::ServiceUnavailable(error) => error.rejection(),
            Self::TooManyRequests(error) => error.rejection(),
        }
    }
}

impl From<AuthError> for Rejection {
    fn from(error: AuthError) -> Self {
        error.rejection()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ForbiddenReason, TokenError, UnauthorizedReason};

    #[test]
    fn headers_are_content_type_then_the_optional_ones() {
        let names = |rejection: &Rejection| {
            rejection
                .headers()
                .map(|(name, value)| format!("{name}: {value}"))
                .collect::<Vec<_>>()
        };
        let forbidden = ForbiddenError::new(ForbiddenReason::MissingRole, false).rejection();
        assert_eq!(names(&forbidden), ["content-type: application/json"]);
        let invalid =
            UnauthorizedError::new(UnauthorizedReason::InvalidToken(TokenError::Expired), false)
                .rejection();
        assert_eq!(
            names(&invalid),
            [
                "content-type: application/json",
                r#"www-authenticate: Bearer error="invalid_token""#
            ]
        );
        let limited = TooManyRequestsError::new(Some(13), None, false).rejection();
        assert_eq!(
            names(&limited),
            ["content-type: application/json", "retry-after: 13"]
        );
        let without_wait = TooManyRequestsError::new(None, None, false).rejection();
        assert_eq!(names(&without_wait), ["content-type: application/json"]);
        for rejection in [forbidden, invalid, limited] {
            for (name, value) in rejection.headers() {
                assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'));
                assert!(value.bytes().all(|b| b.is_ascii_graphic() || b == b' '));
            }
        }
    }

    #[test]
    fn status_is_the_rendered_status_without_rendering() {
        let errors = [
            AuthError::from(UnauthorizedError::new(
                UnauthorizedReason::MissingHeader,
                false,
            )),
            AuthError::from(UnauthorizedError::new(
                UnauthorizedReason::InvalidToken(TokenError::Expired),
                true,
            )),
            AuthError::from(ForbiddenError::new(ForbiddenReason::MissingRole, false)),
            AuthError::MissingSetup("install the handle"),
            AuthError::from(ServiceUnavailableError::new(
                crate::error::ServiceUnavailableReason::UnexpectedStatus(502),
                true,
            )),
            AuthError::from(TooManyRequestsError::new(Some(3), None, false)),
        ];
        let statuses: Vec<u16> = errors.iter().map(AuthError::status).collect();
        assert_eq!(statuses, [401, 401, 403, 500, 503, 429]);
        for error in &errors {
            assert_eq!(error.status(), error.rejection().status, "{error:?}");
            if let AuthError::Unauthorized(unauthorized) = error {
                assert_eq!(unauthorized.status(), unauthorized.rejection().status);
            }
            if let AuthError::Forbidden(forbidden) = error {
                assert_eq!(forbidden.status(), forbidden.rejection().status);
            }
        }
    }
}
