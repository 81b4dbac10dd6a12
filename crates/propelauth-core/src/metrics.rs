//! Counters of validations, cache use and key refreshes, readable from the handle
//! ([`Auth::metrics`](crate::Auth::metrics)) for the application's own metrics.

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of an [`Auth`](crate::Auth) handle's counters since initialization (shared by
/// all clones of the handle). Plain numbers: export them to Prometheus, StatsD or logs as you
/// like.
///
/// ```
/// let auth = propelauth_testing::test_auth_options().init()?;
/// let token = propelauth_testing::TokenBuilder::new("user-1").sign();
/// auth.validate_access_token(&token)?;
/// auth.validate_access_token(&token)?;
/// let metrics = auth.metrics();
/// assert_eq!((metrics.validations, metrics.rejections), (2, 0));
/// assert_eq!((metrics.cache_misses, metrics.cache_hits), (1, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthMetrics {
    /// Requests (or bare tokens) checked: accepted plus rejected.
    pub validations: u64,
    /// Of those, rejected with 401 (missing or malformed header, invalid token).
    pub rejections: u64,
    /// Tokens answered from the validated-token cache (time rules re-checked).
    pub cache_hits: u64,
    /// Tokens not in the cache, so fully validated (signature included). Stays 0 when the
    /// cache is off.
    pub cache_misses: u64,
    /// Entries in the cache now (approximate under concurrent use).
    pub cache_entries: u64,
    /// Metadata fetches after initialization that brought a usable key (whether it changed
    /// or not).
    pub key_refreshes_ok: u64,
    /// Metadata fetches after initialization that failed (network, status, bad or short
    /// key); the current key was kept.
    pub key_refreshes_failed: u64,
    /// Refreshes that replaced the verification key (each one emptied the cache).
    pub key_changes: u64,
    /// Metadata fetches started after initialization (ok + failed + at most one in flight).
    pub key_refresh_attempts: u64,
    /// End-user API keys answered from the API key cache (no backend call).
    pub api_key_cache_hits: u64,
    /// `validate_api_key` calls made to PropelAuth to check a request's API key.
    pub api_key_backend_calls: u64,
    /// Requests answered 503 because an API key could not be checked.
    pub api_key_unavailable: u64,
    /// API keys in the API key cache now (approximate under concurrent use).
    pub api_key_cache_entries: u64,
}

/// The live counters behind [`AuthMetrics`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) validations: Counter,
    pub(crate) rejections: Counter,
    pub(crate) cache_hits: Counter,
    pub(crate) cache_misses: Counter,
    pub(crate) key_refreshes_ok: Counter,
    pub(crate) key_refreshes_failed: Counter,
    pub(crate) key_changes: Counter,
    pub(crate) key_refresh_attempts: Counter,
    pub(crate) api_key_cache_hits: Counter,
    pub(crate) api_key_backend_calls: Counter,
    pub(crate) api_key_unavailable: Counter,
}

impl Counters {
    pub(crate) fn snapshot(&self, cache_entries: u64, api_key_cache_entries: u64) -> AuthMetrics {
        AuthMetrics {
            validations: self.validations.get(),
            rejections: self.rejections.get(),
            cache_hits: self.cache_hits.get(),
            cache_misses: self.cache_misses.get(),
            cache_entries,
            key_refreshes_ok: self.key_refreshes_ok.get(),
            key_refreshes_failed: self.key_refreshes_failed.get(),
            key_changes: self.key_changes.get(),
            key_refresh_attempts: self.key_refresh_attempts.get(),
            api_key_cache_hits: self.api_key_cache_hits.get(),
            api_key_backend_calls: self.api_key_backend_calls.get(),
            api_key_unavailable: self.api_key_unavailable.get(),
            api_key_cache_entries,
        }
    }
}

/// A monotonically increasing count (relaxed: a snapshot is a statistic, not a barrier).
#[derive(Debug, Default)]
pub(crate) struct Counter(AtomicU64);

impl Counter {
    pub(crate) fn increment(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}
