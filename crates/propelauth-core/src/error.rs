//! The error types: why a request is unauthorized (401) or forbidden (403), and why
//! initialization failed.

use std::fmt;

/// Debug-mode message for a missing or empty `Authorization` header.
pub(crate) const NO_HEADER_MESSAGE: &str = "No authorization header found";
/// Debug-mode message for a header that is not `Bearer <token>`.
pub(crate) const MALFORMED_HEADER_MESSAGE: &str =
    "Invalid authorization header. Expected: Bearer {accessToken}";
/// Debug-mode message for a token that fails signature, time, issuer or claims checks.
pub(crate) const INVALID_TOKEN_MESSAGE: &str = "Invalid access token";
/// Debug-mode message for a valid token whose claims do not describe a user.
pub(crate) const INVALID_PAYLOAD_MESSAGE: &str = "Invalid payload in token";
/// Debug-mode message for an end-user API key that was refused.
pub(crate) const INVALID_API_KEY_MESSAGE: &str = "Invalid API key";
/// Debug-mode message (and the start of it) for a credential that could not be checked.
pub(crate) const SERVICE_UNAVAILABLE_MESSAGE: &str = "Service Unavailable";
/// Debug-mode message (and the start of it) for an API key over its rate limit.
pub(crate) const TOO_MANY_REQUESTS_MESSAGE: &str = "Too Many Requests";

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
    /// A token was sent but failed signature, algorithm, time, issuer or claims checks
    /// (an org entry missing a required key, a claim of the wrong type included).
    InvalidToken(TokenError),
    /// The token is authentic and current but names no user: `user_id` is missing or `null`.
    /// The string says what was wrong, for logs.
    InvalidPayload(String),
    /// A route that reads the token from a query parameter or a cookie found one it cannot
    /// use there: too long, characters no token has, or the parameter given twice.
    InvalidCredential(CredentialError),
    /// An end-user API key was sent and refused: unknown, expired or revoked, malformed, or
    /// of the wrong kind for the route.
    InvalidApiKey(ApiKeyError),
}

impl UnauthorizedReason {
    /// Whether the client sent a bearer token (which then failed), as opposed to sending
    /// none. Decides between `WWW-Authenticate: Bearer` and `Bearer error="invalid_token"`.
    pub fn token_was_sent(&self) -> bool {
        matches!(
            self,
            Self::InvalidToken(_)
                | Self::InvalidPayload(_)
                | Self::InvalidCredential(_)
                | Self::InvalidApiKey(_)
        )
    }

    /// The message shown to clients in debug mode.
    pub fn debug_message(&self) -> String {
        match self {
            Self::MissingHeader => NO_HEADER_MESSAGE.to_owned(),
            Self::MalformedHeader => MALFORMED_HEADER_MESSAGE.to_owned(),
            Self::InvalidToken(error) => format!("{INVALID_TOKEN_MESSAGE}: {error}"),
            Self::InvalidPayload(_) => INVALID_PAYLOAD_MESSAGE.to_owned(),
            Self::InvalidCredential(error) => format!("{INVALID_TOKEN_MESSAGE}: {error}"),
            Self::InvalidApiKey(error) => format!("{INVALID_API_KEY_MESSAGE}: {error}"),
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
            Self::InvalidCredential(error) => write!(f, "{INVALID_TOKEN_MESSAGE}: {error}"),
            Self::InvalidApiKey(error) => write!(f, "{INVALID_API_KEY_MESSAGE}: {error}"),
        }
    }
}

/// Where a request's credential was read: what [`TokenSources`](crate::TokenSources) allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenSource {
    /// The `Authorization: Bearer <token>` header (always read, and first).
    AuthorizationHeader,
    /// The query parameter a route named with
    /// [`TokenSources::or_query`](crate::TokenSources::or_query).
    QueryParameter,
    /// The cookie a route named with
    /// [`TokenSources::or_cookie`](crate::TokenSources::or_cookie).
    Cookie,
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AuthorizationHeader => "Authorization header",
            Self::QueryParameter => "query parameter",
            Self::Cookie => "cookie",
        })
    }
}

/// Why a token found in a query parameter or a cookie cannot be used. The messages never
/// include the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialError {
    /// The value (percent-decoded for a query parameter) is longer than
    /// [`MAX_AUTHORIZATION_HEADER_LEN`](crate::MAX_AUTHORIZATION_HEADER_LEN), the bound of
    /// the header.
    #[error("the {0} holding the token is longer than 16384 bytes")]
    TooLong(TokenSource),
    /// The value holds bytes no token has: a control character, a space or non-ASCII.
    #[error("the {0} holding the token has characters a token cannot have")]
    InvalidCharacters(TokenSource),
    /// The query parameter is given more than once (`?access_token=a&access_token=b`): which
    /// one a proxy checked and which one the app would use is ambiguous, so neither is.
    #[error("the {0} holding the token is given more than once")]
    Repeated(TokenSource),
}

/// Why an end-user API key was refused with 401. The messages never include the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiKeyError {
    /// PropelAuth knows no such key (404): never issued, expired, revoked, or its user or org
    /// was deleted.
    #[error("the key is unknown, expired or revoked")]
    NotFound,
    /// PropelAuth refused the key's form (400).
    #[error("the key is malformed")]
    Malformed,
    /// The key is valid but belongs to an org, or to no one, where a user's personal key is
    /// required.
    #[error("not a personal API key")]
    NotAPersonalKey,
    /// The key is valid but belongs to no org, where an org's key is required.
    #[error("not an org API key")]
    NotAnOrgKey,
    /// A route that takes org API keys got an access token (a JWT).
    #[error("an access token was sent where an org API key is required")]
    AccessTokenInsteadOfKey,
}

/// Most characters of an untrusted value (one read from a token before its signature is
/// checked) that a message shows.
pub(crate) const MAX_UNTRUSTED_CHARS: usize = 24;
/// Most characters of a parser message (which may quote claim values) that is kept.
pub(crate) const MAX_MESSAGE_CHARS: usize = 256;

/// Untrusted text as logs and debug bodies show it: escaped the way `{:?}` escapes a string,
/// except that everything outside printable ASCII is escaped too (so no newline, ESC, other
/// control character or bidi override gets through), and cut (`...` marks the cut).
///
/// The one place where such text is rendered: a value (the unverified `alg`) is quoted and
/// cut after [`MAX_UNTRUSTED_CHARS`] characters; a message that may quote claim values
/// (serde's), or an org id taken from the request, is shown unquoted and cut after
/// [`MAX_MESSAGE_CHARS`].
pub(crate) struct Untrusted<'a> {
    text: &'a str,
    max_chars: usize,
    quoted: bool,
}

impl<'a> Untrusted<'a> {
    /// A value: quoted, at most [`MAX_UNTRUSTED_CHARS`] characters.
    pub(crate) fn value(text: &'a str) -> Self {
        Self {
            text,
            max_chars: MAX_UNTRUSTED_CHARS,
            quoted: true,
        }
    }

    /// A message quoting values, or an id: unquoted, at most [`MAX_MESSAGE_CHARS`]
    /// characters.
    pub(crate) fn message(text: &'a str) -> Self {
        Self {
            text,
            max_chars: MAX_MESSAGE_CHARS,
            quoted: false,
        }
    }

    /// The start of a value for an error to keep: one character more than is shown, so that
    /// the rendering can tell that it was cut.
    pub(crate) fn bounded(value: &str) -> String {
        value.chars().take(MAX_UNTRUSTED_CHARS + 1).collect()
    }
}

impl fmt::Display for Untrusted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.quoted {
            f.write_str("\"")?;
        }
        let mut chars = self.text.chars();
        for c in chars.by_ref().take(self.max_chars) {
            match c {
                '"' if self.quoted => f.write_str("\\\"")?,
                '\\' if self.quoted => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                ' '..='~' => write!(f, "{c}")?,
                _ => write!(f, "\\u{{{:x}}}", u32::from(c))?,
            }
        }
        if chars.next().is_some() {
            f.write_str("...")?;
        }
        if self.quoted {
            f.write_str("\"")?;
        }
        Ok(())
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
    /// The header names an algorithm other than RS256. It holds the start of the header's
    /// `alg` (at most 25 characters), which is *untrusted*: the header is read before the
    /// signature is checked. `Display` shows it quoted, escaped and cut after 24 characters.
    #[error("algorithm {} is not accepted; only RS256 is", Untrusted::value(.0))]
    UnsupportedAlgorithm(String),
    /// The RS256 signature does not verify with the project's public key.
    #[error("the signature does not match the project's public key")]
    InvalidSignature,
    /// The payload is not a JSON object, `exp`, `iat`, `nbf` or `iss` is missing or of the
    /// wrong type, or the user cannot be built from the claims (an org entry missing a key, a
    /// claim of the wrong type). The message is printable ASCII: whatever it quotes from the
    /// claims is escaped.
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

    /// The HTTP status: always 401. Cheaper than rendering the [`rejection`](Self::rejection).
    pub fn status(&self) -> u16 {
        401
    }

    /// Whether the rejection carries the debug-mode detail.
    pub(crate) fn exposes_detail(&self) -> bool {
        self.expose_detail
    }
}

impl fmt::Display for UnauthorizedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.reason.fmt(f)
    }
}

impl std::error::Error for UnauthorizedError {}

/// Why an organization check failed. Every variant answers 403.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ForbiddenReason {
    /// The org id to check is empty.
    #[error("Required org is unspecified")]
    OrgUnspecified,
    /// The user is not a member of the org.
    ///
    /// The org id usually comes from the request (a path segment), so the message shows it
    /// escaped and cut short like every untrusted value; a printable id is shown as it is.
    #[error("User is not a member of org {}", Untrusted::message(org_id))]
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

    /// The HTTP status: always 403. Cheaper than rendering the [`rejection`](Self::rejection).
    pub fn status(&self) -> u16 {
        403
    }

    /// Whether the rejection carries the debug-mode detail.
    pub(crate) fn exposes_detail(&self) -> bool {
        self.expose_detail
    }
}

impl fmt::Display for ForbiddenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.reason.fmt(f)
    }
}

impl std::error::Error for ForbiddenError {}

/// Why a credential could not be checked: answer 503, so that the client keeps its key and
/// retries (a 401 would tell it the key is bad). The messages hold no key, token or backend
/// answer body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ServiceUnavailableReason {
    /// PropelAuth's backend gave no HTTP answer: connecting failed or the call timed out.
    /// The string says which, and what to check.
    #[error("PropelAuth could not be reached to validate the API key: {0}")]
    Unreachable(String),
    /// PropelAuth answered a status the validation does not expect (5xx, 3xx, ...).
    #[error("PropelAuth answered status {0} to the API key validation")]
    UnexpectedStatus(u16),
    /// PropelAuth refused this backend's own API key (401): the integration is
    /// misconfigured, not the client's key.
    #[error(
        "PropelAuth rejected the backend API key (401) while validating an API key; copy the \
         backend API key from the Backend Integration page of your PropelAuth dashboard"
    )]
    BackendApiKeyRejected,
    /// PropelAuth rate-limited this backend's calls (429 without the details of a key's own
    /// rate limit).
    #[error("PropelAuth rate-limited the API key validation calls of this backend (429)")]
    BackendRateLimited,
    /// A 2xx answer that does not describe a key.
    #[error("PropelAuth's answer to the API key validation is malformed")]
    MalformedAnswer,
    /// The blocking task of the validation did not complete (the runtime is shutting down).
    #[error("the API key validation task did not complete")]
    TaskFailed,
}

/// An end-user API key could not be checked: answer 503 with
/// `{"detail":"Service Unavailable"}` (or the debug message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceUnavailableError {
    reason: ServiceUnavailableReason,
    expose_detail: bool,
}

impl ServiceUnavailableError {
    pub(crate) fn new(reason: ServiceUnavailableReason, expose_detail: bool) -> Self {
        Self {
            reason,
            expose_detail,
        }
    }

    /// Why the key could not be checked.
    pub fn reason(&self) -> &ServiceUnavailableReason {
        &self.reason
    }

    /// The HTTP status: always 503.
    pub fn status(&self) -> u16 {
        503
    }

    /// Whether the rejection carries the debug-mode detail.
    pub(crate) fn exposes_detail(&self) -> bool {
        self.expose_detail
    }
}

impl fmt::Display for ServiceUnavailableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{SERVICE_UNAVAILABLE_MESSAGE}: {}", self.reason)
    }
}

impl std::error::Error for ServiceUnavailableError {}

/// An end-user API key is over the rate limit configured for it in PropelAuth: answer 429
/// with `{"detail":"Too Many Requests"}` (or the debug message) and `Retry-After`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooManyRequestsError {
    retry_after_secs: Option<u64>,
    user_facing_error: Option<String>,
    expose_detail: bool,
}

impl TooManyRequestsError {
    pub(crate) fn new(
        retry_after_secs: Option<u64>,
        user_facing_error: Option<String>,
        expose_detail: bool,
    ) -> Self {
        Self {
            retry_after_secs,
            user_facing_error,
            expose_detail,
        }
    }

    /// Whole seconds to wait before retrying (rounded up), when PropelAuth said.
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.retry_after_secs
    }

    /// PropelAuth's message meant for the key's holder, when it gave one.
    pub fn user_facing_error(&self) -> Option<&str> {
        self.user_facing_error.as_deref()
    }

    /// The HTTP status: always 429.
    pub fn status(&self) -> u16 {
        429
    }

    /// Whether the rejection carries the debug-mode detail.
    pub(crate) fn exposes_detail(&self) -> bool {
        self.expose_detail
    }
}

impl fmt::Display for TooManyRequestsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(TOO_MANY_REQUESTS_MESSAGE)?;
        if let Some(message) = &self.user_facing_error {
            write!(f, ": {}", Untrusted::message(message))?;
        }
        if let Some(seconds) = self.retry_after_secs {
            write!(f, " (retry in {seconds} s)")?;
        }
        Ok(())
    }
}

impl std::error::Error for TooManyRequestsError {}

/// Any reason a request is refused: what adapters carry in their rejection type and render
/// with [`rejection`](Self::rejection).
///
/// ```
/// use propelauth_core::AuthError;
/// let error = AuthError::MissingSetup("PropelAuth is not installed: register the handle");
/// assert_eq!(error.status(), 500);
/// assert_eq!(error.rejection().status, 500);
/// ```
///
/// New kinds of refusal may be added: a `match` on it needs a wildcard arm (answer
/// [`status`](Self::status) / [`rejection`](Self::rejection) there).
///
/// ```compile_fail
/// # use propelauth_core::AuthError;
/// fn kind(error: &AuthError) -> &'static str {
///     match error {
///         AuthError::Unauthorized(_) => "401",
///         AuthError::Forbidden(_) => "403",
///         AuthError::MissingSetup(_) => "500",
///     }
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
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
    /// An end-user API key could not be checked (PropelAuth unreachable, timed out, 5xx):
    /// 503.
    #[error(transparent)]
    ServiceUnavailable(#[from] ServiceUnavailableError),
    /// An end-user API key is over its own rate limit: 429 with `Retry-After`.
    #[error(transparent)]
    TooManyRequests(#[from] TooManyRequestsError),
}

impl AuthError {
    /// The HTTP status (401, 403, 429, 500 or 503), without rendering the
    /// [`rejection`](Self::rejection).
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthorized(error) => error.status(),
            Self::Forbidden(error) => error.status(),
            Self::MissingSetup(_) => 500,
            Self::ServiceUnavailable(error) => error.status(),
            Self::TooManyRequests(error) => error.status(),
        }
    }
}

/// Why [`init_auth`](crate::init_auth) (or a metadata refresh, or
/// [`init_auth_from_env`](crate::init_auth_from_env)) failed.
///
/// None of the messages contain the API key. `Debug` prints the message and its causes, so
/// that `fn main() -> Result<(), InitError>` (which prints the error with `Debug`) shows a
/// sentence to act on:
///
/// ```
/// let error = propelauth_core::InitError::MissingVariable { name: "PROPELAUTH_API_KEY" };
/// assert!(format!("{error:?}").starts_with("PROPELAUTH_API_KEY is not set: set it to"));
/// ```
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum InitError {
    /// A required environment variable ([`init_auth_from_env`](crate::init_auth_from_env))
    /// is unset or blank.
    #[error("{name} is not set: {}", crate::env::missing_variable_hint(.name))]
    MissingVariable {
        /// The variable, e.g. `PROPELAUTH_API_KEY`.
        name: &'static str,
    },
    /// An environment variable's value does not parse.
    #[error("invalid {name}={value:?}: expected {expected}")]
    InvalidVariable {
        /// The variable, e.g. `PROPELAUTH_DEBUG`.
        name: &'static str,
        /// Its value (never the API key's: that one is not parsed).
        value: String,
        /// What it should be.
        expected: &'static str,
    },
    /// An environment variable's value is not UTF-8 (the value is not shown).
    #[error("{name} is not valid UTF-8: set it to a plain text value")]
    VariableNotUnicode {
        /// The variable.
        name: &'static str,
    },
    /// The auth URL does not parse or has no host.
    #[error(
        "Invalid URL {url:?}: expected your PropelAuth auth URL with a host, \
         e.g. \"https://auth.example.com\""
    )]
    InvalidUrl {
        /// What was passed.
        url: String,
    },
    /// The backend base URL override does not parse as an http(s) URL, or carries a user
    /// name or password.
    #[error("invalid backend base URL {url:?}: {reason}")]
    InvalidBackendBaseUrl {
        /// What was passed, with any user name and password replaced by `***`.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
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

impl fmt::Debug for InitError {
    /// The message, then each cause that the message does not already include, one per
    /// line: what `main` prints when it returns the error.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = self.to_string();
        f.write_str(&message)?;
        let mut shown = message;
        let mut cause = std::error::Error::source(self);
        let mut first = true;
        while let Some(error) = cause {
            let text = error.to_string();
            if !shown.contains(&text) {
                if first {
                    f.write_str("\n\nCaused by:")?;
                    first = false;
                }
                write!(f, "\n    {text}")?;
                shown.push_str(&text);
            }
            cause = error.source();
        }
        Ok(())
    }
}
