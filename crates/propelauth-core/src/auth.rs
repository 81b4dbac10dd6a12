//! Initialization and the auth handle every adapter wraps: validation (with the
//! validated-token cache), org checks, and the key lifecycle.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use serde::{Deserialize, Serialize};

use crate::api_key_auth::{
    ApiKeyAuth, DEFAULT_API_KEY_CACHE_CAPACITY, DEFAULT_API_KEY_CACHE_TTL,
    DEFAULT_API_KEY_INVALID_CACHE_TTL, OrgApiKey, PendingApiKeyCheck, RequestValidation,
    accept_org_key, accept_personal_key,
};
pub use crate::backend::DEFAULT_BACKEND_BASE_URL;
use crate::backend::{ApiKey, BackendConnection, BaseUrlOverride, Method, Request, SharedRefusal};
use crate::clock::{Clock, SystemClock};
use crate::credentials::{self, Found, RequestCredentials, TokenSources};
use crate::crypto::{VerificationKey, install_jsonwebtoken_crypto_provider};
use crate::error::{
    ApiKeyError, AuthError, ForbiddenError, InitError, TokenError, UnauthorizedError,
    UnauthorizedReason,
};
use crate::key_refresh::{
    DEFAULT_KEY_REFRESH_MIN_INTERVAL, MIN_KEY_REFRESH_MIN_INTERVAL, Refresh, RefreshCause,
    RefreshPolicy, Schedule,
};
use crate::metrics::{AuthMetrics, Counters};
use crate::org::{OrgMemberInfo, OrgRequirement};
use crate::token::{self, ValidationRules};
use crate::token_cache::{CachedToken, DEFAULT_TOKEN_CACHE_CAPACITY, TokenCache};
use crate::user::User;

/// Default clock-skew allowance for `exp`, `iat` and `nbf`.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);
/// Default connect timeout of backend calls.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default total timeout of one backend call.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Path of the verification metadata endpoint under the backend base URL.
const METADATA_PATH: &str = "/api/v1/token_verification_metadata";

/// What PropelAuth publishes to verify tokens: the project's RSA public key (PEM) and,
/// optionally, the issuer.
///
/// Deserializes from JSON holding the PEM as `verifier_key_pem`, as `public_key_pem` (the
/// name PropelAuth's other metadata endpoint uses), or both (then `verifier_key_pem` is
/// used), plus an optional `issuer`; other fields are ignored. Serializes as
/// `verifier_key_pem` (and `issuer` when set).
///
/// ```
/// use propelauth_core::TokenVerificationMetadata;
/// let metadata: TokenVerificationMetadata = serde_json::from_str(
///     r#"{"verifier_key_pem": "A", "public_key_pem": "B", "roles": []}"#,
/// )?;
/// assert_eq!(metadata, TokenVerificationMetadata::new("A"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "MetadataWire")]
pub struct TokenVerificationMetadata {
    /// The RSA public key, PEM encoded.
    pub verifier_key_pem: String,
    /// The issuer tokens carry; `None` means `https://` + the auth URL's host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
}

impl TokenVerificationMetadata {
    /// Metadata holding only the PEM; the issuer is derived from the auth URL.
    pub fn new(verifier_key_pem: impl Into<String>) -> Self {
        Self {
            verifier_key_pem: verifier_key_pem.into(),
            issuer: None,
        }
    }

    /// Sets the issuer tokens must carry.
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }
}

/// The JSON shape of metadata: the PEM under either name, or both.
#[derive(Deserialize)]
struct MetadataWire {
    #[serde(default)]
    verifier_key_pem: Option<String>,
    #[serde(default)]
    public_key_pem: Option<String>,
    #[serde(default)]
    issuer: Option<String>,
}

impl TryFrom<MetadataWire> for TokenVerificationMetadata {
    type Error = &'static str;

    fn try_from(wire: MetadataWire) -> Result<Self, Self::Error> {
        Ok(Self {
            verifier_key_pem: pem_of(wire.verifier_key_pem, wire.public_key_pem)?,
            issuer: wire.issuer,
        })
    }
}

/// The body of the metadata endpoint: only the PEM is read. An `issuer` the body may hold is
/// not: the expected issuer comes from the options or the auth URL alone.
#[derive(Deserialize)]
struct FetchedMetadata {
    #[serde(default)]
    verifier_key_pem: Option<String>,
    #[serde(default)]
    public_key_pem: Option<String>,
}

/// The one rule for the PEM's name: `verifier_key_pem` when present (and not `null`), else
/// `public_key_pem`.
fn pem_of(
    verifier_key_pem: Option<String>,
    public_key_pem: Option<String>,
) -> Result<String, &'static str> {
    verifier_key_pem
        .or(public_key_pem)
        .ok_or("missing field `verifier_key_pem` (or `public_key_pem`)")
}

/// Parses the metadata endpoint's body: JSON holding the PEM as `verifier_key_pem`,
/// `public_key_pem` or both; every other field (an `issuer` included) is ignored.
fn parse_fetched_metadata(body: &str) -> Result<TokenVerificationMetadata, InitError> {
    let invalid = |reason: String| InitError::InvalidMetadata { reason };
    let fetched: FetchedMetadata =
        serde_json::from_str(body).map_err(|error| invalid(error.to_string()))?;
    let pem = pem_of(fetched.verifier_key_pem, fetched.public_key_pem)
        .map_err(|reason| invalid(reason.to_owned()))?;
    Ok(TokenVerificationMetadata::new(pem))
}

/// Settings for [`AuthOptions::init`]. Start from [`AuthOptions::new`].
///
/// ```
/// use std::time::Duration;
/// use propelauth_core::{AuthOptions, TokenVerificationMetadata};
/// # let pem = propelauth_testing::TEST_PUBLIC_KEY_PEM;
/// let auth = AuthOptions::new("https://auth.example.com", "my-api-key")
///     .issuer("https://login.example.com")
///     .leeway(Duration::from_secs(30))
///     .debug(true)
///     .metadata(TokenVerificationMetadata::new(pem))
///     .init()?;
/// assert_eq!(auth.issuer(), "https://login.example.com");
/// // The API key never appears in `Debug` output.
/// assert!(!format!("{auth:?}").contains("my-api-key"));
/// # Ok::<(), propelauth_core::InitError>(())
/// ```
///
/// Key lifecycle and cache (see `docs/operations.md`):
///
/// ```no_run
/// use std::time::Duration;
/// let auth = propelauth_core::AuthOptions::new("https://auth.example.com", "my-api-key")
///     .key_refresh_min_interval(Duration::from_secs(60)) // the default
///     .key_refresh_interval(Duration::from_secs(3600)) // also refresh hourly (off by default)
///     .token_cache_capacity(50_000) // default 10,000; 0 turns the cache off
///     .init()?;
/// # Ok::<(), propelauth_core::InitError>(())
/// ```
#[derive(Debug, Clone)]
pub struct AuthOptions {
    auth_url: String,
    api_key: ApiKey,
    issuer: Option<String>,
    backend_base_url: Option<BaseUrlOverride>,
    leeway: Duration,
    debug: bool,
    metadata: Option<TokenVerificationMetadata>,
    connect_timeout: Duration,
    timeout: Duration,
    token_cache_capacity: usize,
    automatic_key_refresh: Option<bool>,
    key_refresh_min_interval: Duration,
    key_refresh_interval: Option<Duration>,
    clock: Arc<dyn Clock>,
    accept_personal_api_keys: bool,
    api_key_cache_ttl: Duration,
    api_key_invalid_cache_ttl: Duration,
    api_key_cache_capacity: usize,
}

impl AuthOptions {
    /// Options for the project at `auth_url` with backend API key `api_key`.
    pub fn new(auth_url: impl Into<String>, api_key: impl Into<String>) -> Self {
        Self {
            auth_url: auth_url.into(),
            api_key: ApiKey::new(api_key.into()),
            issuer: None,
            backend_base_url: None,
            leeway: DEFAULT_LEEWAY,
            debug: false,
            metadata: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            token_cache_capacity: DEFAULT_TOKEN_CACHE_CAPACITY,
            automatic_key_refresh: None,
            key_refresh_min_interval: DEFAULT_KEY_REFRESH_MIN_INTERVAL,
            key_refresh_interval: None,
            clock: Arc::new(SystemClock),
            accept_personal_api_keys: false,
            api_key_cache_ttl: DEFAULT_API_KEY_CACHE_TTL,
            api_key_invalid_cache_ttl: DEFAULT_API_KEY_INVALID_CACHE_TTL,
            api_key_cache_capacity: DEFAULT_API_KEY_CACHE_CAPACITY,
        }
    }

    /// The issuer tokens must carry (custom domains). Wins over the derived issuer and over
    /// an issuer in metadata passed in with [`metadata`](Self::metadata).
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Where backend calls go instead of `https://propelauth-api.com` (tests, proxies).
    pub fn backend_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.backend_base_url = Some(BaseUrlOverride(base_url.into()));
        self
    }

    /// Clock-skew allowance for `exp`, `iat` and `nbf` (default 60 s).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Debug mode: error bodies carry the detailed message instead of `Unauthorized` /
    /// `Forbidden`. For development only.
    pub fn debug(mut self, debug: bool) -> Self {
        self.debug = debug;
        self
    }

    /// Use this metadata instead of fetching it: initialization makes no request, and
    /// automatic key refresh is off unless turned on with
    /// [`automatic_key_refresh(true)`](Self::automatic_key_refresh). Its issuer, if set, is
    /// the expected issuer unless [`issuer`](Self::issuer) is set too. (Fetched metadata
    /// never sets the issuer.)
    pub fn metadata(mut self, metadata: TokenVerificationMetadata) -> Self {
        self.metadata = Some(metadata);
        self
    }

    /// Connect timeout of backend calls (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Total timeout of one backend call, connecting and reading included (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How many validated tokens are remembered, so that a token seen again skips the RSA
    /// check (default 10,000; 0 turns the cache off). Every hit still checks `exp`, `iat` and
    /// `nbf` with the leeway; failures are never cached; a key change empties the cache.
    pub fn token_cache_capacity(mut self, entries: usize) -> Self {
        self.token_cache_capacity = entries;
        self
    }

    /// Whether the verification key is fetched again in the background: after a token fails
    /// the signature check with the current key (a rotated key), and every
    /// [`key_refresh_interval`](Self::key_refresh_interval) if set.
    ///
    /// Default: on when initialization fetched the metadata, off when it was passed in with
    /// [`metadata`](Self::metadata) (serverless and tests: no thread, no request after
    /// initialization). [`Auth::refresh_metadata`] works either way.
    pub fn automatic_key_refresh(mut self, enabled: bool) -> Self {
        self.automatic_key_refresh = Some(enabled);
        self
    }

    /// No automatic refresh starts sooner than this after the previous attempt started
    /// (initialization's fetch included), so a flood of tokens signed by a foreign key costs
    /// at most one backend call per interval (default 60 s; at least 1 s: shorter values are
    /// raised to 1 s). A refresh asked for sooner runs once the interval has passed.
    pub fn key_refresh_min_interval(mut self, interval: Duration) -> Self {
        self.key_refresh_min_interval = interval;
        self
    }

    /// Also refresh the key this long after the previous attempt, without waiting for a
    /// token to fail (off by default; never more often than the minimum interval).
    pub fn key_refresh_interval(mut self, interval: Duration) -> Self {
        self.key_refresh_interval = Some(interval);
        self
    }

    /// The clock for the token time rules and the refresh intervals (default
    /// [`SystemClock`]; tests use a [`ManualClock`](crate::ManualClock)).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Whether [`Auth::validate_request`] and its async twin accept a user's personal
    /// end-user API key in place of an access token (off by default: it makes backend calls).
    ///
    /// When on, an `Authorization: Bearer <credential>` whose credential is not JWT-shaped
    /// (not three dot-separated segments) is checked with PropelAuth's `validate_api_key`
    /// call: a personal key (a user, no org) gives that [`User`] (with
    /// [`LoginMethod::PersonalApiKey`](crate::LoginMethod::PersonalApiKey)); an org or generic
    /// key, or one PropelAuth does not know, is a 401. Answers are cached (see
    /// [`api_key_cache_ttl`](Self::api_key_cache_ttl)). When off, no validation ever calls
    /// the backend. See `docs/api-keys.md`.
    pub fn accept_personal_api_keys(mut self, accept: bool) -> Self {
        self.accept_personal_api_keys = accept;
        self
    }

    /// How long PropelAuth's acceptance of an API key is reused without asking again
    /// (default 60 s). A key revoked meanwhile is accepted until its entry expires; a rate
    /// limit configured on the key in PropelAuth counts backend validations, so it sees one
    /// per TTL. `Duration::ZERO`: every request asks.
    pub fn api_key_cache_ttl(mut self, ttl: Duration) -> Self {
        self.api_key_cache_ttl = ttl;
        self
    }

    /// How long PropelAuth's refusal of an API key is reused (default 10 s), so that a flood
    /// of one bad key costs one backend call per TTL. `Duration::ZERO`: every request asks.
    pub fn api_key_invalid_cache_ttl(mut self, ttl: Duration) -> Self {
        self.api_key_invalid_cache_ttl = ttl;
        self
    }

    /// How many API keys are remembered (default 10,000; 0 turns the API key cache off, and
    /// with it the sharing of one backend call among concurrent requests for the same key).
    pub fn api_key_cache_capacity(mut self, entries: usize) -> Self {
        self.api_key_cache_capacity = entries;
        self
    }

    /// Validates the options, fetches the verification metadata unless it was given, and
    /// parses the public key.
    pub fn init(self) -> Result<Auth, InitError> {
        install_jsonwebtoken_crypto_provider();
        let tenant_host = tenant_host(&self.auth_url)?;
        let backend_base_url = match self.backend_base_url {
            Some(url) => normalize_base_url(&url.0)?,
            None => DEFAULT_BACKEND_BASE_URL.to_owned(),
        };
        let backend = BackendConnection::new(
            backend_base_url,
            self.api_key,
            tenant_host.clone(),
            self.connect_timeout,
            self.timeout,
        );
        let fetched_at_init = self.metadata.is_none();
        let metadata = match self.metadata {
            Some(metadata) => metadata,
            None => fetch_metadata(&backend)?,
        };
        let key = parse_key(&metadata)?;
        let issuer = self
            .issuer
            .or(metadata.issuer)
            .unwrap_or_else(|| format!("https://{tenant_host}"));
        let policy = RefreshPolicy {
            automatic: self.automatic_key_refresh.unwrap_or(fetched_at_init),
            min_interval: self
                .key_refresh_min_interval
                .max(MIN_KEY_REFRESH_MIN_INTERVAL),
            interval: self.key_refresh_interval,
        };
        let schedule = Arc::new(Schedule::new(
            policy,
            Arc::clone(&self.clock),
            fetched_at_init,
        ));
        let inner = Arc::new(AuthInner {
            rules: ValidationRules {
                issuer,
                leeway_secs: self.leeway.as_secs_f64(),
            },
            debug: self.debug,
            key: ArcSwap::from_pointee(CurrentKey {
                key,
                pem: metadata.verifier_key_pem.trim().to_owned(),
                generation: 0,
            }),
            backend,
            clock: self.clock,
            cache: TokenCache::new(self.token_cache_capacity),
            schedule,
            counters: Counters::default(),
            api_keys: ApiKeyAuth::new(
                self.accept_personal_api_keys,
                self.api_key_cache_ttl,
                self.api_key_invalid_cache_ttl,
                self.api_key_cache_capacity,
            ),
        });
        if policy.automatic && policy.interval.is_some() {
            inner.schedule.start_worker(&inner);
        }
        Ok(Auth { inner })
    }
}

#[cfg(feature = "tokio")]
impl AuthOptions {
    /// [`init`](Self::init) from async code: the metadata fetch (a blocking HTTP call) runs on
    /// tokio's blocking pool, so no runtime worker waits on the network. Works on any tokio
    /// runtime, current-thread ones included (feature `tokio`).
    ///
    /// ```no_run
    /// # async fn start() -> Result<(), propelauth_core::InitError> {
    /// let auth = propelauth_core::AuthOptions::new("https://auth.example.com", "my-api-key")
    ///     .init_async()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn init_async(self) -> Result<Auth, InitError> {
        let url = match &self.backend_base_url {
            Some(url) => crate::backend::redacted_url(&url.0),
            None => DEFAULT_BACKEND_BASE_URL.to_owned(),
        };
        match tokio::task::spawn_blocking(move || self.init()).await {
            Ok(result) => result,
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(_) => Err(InitError::Network {
                url: format!("{url}{METADATA_PATH}"),
                source: crate::backend::TransportError::task_cancelled(),
            }),
        }
    }
}

/// [`init_auth`] from async code, the blocking metadata fetch on tokio's blocking pool
/// (feature `tokio`).
///
/// ```no_run
/// # async fn start() -> Result<(), propelauth_core::InitError> {
/// let auth = propelauth_core::init_auth_async("https://auth.example.com", "my-api-key").await?;
/// # Ok(()) }
/// ```
#[cfg(feature = "tokio")]
pub async fn init_auth_async(
    auth_url: impl Into<String>,
    api_key: impl Into<String>,
) -> Result<Auth, InitError> {
    AuthOptions::new(auth_url, api_key).init_async().await
}

/// Initializes PropelAuth: fetches the project's verification metadata from the backend
/// (a blocking HTTP call; do it at start-up) and returns the handle requests are checked
/// with.
///
/// ```no_run
/// let auth = propelauth_core::init_auth("https://auth.example.com", "my-api-key")?;
/// # Ok::<(), propelauth_core::InitError>(())
/// ```
pub fn init_auth(
    auth_url: impl Into<String>,
    api_key: impl Into<String>,
) -> Result<Auth, InitError> {
    AuthOptions::new(auth_url, api_key).init()
}

/// Initializes PropelAuth from metadata you already have (serverless, tests): no request.
pub fn init_auth_with_metadata(
    auth_url: impl Into<String>,
    api_key: impl Into<String>,
    metadata: TokenVerificationMetadata,
) -> Result<Auth, InitError> {
    AuthOptions::new(auth_url, api_key)
        .metadata(metadata)
        .init()
}

/// The tenant host of an auth URL: its host, plus `:port` when a non-default port is given.
/// Scheme, path and trailing slash are ignored.
///
/// ```
/// assert_eq!(propelauth_core::tenant_host("https://auth.example.com/").unwrap(), "auth.example.com");
/// assert_eq!(propelauth_core::tenant_host("http://localhost:8443/x").unwrap(), "localhost:8443");
/// assert!(propelauth_core::tenant_host("auth.example.com").is_err());
/// ```
pub fn tenant_host(auth_url: &str) -> Result<String, InitError> {
    let invalid = || InitError::InvalidUrl {
        url: auth_url.to_owned(),
    };
    let url = url::Url::parse(auth_url.trim()).map_err(|_| invalid())?;
    let host = url
        .host_str()
        .filter(|host| !host.is_empty())
        .ok_or_else(invalid)?;
    Ok(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

fn normalize_base_url(base_url: &str) -> Result<String, InitError> {
    let invalid = |reason| InitError::InvalidBackendBaseUrl {
        url: crate::backend::redacted_url(base_url),
        reason,
    };
    let url = url::Url::parse(base_url.trim()).map_err(|_| invalid(NOT_AN_HTTP_URL))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid(NOT_AN_HTTP_URL));
    }
    // Credentials in a URL end up in proxies' and our users' logs; PropelAuth authenticates
    // with the API key alone, so a user name or password here is a mistake to report.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "remove the user name and password: backend calls authenticate with the API key",
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Why a backend base URL that does not parse as an http(s) URL is refused.
const NOT_AN_HTTP_URL: &str = "expected an http(s) URL such as \"https://propelauth-api.com\"";

fn fetch_metadata(backend: &BackendConnection) -> Result<TokenVerificationMetadata, InitError> {
    let request = Request {
        method: Method::Get,
        route: METADATA_PATH,
        path: METADATA_PATH,
        query: &[],
        json: None,
    };
    let response = backend
        .send(&request)
        .map_err(|source| InitError::Network {
            url: backend.url(METADATA_PATH),
            source,
        })?;
    match response.shared_refusal() {
        Some(SharedRefusal::InvalidApiKey) => return Err(InitError::InvalidApiKey),
        Some(SharedRefusal::BadRequest) => {
            return Err(InitError::BadRequest {
                body: response.excerpt(),
            });
        }
        Some(SharedRefusal::RateLimited) => {
            return Err(InitError::RateLimited {
                text: response.excerpt(),
            });
        }
        Some(SharedRefusal::B2bNotEnabled) | None if !response.is_success() => {
            return Err(match response.status {
                404 => InitError::InvalidAuthUrl {
                    tenant_host: backend.tenant_host().to_owned(),
                },
                status => InitError::UnexpectedStatus {
                    status,
                    body: response.excerpt(),
                },
            });
        }
        Some(SharedRefusal::B2bNotEnabled) | None => {}
    }
    parse_fetched_metadata(&response.body)
}

fn parse_key(metadata: &TokenVerificationMetadata) -> Result<VerificationKey, InitError> {
    VerificationKey::from_pem(&metadata.verifier_key_pem)
        .map_err(|reason| InitError::InvalidPublicKey { reason })
}

/// The initialized PropelAuth handle: validates tokens and checks orgs.
///
/// Cheap to clone (one `Arc`); install one per application. The verification key sits
/// behind an atomic swap, so a refresh (automatic, or
/// [`refresh_metadata`](Self::refresh_metadata)) replaces it while requests are being
/// validated. Validated tokens are remembered in a bounded cache shared by all clones.
/// When automatic key refresh is on, the handle owns a background thread (started when first
/// needed), which ends when the last clone is dropped.
#[derive(Clone)]
pub struct Auth {
    inner: Arc<AuthInner>,
}

struct AuthInner {
    rules: ValidationRules,
    debug: bool,
    key: ArcSwap<CurrentKey>,
    backend: BackendConnection,
    clock: Arc<dyn Clock>,
    cache: TokenCache,
    schedule: Arc<Schedule>,
    counters: Counters,
    api_keys: ApiKeyAuth,
}

/// The verification key in use, its PEM (to tell a changed key from the same one fetched
/// again), and its generation (cache entries verified under another one are misses).
struct CurrentKey {
    key: VerificationKey,
    pem: String,
    generation: u64,
}

impl Drop for AuthInner {
    /// The last clone is gone: the refresh thread, if any, ends.
    fn drop(&mut self) {
        self.schedule.shut_down();
    }
}

impl Refresh for AuthInner {
    fn refresh(&self, cause: RefreshCause) {
        // Counted and logged inside; nobody waits for the result.
        let _ = self.fetch_and_install_key(cause);
    }
}

impl AuthInner {
    /// Fetches the metadata; installs the key when it parses (and differs from the current
    /// one). A failure keeps the current key.
    fn fetch_and_install_key(&self, cause: RefreshCause) -> Result<(), InitError> {
        let started = Instant::now();
        self.counters.key_refresh_attempts.increment();
        let fetched = fetch_metadata(&self.backend).and_then(|metadata| {
            let key = parse_key(&metadata)?;
            Ok((key, metadata.verifier_key_pem))
        });
        let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        match fetched {
            Ok((key, pem)) => {
                let key_changed = self.install_key(key, pem.trim());
                self.counters.key_refreshes_ok.increment();
                if key_changed {
                    self.counters.key_changes.increment();
                }
                tracing::info!(
                    cause = cause.as_str(),
                    key_changed,
                    duration_ms,
                    "PropelAuth: verification key refreshed"
                );
                Ok(())
            }
            Err(error) => {
                self.counters.key_refreshes_failed.increment();
                let (kind, status) = refresh_failure_kind(&error);
                tracing::warn!(
                    cause = cause.as_str(),
                    error.kind = kind,
                    error.status = status,
                    duration_ms,
                    "PropelAuth: verification key refresh failed; keeping the current key"
                );
                Err(error)
            }
        }
    }

    /// Swaps in `key` unless it is the current one; a new key empties the token cache.
    /// Callers are serialized by the schedule (one fetch at a time).
    fn install_key(&self, key: VerificationKey, pem: &str) -> bool {
        let current = self.key.load();
        if current.pem == pem {
            return false;
        }
        let generation = current.generation + 1;
        drop(current);
        // The old key stops verifying here; entries verified under it no longer match the
        // generation, and the clear frees them.
        self.key.store(Arc::new(CurrentKey {
            key,
            pem: pem.to_owned(),
            generation,
        }));
        self.cache.clear();
        true
    }
}

/// What a failed refresh logs: the kind of failure and the HTTP status, never a body (which
/// is not ours to log) nor the API key.
fn refresh_failure_kind(error: &InitError) -> (&'static str, Option<u16>) {
    match error {
        InitError::InvalidApiKey => ("invalid_api_key", Some(401)),
        InitError::InvalidAuthUrl { .. } => ("invalid_auth_url", Some(404)),
        InitError::BadRequest { .. } => ("bad_request", Some(400)),
        InitError::RateLimited { .. } => ("rate_limited", Some(429)),
        InitError::UnexpectedStatus { status, .. } => ("unexpected_status", Some(*status)),
        InitError::Network { .. } => ("network", None),
        InitError::InvalidMetadata { .. } => ("invalid_metadata", None),
        InitError::InvalidPublicKey { .. } => ("invalid_public_key", None),
        InitError::InvalidUrl { .. }
        | InitError::InvalidBackendBaseUrl { .. }
        | InitError::MissingVariable { .. }
        | InitError::InvalidVariable { .. }
        | InitError::VariableNotUnicode { .. } => ("invalid_configuration", None),
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let policy = self.inner.schedule.policy();
        f.debug_struct("Auth")
            .field("issuer", &self.inner.rules.issuer)
            .field("leeway_secs", &self.inner.rules.leeway_secs)
            .field("debug", &self.inner.debug)
            .field("backend", &self.inner.backend)
            .field("token_cache_capacity", &self.inner.cache.capacity())
            .field("automatic_key_refresh", &policy.automatic)
            .field("key_refresh_min_interval", &policy.min_interval)
            .field("key_refresh_interval", &policy.interval)
            .field(
                "accept_personal_api_keys",
                &self.inner.api_keys.accepts_personal_keys(),
            )
            .field("api_key_cache_ttl", &self.inner.api_keys.valid_ttl())
            .field(
                "api_key_invalid_cache_ttl",
                &self.inner.api_keys.invalid_ttl(),
            )
            .field("api_key_cache_capacity", &self.inner.api_keys.capacity())
            .finish()
    }
}

impl Auth {
    /// The issuer tokens must carry.
    pub fn issuer(&self) -> &str {
        &self.inner.rules.issuer
    }

    /// The tenant host sent as `X-Propelauth-url`.
    pub fn tenant_host(&self) -> &str {
        self.inner.backend.tenant_host()
    }

    /// The backend base URL calls go to.
    pub fn backend_base_url(&self) -> &str {
        self.inner.backend.base_url()
    }

    /// The connection backend calls go through.
    pub(crate) fn backend(&self) -> &BackendConnection {
        &self.inner.backend
    }

    /// Whether error bodies carry detailed messages.
    pub fn is_debug(&self) -> bool {
        self.inner.debug
    }

    /// Validates the value of an `Authorization` header (`None` when the header is missing)
    /// and returns the user, or the 401 to answer.
    ///
    /// The user is shared (`Arc`) with the token cache, so handing it over costs no copy; it
    /// derefs to [`User`] (`Arc::unwrap_or_clone` gives an owned one).
    pub fn validate_authorization_header(
        &self,
        header: Option<&[u8]>,
    ) -> Result<Arc<User>, UnauthorizedError> {
        self.inner.counters.validations.increment();
        match token::bearer_credentials(header) {
            Ok(token) => self.validate_token(token),
            Err(reason) => Err(self.unauthorized(reason, false)),
        }
    }

    /// Validates a bare access token and returns the user, or the 401 to answer.
    pub fn validate_access_token(
        &self,
        access_token: &str,
    ) -> Result<Arc<User>, UnauthorizedError> {
        self.inner.counters.validations.increment();
        self.validate_token(access_token.as_bytes())
    }

    /// `optional_user`: the user when the header holds a valid token, `None` otherwise
    /// (missing header, malformed header, invalid token). Never an error.
    pub fn optional_user(&self, header: Option<&[u8]>) -> Option<Arc<User>> {
        self.validate_authorization_header(header).ok()
    }

    /// The cache first (time rules re-checked), then a full validation; a signature failure
    /// asks for a key refresh in the background.
    fn validate_token(&self, access_token: &[u8]) -> Result<Arc<User>, UnauthorizedError> {
        let inner = &*self.inner;
        let now = inner.clock.now();
        inner.schedule.poke_if_due(now);
        let now = now.as_secs_f64();
        let current = inner.key.load();
        if inner.cache.is_enabled() {
            let hit = inner
                .cache
                .get(access_token)
                .filter(|hit| hit.key_generation == current.generation);
            if let Some(hit) = hit {
                inner.counters.cache_hits.increment();
                return match hit.times.check(inner.rules.leeway_secs, now) {
                    Ok(()) => {
                        tracing::debug!(cached = true, "PropelAuth: token accepted");
                        Ok(hit.user)
                    }
                    Err(error) => {
                        inner.cache.remove(access_token);
                        Err(self.unauthorized(UnauthorizedReason::InvalidToken(error), true))
                    }
                };
            }
            inner.counters.cache_misses.increment();
        }
        match token::validate(access_token, &current.key, &inner.rules, now) {
            Ok(validated) => {
                let user = Arc::new(validated.user);
                inner.cache.insert(
                    access_token,
                    CachedToken {
                        user: Arc::clone(&user),
                        times: validated.times,
                        key_generation: current.generation,
                    },
                );
                tracing::debug!(cached = false, "PropelAuth: token accepted");
                Ok(user)
            }
            Err(reason) => {
                if reason == UnauthorizedReason::InvalidToken(TokenError::InvalidSignature) {
                    inner.schedule.request_refresh(&self.inner);
                }
                Err(self.unauthorized(reason, false))
            }
        }
    }

    pub(crate) fn unauthorized(
        &self,
        reason: UnauthorizedReason,
        cached: bool,
    ) -> UnauthorizedError {
        self.inner.counters.rejections.increment();
        tracing::debug!(%reason, cached, "PropelAuth: request rejected with 401");
        UnauthorizedError::new(reason, self.inner.debug)
    }

    /// The handle's counters: validations, cache hits and misses, key refreshes. Shared by
    /// all clones.
    pub fn metrics(&self) -> AuthMetrics {
        let entries = u64::try_from(self.inner.cache.len()).unwrap_or(u64::MAX);
        let api_keys = u64::try_from(self.inner.api_keys.len()).unwrap_or(u64::MAX);
        self.inner.counters.snapshot(entries, api_keys)
    }

    /// The handle's counters, for the API key module.
    pub(crate) fn counters(&self) -> &Counters {
        &self.inner.counters
    }

    /// The API key settings and cache.
    pub(crate) fn api_keys(&self) -> &ApiKeyAuth {
        &self.inner.api_keys
    }

    /// The handle's clock, now.
    pub(crate) fn now(&self) -> Duration {
        self.inner.clock.now()
    }

    /// `require_user` for a route reading the token from `sources`: the user, or the
    /// rejection to answer. Starts the check and finishes it at once, so with personal API
    /// keys accepted ([`AuthOptions::accept_personal_api_keys`]) a key not in the cache is
    /// checked with a **blocking** backend call on this thread: async code uses
    /// [`validate_request_async`](Self::validate_request_async) or
    /// [`start_request_validation`](Self::start_request_validation).
    ///
    /// ```
    /// use propelauth_core::{RequestCredentials, TokenSources};
    /// # let auth = propelauth_testing::test_auth_options().init()?;
    /// let token = propelauth_testing::TokenBuilder::new("user-1").sign();
    /// let query = format!("access_token={token}");
    /// let websocket = TokenSources::header_only().or_query("access_token");
    /// let user = auth.validate_request(&websocket, RequestCredentials::new(None).query(Some(&query)))?;
    /// assert_eq!(user.user_id, "user-1");
    /// // The same request on a route that reads the header only: 401.
    /// let refused = auth.validate_request(&TokenSources::header_only(), RequestCredentials::new(None).query(Some(&query)));
    /// assert_eq!(refused.unwrap_err().status(), 401);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validate_request(
        &self,
        sources: &TokenSources,
        credentials: RequestCredentials<'_>,
    ) -> Result<Arc<User>, AuthError> {
        self.start_request_validation(sources, credentials)
            .finish_blocking()
    }

    /// [`validate_request`](Self::validate_request) for async code (feature `tokio`): an
    /// access token is validated right here, synchronously (no task, no allocation beyond
    /// the header path's); only an API key that must be checked with PropelAuth goes to
    /// tokio's blocking pool, and a request waiting for another request's check of the same
    /// key waits without blocking.
    #[cfg(feature = "tokio")]
    pub async fn validate_request_async(
        &self,
        sources: &TokenSources,
        credentials: RequestCredentials<'_>,
    ) -> Result<Arc<User>, AuthError> {
        self.start_request_validation(sources, credentials)
            .finish()
            .await
    }

    /// `optional_user` for a route reading the token from `sources`: the user, or `None`
    /// for a missing or malformed credential, an invalid token or a refused key. A key that
    /// could not be checked (503) or is over its rate limit (429) is also `None` (logged),
    /// since `optional_user` never fails. Blocking like
    /// [`validate_request`](Self::validate_request).
    pub fn optional_user_request(
        &self,
        sources: &TokenSources,
        credentials: RequestCredentials<'_>,
    ) -> Option<Arc<User>> {
        self.validate_request(sources, credentials).ok()
    }

    /// [`optional_user_request`](Self::optional_user_request) for async code (feature
    /// `tokio`).
    #[cfg(feature = "tokio")]
    pub async fn optional_user_request_async(
        &self,
        sources: &TokenSources,
        credentials: RequestCredentials<'_>,
    ) -> Option<Arc<User>> {
        self.validate_request_async(sources, credentials).await.ok()
    }

    /// The first half of [`validate_request`](Self::validate_request), for adapters: decides
    /// at once whatever needs no backend call (an access token, a missing or malformed
    /// credential, an API key in the cache), else hands back the pending check, which owns
    /// what it needs (no borrow of the request) and is finished with
    /// [`RequestValidation::finish`] or [`RequestValidation::finish_blocking`].
    ///
    /// Where the credential is read: see [`TokenSources`]. API keys are read from the
    /// `Authorization` header only.
    pub fn start_request_validation(
        &self,
        sources: &TokenSources,
        credentials: RequestCredentials<'_>,
    ) -> RequestValidation<Arc<User>> {
        self.inner.counters.validations.increment();
        let found = match credentials::find(sources, &credentials) {
            Ok(found) => found,
            Err(reason) => {
                return RequestValidation::Done(Err(self.unauthorized(reason, false).into()));
            }
        };
        let token = match &found {
            Found::Header(credential)
                if self.inner.api_keys.accepts_personal_keys()
                    && !token::is_jwt_shaped(credential) =>
            {
                return self.start_api_key_check(credential, accept_personal_key);
            }
            Found::Header(token) | Found::Cookie(token) => *token,
            Found::Query(token) => &**token,
        };
        RequestValidation::Done(self.validate_token(token).map_err(AuthError::from))
    }

    /// A machine-to-machine route: the org API key in `Authorization: Bearer <key>` (the
    /// header only), or the rejection to answer: 401 for a missing or malformed header, an
    /// access token, a key PropelAuth does not know, or a key of a user or of no one; 503
    /// when PropelAuth cannot be asked. Cached like personal keys; works whether or not
    /// personal keys are accepted. Blocking when the key is not in the cache: async code uses
    /// [`validate_org_api_key_request_async`](Self::validate_org_api_key_request_async).
    pub fn validate_org_api_key_request(
        &self,
        authorization: Option<&[u8]>,
    ) -> Result<Arc<OrgApiKey>, AuthError> {
        self.start_org_api_key_validation(authorization)
            .finish_blocking()
    }

    /// [`validate_org_api_key_request`](Self::validate_org_api_key_request) for async code
    /// (feature `tokio`): the backend call, when needed, runs on tokio's blocking pool.
    #[cfg(feature = "tokio")]
    pub async fn validate_org_api_key_request_async(
        &self,
        authorization: Option<&[u8]>,
    ) -> Result<Arc<OrgApiKey>, AuthError> {
        self.start_org_api_key_validation(authorization)
            .finish()
            .await
    }

    /// The first half of
    /// [`validate_org_api_key_request`](Self::validate_org_api_key_request), for adapters
    /// (see [`start_request_validation`](Self::start_request_validation)).
    pub fn start_org_api_key_validation(
        &self,
        authorization: Option<&[u8]>,
    ) -> RequestValidation<Arc<OrgApiKey>> {
        self.inner.counters.validations.increment();
        match token::bearer_credentials(authorization) {
            Err(reason) => RequestValidation::Done(Err(self.unauthorized(reason, false).into())),
            Ok(credential) if token::is_jwt_shaped(credential) => {
                let reason =
                    UnauthorizedReason::InvalidApiKey(ApiKeyError::AccessTokenInsteadOfKey);
                RequestValidation::Done(Err(self.unauthorized(reason, false).into()))
            }
            Ok(credential) => self.start_api_key_check(credential, accept_org_key),
        }
    }

    /// An API key from the header: answered from the cache when it holds a current answer,
    /// else pending. A credential with a space (which no key has) is refused without a call.
    fn start_api_key_check<T>(
        &self,
        credential: &[u8],
        accept: fn(&Auth, &crate::api_key_auth::KeyAnswer) -> Result<T, AuthError>,
    ) -> RequestValidation<T> {
        let key = match std::str::from_utf8(credential) {
            Ok(key) if !key.contains(' ') => key,
            _ => {
                let reason = UnauthorizedReason::InvalidApiKey(ApiKeyError::Malformed);
                return RequestValidation::Done(Err(self.unauthorized(reason, false).into()));
            }
        };
        let api_keys = &self.inner.api_keys;
        let id = api_keys.id(credential);
        if let Some(answer) = api_keys.fresh(&id, self.now()) {
            self.inner.counters.api_key_cache_hits.increment();
            return RequestValidation::Done(accept(self, &answer));
        }
        RequestValidation::Pending(PendingApiKeyCheck::new(self, key, id, accept))
    }

    /// Forgets every end-user API key answer: the next request with each key asks
    /// PropelAuth again.
    pub fn clear_api_key_cache(&self) {
        self.inner.api_keys.clear();
    }

    /// Forgets the cached answer for one end-user API key (for example right after revoking
    /// it with [`delete_api_key`](Self::delete_api_key)), so the next request with it asks
    /// PropelAuth again. `api_key_token` is the key as its holder sends it, without `Bearer `.
    pub fn forget_api_key(&self, api_key_token: &str) {
        self.inner.api_keys.forget(api_key_token.as_bytes());
    }

    /// Forgets every validated token: the next request with each one is fully validated
    /// again. A key change does this by itself; this is for applications that want it at
    /// another moment (and for benchmarks of the first sight of a token).
    pub fn clear_token_cache(&self) {
        self.inner.cache.clear();
    }

    /// Checks `user` against `requirement` in org `org_id`.
    pub fn check_org<'u>(
        &self,
        user: &'u User,
        org_id: &str,
        requirement: OrgRequirement<'_>,
    ) -> Result<&'u OrgMemberInfo, ForbiddenError> {
        requirement.check(user, org_id).map_err(|reason| {
            tracing::debug!(%reason, "PropelAuth: request rejected with 403");
            ForbiddenError::new(reason, self.inner.debug)
        })
    }

    /// The user's membership of org `org_id`, or 403.
    pub fn require_org_member<'u>(
        &self,
        user: &'u User,
        org_id: &str,
    ) -> Result<&'u OrgMemberInfo, ForbiddenError> {
        self.check_org(user, org_id, OrgRequirement::Member)
    }

    /// The membership when the user has at least `minimum_role` in the org, or 403.
    pub fn require_org_member_with_minimum_role<'u>(
        &self,
        user: &'u User,
        org_id: &str,
        minimum_role: &str,
    ) -> Result<&'u OrgMemberInfo, ForbiddenError> {
        self.check_org(user, org_id, OrgRequirement::MinimumRole(minimum_role))
    }

    /// The membership when the user has exactly `role` in the org, or 403.
    pub fn require_org_member_with_exact_role<'u>(
        &self,
        user: &'u User,
        org_id: &str,
        role: &str,
    ) -> Result<&'u OrgMemberInfo, ForbiddenError> {
        self.check_org(user, org_id, OrgRequirement::ExactRole(role))
    }

    /// The membership when the user has `permission` in the org, or 403.
    pub fn require_org_member_with_permission<'u>(
        &self,
        user: &'u User,
        org_id: &str,
        permission: &str,
    ) -> Result<&'u OrgMemberInfo, ForbiddenError> {
        self.check_org(user, org_id, OrgRequirement::Permission(permission))
    }

    /// The membership when the user has every one of `permissions` in the org, or 403.
    pub fn require_org_member_with_all_permissions<'u>(
        &self,
        user: &'u User,
        org_id: &str,
        permissions: &[&str],
    ) -> Result<&'u OrgMemberInfo, ForbiddenError> {
        self.check_org(user, org_id, OrgRequirement::AllPermissions(permissions))
    }

    /// Fetches the verification metadata now and swaps in the key (blocking: call it from a
    /// thread that may wait, e.g. through `spawn_blocking`). Requests validated meanwhile use
    /// the current key. A new key replaces the old one at once (tokens of the old key fail
    /// from then on) and empties the token cache; on failure the current key stays.
    ///
    /// Not rate limited, but never concurrent with an automatic refresh: it waits for one in
    /// flight. With automatic refresh on (the default after a fetch at initialization) there
    /// is rarely a reason to call it.
    pub fn refresh_metadata(&self) -> Result<(), InitError> {
        let _attempt = self.inner.schedule.begin_explicit_attempt();
        self.inner.fetch_and_install_key(RefreshCause::Explicit)
    }
}
