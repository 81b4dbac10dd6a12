//! The time validation and key refresh run on: the system clock in production, a clock a test
//! moves by hand ([`ManualClock`]) where time matters.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where [`Auth`](crate::Auth) reads the time: for the `exp`, `iat` and `nbf` rules of every
/// token (fresh or from the cache) and for the key refresh intervals.
///
/// The default is [`SystemClock`]. Give another with
/// [`AuthOptions::clock`](crate::AuthOptions::clock), for example a [`ManualClock`] to test
/// hours of expiry and refresh behaviour in milliseconds.
///
/// The clock may jump (NTP, a test): a refresh interval measured across a backward jump counts
/// as elapsed, so a jump can cause one early refresh, never a stuck one.
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// The current time, as the duration since the Unix epoch.
    fn now(&self) -> Duration;
}

/// The operating system's wall clock ([`SystemTime`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
    }
}

/// A clock that stands still until told to move: for tests of token expiry, cached tokens and
/// key refresh without sleeping.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use propelauth_core::{Clock, ManualClock};
///
/// let clock = Arc::new(ManualClock::starting_now());
/// let start = clock.now();
/// clock.advance(Duration::from_secs(3600));
/// assert_eq!(clock.now() - start, Duration::from_secs(3600));
/// let auth = propelauth_testing::test_auth_options().clock(clock.clone()).init()?;
/// # let _ = auth;
/// # Ok::<(), propelauth_core::InitError>(())
/// ```
#[derive(Debug)]
pub struct ManualClock {
    nanos_since_epoch: AtomicU64,
}

impl ManualClock {
    /// A clock showing `since_epoch` (a duration since the Unix epoch).
    pub fn at(since_epoch: Duration) -> Self {
        Self {
            nanos_since_epoch: AtomicU64::new(saturating_nanos(since_epoch)),
        }
    }

    /// A clock showing the system's current time (so tokens minted now are current).
    pub fn starting_now() -> Self {
        Self::at(SystemClock.now())
    }

    /// Moves the clock forward by `step`.
    pub fn advance(&self, step: Duration) {
        let step = saturating_nanos(step);
        // `fetch_update` with a saturating add: the closure never fails.
        let _ = self
            .nanos_since_epoch
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |nanos| {
                Some(nanos.saturating_add(step))
            });
    }

    /// Sets the clock to `since_epoch`, forward or backward.
    pub fn set(&self, since_epoch: Duration) {
        self.nanos_since_epoch
            .store(saturating_nanos(since_epoch), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        Duration::from_nanos(self.nanos_since_epoch.load(Ordering::SeqCst))
    }
}

/// Nanoseconds of `duration`, saturating at `u64::MAX` (about 584 years).
pub(crate) fn saturating_nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = ManualClock::at(Duration::from_secs(1_000));
        assert_eq!(clock.now(), Duration::from_secs(1_000));
        clock.advance(Duration::from_millis(1_500));
        assert_eq!(clock.now(), Duration::from_millis(1_001_500));
        clock.set(Duration::from_secs(10));
        assert_eq!(clock.now(), Duration::from_secs(10));
        clock.advance(Duration::MAX);
        assert_eq!(clock.now(), Duration::from_nanos(u64::MAX));
    }

    #[test]
    fn the_system_clock_is_past_2020() {
        assert!(SystemClock.now() > Duration::from_secs(1_577_836_800));
    }
}
