//! The one error type of backend API calls.

use std::collections::BTreeMap;

use crate::backend::TransportError;

/// Why a backend API call failed. No message contains the API key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// 401: the API key was refused.
    #[error(
        "integration_api_key is incorrect: PropelAuth rejected the API key (401); copy the \
         backend API key from the Backend Integration page of your PropelAuth dashboard"
    )]
    InvalidApiKey,
    /// 429: too many requests.
    #[error("rate limited by PropelAuth (429): {0}")]
    RateLimited(RateLimit),
    /// 400: the request was refused, usually with messages per field.
    #[error("bad request (400): {0}")]
    BadRequest(BadRequest),
    /// 426: the project does not have B2B (organizations) enabled.
    #[error("B2B support is not enabled: turn on organizations in your PropelAuth dashboard (426)")]
    B2bNotEnabled,
    /// The call reports a missing object as an error (for example an unknown API key id).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 403 on `create_access_token`: the user does not exist.
    #[error("user not found")]
    UserNotFound,
    /// 404 on `create_access_token`: the feature is off for the project.
    #[error("access token creation is not enabled: enable it in your PropelAuth dashboard")]
    AccessTokenCreationNotEnabled,
    /// `validate_personal_api_key` / `validate_org_api_key` on a key of the other kind.
    #[error("{0}")]
    WrongApiKeyKind(&'static str),
    /// Step-up MFA: the service's `error_code` for a refused verification.
    #[error("step-up MFA failed: {0}")]
    StepUp(StepUpError),
    /// Any other non-2xx status.
    #[error("unexpected status {status} from PropelAuth: {body}")]
    UnexpectedStatus {
        /// The HTTP status.
        status: u16,
        /// The response body (cut to 512 characters).
        body: String,
    },
    /// No HTTP answer: connecting failed, the request timed out, or the exchange broke off
    /// ([`TransportError::is_timeout`], [`TransportError::is_connect`] tell which).
    #[error("network error calling {url}: {source}")]
    Network {
        /// The URL requested (no query string, no credentials).
        url: String,
        /// What went wrong; its own source is the underlying I/O or TLS error.
        #[source]
        source: TransportError,
    },
    /// The request body could not be encoded as JSON (never for the bodies this crate
    /// builds; kept so that no failure is hidden).
    #[error("the request could not be encoded: {0}")]
    InvalidRequest(String),
    /// A 2xx answer whose body is not what the call returns: not JSON, a required id missing,
    /// or more than [`MAX_ANSWER_RECORDS`](crate::api::MAX_ANSWER_RECORDS) records.
    #[error("malformed response from PropelAuth: {0}")]
    MalformedResponse(String),
    /// An async call's blocking task did not complete (the runtime is shutting down, or the
    /// call panicked).
    #[error("the blocking task of an API call did not complete: {0}")]
    Task(String),
}

/// What a 429 said.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct RateLimit {
    /// The response text.
    pub text: String,
    /// Seconds to wait, when the service says (API-key validation).
    pub wait_seconds: Option<f64>,
    /// A message meant for end users, when given.
    pub user_facing_error: Option<String>,
    /// The service's error code, when given.
    pub error_code: Option<String>,
}

impl RateLimit {
    pub(crate) fn new(
        text: String,
        wait_seconds: Option<f64>,
        user_facing_error: Option<String>,
        error_code: Option<String>,
    ) -> Self {
        Self {
            text,
            wait_seconds,
            user_facing_error,
            error_code,
        }
    }
}

impl std::fmt::Display for RateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)?;
        if let Some(wait_seconds) = self.wait_seconds {
            write!(f, " (retry in {wait_seconds} s)")?;
        }
        Ok(())
    }
}

/// What a 400 said: messages per field when the body is JSON, else the text.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct BadRequest {
    /// Field name → messages, from a JSON body (`{"email": ["is invalid"]}`; a lone string
    /// becomes a one-message list).
    pub field_errors: BTreeMap<String, Vec<String>>,
    /// The whole body (cut to 512 characters).
    pub body: String,
}

impl BadRequest {
    pub(crate) fn new(field_errors: BTreeMap<String, Vec<String>>, body: String) -> Self {
        Self { field_errors, body }
    }
}

impl std::fmt::Display for BadRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field_errors.is_empty() {
            return f.write_str(&self.body);
        }
        let mut first = true;
        for (field, messages) in &self.field_errors {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            write!(f, "{field}: {}", messages.join(", "))?;
        }
        Ok(())
    }
}

/// Why a step-up MFA verification was refused (the service's `error_code`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StepUpError {
    /// `user_not_found`.
    #[error("user not found")]
    UserNotFound,
    /// `mfa_not_enabled`: the user has no MFA set up.
    #[error("MFA is not enabled for the user")]
    MfaNotEnabled,
    /// `incorrect_mfa_code`.
    #[error("incorrect MFA code")]
    IncorrectMfaCode,
    /// `feature_gated`: step-up MFA is not part of the project's plan.
    #[error("step-up MFA is not available on this plan")]
    FeatureGated,
    /// `invalid_request_fields`, with the field errors.
    #[error("invalid request fields: {0}")]
    InvalidRequestFields(BadRequest),
    /// Any other code.
    #[error("error code {0}")]
    Other(String),
}
