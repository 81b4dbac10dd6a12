//! PropelAuth for [poem](https://docs.rs/poem) 3.
//!
//! Initialize once, install the [`PropelAuth`] handle with `EndpointExt::data`, and take the
//! user in your handlers:
//!
//! - [`RequireUser`]: the user, or 401 (`require_user`);
//! - [`OptionalUser`]: the user or `None`, never a 401 (`optional_user`);
//! - [`RequireUserMiddleware`]: every route under it (`Route::with`) requires a user;
//! - [`WebSocketUser`] (the header or `?access_token=`) and [`RequireUserFrom<S>`] for
//!   routes that opt in to another token source (browsers' WebSocket handshakes);
//! - [`RequireOrgApiKey`]: an org API key, for machine-to-machine routes;
//! - the five org checks on the handle, with `?` (`require_org_member` and its
//!   `_with_minimum_role`, `_with_exact_role`, `_with_permission`, `_with_all_permissions`
//!   variants), answering 403.
//!
//! ```
//! use poem::web::{Json, Path};
//! use poem::{EndpointExt, Route, get, handler};
//! use propelauth_poem::{AuthRejection, OrgMemberInfo, PropelAuth, RequireUser};
//!
//! #[handler]
//! fn whoami(user: RequireUser) -> String {
//!     format!("hello {}", user.user_id)
//! }
//!
//! #[handler]
//! fn billing(
//!     auth: PropelAuth,
//!     user: RequireUser,
//!     Path(org_id): Path<String>,
//! ) -> Result<Json<OrgMemberInfo>, AuthRejection> {
//!     let org = auth.require_org_member_with_permission(&user, &org_id, "can_view_billing")?;
//!     Ok(Json(org.clone()))
//! }
//!
//! # fn main() -> Result<(), propelauth_poem::InitError> {
//! # let options = propelauth_testing::test_auth_options();
//! // In production: `let auth = propelauth_poem::init_auth_from_env()?;`
//! let auth = PropelAuth::from_options(options)?;
//! let app = Route::new()
//!     .at("/api/whoami", get(whoami))
//!     .at("/api/org/:org_id/billing", get(billing))
//!     .data(auth);
//! # Ok(()) }
//! ```
//!
//! The handle is itself an extractor (`auth: PropelAuth`, a cheap clone). When no handle was
//! installed with `.data(auth)`, every extractor answers 500 with a message naming that step.
//!
//! Prefer [`OptionalUser`] to `Option<RequireUser>`: poem's `Option` swallows every error,
//! so it would also turn that missing-set-up 500 into a silent `None`.
//!
//! With the feature `openapi`, the module `openapi` offers the same extractors as poem-openapi
//! security schemes (`BearerUser`, `OptionalBearerUser`), so `#[OpenApi]` operations document
//! the `propelauth` bearer (JWT) scheme for Swagger UI's Authorize button
//! (see `docs/api-docs.md`).
//!
//! Every public item of `propelauth-core` is re-exported here (the backend API client's types
//! in [`api`], the environment variables of [`init_auth_from_env`] in [`env`](mod@env)), so an app
//! depends on this crate alone. With the feature `development`, `development::start()` runs
//! the app locally with no PropelAuth account (a stand-in of the auth service and sample
//! tokens).
#![deny(missing_docs)]
// docs.rs (nightly, `--cfg docsrs`): mark the items a cargo feature enables.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "openapi")]
pub mod openapi;

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use std::marker::PhantomData;

use poem::error::ResponseError;
use poem::http::header::{AUTHORIZATION, COOKIE};
use poem::http::{HeaderValue, StatusCode};
use poem::{Endpoint, FromRequest, IntoResponse, Middleware, Request, RequestBody, Response};
// Everything an app names, re-exported from propelauth-core so that the app depends on this
// crate alone. The conformance suite checks that these lists cover every public item of core.
/// The backend API client's types: options structs, answers, [`ApiError`](api::ApiError),
/// [`Page`](api::Page), [`NonBlocking`](api::NonBlocking) (the async twins).
#[doc(inline)]
pub use propelauth_core::api;
/// The environment variables [`init_auth_from_env`] reads.
#[doc(inline)]
pub use propelauth_core::env;
// The handle and its options.
pub use propelauth_core::{
    Auth, AuthMetrics, AuthOptions, DEFAULT_BACKEND_BASE_URL, DEFAULT_KEY_REFRESH_MIN_INTERVAL,
    DEFAULT_LEEWAY, DEFAULT_TOKEN_CACHE_CAPACITY, TokenVerificationMetadata, tenant_host,
};
// Users and their organizations.
pub use propelauth_core::{
    LoginMethod, OrgMemberInfo, OrgRequirement, OrgRoleStructure, SamlProvider, SocialProvider,
    User,
};
// Errors: why a request is refused (401, 403, 429, 503), why initialization failed.
pub use propelauth_core::{
    ApiKeyError, AuthError, CredentialError, ForbiddenError, ForbiddenReason, InitError,
    ServiceUnavailableError, ServiceUnavailableReason, TokenError, TokenSource,
    TooManyRequestsError, TransportError, UnauthorizedError, UnauthorizedReason,
};
// Where a credential comes from: the header, a query parameter, a cookie.
pub use propelauth_core::{
    ACCESS_TOKEN_QUERY_PARAMETER, AccessTokenQuery, RequestCredentials, RouteTokenSources,
    TokenSources,
};
// End-user API keys (personal and org keys) and their answer cache.
pub use propelauth_core::{
    DEFAULT_API_KEY_CACHE_CAPACITY, DEFAULT_API_KEY_CACHE_TTL, DEFAULT_API_KEY_INVALID_CACHE_TTL,
    OrgApiKey, PendingApiKeyCheck, RequestValidation,
};
// Rejections as core renders them, and the header parsing behind them.
pub use propelauth_core::{
    MAX_AUTHORIZATION_HEADER_LEN, Rejection, WWW_AUTHENTICATE_BEARER,
    WWW_AUTHENTICATE_INVALID_TOKEN, bearer_token, detail_body,
};
// Time (tests move a manual clock), and the crypto set-up for apps that use jsonwebtoken too.
pub use propelauth_core::{Clock, ManualClock, SystemClock, install_jsonwebtoken_crypto_provider};

/// The 500 body's message when no handle is installed.
pub const NOT_INSTALLED_MESSAGE: &str = "PropelAuth is not installed in this poem app: \
install the handle with `.data(auth)` on your route (poem::EndpointExt::data)";

/// The initialized PropelAuth handle, installed with `.data(auth)`. Derefs to [`Auth`], so
/// the org checks and validation methods are called on it directly.
#[derive(Debug, Clone)]
pub struct PropelAuth(Auth);

impl PropelAuth {
    /// Initializes from options (see [`AuthOptions`]).
    pub fn from_options(options: AuthOptions) -> Result<Self, InitError> {
        options.init().map(Self)
    }

    /// [`from_options`](Self::from_options) from async code: the metadata fetch runs on
    /// tokio's blocking pool, so no runtime worker waits on the network.
    pub async fn from_options_async(options: AuthOptions) -> Result<Self, InitError> {
        options.init_async().await.map(Self)
    }
}

impl From<Auth> for PropelAuth {
    fn from(auth: Auth) -> Self {
        Self(auth)
    }
}

impl Deref for PropelAuth {
    type Target = Auth;

    fn deref(&self) -> &Auth {
        &self.0
    }
}

/// Fetches the project's verification metadata and returns the handle to install.
/// Blocking: call it before starting the server (or use [`init_auth_async`]).
pub fn init_auth(
    auth_url: impl Into<String>,
    api_key: impl Into<String>,
) -> Result<PropelAuth, InitError> {
    propelauth_core::init_auth(auth_url, api_key).map(PropelAuth)
}

/// [`init_auth`] from async code: the metadata fetch runs on tokio's blocking pool.
///
/// ```no_run
/// # async fn start() -> Result<(), propelauth_poem::InitError> {
/// let auth = propelauth_poem::init_auth_async("https://auth.example.com", "my-api-key").await?;
/// # let _ = auth;
/// # Ok(()) }
/// ```
pub async fn init_auth_async(
    auth_url: impl Into<String>,
    api_key: impl Into<String>,
) -> Result<PropelAuth, InitError> {
    propelauth_core::init_auth_async(auth_url, api_key)
        .await
        .map(PropelAuth)
}

/// Initializes from the environment: `PROPELAUTH_AUTH_URL` and `PROPELAUTH_API_KEY`
/// (required), `PROPELAUTH_API_BASE_URL`, `PROPELAUTH_DEBUG`,
/// `PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS` (see [`env`](mod@env)). Blocking, like [`init_auth`];
/// from async code, `PropelAuth::from_options_async(AuthOptions::from_env()?)`.
///
/// A missing or invalid variable is an [`InitError`] naming it; returned from `main`, it
/// prints as that sentence.
///
/// ```no_run
/// fn main() -> Result<(), propelauth_poem::InitError> {
///     let auth = propelauth_poem::init_auth_from_env()?;
///     # let _ = auth;
///     Ok(())
/// }
/// ```
pub fn init_auth_from_env() -> Result<PropelAuth, InitError> {
    propelauth_core::init_auth_from_env().map(PropelAuth)
}

/// Builds the handle from metadata you already have: no request.
pub fn init_auth_with_metadata(
    auth_url: impl Into<String>,
    api_key: impl Into<String>,
    metadata: TokenVerificationMetadata,
) -> Result<PropelAuth, InitError> {
    propelauth_core::init_auth_with_metadata(auth_url, api_key, metadata).map(PropelAuth)
}

/// Development mode (feature `development`): run your app locally with no PropelAuth
/// account, in one call.
///
/// [`start`](development::start) starts the test kit's stand-in of the auth service on a
/// loopback port, initializes the handle against it through the real initialization path,
/// prints a banner with ready-made tokens for sample users (`export OWNER=...`), and returns
/// the handle. Your routes, extractors and org checks run unchanged.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // Cargo.toml: propelauth-poem = { version = "0.1", features = ["development"] }
/// let auth = propelauth_poem::development::start()?; // prints the banner
/// # let _ = auth;
/// // Route::new().at(...).data(auth)
/// # Ok(()) }
/// ```
///
/// Never in production: the tokens are signed with a key published with the test kit. The
/// feature is opt-in, the banner says `DEVELOPMENT MODE` first, and `start` refuses
/// ([`DevelopmentError::Configured`](development::DevelopmentError::Configured)) when
/// `PROPELAUTH_AUTH_URL` is set. Enable the feature from a feature of your own app (e.g.
/// `dev = ["propelauth-poem/development"]`) so that release builds leave it out.
#[cfg(feature = "development")]
pub mod development {
    pub use propelauth_testing::development::{
        Development, DevelopmentError, SAMPLE_TOKEN_LIFETIME_SECS, SampleToken, WARNING,
    };
    /// The sample users and orgs the tokens are for (ids, memberships).
    #[doc(inline)]
    pub use propelauth_testing::samples;

    use crate::PropelAuth;

    /// Starts development mode, prints its banner to stdout, and returns the handle. The
    /// stand-in runs until the process exits. Blocking (a local fetch, a few milliseconds):
    /// call it at start-up.
    pub fn start() -> Result<PropelAuth, DevelopmentError> {
        let development = Development::start()?;
        println!("{}", development.banner());
        Ok(PropelAuth::from(development.into_auth()))
    }
}

/// The installed handle, or the 500 naming the missing step.
fn installed(request: &Request) -> Result<&PropelAuth, AuthRejection> {
    request
        .data::<PropelAuth>()
        .ok_or(AuthRejection(AuthError::MissingSetup(
            NOT_INSTALLED_MESSAGE,
        )))
}

fn authorization(request: &Request) -> Option<&[u8]> {
    request
        .headers()
        .get(AUTHORIZATION)
        .map(HeaderValue::as_bytes)
}

impl<'a> FromRequest<'a> for PropelAuth {
    async fn from_request(request: &'a Request, _: &mut RequestBody) -> poem::Result<Self> {
        Ok(installed(request)?.clone())
    }
}

/// The user a [`RequireUserMiddleware`] validated, left in the request's extensions for the
/// extractors of the handler.
#[derive(Debug, Clone)]
struct ValidatedUser(Arc<User>);

/// The request's user for a route reading the token from `sources`: the one a group
/// middleware validated, else core's decision on the raw header, query string and cookies
/// (a backend call for an API key runs on tokio's blocking pool).
async fn validate(
    auth: &Auth,
    request: &Request,
    sources: &TokenSources,
) -> Result<Arc<User>, AuthError> {
    if let Some(ValidatedUser(user)) = request.extensions().get::<ValidatedUser>() {
        return Ok(Arc::clone(user));
    }
    let validation = {
        // Collected only for a route that reads a cookie (no allocation otherwise).
        let cookies: Vec<&[u8]> = if sources.reads_cookies() {
            request
                .headers()
                .get_all(COOKIE)
                .iter()
                .map(HeaderValue::as_bytes)
                .collect()
        } else {
            Vec::new()
        };
        let credentials = RequestCredentials::new(authorization(request))
            .query(request.uri().query())
            .cookie_headers(&cookies);
        auth.start_request_validation(sources, credentials)
    };
    validation.finish().await
}

/// `require_user`: extracts the [`User`] or answers 401.
///
/// With personal API keys accepted ([`AuthOptions::accept_personal_api_keys`]), a key in the
/// header gives its user too; PropelAuth is asked without blocking a runtime worker, and an
/// outage answers 503. Inside routes wrapped in [`RequireUserMiddleware`], it takes the user
/// the middleware validated (no second validation).
///
/// The user is shared with the token cache (an `Arc`, so handing it over copies nothing); it
/// derefs to [`User`], and `Json(user)` serializes it like the `User` itself.
#[derive(Debug, Clone)]
pub struct RequireUser(pub Arc<User>);

impl Deref for RequireUser {
    type Target = User;

    fn deref(&self) -> &User {
        &self.0
    }
}

impl<'a> FromRequest<'a> for RequireUser {
    async fn from_request(request: &'a Request, _: &mut RequestBody) -> poem::Result<Self> {
        let auth = installed(request)?;
        let user = validate(auth, request, &TokenSources::header_only())
            .await
            .map_err(AuthRejection::from)?;
        Ok(Self(user))
    }
}

/// `optional_user`: the [`User`] when the request carries a valid token, `None` otherwise.
/// Never a 401; a 500 only when PropelAuth is not installed.
#[derive(Debug, Clone)]
pub struct OptionalUser(pub Option<Arc<User>>);

impl<'a> FromRequest<'a> for OptionalUser {
    async fn from_request(request: &'a Request, _: &mut RequestBody) -> poem::Result<Self> {
        let auth = installed(request)?;
        let user = validate(auth, request, &TokenSources::header_only()).await;
        Ok(Self(user.ok()))
    }
}

/// `require_user` for a route that also reads the token from the places `S` names (a query
/// parameter, a cookie: [`RouteTokenSources`]); the `Authorization` header always wins.
/// Answers exactly like [`RequireUser`].
///
/// [`WebSocketUser`] is the common case: the header or `?access_token=`.
pub struct RequireUserFrom<S> {
    user: Arc<User>,
    sources: PhantomData<fn() -> S>,
}

/// The user of a WebSocket handshake (or any route a browser opens without headers): from
/// the `Authorization` header, or else from the `access_token` query parameter. Put it before
/// `WebSocket` in the handler's arguments, so that a refused request is a 401 before any
/// upgrade.
pub type WebSocketUser = RequireUserFrom<AccessTokenQuery>;

impl<S> RequireUserFrom<S> {
    /// The user.
    pub fn into_inner(self) -> Arc<User> {
        self.user
    }
}

impl<S> Deref for RequireUserFrom<S> {
    type Target = User;

    fn deref(&self) -> &User {
        &self.user
    }
}

impl<S> Clone for RequireUserFrom<S> {
    fn clone(&self) -> Self {
        Self {
            user: Arc::clone(&self.user),
            sources: PhantomData,
        }
    }
}

impl<S> fmt::Debug for RequireUserFrom<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RequireUserFrom").field(&self.user).finish()
    }
}

impl<'a, S: RouteTokenSources> FromRequest<'a> for RequireUserFrom<S> {
    async fn from_request(request: &'a Request, _: &mut RequestBody) -> poem::Result<Self> {
        let auth = installed(request)?;
        let user = validate(auth, request, &S::token_sources())
            .await
            .map_err(AuthRejection::from)?;
        Ok(Self {
            user,
            sources: PhantomData,
        })
    }
}

/// A machine-to-machine route: the org API key in `Authorization: Bearer <key>`, checked with
/// PropelAuth (cached; without blocking a runtime worker). Yields the org and the key's
/// metadata ([`OrgApiKey`]); 401 for a missing header, an access token or a key that is not
/// an org's, 503 when PropelAuth cannot be asked. Works whether or not personal keys are
/// accepted.
#[derive(Debug, Clone)]
pub struct RequireOrgApiKey(pub Arc<OrgApiKey>);

impl Deref for RequireOrgApiKey {
    type Target = OrgApiKey;

    fn deref(&self) -> &OrgApiKey {
        &self.0
    }
}

impl<'a> FromRequest<'a> for RequireOrgApiKey {
    async fn from_request(request: &'a Request, _: &mut RequestBody) -> poem::Result<Self> {
        let auth = installed(request)?;
        let validation = auth.start_org_api_key_validation(authorization(request));
        let key = validation.finish().await.map_err(AuthRejection::from)?;
        Ok(Self(key))
    }
}

/// Route groups: every route of the endpoint it wraps requires a user, answered exactly like
/// [`RequireUser`] (the same 401 bytes, 503 for an API key PropelAuth cannot check). The
/// validated user is left in the request's extensions, so a handler inside that takes
/// [`RequireUser`] (or `OptionalUser`, `RequireUserFrom`) gets it without a second
/// validation.
///
/// ```
/// use poem::{EndpointExt, Route, get, handler};
/// use propelauth_poem::{PropelAuth, RequireUser, RequireUserMiddleware};
///
/// #[handler]
/// fn ping() -> &'static str {
///     "pong"
/// }
///
/// #[handler]
/// fn me(user: RequireUser) -> String {
///     user.user_id.clone() // the middleware's user: validated once
/// }
///
/// # fn main() -> Result<(), propelauth_poem::InitError> {
/// # let auth = PropelAuth::from_options(propelauth_testing::test_auth_options())?;
/// let group = Route::new()
///     .at("/ping", get(ping))
///     .at("/me", get(me))
///     .with(RequireUserMiddleware);
/// let app = Route::new().nest("/api/group", group).data(auth);
/// # let _ = app;
/// # Ok(()) }
/// ```
///
/// The handle is found like the extractors find it (`.data(auth)` outside the group);
/// without it, the 500 naming the missing step.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequireUserMiddleware;

impl<E: Endpoint> Middleware<E> for RequireUserMiddleware {
    type Output = RequireUserEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        RequireUserEndpoint { inner }
    }
}

/// The endpoint [`RequireUserMiddleware`] wraps routes in.
#[derive(Debug)]
pub struct RequireUserEndpoint<E> {
    inner: E,
}

impl<E: Endpoint> Endpoint for RequireUserEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut request: Request) -> poem::Result<Response> {
        let auth = installed(&request)?;
        let user = validate(auth, &request, &TokenSources::header_only())
            .await
            .map_err(AuthRejection::from)?;
        request.extensions_mut().insert(ValidatedUser(user));
        self.inner
            .call(request)
            .await
            .map(IntoResponse::into_response)
    }
}

/// A 401, 403, 429, 500 or 503 exactly as core describes it: status, JSON body,
/// `WWW-Authenticate`, `Retry-After`.
///
/// Return it from a handler (`Result<_, AuthRejection>`): the org checks' errors convert into
/// it with `?`, and it converts into `poem::Error`. To answer differently, read
/// [`error`](Self::error) or [`rejection`](Self::rejection), for example in a
/// `catch_error` handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRejection(AuthError);

impl AuthRejection {
    /// Why the request is refused.
    pub fn error(&self) -> &AuthError {
        &self.0
    }

    /// The framework-neutral response: status, body, `WWW-Authenticate`.
    pub fn rejection(&self) -> Rejection {
        self.0.rejection()
    }
}

impl<E: Into<AuthError>> From<E> for AuthRejection {
    fn from(error: E) -> Self {
        Self(error.into())
    }
}

impl fmt::Display for AuthRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for AuthRejection {}

impl ResponseError for AuthRejection {
    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn as_response(&self) -> Response {
        let rejection = self.rejection();
        let status =
            StatusCode::from_u16(rejection.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = Response::builder().status(status);
        for (name, value) in rejection.headers() {
            response = response.header(name, value.as_ref());
        }
        response.body(rejection.body.into_owned())
    }
}
