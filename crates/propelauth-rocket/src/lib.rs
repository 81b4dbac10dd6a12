//! PropelAuth for [Rocket](https://rocket.rs) 0.5.
//!
//! Initialize once, `manage` the [`PropelAuth`] handle, register [`catchers()`], and take the
//! user in your routes:
//!
//! - [`RequireUser`]: a request guard yielding the user, or 401 (`require_user`);
//! - `Option<RequireUser>` or [`OptionalUser`]: the user or `None`, never a 401
//!   (`optional_user`);
//! - no route groups in Rocket: the guard on each route (several guards share one validation);
//! - [`WebSocketUser`] (the header or `?access_token=`) and [`RequireUserFrom<S>`] for
//!   routes that opt in to another token source (browsers' WebSocket handshakes);
//! - [`RequireOrgApiKey`]: an org API key, for machine-to-machine routes;
//! - the five org checks on the handle, with `?` (`require_org_member` and its
//!   `_with_minimum_role`, `_with_exact_role`, `_with_permission`, `_with_all_permissions`
//!   variants), answering 403.
//!
//! ```
//! use rocket::serde::json::Json;
//! use rocket::{State, get, routes};
//! use propelauth_rocket::{AuthRejection, OrgMemberInfo, PropelAuth, RequireUser};
//!
//! #[get("/api/whoami")]
//! fn whoami(user: RequireUser) -> String {
//!     format!("hello {}", user.user_id)
//! }
//!
//! #[get("/api/org/<org_id>/billing")]
//! fn billing(
//!     auth: &State<PropelAuth>,
//!     user: RequireUser,
//!     org_id: &str,
//! ) -> Result<Json<OrgMemberInfo>, AuthRejection> {
//!     let org = auth.require_org_member_with_permission(&user, org_id, "can_view_billing")?;
//!     Ok(Json(org.clone()))
//! }
//!
//! # fn main() -> Result<(), propelauth_rocket::InitError> {
//! # let options = propelauth_testing::test_auth_options();
//! // In production: `let auth = propelauth_rocket::init_auth_from_env()?;`
//! let auth = PropelAuth::from_options(options)?;
//! let rocket = rocket::build()
//!     .manage(auth)
//!     .register("/", propelauth_rocket::catchers())
//!     .mount("/", routes![whoami, billing]);
//! # Ok(()) }
//! ```
//!
//! # What you register, and why
//!
//! Rocket drops a failing guard's error before its catchers run, so a plain catcher cannot
//! know *why* a request was refused. [`RequireUser`] therefore records its rejection in the
//! request's local cache, and the 401 catcher of [`catchers()`] renders it exactly: status,
//! JSON body, `WWW-Authenticate`. A 401 that did not come from these guards is answered
//! `{"detail":"Unauthorized"}` without `WWW-Authenticate`. Your own catchers can read the
//! recorded rejection with [`stored_rejection`].
//!
//! Both guards are [`Sentinel`]s: an app that uses them without `.manage(auth)` or without
//! `.register("/", propelauth_rocket::catchers())` refuses to launch, and the log names the
//! missing step.
//!
//! The validation result is cached per request: several guards on one route validate the
//! token once.
//!
//! With the feature `openapi`, the guards implement rocket_okapi's `OpenApiFromRequest`, so
//! `#[openapi]` routes document the `propelauth` bearer (JWT) scheme for Swagger UI's
//! Authorize button (module `openapi`, and `docs/api-docs.md`).
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
use std::io::Cursor;
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::Arc;
use std::sync::OnceLock;

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
use rocket::catcher::{BoxFuture, Catcher};
use rocket::http::{Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{self, Responder, Response};
use rocket::{Ignite, Rocket, Sentinel};

/// Why launch is refused when the handle is not managed.
pub const NOT_MANAGED_MESSAGE: &str = "PropelAuth is not installed in this Rocket app: \
manage the handle with `rocket::build().manage(auth)`";

/// Why launch is refused when the catchers are not registered.
pub const CATCHERS_MISSING_MESSAGE: &str = "PropelAuth's catchers are not registered, so \
401 responses would lose their body and WWW-Authenticate header: add \
`.register(\"/\", propelauth_rocket::catchers())`";

/// Name of the 401 catcher, by which the sentinel recognizes the registration.
const UNAUTHORIZED_CATCHER: &str = "propelauth_rocket::unauthorized";

/// The initialized PropelAuth handle, as managed state. Derefs to [`Auth`], so the org checks
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

/// Fetches the project's verification metadata and returns the handle to manage.
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
/// # async fn start() -> Result<(), propelauth_rocket::InitError> {
/// let auth = propelauth_rocket::init_auth_async("https://auth.example.com", "my-api-key").await?;
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
/// fn main() -> Result<(), propelauth_rocket::InitError> {
///     let auth = propelauth_rocket::init_auth_from_env()?;
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
/// // Cargo.toml: propelauth-rocket = { version = "0.1", features = ["development"] }
/// let auth = propelauth_rocket::development::start()?; // prints the banner
/// # let _ = auth;
/// // rocket::build().manage(auth).register("/", propelauth_rocket::catchers())...
/// # Ok(()) }
/// ```
///
/// Never in production: the tokens are signed with a key published with the test kit. The
/// feature is opt-in, the banner says `DEVELOPMENT MODE` first, and `start` refuses
/// ([`DevelopmentError::Configured`](development::DevelopmentError::Configured)) when
/// `PROPELAUTH_AUTH_URL` is set. Enable the feature from a feature of your own app (e.g.
/// `dev = ["propelauth-rocket/development"]`) so that release builds leave it out.
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

/// The per-request cache: the guards' validation, once per request.
struct Validation(Result<Arc<User>, AuthError>);

/// The per-request cache of the [`RequireUserFrom<S>`] guards, one per `S`.
struct SourcedValidation<S>(Result<Arc<User>, AuthError>, PhantomData<fn() -> S>);

/// The per-request cache of [`RequireOrgApiKey`].
struct OrgKeyValidation(Result<Arc<OrgApiKey>, AuthError>);

/// The first `Authorization` value, as on every framework. Rocket 0.5 keeps header values as
/// `str`: one that is not UTF-8 was dropped while the request was built, with no raw copy
/// kept, so it cannot be seen here (docs/rocket.md, "Header bytes Rocket cannot see").
fn authorization<'r>(request: &'r Request<'_>) -> Option<&'r [u8]> {
    request
        .headers()
        .get_one("Authorization")
        .map(str::as_bytes)
}

/// Core's decision for `request` on a route reading the token from `sources`: the raw
/// header, query string and cookies in; an API key not in the cache is checked on tokio's
/// blocking pool.
async fn validate(request: &Request<'_>, sources: &TokenSources) -> Result<Arc<User>, AuthError> {
    let Some(auth) = request.rocket().state::<PropelAuth>() else {
        return Err(AuthError::MissingSetup(NOT_MANAGED_MESSAGE));
    };
    let validation = {
        // Collected only for a route that reads a cookie (no allocation otherwise).
        let cookies: Vec<&[u8]> = if sources.reads_cookies() {
            request.headers().get("Cookie").map(str::as_bytes).collect()
        } else {
            Vec::new()
        };
        let credentials = RequestCredentials::new(authorization(request))
            .query(request.uri().query().map(|query| query.as_str()))
            .cookie_headers(&cookies);
        auth.start_request_validation(sources, credentials)
    };
    validation.finish().await
}

async fn validation<'r>(request: &'r Request<'_>) -> &'r Result<Arc<User>, AuthError> {
    &request
        .local_cache_async(async {
            Validation(validate(request, &TokenSources::header_only()).await)
        })
        .await
        .0
}

/// The error of the guard that failed the request: set only when a guard fails (so an
/// `OptionalUser` that saw a bad token never makes another guard's 401 look like ours).
struct FailedGuard(OnceLock<AuthError>);

/// Fails the request with `error`, recording it for the catcher.
fn fail<T>(request: &Request<'_>, error: &AuthError) -> Outcome<T, AuthRejection> {
    let _ = request
        .local_cache(|| FailedGuard(OnceLock::new()))
        .0
        .set(error.clone());
    let rejection = AuthRejection(error.clone());
    Outcome::Error((rejection.status_code(), rejection))
}

/// What is wrong with the app's set-up, if anything.
fn setup_problem(rocket: &Rocket<Ignite>) -> Option<&'static str> {
    if rocket.state::<PropelAuth>().is_none() {
        return Some(NOT_MANAGED_MESSAGE);
    }
    let registered = rocket
        .catchers()
        .any(|catcher| catcher.name.as_deref() == Some(UNAUTHORIZED_CATCHER));
    (!registered).then_some(CATCHERS_MISSING_MESSAGE)
}

fn abort_on_setup_problem(rocket: &Rocket<Ignite>) -> bool {
    match setup_problem(rocket) {
        Some(problem) => {
            log::error!("{problem}");
            true
        }
        None => false,
    }
}

/// `require_user`: a request guard yielding the [`User`], or 401 (rendered by the
/// [`catchers()`]).
///
/// As `Option<RequireUser>`, it is `optional_user`.
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

impl RequireUser {
    /// The user.
    pub fn into_inner(self) -> Arc<User> {
        self.0
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for RequireUser {
    type Error = AuthRejection;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, AuthRejection> {
        match validation(request).await {
            Ok(user) => Outcome::Success(Self(user.clone())),
            Err(error) => fail(request, error),
        }
    }
}

impl Sentinel for RequireUser {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        abort_on_setup_problem(rocket)
    }
}

/// `optional_user`: the [`User`] when the request carries a valid token, `None` otherwise.
/// Never a 401. Same as `Option<RequireUser>`.
#[derive(Debug, Clone)]
pub struct OptionalUser(pub Option<Arc<User>>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for OptionalUser {
    type Error = AuthRejection;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, AuthRejection> {
        match validation(request).await {
            Ok(user) => Outcome::Success(Self(Some(user.clone()))),
            // `optional_user` never fails for the request's credential: a refused one, and
            // an API key PropelAuth could not check (503) or that is over its limit (429),
            // are no user. Only a missing setup is an error.
            Err(AuthError::MissingSetup(_)) => {
                let error = AuthError::MissingSetup(NOT_MANAGED_MESSAGE);
                fail(request, &error)
            }
            Err(_) => Outcome::Success(Self(None)),
        }
    }
}

impl Sentinel for OptionalUser {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        abort_on_setup_problem(rocket)
    }
}

/// `require_user` for a route that also reads the token from the places `S` names (a query
/// parameter, a cookie: [`RouteTokenSources`]); the `Authorization` header always wins.
/// Answers exactly like [`RequireUser`] (rendered by the [`catchers()`]).
///
/// [`WebSocketUser`] is the common case: the header or `?access_token=`.
pub struct RequireUserFrom<S> {
    user: Arc<User>,
    sources: PhantomData<fn() -> S>,
}

/// The user of a WebSocket handshake (or any route a browser opens without headers): from
/// the `Authorization` header, or else from the `access_token` query parameter. Put it before
/// `rocket_ws::WebSocket` in the route's arguments, so that a refused request is a 401
/// before any upgrade.
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

#[rocket::async_trait]
impl<'r, S: RouteTokenSources> FromRequest<'r> for RequireUserFrom<S> {
    type Error = AuthRejection;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, AuthRejection> {
        let validation = request
            .local_cache_async(async {
                SourcedValidation::<S>(validate(request, &S::token_sources()).await, PhantomData)
            })
            .await;
        match &validation.0 {
            Ok(user) => Outcome::Success(Self {
                user: Arc::clone(user),
                sources: PhantomData,
            }),
            Err(error) => fail(request, error),
        }
    }
}

impl<S> Sentinel for RequireUserFrom<S> {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        abort_on_setup_problem(rocket)
    }
}

/// A machine-to-machine route: the org API key in `Authorization: Bearer <key>`, checked with
/// PropelAuth (cached; without blocking a worker). Yields the org and the key's metadata
/// ([`OrgApiKey`]); 401 for a missing header, an access token or a key that is not an org's,
/// 503 when PropelAuth cannot be asked (rendered by the [`catchers()`]). Works whether or not
/// personal keys are accepted.
#[derive(Debug, Clone)]
pub struct RequireOrgApiKey(pub Arc<OrgApiKey>);

impl Deref for RequireOrgApiKey {
    type Target = OrgApiKey;

    fn deref(&self) -> &OrgApiKey {
        &self.0
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for RequireOrgApiKey {
    type Error = AuthRejection;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, AuthRejection> {
        let validation = request
            .local_cache_async(async {
                OrgKeyValidation(match request.rocket().state::<PropelAuth>() {
                    Some(auth) => {
                        let validation = auth.start_org_api_key_validation(authorization(request));
                        validation.finish().await
                    }
                    None => Err(AuthError::MissingSetup(NOT_MANAGED_MESSAGE)),
                })
            })
            .await;
        match &validation.0 {
            Ok(key) => Outcome::Success(Self(Arc::clone(key))),
            Err(error) => fail(request, error),
        }
    }
}

impl Sentinel for RequireOrgApiKey {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        abort_on_setup_problem(rocket)
    }
}

/// The catchers that render the guards' rejections: register them with
/// `.register("/", propelauth_rocket::catchers())`.
///
/// The 401 catcher answers a 401 that one of the guards caused with core's exact rejection,
/// and any other 401 with `{"detail":"Unauthorized"}` and no `WWW-Authenticate`. The 429 and
/// 503 catchers do the same for an end-user API key over its rate limit (with `Retry-After`)
/// or that PropelAuth could not check. To answer these yourself, register your own catcher
/// on a narrower base and read [`stored_rejection`] in it.
pub fn catchers() -> Vec<Catcher> {
    let mut unauthorized = Catcher::new(401, render_stored_rejection);
    unauthorized.name = Some(UNAUTHORIZED_CATCHER.into());
    let mut too_many = Catcher::new(429, render_stored_rejection);
    too_many.name = Some("propelauth_rocket::too_many_requests".into());
    let mut unavailable = Catcher::new(503, render_stored_rejection);
    unavailable.name = Some("propelauth_rocket::service_unavailable".into());
    vec![unauthorized, too_many, unavailable]
}

/// The rejection of the guard that failed this request, if a PropelAuth guard failed it.
/// For your own catchers.
pub fn stored_rejection(request: &Request<'_>) -> Option<AuthRejection> {
    request
        .local_cache(|| FailedGuard(OnceLock::new()))
        .0
        .get()
        .cloned()
        .map(AuthRejection)
}

fn render_stored_rejection<'r>(status: Status, request: &'r Request<'_>) -> BoxFuture<'r> {
    let stored = stored_rejection(request).filter(|rejection| rejection.status_code() == status);
    Box::pin(async move {
        match stored {
            Some(rejection) => rejection.respond_to(request),
            None => {
                let reason = status.reason().unwrap_or("Error");
                respond_with(Rejection::with_detail(status.code, reason))
            }
        }
    })
}

/// A 401, 403 or 500 exactly as core describes it: status, JSON body, `WWW-Authenticate`.
///
/// Return it from a route (`Result<_, AuthRejection>`): the org checks' errors convert into
/// it with `?`. The guards fail with it too. To answer differently, read
/// [`error`](Self::error) or [`rejection`](Self::rejection) in your own `Responder`.
///
/// Its `Debug` shows only the status and the kind of rejection, because Rocket logs a failed
/// guard's error at warning level: the detailed reason goes to `tracing` at debug level.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthRejection(AuthError);

impl fmt::Debug for AuthRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.0 {
            AuthError::Unauthorized(_) => "Unauthorized",
            AuthError::Forbidden(_) => "Forbidden",
            AuthError::MissingSetup(_) => "MissingSetup",
            // Kinds added to core later print their status alone.
            _ => "Error",
        };
        write!(f, "AuthRejection({} {kind})", self.0.status())
    }
}

impl AuthRejection {
    /// The HTTP status.
    pub fn status_code(&self) -> Status {
        Status::from_code(self.0.status()).unwrap_or(Status::InternalServerError)
    }

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

impl<'r> Responder<'r, 'static> for AuthRejection {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        respond_with(self.0.rejection())
    }
}

fn respond_with(rejection: Rejection) -> response::Result<'static> {
    let mut response = Response::build();
    for (name, value) in rejection.headers() {
        response.header(Header::new(name, value));
    }
    let Rejection { status, body, .. } = rejection;
    response
        .status(Status::from_code(status).unwrap_or(Status::InternalServerError))
        .sized_body(body.len(), Cursor::new(body.into_owned()));
    Ok(response.finalize())
}
