//! End-user API keys as request credentials: a personal key in place of an access token
//! (opt-in, [`AuthOptions::accept_personal_api_keys`](crate::AuthOptions::accept_personal_api_keys)),
//! and org keys on machine-to-machine routes.
//!
//! - A key is checked with PropelAuth's `validate_api_key` call; the answer is remembered for a
//!   short time, so a busy client costs one backend call per TTL, not one per request. Refusals
//!   are remembered too (a shorter TTL), so a flood of one bad key is not a flood of calls.
//! - The cache is keyed by a salted SHA-256 digest of the key (the salt is random per
//!   process), so no key is kept in clear. It shares the token cache's map type and the
//!   handle's clock.
//! - Concurrent first requests for one key wait for one call (single flight).
//! - PropelAuth unreachable, timing out or failing (5xx) is a 503, never a 401 that would make
//!   a client drop a good key; such an outcome is remembered for one second so that waiting
//!   requests share it.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::api::{ApiError, ApiKeyOrg, UserMetadata, ValidatedApiKey};
use crate::auth::Auth;
use crate::error::{
    ApiKeyError, AuthError, ServiceUnavailableError, ServiceUnavailableReason,
    TooManyRequestsError, UnauthorizedReason,
};
use crate::org::OrgMemberInfo;
use crate::user::{LoginMethod, User};

/// Default time a validated API key is answered from the cache
/// ([`AuthOptions::api_key_cache_ttl`](crate::AuthOptions::api_key_cache_ttl)).
pub const DEFAULT_API_KEY_CACHE_TTL: Duration = Duration::from_secs(60);
/// Default time a refused API key is answered from the cache
/// ([`AuthOptions::api_key_invalid_cache_ttl`](crate::AuthOptions::api_key_invalid_cache_ttl)).
pub const DEFAULT_API_KEY_INVALID_CACHE_TTL: Duration = Duration::from_secs(10);
/// Default number of API keys remembered
/// ([`AuthOptions::api_key_cache_capacity`](crate::AuthOptions::api_key_cache_capacity)).
pub const DEFAULT_API_KEY_CACHE_CAPACITY: usize = 10_000;
/// How long a failed validation (PropelAuth unreachable, 5xx) is remembered: long enough for
/// the requests that waited on the call to share its outcome, short enough to retry soon.
const UNAVAILABLE_CACHE_TTL: Duration = Duration::from_secs(1);
/// Longest `Retry-After` passed on from PropelAuth.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// A valid org API key, as PropelAuth describes it: what a machine-to-machine route gets.
///
/// Serializes with the field names shown (`org_id`, `org_name`, `org`, `metadata`, `user`,
/// `user_in_org`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct OrgApiKey {
    /// The org the key belongs to.
    pub org_id: String,
    /// The org's name, when PropelAuth gave it.
    pub org_name: Option<String>,
    /// Everything PropelAuth said about the org.
    pub org: ApiKeyOrg,
    /// The custom metadata attached to the key (scopes, labels...).
    pub metadata: Option<Map<String, Value>>,
    /// The member who created the key, when there is one.
    pub user: Option<UserMetadata>,
    /// That member's membership of the org.
    pub user_in_org: Option<OrgMemberInfo>,
}

impl OrgApiKey {
    fn new(org: ApiKeyOrg, validated: ValidatedApiKey) -> Self {
        Self {
            org_id: org.org_id.clone(),
            org_name: org.org_name.clone().or_else(|| org.name.clone()),
            org,
            metadata: validated.metadata,
            user: validated.user,
            user_in_org: validated.user_in_org,
        }
    }
}

/// The [`User`] a personal key stands for: the answer's user fields, its orgs when the answer
/// lists them, and [`LoginMethod::PersonalApiKey`] with the key's metadata.
fn user_of_personal_key(user: UserMetadata, key_metadata: Option<Map<String, Value>>) -> User {
    User {
        user_id: user.user_id,
        org_id_to_org_member_info: user.org_id_to_org_info,
        email: user.email,
        first_name: user.first_name,
        last_name: user.last_name,
        username: user.username,
        properties: user.properties,
        metadata: user.metadata.map(Value::Object),
        legacy_user_id: user.legacy_user_id,
        impersonator_user_id: user.impersonator_user_id,
        login_method: LoginMethod::PersonalApiKey {
            metadata: key_metadata,
        },
        active_org_id: None,
    }
}

/// What one validation of a key concluded; what the cache holds.
#[derive(Debug, Clone)]
pub(crate) enum KeyAnswer {
    /// A key of a user and no org.
    Personal(Arc<User>),
    /// A key of an org (possibly created by a member).
    Org(Arc<OrgApiKey>),
    /// A valid key of no one.
    Generic,
    /// PropelAuth refused the key.
    Invalid(ApiKeyError),
    /// The key is over its own rate limit until `until` (clock time), when PropelAuth said.
    RateLimited {
        until: Option<Duration>,
        user_facing_error: Option<String>,
    },
    /// The key could not be checked.
    Unavailable(ServiceUnavailableReason),
}

impl KeyAnswer {
    fn kind(&self) -> &'static str {
        match self {
            Self::Personal(_) => "personal",
            Self::Org(_) => "org",
            Self::Generic => "generic",
            Self::Invalid(_) => "invalid",
            Self::RateLimited { .. } => "rate_limited",
            Self::Unavailable(_) => "unavailable",
        }
    }
}

/// A cached answer and when it stops counting (clock time).
#[derive(Debug, Clone)]
struct CachedKey {
    answer: KeyAnswer,
    expires_at: Duration,
}

/// The cache's key for an API key: a salted digest, never the key itself.
pub(crate) type KeyId = [u8; 32];

/// How API keys are accepted and remembered; one per handle.
pub(crate) struct ApiKeyAuth {
    accept_personal: bool,
    valid_ttl: Duration,
    invalid_ttl: Duration,
    capacity: usize,
    salt: [u8; 16],
    entries: Option<quick_cache::sync::Cache<KeyId, CachedKey>>,
}

impl fmt::Debug for ApiKeyAuth {
    /// Settings and size only: never a key or a digest.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKeyAuth")
            .field("accept_personal_api_keys", &self.accept_personal)
            .field("cache_ttl", &self.valid_ttl)
            .field("invalid_cache_ttl", &self.invalid_ttl)
            .field("cache_capacity", &self.capacity)
            .field("cache_entries", &self.len())
            .finish()
    }
}

/// 128 bits from the operating system's randomness (through std's hash keys), fresh for each
/// handle.
fn random_salt() -> [u8; 16] {
    let mut salt = [0; 16];
    for (index, chunk) in salt.chunks_mut(8).enumerate() {
        let value = RandomState::new().hash_one(index);
        chunk.copy_from_slice(&value.to_le_bytes());
    }
    salt
}

impl ApiKeyAuth {
    pub(crate) fn new(
        accept_personal: bool,
        valid_ttl: Duration,
        invalid_ttl: Duration,
        capacity: usize,
    ) -> Self {
        Self {
            accept_personal,
            valid_ttl,
            invalid_ttl,
            capacity,
            salt: random_salt(),
            entries: (capacity > 0).then(|| crate::token_cache::bounded_map(capacity)),
        }
    }

    /// Whether a non-JWT bearer credential is checked as a personal API key.
    pub(crate) fn accepts_personal_keys(&self) -> bool {
        self.accept_personal
    }

    pub(crate) fn valid_ttl(&self) -> Duration {
        self.valid_ttl
    }

    pub(crate) fn invalid_ttl(&self) -> Duration {
        self.invalid_ttl
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Keys remembered now.
    pub(crate) fn len(&self) -> usize {
        self.entries
            .as_ref()
            .map_or(0, quick_cache::sync::Cache::len)
    }

    /// Forgets every key.
    pub(crate) fn clear(&self) {
        if let Some(entries) = &self.entries {
            entries.clear();
        }
    }

    /// Forgets one key.
    pub(crate) fn forget(&self, key: &[u8]) {
        if let Some(entries) = &self.entries {
            entries.remove(&self.id(key));
        }
    }

    /// The digest the cache keys `key` by.
    pub(crate) fn id(&self, key: &[u8]) -> KeyId {
        crate::crypto::sha256(&[&self.salt, key])
    }

    /// The answer for `id` when the cache holds a current one (a read lock, no waiting).
    pub(crate) fn fresh(&self, id: &KeyId, now: Duration) -> Option<KeyAnswer> {
        let cached = self.entries.as_ref()?.get(id)?;
        (cached.expires_at > now).then_some(cached.answer)
    }

    /// How long an answer is remembered, and (for a key over its rate limit) until when the
    /// client must wait.
    fn ttl(&self, answer: &KeyAnswer, now: Duration) -> Duration {
        match answer {
            KeyAnswer::Personal(_) | KeyAnswer::Org(_) | KeyAnswer::Generic => self.valid_ttl,
            KeyAnswer::Invalid(_) => self.invalid_ttl,
            KeyAnswer::RateLimited {
                until: Some(until), ..
            } => until.saturating_sub(now).min(self.valid_ttl),
            KeyAnswer::RateLimited { until: None, .. } => self.invalid_ttl,
            KeyAnswer::Unavailable(_) => UNAVAILABLE_CACHE_TTL,
        }
    }

    /// The answer for `key`: from the cache, from a call in flight for the same key, or from
    /// a call made now on this thread (blocking).
    fn answer_blocking(&self, auth: &Auth, id: &KeyId, key: &str) -> KeyAnswer {
        let Some(entries) = &self.entries else {
            return call_blocking(auth, key);
        };
        let now = auth.now();
        let lookup = entries.entry(id, None, |_, cached| lookup_action(cached, now));
        match lookup {
            quick_cache::sync::EntryResult::Retained(answer) => {
                auth.counters().api_key_cache_hits.increment();
                answer
            }
            quick_cache::sync::EntryResult::Vacant(guard)
            | quick_cache::sync::EntryResult::Replaced(guard, _) => {
                let answer = call_blocking(auth, key);
                self.remember(guard, &answer, auth.now());
                answer
            }
            quick_cache::sync::EntryResult::Removed(..)
            | quick_cache::sync::EntryResult::Timeout => call_blocking(auth, key),
        }
    }

    /// [`answer_blocking`](Self::answer_blocking) for async callers: waiting for a call in
    /// flight does not block, and the call runs on tokio's blocking pool.
    #[cfg(feature = "tokio")]
    async fn answer_async(&self, auth: &Auth, id: &KeyId, key: &str) -> KeyAnswer {
        let Some(entries) = &self.entries else {
            return call_async(auth, key).await;
        };
        let now = auth.now();
        let lookup = entries
            .entry_async(id, |_, cached| lookup_action(cached, now))
            .await;
        match lookup {
            quick_cache::sync::EntryResult::Retained(answer) => {
                auth.counters().api_key_cache_hits.increment();
                answer
            }
            quick_cache::sync::EntryResult::Vacant(guard)
            | quick_cache::sync::EntryResult::Replaced(guard, _) => {
                let answer = call_async(auth, key).await;
                self.remember(guard, &answer, auth.now());
                answer
            }
            quick_cache::sync::EntryResult::Removed(..)
            | quick_cache::sync::EntryResult::Timeout => call_async(auth, key).await,
        }
    }

    /// Fills the slot this caller held (waking those waiting on it), unless the answer's TTL
    /// is zero (then the slot is released empty).
    fn remember(&self, guard: Placeholder<'_>, answer: &KeyAnswer, now: Duration) {
        let ttl = self.ttl(answer, now);
        if ttl.is_zero() {
            return;
        }
        // `Err` hands the entry back when the slot was taken meanwhile: nothing to do.
        let _ = guard.insert(CachedKey {
            answer: answer.clone(),
            expires_at: now.saturating_add(ttl),
        });
    }
}

/// The slot of a call in flight: filling it wakes the requests waiting for the same key.
type Placeholder<'a> = quick_cache::sync::PlaceholderGuard<
    'a,
    KeyId,
    CachedKey,
    quick_cache::UnitWeighter,
    quick_cache::DefaultHashBuilder,
    quick_cache::sync::DefaultLifecycle<KeyId, CachedKey>,
>;

/// Keep a current entry; replace an expired one with a slot for a new call.
fn lookup_action(cached: &CachedKey, now: Duration) -> quick_cache::sync::EntryAction<KeyAnswer> {
    if cached.expires_at > now {
        quick_cache::sync::EntryAction::Retain(cached.answer.clone())
    } else {
        quick_cache::sync::EntryAction::ReplaceWithGuard
    }
}

/// Calls `validate_api_key` on this thread.
fn call_blocking(auth: &Auth, key: &str) -> KeyAnswer {
    auth.counters().api_key_backend_calls.increment();
    let result = auth.validate_api_key(key);
    conclude(auth, result)
}

/// Calls `validate_api_key` on tokio's blocking pool.
#[cfg(feature = "tokio")]
async fn call_async(auth: &Auth, key: &str) -> KeyAnswer {
    auth.counters().api_key_backend_calls.increment();
    let (handle, key) = (auth.clone(), key.to_owned());
    match tokio::task::spawn_blocking(move || handle.validate_api_key(&key)).await {
        Ok(result) => conclude(auth, result),
        Err(error) => {
            let reason = ServiceUnavailableReason::TaskFailed;
            tracing::warn!(
                %reason,
                panicked = error.is_panic(),
                "PropelAuth: API key could not be validated; answering 503"
            );
            KeyAnswer::Unavailable(reason)
        }
    }
}

/// What PropelAuth's answer means for the request; logged once per backend call, never with
/// the key.
fn conclude(auth: &Auth, result: Result<ValidatedApiKey, ApiError>) -> KeyAnswer {
    let answer = classify(result, auth.now());
    match &answer {
        KeyAnswer::Unavailable(reason) => tracing::warn!(
            %reason,
            "PropelAuth: API key could not be validated; answering 503"
        ),
        KeyAnswer::RateLimited { until, .. } => tracing::info!(
            wait_given = until.is_some(),
            "PropelAuth: API key is over its rate limit; answering 429"
        ),
        answer => tracing::debug!(kind = answer.kind(), "PropelAuth: API key validated"),
    }
    answer
}

/// The meaning of one `validate_api_key` outcome at clock time `now`.
fn classify(result: Result<ValidatedApiKey, ApiError>, now: Duration) -> KeyAnswer {
    let unavailable = KeyAnswer::Unavailable;
    match result {
        Ok(mut validated) => match (validated.org.take(), validated.user.take()) {
            (Some(org), user) => {
                validated.user = user;
                KeyAnswer::Org(Arc::new(OrgApiKey::new(org, validated)))
            }
            (None, Some(user)) => {
                KeyAnswer::Personal(Arc::new(user_of_personal_key(user, validated.metadata)))
            }
            (None, None) => KeyAnswer::Generic,
        },
        Err(ApiError::NotFound(_)) => KeyAnswer::Invalid(ApiKeyError::NotFound),
        Err(ApiError::BadRequest(_)) => KeyAnswer::Invalid(ApiKeyError::Malformed),
        Err(ApiError::RateLimited(limit)) => {
            let own_limit = limit.wait_seconds.is_some()
                || limit.user_facing_error.is_some()
                || limit.error_code.is_some();
            if !own_limit {
                return unavailable(ServiceUnavailableReason::BackendRateLimited);
            }
            let wait = limit
                .wait_seconds
                .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
                .map(|seconds| Duration::from_secs_f64(seconds).min(MAX_RETRY_AFTER));
            KeyAnswer::RateLimited {
                until: wait.map(|wait| now.saturating_add(wait)),
                user_facing_error: limit.user_facing_error,
            }
        }
        Err(ApiError::InvalidApiKey) => {
            unavailable(ServiceUnavailableReason::BackendApiKeyRejected)
        }
        Err(ApiError::Network { source, .. }) => {
            unavailable(ServiceUnavailableReason::Unreachable(source.to_string()))
        }
        Err(ApiError::UnexpectedStatus { status, .. }) => {
            unavailable(ServiceUnavailableReason::UnexpectedStatus(status))
        }
        Err(ApiError::B2bNotEnabled) => {
            unavailable(ServiceUnavailableReason::UnexpectedStatus(426))
        }
        Err(ApiError::MalformedResponse(_)) => {
            unavailable(ServiceUnavailableReason::MalformedAnswer)
        }
        Err(ApiError::Task(_)) => unavailable(ServiceUnavailableReason::TaskFailed),
        Err(_) => unavailable(ServiceUnavailableReason::MalformedAnswer),
    }
}

/// What a route that takes personal keys makes of an answer.
pub(crate) fn accept_personal_key(auth: &Auth, answer: &KeyAnswer) -> Result<Arc<User>, AuthError> {
    match answer {
        KeyAnswer::Personal(user) => Ok(Arc::clone(user)),
        KeyAnswer::Org(_) | KeyAnswer::Generic => Err(auth
            .unauthorized(
                UnauthorizedReason::InvalidApiKey(ApiKeyError::NotAPersonalKey),
                false,
            )
            .into()),
        answer => Err(refusal(auth, answer)),
    }
}

/// What a route that takes org keys makes of an answer.
pub(crate) fn accept_org_key(auth: &Auth, answer: &KeyAnswer) -> Result<Arc<OrgApiKey>, AuthError> {
    match answer {
        KeyAnswer::Org(org) => Ok(Arc::clone(org)),
        KeyAnswer::Personal(_) | KeyAnswer::Generic => Err(auth
            .unauthorized(
                UnauthorizedReason::InvalidApiKey(ApiKeyError::NotAnOrgKey),
                false,
            )
            .into()),
        answer => Err(refusal(auth, answer)),
    }
}

/// The error for an answer that accepts no key.
fn refusal(auth: &Auth, answer: &KeyAnswer) -> AuthError {
    match answer {
        KeyAnswer::Invalid(error) => auth
            .unauthorized(UnauthorizedReason::InvalidApiKey(error.clone()), false)
            .into(),
        KeyAnswer::RateLimited {
            until,
            user_facing_error,
        } => {
            let retry_after_secs = until.map(|until| {
                let remaining = until.saturating_sub(auth.now());
                let seconds = remaining.as_secs() + u64::from(remaining.subsec_nanos() > 0);
                seconds.max(1)
            });
            tracing::debug!(retry_after_secs, "PropelAuth: request rejected with 429");
            TooManyRequestsError::new(retry_after_secs, user_facing_error.clone(), auth.is_debug())
                .into()
        }
        KeyAnswer::Unavailable(reason) => {
            auth.counters().api_key_unavailable.increment();
            tracing::debug!(%reason, "PropelAuth: request rejected with 503");
            ServiceUnavailableError::new(reason.clone(), auth.is_debug()).into()
        }
        // The accepting answers are handled by the callers.
        KeyAnswer::Personal(_) | KeyAnswer::Org(_) | KeyAnswer::Generic => auth
            .unauthorized(
                UnauthorizedReason::InvalidApiKey(ApiKeyError::NotFound),
                false,
            )
            .into(),
    }
}

/// The outcome of [`Auth::start_request_validation`] and
/// [`Auth::start_org_api_key_validation`]: decided at once (an access token, a missing or
/// malformed header, an API key answered from the cache), or waiting on a call to PropelAuth
/// that the caller makes with [`finish`](Self::finish) (async) or
/// [`finish_blocking`](Self::finish_blocking).
///
/// Adapters whose extractor futures must own their data (actix-web) call the `start_*`
/// method while they hold the request, then await the result, which owns everything it
/// needs.
#[derive(Debug)]
#[must_use = "a pending validation decides nothing until it is finished"]
pub enum RequestValidation<T> {
    /// Decided without a backend call.
    Done(Result<T, AuthError>),
    /// An API key PropelAuth must be asked about.
    Pending(PendingApiKeyCheck<T>),
}

impl<T> RequestValidation<T> {
    /// The decision, making the backend call on this thread when one is needed (blocking).
    pub fn finish_blocking(self) -> Result<T, AuthError> {
        match self {
            Self::Done(result) => result,
            Self::Pending(pending) => pending.finish_blocking(),
        }
    }

    /// The decision; a backend call runs on tokio's blocking pool (feature `tokio`), and
    /// waiting for another request's call for the same key does not block.
    #[cfg(feature = "tokio")]
    pub async fn finish(self) -> Result<T, AuthError> {
        match self {
            Self::Done(result) => result,
            Self::Pending(pending) => pending.finish().await,
        }
    }
}

/// An API key to check with PropelAuth. Owns a clone of the handle and the key; `Debug`
/// never shows the key.
#[must_use = "a pending validation decides nothing until it is finished"]
pub struct PendingApiKeyCheck<T> {
    auth: Auth,
    key: Box<str>,
    id: KeyId,
    accept: fn(&Auth, &KeyAnswer) -> Result<T, AuthError>,
}

impl<T> fmt::Debug for PendingApiKeyCheck<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingApiKeyCheck")
            .field("key", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl<T> PendingApiKeyCheck<T> {
    pub(crate) fn new(
        auth: &Auth,
        key: &str,
        id: KeyId,
        accept: fn(&Auth, &KeyAnswer) -> Result<T, AuthError>,
    ) -> Self {
        Self {
            auth: auth.clone(),
            key: key.into(),
            id,
            accept,
        }
    }

    /// The decision, the backend call made on this thread (blocking).
    pub fn finish_blocking(self) -> Result<T, AuthError> {
        let answer = self
            .auth
            .api_keys()
            .answer_blocking(&self.auth, &self.id, &self.key);
        (self.accept)(&self.auth, &answer)
    }

    /// The decision, the backend call made on tokio's blocking pool (feature `tokio`).
    #[cfg(feature = "tokio")]
    pub async fn finish(self) -> Result<T, AuthError> {
        let answer = self
            .auth
            .api_keys()
            .answer_async(&self.auth, &self.id, &self.key)
            .await;
        (self.accept)(&self.auth, &answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::RateLimit;

    #[test]
    fn salts_differ_between_handles() {
        assert_ne!(random_salt(), random_salt());
        let first = ApiKeyAuth::new(true, DEFAULT_API_KEY_CACHE_TTL, Duration::ZERO, 10);
        let second = ApiKeyAuth::new(true, DEFAULT_API_KEY_CACHE_TTL, Duration::ZERO, 10);
        assert_eq!(first.id(b"key"), first.id(b"key"));
        assert_ne!(first.id(b"key"), second.id(b"key"));
        assert_ne!(first.id(b"key"), first.id(b"key2"));
        assert!(!format!("{first:?}").contains("salt"));
    }

    #[test]
    fn a_rate_limit_without_the_key_details_is_the_backend_s_own() {
        let now = Duration::from_secs(1_000);
        let own = ApiError::RateLimited(RateLimit::new("{}".into(), Some(2.5), None, None));
        match classify(Err(own), now) {
            KeyAnswer::RateLimited {
                until: Some(until), ..
            } => assert_eq!(until, now + Duration::from_millis(2_500)),
            other => panic!("{other:?}"),
        }
        let backend = ApiError::RateLimited(RateLimit::new("slow down".into(), None, None, None));
        assert!(matches!(
            classify(Err(backend), now),
            KeyAnswer::Unavailable(ServiceUnavailableReason::BackendRateLimited)
        ));
        let odd = ApiError::RateLimited(RateLimit::new(
            "{}".into(),
            Some(f64::NAN),
            None,
            Some("rate_limited".into()),
        ));
        assert!(matches!(
            classify(Err(odd), now),
            KeyAnswer::RateLimited { until: None, .. }
        ));
    }
}
