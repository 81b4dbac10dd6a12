//! When the verification key is fetched again: on demand after a signature failure, or
//! periodically, never more than once per minimum interval, one fetch at a time, on a
//! background thread owned by the handle.
//!
//! The thread holds a [`Weak`] reference to the handle's shared part (never a strong one, so
//! the handle's last clone going away still drops it) and the [`Schedule`] it waits on. When
//! the shared part drops, it tells the schedule, and the thread ends (after the fetch in
//! flight, if any, which the backend timeouts bound).
//!
//! Requests never wait for the network: a request that needs a refresh sets a flag under a
//! short lock and wakes the thread. The thread is started by the first such request (or at
//! initialization when periodic refresh is on), so handles that never see a foreign token
//! never own a thread.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use crate::clock::{Clock, saturating_nanos};

/// Default of [`AuthOptions::key_refresh_min_interval`](crate::AuthOptions::key_refresh_min_interval).
pub const DEFAULT_KEY_REFRESH_MIN_INTERVAL: Duration = Duration::from_secs(60);

/// Smallest minimum interval accepted; shorter ones are raised to it.
pub(crate) const MIN_KEY_REFRESH_MIN_INTERVAL: Duration = Duration::from_secs(1);

/// Name of the background thread (Linux shows 15 bytes at most).
pub(crate) const WORKER_THREAD_NAME: &str = "propelauth-keys";

/// When refreshes may happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RefreshPolicy {
    /// Whether signature failures and the periodic interval start refreshes at all.
    pub(crate) automatic: bool,
    /// No attempt starts sooner than this after the previous one started.
    pub(crate) min_interval: Duration,
    /// Refresh this long after the previous attempt even without a trigger.
    pub(crate) interval: Option<Duration>,
}

/// Why a refresh runs (for logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefreshCause {
    /// A token failed the signature check with the current key.
    SignatureFailure,
    /// The periodic interval elapsed.
    Periodic,
    /// `Auth::refresh_metadata` was called.
    Explicit,
}

impl RefreshCause {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::SignatureFailure => "signature_failure",
            Self::Periodic => "periodic",
            Self::Explicit => "explicit",
        }
    }
}

/// What performs a refresh: the handle's shared part (held weakly by the worker).
pub(crate) trait Refresh: Send + Sync + 'static {
    /// Fetches the metadata and swaps the key in when it parses; counts and logs the outcome.
    fn refresh(&self, cause: RefreshCause);
}

/// The refresh schedule of one handle, shared by the handle and its worker thread.
#[derive(Debug)]
pub(crate) struct Schedule {
    policy: RefreshPolicy,
    clock: Arc<dyn Clock>,
    /// When the handle was initialized (the periodic interval's first origin).
    created_at: Duration,
    state: Mutex<State>,
    wake: Condvar,
    /// A lock-free copy of `state.pending || state.in_flight`: a flood of failing tokens reads
    /// it and returns without locking.
    busy: AtomicBool,
    /// When the worker plans to act next (nanoseconds since the epoch; `u64::MAX`: never).
    /// Requests that see it passed wake the worker: with the system clock the worker wakes on
    /// its own anyway, with a [`ManualClock`](crate::ManualClock) this is what moves it.
    next_action_nanos: AtomicU64,
}

#[derive(Debug, Default)]
struct State {
    /// When the last fetch started (initialization's included).
    last_attempt: Option<Duration>,
    /// A signature failure asked for a refresh.
    pending: bool,
    /// A fetch is running.
    in_flight: bool,
    /// The handle is gone: the worker must end.
    shutdown: bool,
    /// The worker thread was started.
    worker_started: bool,
}

impl Schedule {
    /// A schedule; `fetched_at_init` records initialization's fetch as the first attempt.
    pub(crate) fn new(policy: RefreshPolicy, clock: Arc<dyn Clock>, fetched_at_init: bool) -> Self {
        let created_at = clock.now();
        let last_attempt = fetched_at_init.then_some(created_at);
        let schedule = Self {
            policy,
            clock,
            created_at,
            state: Mutex::new(State {
                last_attempt,
                ..State::default()
            }),
            wake: Condvar::new(),
            busy: AtomicBool::new(false),
            next_action_nanos: AtomicU64::new(u64::MAX),
        };
        let next = schedule.next_action(&lock(&schedule.state));
        schedule.publish_next_action(next);
        schedule
    }

    pub(crate) fn policy(&self) -> RefreshPolicy {
        self.policy
    }

    /// A token failed the signature check: ask for a refresh, without waiting for it.
    pub(crate) fn request_refresh<R: Refresh>(self: &Arc<Self>, refresher: &Arc<R>) {
        if !self.policy.automatic || self.busy.load(Ordering::Acquire) {
            return;
        }
        let mut state = lock(&self.state);
        if state.pending || state.in_flight || state.shutdown {
            return;
        }
        state.pending = true;
        self.busy.store(true, Ordering::Release);
        let next = self.next_action(&state);
        self.publish_next_action(next);
        self.start_worker_if_needed(&mut state, refresher);
        drop(state);
        self.wake.notify_all();
    }

    /// Called on every validation: wakes the worker when its next action is due by the clock.
    /// One atomic load when nothing is due.
    pub(crate) fn poke_if_due(&self, now: Duration) {
        if saturating_nanos(now) >= self.next_action_nanos.load(Ordering::Acquire) {
            // Take the lock so the wake-up cannot fall between the worker's check and wait.
            let state = lock(&self.state);
            drop(state);
            self.wake.notify_all();
        }
    }

    /// Starts the worker now (periodic refresh needs it from the start).
    pub(crate) fn start_worker<R: Refresh>(self: &Arc<Self>, refresher: &Arc<R>) {
        let mut state = lock(&self.state);
        self.start_worker_if_needed(&mut state, refresher);
    }

    /// Serializes fetches: waits for a fetch in flight, then records this one as the latest
    /// attempt. The returned guard ends it.
    pub(crate) fn begin_explicit_attempt(&self) -> AttemptGuard<'_> {
        let mut state = lock(&self.state);
        while state.in_flight {
            state = self
                .wake
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.in_flight = true;
        state.last_attempt = Some(self.clock.now());
        self.busy.store(true, Ordering::Release);
        AttemptGuard { schedule: self }
    }

    /// The handle is gone: the worker ends.
    pub(crate) fn shut_down(&self) {
        let mut state = lock(&self.state);
        state.shutdown = true;
        drop(state);
        self.wake.notify_all();
    }

    fn start_worker_if_needed<R: Refresh>(self: &Arc<Self>, state: &mut State, refresher: &Arc<R>) {
        if state.worker_started || state.shutdown {
            return;
        }
        let (schedule, refresher) = (Arc::clone(self), Arc::downgrade(refresher));
        match std::thread::Builder::new()
            .name(WORKER_THREAD_NAME.to_owned())
            .spawn(move || schedule.run_worker(&refresher))
        {
            Ok(_) => state.worker_started = true,
            Err(error) => {
                // No thread now; the next request that needs one tries again.
                state.pending = false;
                self.busy.store(false, Ordering::Release);
                self.publish_next_action(None);
                tracing::warn!(
                    %error,
                    "PropelAuth: cannot start the key refresh thread; the current key stays"
                );
            }
        }
    }

    /// The worker thread: waits until a refresh is due, runs it, and ends when the handle is
    /// gone.
    fn run_worker<R: Refresh>(&self, refresher: &Weak<R>) {
        while let Some(cause) = self.wait_for_due_refresh() {
            // Ends the attempt even if the refresh panicked, so an explicit refresh never
            // waits forever for it.
            let attempt = WorkerAttempt { schedule: self };
            let Some(refresher) = refresher.upgrade() else {
                break;
            };
            refresher.refresh(cause);
            // Never keep the handle alive while waiting.
            drop(refresher);
            drop(attempt);
        }
    }

    /// Blocks until a refresh is due (and marks it in flight), or returns `None` at shutdown.
    fn wait_for_due_refresh(&self) -> Option<RefreshCause> {
        let mut state = lock(&self.state);
        loop {
            if state.shutdown {
                return None;
            }
            let now = self.clock.now();
            let next = self.next_action(&state);
            self.publish_next_action(next);
            match next {
                Some(due) if due <= now || went_backwards(&state, now) => {
                    let cause = if state.pending {
                        RefreshCause::SignatureFailure
                    } else {
                        RefreshCause::Periodic
                    };
                    state.pending = false;
                    state.in_flight = true;
                    state.last_attempt = Some(now);
                    self.busy.store(true, Ordering::Release);
                    self.publish_next_action(None);
                    return Some(cause);
                }
                Some(due) => {
                    let (guard, _) = self
                        .wake
                        .wait_timeout(state, due - now)
                        .unwrap_or_else(PoisonError::into_inner);
                    state = guard;
                }
                None => {
                    state = self
                        .wake
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            }
        }
    }

    fn end_attempt(&self) {
        let mut state = lock(&self.state);
        state.in_flight = false;
        if std::thread::panicking() {
            // The worker is unwinding: the next request that needs a refresh starts another.
            state.worker_started = false;
        }
        self.busy.store(state.pending, Ordering::Release);
        let next = self.next_action(&state);
        self.publish_next_action(next);
        drop(state);
        self.wake.notify_all();
    }

    /// When the worker should act next, from the state: a pending refresh once the minimum
    /// interval has passed, a periodic one once its interval has passed.
    fn next_action(&self, state: &State) -> Option<Duration> {
        if !self.policy.automatic || state.in_flight || state.shutdown {
            return None;
        }
        // Without any attempt yet, a pending refresh may start at once; a periodic one counts
        // from the schedule's creation.
        let pending = state.pending.then(|| {
            state.last_attempt.map_or(Duration::ZERO, |last| {
                last.saturating_add(self.policy.min_interval)
            })
        });
        let periodic = self.policy.interval.map(|interval| {
            state
                .last_attempt
                .unwrap_or(self.created_at)
                .saturating_add(interval.max(self.policy.min_interval))
        });
        match (pending, periodic) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn publish_next_action(&self, next: Option<Duration>) {
        self.next_action_nanos
            .store(next.map_or(u64::MAX, saturating_nanos), Ordering::Release);
    }
}

/// Ends an attempt started by [`Schedule::begin_explicit_attempt`].
pub(crate) struct AttemptGuard<'a> {
    schedule: &'a Schedule,
}

impl Drop for AttemptGuard<'_> {
    fn drop(&mut self) {
        let mut state = lock(&self.schedule.state);
        state.in_flight = false;
        // A trigger that came during an explicit refresh was ignored: that refresh answers it.
        state.pending = false;
        self.schedule.busy.store(false, Ordering::Release);
        let next = self.schedule.next_action(&state);
        self.schedule.publish_next_action(next);
        drop(state);
        self.schedule.wake.notify_all();
    }
}

/// The worker's attempt in flight; ends it when dropped.
struct WorkerAttempt<'a> {
    schedule: &'a Schedule,
}

impl Drop for WorkerAttempt<'_> {
    fn drop(&mut self) {
        self.schedule.end_attempt();
    }
}

/// Whether the clock went back to before the last attempt: the interval then counts as
/// elapsed (one early refresh rather than one delayed by the jump).
fn went_backwards(state: &State, now: Duration) -> bool {
    state.last_attempt.is_some_and(|last| now < last)
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
