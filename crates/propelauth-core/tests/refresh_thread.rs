//! The background refresh thread belongs to the handle: it starts when first needed and ends
//! when the last clone of the handle is dropped (no reference cycle keeps it alive).
//!
//! Alone in its test binary, because it counts the process's threads by name.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(target_os = "linux")]

use std::time::{Duration, Instant};

use propelauth_core::AuthOptions;
use propelauth_testing::{StandIn, TokenBuilder, TokenVariant};

/// Threads of this process named like the refresh thread (Linux keeps 15 bytes of a name).
fn refresh_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .filter(|name| name.trim() == "propelauth-keys")
        .count()
}

fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn the_refresh_thread_starts_when_needed_and_ends_with_the_last_clone() {
    let stand_in = StandIn::start().unwrap();
    let auth = AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
        .backend_base_url(stand_in.base_url())
        .init()
        .unwrap();
    assert_eq!(refresh_threads(), 0, "no thread before it is needed");

    let foreign = TokenBuilder::new("u").sign_variant(TokenVariant::WrongKey);
    assert!(auth.validate_access_token(&foreign).is_err());
    wait_until("the thread runs", || refresh_threads() == 1);

    let clone = auth.clone();
    drop(auth);
    // A clone still holds the handle: the thread stays.
    assert!(clone.validate_access_token(&foreign).is_err());
    assert_eq!(refresh_threads(), 1);
    drop(clone);
    wait_until("the thread ended", || refresh_threads() == 0);

    // Periodic refresh starts the thread at initialization; dropping the handle ends it.
    let periodic = AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
        .backend_base_url(stand_in.base_url())
        .key_refresh_interval(Duration::from_secs(3600))
        .init()
        .unwrap();
    wait_until("the periodic thread runs", || refresh_threads() == 1);
    drop(periodic);
    wait_until("the periodic thread ended", || refresh_threads() == 0);
}
