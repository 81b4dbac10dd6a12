//! PropelAuth for [actix-web](https://docs.rs/actix-web) 4.
//!
//! Initialize once, register the [`PropelAuth`] handle with `App::app_data`, and take the
//! user in your handlers:
//!
//! - [`RequireUser`]: the user, or 401 (`require_user`);
//! - [`OptionalUser`]: the user or `None`, never a 401 (`optional_user`);
//! - [`RequireUserMiddleware`]: every route of a scope (`Scope::wrap`) requires a user;
//! - [`WebSocketUser`] (the header or `?access_token=`) and [`RequireUserFrom<S>`] for
//!   routes that opt in to another token source (browsers' WebSocket handshakes);
//! - [`RequireOrgApiKey`]: an org API key, for machine-to-machine routes;
//! - the five org checks on the handle, with `?` (`require_org_member` and its
//!   `_with_minimum_role`, `_with_exact_role`, `_with_permission`, `_with_all_permissions`
//!   variants), answering 403.
//!
//! ```
//! use actix_web::{App, get, web};
//! use propelauth_actix::{AuthRejection, OrgMemberInfo, PropelAuth, RequireUser};
//!
//! #[get("/api/whoami")]
//! async fn whoami(user: RequireUser) -> String {
//!     format!("hello {}", user.user_id)
//! }
//!
//! #[get("/api/org/{org_id}/billing")]
//! async fn billing(
//!     auth: PropelAuth,
//!     user: RequireUser,
//!     org_id: web::Path<String>,
//! ) -> Result<web::Json<OrgMemberInfo>, AuthRejection> {
//!     let org = auth.require_org_member_with_permission(&user, &org_id, "can_view_billing")?;
//!     Ok(web::Json(org.clone()))
//! }
//!
//! # fn main() -> Result<(), propelauth_actix::InitError> {
//! # let options = propelauth_testing::test_auth_options();
//! // In production: `let auth = propelauth_actix::init_auth_from_env()?;`
//! let auth = web::Data::new(PropelAuth::from_options(options)?);
//! let app = App::new().app_data(auth.clone()).service(whoami).service(billing);
//! # Ok(()) }
//! ```
//!
//! The handle is itself an extractor (`auth: PropelAuth`, a cheap clone), so handlers reach
//! the org checks without `web::Data`. The extractors accept the handle registered either as
//! `web::Data<PropelAuth>` or as a plain `PropelAuth` (`app_data(auth.clone())`). When neither
//! is registered they answer 500 with a message naming the missing step; actix offers no
//! start-up check for app data.
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

use std::fmt;
use std::future::{Future, Ready, ready};
use std::marker::PhantomData;
use std::ops::Deref;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use actix_web::body::EitherBody;
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, COOKIE, HeaderValue};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError, web};
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

/// The 500 body's message when no handle is registered.
pub const NOT_INSTALLED_MESSAGE: &str = "PropelAuth is not installed in this actix-web app: \
register the handle with `App::new().app_data(web::Data::new(auth))` (or `.app_data(auth)`)";

/// The initialized PropelAuth handle, registered as app data. Derefs to [`Auth`], so the org
/// checks and validation methods are called on it directly.
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

/// Fetches the project's verification metadata and returns the handle to register.
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
/// # async fn start() -> Result<(), propelauth_actix::InitError> {
/// let auth = propelauth_actix::init_auth_async("https://auth.example.com", "my-api-key").await?;
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
/// fn main() -> Result<(), propelauth_actix::InitError> {
///     let auth = propelauth_actix::init_auth_from_env()?;
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
/// // Cargo.toml: propelauth-actix = { version = "0.1", features = ["development"] }
/// let auth = propelauth_actix::development::start()?; // prints the banner
/// # let _ = auth;
/// // App::new().app_data(web::Data::new(auth.clone()))...
/// # Ok(()) }
/// ```
///
/// Never in production: the tokens are signed with a key published with the test kit. The
/// feature is opt-in, the banner says `DEVELOPMENT MODE` first, and `start` refuses
/// ([`DevelopmentError::Configured`](development::DevelopmentError::Configured)) when
/// `PROPELAUTH_AUTH_URL` is set. Enable the feature from a feature of your own app (e.g.
/// `dev = ["propelauth-actix/development"]`) so that release builds leave it out.
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

/// Extracting the handle itself (`auth: PropelAuth` in a handler) finds it however it was
/// registered, and answers the 500 naming the missing step when it was not.
impl FromRequest for PropelAuth {
    type Error = AuthRejection;
    type Future = Ready<Result<Self, AuthRejection>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(installed(request).cloned())
    }
}

/// The registered handle, or the 500 naming the missing step.
fn installed(request: &HttpRequest) -> Result<&PropelAuth, AuthRejection> {
    request
        .app_data::<web::Data<PropelAuth>>()
        .map(|data| data.get_ref())
        .or_else(|| request.app_data::<PropelAuth>())
        .ok_or(AuthRejection(AuthError::MissingSetup(
            NOT_INSTALLED_MESSAGE,
        )))
}

fn authorization(request: &HttpRequest) -> Option<&[u8]> {
    request
        .headers()
        .get(AUTHORIZATION)
        .map(HeaderValue::as_bytes)
}

/// The future of the extractors that may ask PropelAuth about an API key (boxed: actix-web
/// extractors name their future type).
pub type Validating<T> = Pin<Box<dyn Future<Output = Result<T, AuthRejection>>>>;

/// The user a [`RequireUserMiddleware`] validated, left in the request's extensions for the
/// extractors of the handler.
#[derive(Debug, Clone)]
struct ValidatedUser(Arc<User>);

/// Starts the validation of `request` for a route reading the token from `sources`, while
/// the request is at hand: the user a group middleware validated, else core's decision on
/// the raw header, query string and cookies (owning what it needs to finish later).
fn start(
    request: &HttpRequest,
    sources: &TokenSources,
) -> Result<RequestValidation<Arc<User>>, AuthRejection> {
    let auth = installed(request)?;
    if let Some(ValidatedUser(user)) = request.extensions().get::<ValidatedUser>() {
        return Ok(RequestValidation::Done(Ok(Arc::clone(user))));
    }
    // Collected only for a route that reads a cookie (no allocation otherwise).
    let cookies: Vec<&[u8]> = if sources.reads_cookies() {
        request
            .headers()
            .get_all(COOKIE)
            .map(HeaderValue::as_bytes)
            .collect()
    } else {
        Vec::new()
    };
    let credentials = RequestCredentials::new(authorization(request))
        .query(Some(request.query_string()))
        .cookie_headers(&cookies);
    Ok(auth.start_request_validation(sources, credentials))
}

/// The user, or the rejection; an API key not in the cache is checked on tokio's blocking
/// pool.
async fn finish(
    validation: Result<RequestValidation<Arc<User>>, AuthRejection>,
) -> Result<Arc<User>, AuthRejection> {
    Ok(validation?.finish().await?)
}

/// `require_user`: extracts the [`User`] or answers 401.
///
/// With personal API keys accepted ([`AuthOptions::accept_personal_api_keys`]), a key in the
/// header gives its user too; PropelAuth is asked without blocking a worker, and an outage
/// answers 503. Inside a scope wrapped in [`RequireUserMiddleware`], it takes the user the
/// middleware validated (no second validation).
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

impl FromRequest for RequireUser {
    type Error = AuthRejection;
    type Future = Validating<Self>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let validation = start(request, &TokenSources::header_only());
        Box::pin(async move { finish(validation).await.map(Self) })
    }
}

/// `optional_user`: the [`User`] when the request carries a valid token, `None` otherwise.
/// Never a 401; a 500 only when PropelAuth is not installed (unlike `Option<RequireUser>`,
/// which would hide that mistake).
#[derive(Debug, Clone)]
pub struct OptionalUser(pub Option<Arc<User>>);

impl FromRequest for OptionalUser {
    type Error = AuthRejection;
    type Future = Validating<Self>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let validation = start(request, &TokenSources::header_only());
        Box::pin(async move { Ok(Self(validation?.finish().await.ok())) })
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
/// the `Authorization` header, or else from the `access_token` query parameter. Take it in
/// the handler before calling `actix_ws::handle`, so that a refused request is a 401 with no
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

impl<S: RouteTokenSources> FromRequest for RequireUserFrom<S> {
    type Error = AuthRejection;
    type Future = Validating<Self>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let validation = start(request, &S::token_sources());
        Box::pin(async move {
            let user = finish(validation).await?;
            Ok(Self {
                user,
                sources: PhantomData,
            })
        })
    }
}

/// A machine-to-machine route: the org API key in `Authorization: Bearer <key>`, checked with
/// PropelAuth (cached; without blocking a worker). Yields the org and the key's metadata
/// ([`OrgApiKey`]); 401 for a missing header, an access token or a key that is not an org's,
/// 503 when PropelAuth cannot be asked. Works whether or not personal keys are accepted.
#[derive(Debug, Clone)]
pub struct RequireOrgApiKey(pub Arc<OrgApiKey>);

impl Deref for RequireOrgApiKey {
    type Target = OrgApiKey;

    fn deref(&self) -> &OrgApiKey {
        &self.0
    }
}

impl FromRequest for RequireOrgApiKey {
    type Error = AuthRejection;
    type Future = Validating<Self>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let validation = installed(request)
            .map(|auth| auth.start_org_api_key_validation(authorization(request)));
        Box::pin(async move { Ok(Self(validation?.finish().await?)) })
    }
}

/// Route groups: every route of the scope (or app) it wraps requires a user, answered
/// exactly like [`RequireUser`] (the same 401 bytes, 503 for an API key PropelAuth cannot
/// check). The validated user is left in the request's extensions, so a handler inside that
/// takes [`RequireUser`] (or `OptionalUser`, `RequireUserFrom`) gets it without a second
/// validation.
///
/// ```
/// use actix_web::{App, web};
/// use propelauth_actix::{RequireUser, RequireUserMiddleware};
///
/// async fn ping() -> &'static str {
///     "pong"
/// }
///
/// async fn me(user: RequireUser) -> String {
///     user.user_id.clone() // the middleware's user: validated once
/// }
///
/// # let auth = propelauth_actix::PropelAuth::from_options(propelauth_testing::test_auth_options()).unwrap();
/// let app = App::new().app_data(web::Data::new(auth)).service(
///     web::scope("/api/group")
///         .wrap(RequireUserMiddleware)
///         .route("/ping", web::get().to(ping))
///         .route("/me", web::get().to(me)),
/// );
/// # let _ = app;
/// ```
///
/// The handle is found like the extractors find it (`app_data`); without it, the 500 naming
/// the missing step.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequireUserMiddleware;

impl<Svc, B> Transform<Svc, ServiceRequest> for RequireUserMiddleware
where
    Svc: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = RequireUserService<Svc>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: Svc) -> Self::Future {
        ready(Ok(RequireUserService {
            inner: Rc::new(service),
        }))
    }
}

/// The service [`RequireUserMiddleware`] wraps a scope in.
pub struct RequireUserService<Svc> {
    inner: Rc<Svc>,
}

impl<Svc> fmt::Debug for RequireUserService<Svc> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RequireUserService")
    }
}

impl<Svc, B> Service<ServiceRequest> for RequireUserService<Svc>
where
    Svc: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, actix_web::Error>>>>;

    forward_ready!(inner);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let validation = start(request.request(), &TokenSources::header_only());
        let inner = Rc::clone(&self.inner);
        Box::pin(async move {
            match finish(validation).await {
                Ok(user) => {
                    request.extensions_mut().insert(ValidatedUser(user));
                    let response = inner.call(request).await?;
                    Ok(response.map_into_left_body())
                }
                Err(rejection) => {
                    let response = rejection.error_response();
                    Ok(request.into_response(response).map_into_right_body())
                }
            }
        })
    }
}

/// A 401, 403, 429, 500 or 503 exactly as core describes it: status, JSON body,
/// `WWW-Authenticate`, `Retry-After`.
///
/// Returned by the extractors, and converted from the org checks' errors by `?`. To answer
/// differently, read [`error`](Self::error) (the typed reason) or
/// [`rejection`](Self::rejection) (the rendered parts) in your own `ResponseError` type.
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

impl ResponseError for AuthRejection {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let rejection = self.rejection();
        let mut response = HttpResponse::build(self.status_code());
        for (name, value) in rejection.headers() {
            response.insert_header((name, value.into_owned()));
        }
        response.body(rejection.body.into_owned())
    }
}
