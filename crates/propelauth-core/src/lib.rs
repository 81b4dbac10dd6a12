//! Framework-neutral core of the PropelAuth Rust libraries.
//!
//! This crate holds every rule the framework adapters (`propelauth-axum`, `propelauth-actix`,
//! `propelauth-rocket`, `propelauth-poem`) share: reading the `Authorization` header,
//! validating PropelAuth access tokens (RS256, pinned), turning claims into a [`User`],
//! checking organization membership, roles and permissions, and describing every rejection
//! (status, JSON body, `WWW-Authenticate`) so that adapters only translate it.
//!
//! ```
//! use propelauth_core::{init_auth_with_metadata, TokenVerificationMetadata};
//! # let pem = propelauth_testing::TEST_PUBLIC_KEY_PEM;
//! // In production: `let auth = propelauth_core::init_auth_from_env()?;`
//! let auth = init_auth_with_metadata(
//!     "https://auth.example.com",
//!     "my-api-key",
//!     TokenVerificationMetadata::new(pem),
//! )?;
//!
//! // On each request, hand core the raw header value (or `None` when it is missing).
//! match auth.validate_authorization_header(Some(b"Bearer not-a-token")) {
//!     Ok(user) => println!("hello {}", user.user_id),
//!     Err(unauthorized) => {
//!         let rejection = unauthorized.rejection();
//!         assert_eq!(rejection.status, 401);
//!         assert_eq!(rejection.body, r#"{"detail":"Unauthorized"}"#);
//!         assert_eq!(rejection.www_authenticate, Some(r#"Bearer error="invalid_token""#));
//!     }
//! }
//! # Ok::<(), propelauth_core::InitError>(())
//! ```
//!
//! # Other ways in
//!
//! - [`TokenSources`] and [`RequestCredentials`]: a route may also read the token from a
//!   named query parameter or cookie (browsers' WebSocket handshakes); the header wins.
//!   [`Auth::validate_request`] takes both (`docs/token-sources.md`).
//! - End-user API keys: a user's personal key in place of an access token, opt-in with
//!   [`AuthOptions::accept_personal_api_keys`], and org keys with
//!   [`Auth::validate_org_api_key_request`]; checked with PropelAuth and cached, 503 when
//!   PropelAuth cannot say (`docs/api-keys.md`).
//!
//! # Crypto backends
//!
//! Exactly one backend verifies signatures; choose it with a feature:
//!
//! - `aws-lc-rs` (default): fast (about 7x faster than the alternative on our benchmark);
//!   builds aws-lc with the C compiler.
//! - `rust-crypto`: pure Rust, through the RustCrypto `rsa` crate. It is about 7x slower, and
//!   `rsa` carries RUSTSEC-2023-0071 (a timing side channel in *private*-key operations; this
//!   crate only verifies with a public key, but your audit tooling will flag it).
//!
//! With both features on (as `--all-features` does), `aws-lc-rs` is used. With neither, the
//! crate does not compile.
#![deny(missing_docs)]
// docs.rs (nightly, `--cfg docsrs`): mark the items a cargo feature enables.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(not(any(feature = "aws-lc-rs", feature = "rust-crypto")))]
compile_error!(
    "propelauth-core needs a crypto backend: enable its `aws-lc-rs` feature (the default) or \
     its `rust-crypto` feature."
);

pub mod api;
mod api_docs;
mod api_key_auth;
mod auth;
mod backend;
mod clock;
mod credentials;
mod crypto;
pub mod env;
mod error;
mod key_refresh;
mod metrics;
mod org;
mod rejection;
#[cfg(any(feature = "utoipa", feature = "schemars"))]
mod schema;
mod token;
mod token_cache;
mod user;

/// What the adapters' API docs (their feature `openapi`) say about the bearer scheme, in one
/// place so that the four frameworks' documents agree. No OpenAPI dependency: plain strings.
pub mod openapi {
    /// The name under which the adapters register the security scheme: what the operations'
    /// `security` requirements refer to, and what Swagger UI shows in its **Authorize**
    /// dialog.
    pub const SCHEME_NAME: &str = "propelauth";

    /// What the **Authorize** dialog says about the scheme.
    pub const SCHEME_DESCRIPTION: &str = "A PropelAuth access token, sent as \
`Authorization: Bearer <token>`. Paste the token alone, without the word `Bearer`.";

    /// What a documented 401 says: the answer of a route that requires the user, to a request
    /// without a valid token.
    pub const UNAUTHORIZED_DESCRIPTION: &str = "No valid access token. The body \
`{\"detail\": ...}` says why; the `WWW-Authenticate` header says how to authenticate.";

    /// What a documented 403 says: the answer of an org check the user does not pass.
    pub const FORBIDDEN_DESCRIPTION: &str = "The user is not a member of the org, or lacks \
the role or permission the route requires. The body `{\"detail\": ...}` says which.";

    /// What the 401's `WWW-Authenticate` header is documented as.
    pub const WWW_AUTHENTICATE_DESCRIPTION: &str = "`Bearer` when no token was sent, \
`Bearer error=\"invalid_token\"` when the token was refused.";

    /// The name under which the 401 is a reusable response of the document (utoipa adapters).
    pub const UNAUTHORIZED_RESPONSE: &str = "PropelAuthUnauthorized";

    /// The name under which the 403 is a reusable response of the document (utoipa adapters).
    pub const FORBIDDEN_RESPONSE: &str = "PropelAuthForbidden";

    pub use crate::api_docs::{
        SWAGGER_UI_SCRIPT, SecurityCheckError, check_security, swagger_ui_page,
    };

    #[cfg(feature = "utoipa")]
    pub mod utoipa;
}

pub use api_key_auth::{
    DEFAULT_API_KEY_CACHE_CAPACITY, DEFAULT_API_KEY_CACHE_TTL, DEFAULT_API_KEY_INVALID_CACHE_TTL,
    OrgApiKey, PendingApiKeyCheck, RequestValidation,
};
#[cfg(feature = "tokio")]
pub use auth::init_auth_async;
pub use auth::{
    Auth, AuthOptions, DEFAULT_BACKEND_BASE_URL, DEFAULT_LEEWAY, TokenVerificationMetadata,
    init_auth, init_auth_with_metadata, tenant_host,
};
pub use backend::TransportError;
pub use clock::{Clock, ManualClock, SystemClock};
pub use credentials::{
    ACCESS_TOKEN_QUERY_PARAMETER, AccessTokenQuery, RequestCredentials, RouteTokenSources,
    TokenSources,
};
pub use crypto::install_jsonwebtoken_crypto_provider;
pub use error::{
    ApiKeyError, AuthError, CredentialError, ForbiddenError, ForbiddenReason, InitError,
    ServiceUnavailableError, ServiceUnavailableReason, TokenError, TokenSource,
    TooManyRequestsError, UnauthorizedError, UnauthorizedReason,
};
pub use key_refresh::DEFAULT_KEY_REFRESH_MIN_INTERVAL;
pub use metrics::AuthMetrics;
pub use org::{OrgMemberInfo, OrgRequirement, OrgRoleStructure};
pub use rejection::{
    Rejection, WWW_AUTHENTICATE_BEARER, WWW_AUTHENTICATE_INVALID_TOKEN, detail_body,
};
pub use token::{MAX_AUTHORIZATION_HEADER_LEN, bearer_token};
pub use token_cache::DEFAULT_TOKEN_CACHE_CAPACITY;
pub use user::{LoginMethod, SamlProvider, SocialProvider, User};

/// Initializes from the environment (see [`env`](mod@env)): [`AuthOptions::from_env`], then
/// [`init`](AuthOptions::init) (a blocking fetch of the verification metadata).
///
/// ```no_run
/// fn main() -> Result<(), propelauth_core::InitError> {
///     // PROPELAUTH_AUTH_URL and PROPELAUTH_API_KEY must be set.
///     let auth = propelauth_core::init_auth_from_env()?;
///     # let _ = auth;
///     Ok(())
/// }
/// ```
///
/// When `main` returns the error, it prints as a sentence to act on, e.g.
/// `Error: PROPELAUTH_API_KEY is not set: set it to the backend API key ...`.
pub fn init_auth_from_env() -> Result<Auth, InitError> {
    AuthOptions::from_env()?.init()
}

/// The examples of `docs/operations.md`, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/operations.md")]
struct OperationsDoctests;

/// The example of this crate's README (shown on crates.io), compiled as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The examples of `docs/token-sources.md`, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/token-sources.md")]
struct TokenSourcesDoctests;

/// The examples of `docs/api-keys.md`, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/api-keys.md")]
struct ApiKeysDoctests;
