//! PropelAuth for [axum](https://docs.rs/axum) 0.8.
//!
//! Initialize once, put the [`PropelAuth`] handle in your router's state, and take the user in
//! your handlers:
//!
//! - [`RequireUser`]: the user, or 401 (`require_user`);
//! - `Option<RequireUser>` or [`OptionalUser`]: the user or `None`, never a rejection
//!   (`optional_user`);
//! - [`RequireUserLayer`]: every route of a router (`route_layer`) requires a user;
//! - [`WebSocketUser`] (the header or `?access_token=`) and [`RequireUserFrom<S>`] for
//!   routes that opt in to another token source (browsers' WebSocket handshakes);
//! - [`RequireOrgApiKey`]: an org API key, for machine-to-machine routes;
//! - the five org checks on the handle, with `?` (`require_org_member` and its
//!   `_with_minimum_role`, `_with_exact_role`, `_with_permission`, `_with_all_permissions`
//!   variants), answering 403.
//!
//! ```
//! use axum::{Json, Router, extract::{Path, State}, routing::get};
//! use propelauth_axum::{AuthRejection, OrgMemberInfo, PropelAuth, RequireUser};
//!
//! async fn whoami(user: RequireUser) -> String {
//!     format!("hello {}", user.user_id)
//! }
//!
//! async fn billing(
//!     State(auth): State<PropelAuth>,
//!     user: RequireUser,
//!     Path(org_id): Path<String>,
//! ) -> Result<Json<OrgMemberInfo>, AuthRejection> {
//!     let org = auth.require_org_member_with_permission(&user, &org_id, "can_view_billing")?;
//!     Ok(Json(org.clone()))
//! }
//!
//! # fn main() -> Result<(), propelauth_axum::InitError> {
//! # let options = propelauth_testing::test_auth_options();
//! // In production: `let auth = propelauth_axum::init_auth_from_env()?;`
//! let auth = PropelAuth::from_options(options)?;
//! let app: Router = Router::new()
//!     .route("/api/whoami", get(whoami))
//!     .route("/api/org/{org_id}/billing", get(billing))
//!     .with_state(auth);
//! # Ok(()) }
//! ```
//!
//! The extractors find the handle through [`FromRef`], so a router whose state does not hold a
//! `PropelAuth` does not compile: there is no "forgot to install auth" at run time. With your
//! own state type, derive `FromRef` (axum's `macros` feature) or implement it by hand.
//!
//! With the feature `openapi`, the module `openapi` registers the `propelauth` bearer (JWT)
//! security scheme in a utoipa document, for Swagger UI's Authorize button
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

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use tower_layer::Layer;
use tower_service::Service;
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

/// The initialized PropelAuth handle, as axum state. Derefs to [`Auth`], so the org checks
/// and validation methods are called on it directly.
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

/// Fetches the project's verification metadata and returns the handle to put in state.
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
/// # async fn start() -> Result<(), propelauth_axum::InitError> {
/// let auth = propelauth_axum::init_auth_async("https://auth.example.com", "my-api-key").await?;
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
/// fn main() -> Result<(), propelauth_axum::InitError> {
///     let auth = propelauth_axum::init_auth_from_env()?;
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
/// // Cargo.toml: propelauth-axum = { version = "0.1", features = ["development"] }
/// let auth = propelauth_axum::development::start()?; // prints the banner
/// # let _ = auth;
/// // let app = Router::new().route(...).with_state(auth);
/// # Ok(()) }
/// ```
///
/// Never in production: the tokens are signed with a key published with the test kit. The
/// feature is opt-in, the banner says `DEVELOPMENT MODE` first, and `start` refuses
/// ([`DevelopmentError::Configured`](development::DevelopmentError::Configured)) when
/// `PROPELAUTH_AUTH_URL` is set. Enable the feature from a feature of your own app (e.g.
/// `dev = ["propelauth-axum/development"]`) so that release builds leave it out.
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

/// `require_user`: extracts the [`User`] or answers 401.
///
/// As `Option<RequireUser>`, it is `optional_user`: `None` for a missing or malformed header
/// or an invalid token.
///
/// With personal API keys accepted ([`AuthOptions::accept_personal_api_keys`]), a key in the
/// header gives its user too; PropelAuth is asked without blocking a runtime worker, and an
/// outage answers 503. Inside a route group protected by [`RequireUserLayer`], it takes the
/// user the layer validated (no second validation).
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

/// `optional_user`: the [`User`] when the request carries a valid token, `None` otherwise.
/// Never rejects. Same as `Option<RequireUser>`.
#[derive(Debug, Clone)]
pub struct OptionalUser(pub Option<Arc<User>>);

/// The user a [`RequireUserLayer`] validated, left in the request's extensions for the
/// extractors of the handler.
#[derive(Debug, Clone)]
struct ValidatedUser(Arc<User>);

fn authorization(headers: &HeaderMap) -> Option<&[u8]> {
    headers.get(AUTHORIZATION).map(HeaderValue::as_bytes)
}

/// The request's user for a route reading the token from `sources`: the one a group layer
/// validated, else core's decision on the raw header, query string and cookies (a backend
/// call for an API key runs on tokio's blocking pool).
async fn validate(
    auth: &Auth,
    headers: &HeaderMap,
    uri: &Uri,
    extensions: &Extensions,
    sources: &TokenSources,
) -> Result<Arc<User>, AuthError> {
    if let Some(ValidatedUser(user)) = extensions.get::<ValidatedUser>() {
        return Ok(Arc::clone(user));
    }
    let validation = {
        // Collected only for a route that reads a cookie (no allocation otherwise).
        let cookies: Vec<&[u8]> = if sources.reads_cookies() {
            headers
                .get_all(COOKIE)
                .iter()
                .map(HeaderValue::as_bytes)
                .collect()
        } else {
            Vec::new()
        };
        let credentials = RequestCredentials::new(authorization(headers))
            .query(uri.query())
            .cookie_headers(&cookies);
        auth.start_request_validation(sources, credentials)
    };
    validation.finish().await
}

async fn validate_parts(
    parts: &Parts,
    auth: &Auth,
    sources: &TokenSources,
) -> Result<Arc<User>, AuthError> {
    validate(auth, &parts.headers, &parts.uri, &parts.extensions, sources).await
}

impl<S> FromRequestParts<S> for RequireUser
where
    PropelAuth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AuthRejection> {
        let auth = PropelAuth::from_ref(state);
        let user = validate_parts(parts, &auth, &TokenSources::header_only()).await?;
        Ok(Self(user))
    }
}

impl<S> OptionalFromRequestParts<S> for RequireUser
where
    PropelAuth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, Infallible> {
        let auth = PropelAuth::from_ref(state);
        let user = validate_parts(parts, &auth, &TokenSources::header_only()).await;
        Ok(user.ok().map(Self))
    }
}

impl<S> FromRequestParts<S> for OptionalUser
where
    PropelAuth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        let auth = PropelAuth::from_ref(state);
        let user = validate_parts(parts, &auth, &TokenSources::header_only()).await;
        Ok(Self(user.ok()))
    }
}

/// `require_user` for a route that also reads the token from the places `S` names (a query
/// parameter, a cookie: [`RouteTokenSources`]); the `Authorization` header always wins.
/// Answers exactly like [`RequireUser`]; `Option<RequireUserFrom<S>>` is the optional form.
///
/// [`WebSocketUser`] is the common case: the header or `?access_token=`.
pub struct RequireUserFrom<S> {
    user: Arc<User>,
    sources: PhantomData<fn() -> S>,
}

/// The user of a WebSocket handshake (or any route a browser opens without headers): from
/// the `Authorization` header, or else from the `access_token` query parameter. Put it before
/// `WebSocketUpgrade` in the handler's arguments, so that a refused request is a 401 before
/// any upgrade.
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

impl<St, S> FromRequestParts<St> for RequireUserFrom<S>
where
    PropelAuth: FromRef<St>,
    St: Send + Sync,
    S: RouteTokenSources,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &St) -> Result<Self, AuthRejection> {
        let auth = PropelAuth::from_ref(state);
        let user = validate_parts(parts, &auth, &S::token_sources()).await?;
        Ok(Self {
            user,
            sources: PhantomData,
        })
    }
}

impl<St, S> OptionalFromRequestParts<St> for RequireUserFrom<S>
where
    PropelAuth: FromRef<St>,
    St: Send + Sync,
    S: RouteTokenSources,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &St) -> Result<Option<Self>, Infallible> {
        let auth = PropelAuth::from_ref(state);
        let user = validate_parts(parts, &auth, &S::token_sources()).await;
        Ok(user.ok().map(|user| Self {
            user,
            sources: PhantomData,
        }))
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

impl<S> FromRequestParts<S> for RequireOrgApiKey
where
    PropelAuth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AuthRejection> {
        let auth = PropelAuth::from_ref(state);
        let validation = auth.start_org_api_key_validation(authorization(&parts.headers));
        Ok(Self(validation.finish().await?))
    }
}

/// Route groups: every route under the layer requires a user, answered exactly like
/// [`RequireUser`] (the same 401 bytes, 503 for an API key PropelAuth cannot check). The
/// validated user is left in the request's extensions, so a handler inside that takes
/// [`RequireUser`] (or `OptionalUser`, `RequireUserFrom`) gets it without a second
/// validation.
///
/// Use it with [`Router::route_layer`](axum::Router::route_layer), so that unknown paths stay
/// 404 rather than 401:
///
/// ```
/// use axum::{Router, routing::get};
/// use propelauth_axum::{PropelAuth, RequireUser, RequireUserLayer};
///
/// async fn ping() -> &'static str {
///     "pong"
/// }
///
/// async fn me(user: RequireUser) -> String {
///     user.user_id.clone() // the layer's user: validated once
/// }
///
/// # fn main() -> Result<(), propelauth_axum::InitError> {
/// # let auth = PropelAuth::from_options(propelauth_testing::test_auth_options())?;
/// let group: Router<PropelAuth> = Router::new()
///     .route("/ping", get(ping))
///     .route("/me", get(me))
///     .route_layer(RequireUserLayer::new(auth.clone()));
/// let app: Router = Router::new().nest("/api/group", group).with_state(auth);
/// # let _ = app;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct RequireUserLayer {
    auth: PropelAuth,
}

impl RequireUserLayer {
    /// The layer, validating with `auth` (the state's handle: a layer cannot read the state).
    pub fn new(auth: PropelAuth) -> Self {
        Self { auth }
    }
}

impl<Svc> Layer<Svc> for RequireUserLayer {
    type Service = RequireUserService<Svc>;

    fn layer(&self, inner: Svc) -> Self::Service {
        RequireUserService {
            auth: self.auth.clone(),
            inner,
        }
    }
}

/// The service [`RequireUserLayer`] wraps a route in.
#[derive(Debug, Clone)]
pub struct RequireUserService<Svc> {
    auth: PropelAuth,
    inner: Svc,
}

impl<Svc> Service<Request> for RequireUserService<Svc>
where
    Svc: Service<Request, Response = Response> + Clone + Send + 'static,
    Svc::Future: Send + 'static,
{
    type Response = Response;
    type Error = Svc::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Svc::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Svc::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        // The clone that was polled ready is the one called (tower's rule).
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let auth = self.auth.clone();
        Box::pin(async move {
            let user = validate(
                &auth,
                request.headers(),
                request.uri(),
                request.extensions(),
                &TokenSources::header_only(),
            )
            .await;
            match user {
                Ok(user) => {
                    request.extensions_mut().insert(ValidatedUser(user));
                    inner.call(request).await
                }
                Err(error) => Ok(AuthRejection::from(error).into_response()),
            }
        })
    }
}

/// A 401, 403, 429 or 503 exactly as core describes it: status, JSON body, `WWW-Authenticate`,
/// `Retry-After`.
///
/// Returned by the extractors, and converted from the org checks' errors by `?`. To answer
/// differently, read [`error`](Self::error) (the typed reason) or
/// [`rejection`](Self::rejection) (the rendered parts) in your own `IntoResponse` type.
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

    /// The HTTP status.
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl<E: Into<AuthError>> From<E> for AuthRejection {
    fn from(error: E) -> Self {
        Self(error.into())
    }
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        let rejection = self.0.rejection();
        let header_pairs = rejection.headers();
        let Rejection { status, body, .. } = rejection;
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        for (name, value) in header_pairs {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
        response
    }
}
