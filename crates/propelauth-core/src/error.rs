//! The error types: why a request is unauthorized (401) or forbidden (403), and why
//! initialization failed.

use std::fmt;

use crate::rejection::{
    Rejection, WWW_AUTHENTICATE_BEARER, WWW_AUTHENTICATE_INVALID_TOKEN, detail_body,
};

/// Debug-mode message for a missing or empty `Authorization` header.
pub(crate) const NO_HEADER_MESSAGE: &str = "No authorization header found";
/// Debug-mode message for a header that is not `Bearer <token>`.
pub(crate) const MALFORMED_HEADER_MESSAGE: &str =
    "Invalid authorization header. Expected: Bearer {accessToken}";
/// Debug-mode message for a token that fails signature, time, issuer or claims checks.
pub(crate) const INVALID_TOKEN_MESSAGE: &str = "Invalid access token";
/// Debug-mode message for a valid token whose claims do not describe a user.
pub(crate) const INVALID_PAYLOAD_MESSAGE: &str = "Invalid payload in token";

/// Why a request carries no usable access token. Every variant answers 401.
///
/// The reason is kept for logs and debug mode; clients see `{"detail":"Unauthorized"}` unless
/// debug mode is on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnauthorizedReason {
    /// No `Authorization` header, or an empty one.
    MissingHeader,
    /// The header is not `Bearer <token>`: another scheme, no credentials, bytes that are not
    /// visible ASCII, or longer than [`MAX_AUTHORIZATION_HEADER_LEN`](crate::MAX_AUTHORIZATION_HEADER_LEN).
    MalformedHeader,
    /// A token was sent but failed signature, algorithm, time, issuer or claims checks.
    InvalidToken(TokenError),
    /// The token is authentic and current but its claims do not describe a user (no
    /// `user_id`, an org entry missing a required key, a claim of the wrong type).
    InvalidPayload(String),
}

impl UnauthorizedReason {
    /// Whether the client sent a bearer token (which then failed), as opposed to sending
    /// none. Decides between `WWW-Authenticate: Bearer` and `Bearer error="invalid_token"`.
    pub fn token_was_sent(&self) -> bool {
        matches!(self, Self::InvalidToken(_) | Self::InvalidPayload(_))
    }

    /// The message shown to clients in debug mode (behaviour.md §6).
    pub fn debug_message(&self) -> String {
        match self {
            Self::MissingHeader => NO_HEADER_MESSAGE.to_owned(),
            Self::MalformedHeader => MALFORMED_HEADER_MESSAGE.to_owned(),
            Self::InvalidToken(error) => format!("{INVALID_TOKEN_MESSAGE}: {error}"),
            Self::InvalidPayload(_) => INVALID_PAYLOAD_MESSAGE.to_owned(),
        }
    }
}

impl fmt::Display for UnauthorizedReason {
    /// The full reason, for logs. Never contains the token itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader => f.write_str(NO_HEADER_MESSAGE),
            Self::MalformedHeader => f.write_str(MALFORMED_HEADER_MESSAGE),
            Self::InvalidToken(error) => write!(f, "{INVALID_TOKEN_MESSAGE}: {error}"),
            Self::InvalidPayload(detail) => write!(f, "{INVALID_PAYLOAD_MESSAGE}: {detail}"),
        }
    }
}

/// Why a token failed validation. The messages never include the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Not three base64url segments separated by dots, or too long to be a token.
    #[error("not a JWT (expected three base64url segments)")]
    Malformed,
    /// The JOSE header is not a JSON object with a string `alg`.
    #[error("the token header is not valid JSON with an `alg`")]
    InvalidHeader,
    /// The header names an algorithm other than RS256.
    #[error("algorithm {0} is not accepted; only RS256 is")]
    UnsupportedAlgorithm(String),
    /// The RS256 signature does not verify with the project's public key.
    #[error("the signature does not match the project's public key")]
    InvalidSignature,
    /// The payload is not a JSON object, or `exp`, `iat`, `nbf` or `iss` is missing or of the
    /// wrong type.
    #[error("invalid claims: {0}")]
    InvalidClaims(String),
    /// `exp` is further in the past than the leeway allows.
    #[error("the token has expired")]
    Expired,
    /// `nbf` is further in the future than the leeway allows.
    #[error("the token is not valid yet (nbf)")]
    NotYetValid,
    /// `iat` is further in the future than the leeway allows.
    #[error("the token was issued in the future (iat)")]
    IssuedInFuture,
    /// `iss` differs from the configured issuer.
    #[error("the issuer does not match the expected issuer {expected}")]
    WrongIssuer {
        /// The issuer this auth handle accepts.
        expected: String,
    },
}

/// A request without a valid access token: answer 401.
///
/// Built by [`Auth`](crate::Auth), which records whether debug mode is on so that
/// [`rejection`](Self::rejection) renders the right body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnauthorizedError {
    reason: UnauthorizedReason,
    expose_detail: bool,
}

impl UnauthorizedError {
    pub(crate) fn new(reason: UnauthorizedReason, expose_detail: bool) -> Self {
        Self {
            reason,
            expose_detail,
        }
    }

    /// Why the request was rejected.
    pub fn reason(&self) -> &UnauthorizedReason {
        &self.reason
    }

    /// The framework-neutral response: 401, `{"detail":"Unauthorized"}` (or the debug
    /// message) and the RFC 6750 `WWW-Authenticate` value.
    pub fn rejection(&self) -> Rejection {
        let www_authenticate = if self.reason.token_was_sent() {
            WWW_AUTHENTICATE_INVALID_TOKEN
        } else {
            WWW_AUTHENTICATE_BEARER
        };
        let body = if self.expose_detail {
            detail_body(&self.reason.debug_message()).into()
        } else {
            Rejection::UNAUTHORIZED_BODY.into()
        };
        Rejection {
            status: 401,
            body,
            www_authenticate: Some(www_authenticate),
        }
    }
}

impl fmt::Display for UnauthorizedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.reason.fmt(f)
    }
}

impl std::error::Error for UnauthorizedError {}

impl From<UnauthorizedError> for Rejection {
    fn from(error: UnauthorizedError) -> Self {
        error.rejection()
    }
}

/// Why an organization check failed. Every variant answers 403.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ForbiddenReason {
    /// The org id to check is empty.
    #[error("Required org is unspecified")]
    OrgUnspecified,
    /// The user is not a member of the org.
    #[error("User is not a member of org {org_id}")]
    NotAMember {
        /// The org that was required.
        org_id: String,
    },
    /// The user is a member but lacks the required role.
    #[error("User doesn't have required role")]
    MissingRole,
    /// The user is a member but lacks a required permission.
    #[error("User doesn't have required permission")]
    MissingPermission,
}

/// A failed organization, role or permission check: answer 403.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForbiddenError {
    reason: ForbiddenReason,
    expose_detail: bool,
}

impl ForbiddenError {
    pub(crate) fn new(reason: ForbiddenReason, expose_detail: bool) -> Self {
        Self {
            reason,
            expose_detail,
        }
    }

    /// Why the check failed.
    pub fn reason(&self) -> &ForbiddenReason {
        &self.reason
    }

    /// The framework-neutral response: 403 with `{"detail":"Forbidden"}` (or the debug
    /// message) and no `WWW-Authenticate`.
    pub fn rejection(&self) -> Rejection {
        let body = if self.expose_detail {
            detail_body(&self.reason.to_string()).into()
        } else {
            Rejection::FORBIDDEN_BODY.into()
        };
        Rejection {
            status: 403,
            body,
            www_authenticate: None,
        }
    }
}

impl fmt::Display for ForbiddenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.reason.fmt(f)
    }
}

impl std::error::Error for ForbiddenError {}

impl From<ForbiddenError> for Rejection {
    fn from(error: ForbiddenError) -> Self {
        error.rejection()
    }
}

/// Any reason a request is refused: what adapters carry in their rejection type and render
/// with [`rejection`](Self::rejection).
///
/// ```
/// use propelauth_core::AuthError;
/// let error = AuthError::MissingSetup("PropelAuth is not installed: register the handle");
/// assert_eq!(error.rejection().status, 500);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No valid access token: 401.
    #[error(transparent)]
    Unauthorized(#[from] UnauthorizedError),
    /// A failed org, role or permission check: 403.
    #[error(transparent)]
    Forbidden(#[from] ForbiddenError),
    /// The application uses an extractor without installing the auth handle: 500 with this
    /// message, which names the missing step.
    #[error("{0}")]
    MissingSetup(&'static str),
}

impl AuthError {
    /// The framework-neutral response.
    pub fn rejection(&self) -> Rejection {
        match self {
            Self::Unauthorized(error) => error.rejection(),
            Self::Forbidden(error) => error.rejection(),
            Self::MissingSetup(message) => Rejection::missing_setup(message),
        }
    }
}

impl From<AuthError> for Rejection {
    fn from(error: AuthError) -> Self {
        error.rejection()
    }
}

/// Why [`init_auth`](crate::init_auth) (or a metadata refresh) failed.
///
/// None of the messages contain the API key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InitError {
    /// The auth URL does not parse or has no host.
    #[error(
        "Invalid URL {url:?}: expected your PropelAuth auth URL with a host, \
         e.g. \"https://auth.example.com\""
    )]
    InvalidUrl {
        /// What was passed.
        url: String,
    },
    /// The backend base URL override does not parse as an http(s) URL.
    #[error(
        "invalid backend base URL {url:?}: expected an http(s) URL such as \"https://propelauth-api.com\""
    )]
    InvalidBackendBaseUrl {
        /// What was passed.
        url: String,
    },
    /// The service answered 401.
    #[error(
        "integration_api_key is incorrect: PropelAuth rejected the API key (401); copy the \
         backend API key from the Backend Integration page of your PropelAuth dashboard"
    )]
    InvalidApiKey,
    /// The service answered 404.
    #[error(
        "auth_url is incorrect: PropelAuth has no project at {tenant_host} (404); copy the \
         auth URL from the Backend Integration page of your PropelAuth dashboard"
    )]
    InvalidAuthUrl {
        /// The tenant host that was sent as `X-Propelauth-url`.
        tenant_host: String,
    },
    /// The service answered 400.
    #[error("bad request while fetching the token verification metadata (400): {body}")]
    BadRequest {
        /// The response body.
        body: String,
    },
    /// The service answered 429.
    #[error(
        "rate limited while fetching the token verification metadata (429): {text}; retry later"
    )]
    RateLimited {
        /// The response text.
        text: String,
    },
    /// Any other non-2xx status.
    #[error("unexpected status {status} while fetching the token verification metadata: {body}")]
    UnexpectedStatus {
        /// The HTTP status.
        status: u16,
        /// The response body (truncated).
        body: String,
    },
    /// No HTTP answer: connecting failed, the request timed out, or the exchange broke off
    /// ([`TransportError::is_timeout`](crate::TransportError::is_timeout),
    /// [`is_connect`](crate::TransportError::is_connect) tell which).
    #[error("network error while fetching the token verification metadata from {url}: {source}")]
    Network {
        /// The URL requested (no credentials).
        url: String,
        /// What went wrong; its own source is the underlying I/O or TLS error.
        #[source]
        source: crate::TransportError,
    },
    /// The body is not JSON or holds no PEM.
    #[error("invalid token verification metadata: {reason}; expected JSON with `verifier_key_pem`")]
    InvalidMetadata {
        /// What was wrong.
        reason: String,
    },
    /// The PEM is not an RSA public key this crate can verify RS256 with (at least 2048 bits).
    #[error(
        "invalid verifier key: {reason}; expected an RSA public key (2048 bits or more) in PEM"
    )]
    InvalidPublicKey {
        /// What was wrong.
        reason: String,
    },
}
