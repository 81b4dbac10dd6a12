//! Automatic key refresh against the stand-in, with a manual clock: rotation, outage, a flood
//! of foreign tokens, single-flight, and the handles that must never fetch.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use propelauth_core::{
    Auth, AuthMetrics, AuthOptions, ManualClock, TokenError, TokenVerificationMetadata,
    UnauthorizedReason,
};
use propelauth_testing::{
    CannedResponse, OTHER_PUBLIC_KEY_PEM, StandIn, TEST_PUBLIC_KEY_PEM, TokenBuilder, TokenVariant,
};
use serde_json::json;

const METADATA: &str = "/api/v1/token_verification_metadata";
const MINUTE: Duration = Duration::from_secs(60);

fn options(stand_in: &StandIn, clock: &Arc<ManualClock>) -> AuthOptions {
    AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
        .backend_base_url(stand_in.base_url())
        .clock(clock.clone())
}

/// A token of the project's current key, valid for a day of real (and simulated) time.
fn old_key_token(user_id: &str) -> String {
    TokenBuilder::new(user_id).expires_in(86_400).sign()
}

/// A token signed with the other key pair: foreign until the project rotates to it.
fn other_key_token(user_id: &str) -> String {
    TokenBuilder::new(user_id)
        .expires_in(86_400)
        .sign_variant(TokenVariant::WrongKey)
}

fn reason(auth: &Auth, token: &str) -> Option<UnauthorizedReason> {
    auth.validate_access_token(token)
        .err()
        .map(|error| error.reason().clone())
}

fn bad_signature() -> Option<UnauthorizedReason> {
    Some(UnauthorizedReason::InvalidToken(
        TokenError::InvalidSignature,
    ))
}

/// Waits (at most 10 s of real time) until `condition` holds.
fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        thread::sleep(Duration::from_millis(2));
    }
}

/// Waits until no refresh is in flight, then returns the counters.
fn settled(auth: &Auth) -> AuthMetrics {
    wait_until("no refresh is in flight", || {
        let metrics = auth.metrics();
        metrics.key_refresh_attempts == metrics.key_refreshes_ok + metrics.key_refreshes_failed
    });
    auth.metrics()
}

#[test]
fn a_rotated_key_is_accepted_within_one_interval_without_restart() {
    let stand_in = StandIn::start().unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let auth = options(&stand_in, &clock).init().unwrap();
    let old = old_key_token("old-user");
    assert_eq!(reason(&auth, &old), None);
    assert_eq!(reason(&auth, &old), None, "now from the cache");

    // The project rotates its key; clients start sending tokens of the new key.
    stand_in.set_verifier_key_pem(OTHER_PUBLIC_KEY_PEM);
    let new = other_key_token("new-user");
    assert_eq!(reason(&auth, &new), bad_signature(), "answered at once");
    // Initialization fetched less than a minute ago: the refresh waits for the interval.
    assert_eq!(auth.metrics().key_refresh_attempts, 0);

    clock.advance(MINUTE);
    // The next request finds the deferred refresh due and wakes the worker (with the system
    // clock the worker wakes by itself; a manual clock moves only when a request looks).
    assert_eq!(reason(&auth, &new), bad_signature());
    wait_until("the new key is in", || auth.metrics().key_changes == 1);
    assert_eq!(reason(&auth, &new), None, "a new-key token passes");
    assert_eq!(
        auth.validate_access_token(&new).unwrap().user_id,
        "new-user"
    );
    // The old key stops verifying at once, cached tokens of it included.
    assert_eq!(reason(&auth, &old), bad_signature());
    assert_eq!(stand_in.metadata_fetches(), 2, "init, then one refresh");
    let metrics = settled(&auth);
    assert_eq!(
        (metrics.key_refreshes_ok, metrics.key_refreshes_failed),
        (1, 0)
    );
}

#[test]
fn a_trigger_after_the_interval_refreshes_at_once() {
    let stand_in = StandIn::start().unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let auth = options(&stand_in, &clock).init().unwrap();
    clock.advance(10 * MINUTE);
    stand_in.set_verifier_key_pem(OTHER_PUBLIC_KEY_PEM);
    let new = other_key_token("new-user");
    assert_eq!(reason(&auth, &new), bad_signature());
    wait_until("the new key is in", || auth.metrics().key_changes == 1);
    assert_eq!(reason(&auth, &new), None);
}

#[test]
fn the_triggering_request_never_waits_for_the_fetch() {
    let stand_in = StandIn::start().unwrap();
    // The service takes 20 s to answer: far longer than this test waits.
    stand_in.respond(
        "GET",
        METADATA,
        CannedResponse::json(200, &json!({ "verifier_key_pem": OTHER_PUBLIC_KEY_PEM }))
            .with_delay(Duration::from_secs(20)),
    );
    let clock = Arc::new(ManualClock::starting_now());
    // Metadata passed in, refresh turned on: nothing was fetched yet, so the first signature
    // failure may fetch at once.
    let auth = options(&stand_in, &clock)
        .metadata(TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM))
        .automatic_key_refresh(true)
        .init()
        .unwrap();
    assert_eq!(
        reason(&auth, &other_key_token("u1")),
        bad_signature(),
        "answered"
    );
    wait_until("the fetch reached the service", || {
        stand_in.metadata_fetches() == 1
    });
    let metrics = auth.metrics();
    assert_eq!(metrics.key_refresh_attempts, 1);
    assert_eq!(
        metrics.key_refreshes_ok + metrics.key_refreshes_failed,
        0,
        "the 401 was answered while the fetch is still in flight"
    );
    // Other requests are not held up either.
    assert_eq!(reason(&auth, &old_key_token("u2")), None);
}

#[test]
fn an_outage_keeps_the_old_key_for_hours() {
    let stand_in = StandIn::start().unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let auth = options(&stand_in, &clock)
        .key_refresh_interval(5 * MINUTE)
        .timeout(Duration::from_millis(500))
        .init()
        .unwrap();
    let old = old_key_token("steady-user");
    let short_key = include_str!("data/rsa1024_public_key.pem");
    // Every way a refresh can fail, in turn.
    let failures = [
        CannedResponse::text(503, "service unavailable"),
        CannedResponse::text(500, "internal error"),
        CannedResponse::json(200, &json!({ "verifier_key_pem": "not a pem" })),
        CannedResponse::json(200, &json!({ "verifier_key_pem": short_key })),
        CannedResponse::text(200, "<html>not json</html>"),
        CannedResponse::text(429, "slow down"),
        // Answers after the client's timeout: a network error.
        CannedResponse::text(200, "late").with_delay(Duration::from_secs(2)),
    ];
    // Twelve half-hours: six hours of simulated outage.
    for step in 1..=12u64 {
        stand_in.respond(
            "GET",
            METADATA,
            failures[step as usize % failures.len()].clone(),
        );
        clock.advance(30 * MINUTE);
        assert_eq!(
            reason(&auth, &old),
            None,
            "step {step}: the old key still works"
        );
        assert_eq!(reason(&auth, &other_key_token("x")), bad_signature());
        wait_until("the refresh failed", || {
            auth.metrics().key_refreshes_failed == step
        });
        assert_eq!(reason(&auth, &old), None);
    }
    let metrics = settled(&auth);
    assert_eq!(metrics.key_refreshes_ok, 0);
    assert_eq!(metrics.key_changes, 0);
    assert_eq!(
        metrics.key_refresh_attempts, 12,
        "one attempt per step: the retries waited for the interval"
    );
    assert_eq!(stand_in.metadata_fetches(), 13, "init plus one per step");

    // The service is back: the next periodic refresh succeeds, and the key is unchanged.
    stand_in.clear_overrides();
    clock.advance(30 * MINUTE);
    assert_eq!(reason(&auth, &old), None);
    wait_until("the refresh succeeded", || {
        auth.metrics().key_refreshes_ok == 1
    });
    assert_eq!(auth.metrics().key_changes, 0);
}

#[test]
fn a_failed_refresh_is_retried_no_sooner_than_the_minimum_interval() {
    let stand_in = StandIn::start().unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let auth = options(&stand_in, &clock).init().unwrap();
    stand_in.set_verifier_key_pem(OTHER_PUBLIC_KEY_PEM);
    stand_in.respond("GET", METADATA, CannedResponse::text(500, "down"));
    let new = other_key_token("new-user");

    clock.advance(MINUTE);
    assert_eq!(reason(&auth, &new), bad_signature());
    wait_until("the first refresh failed", || {
        auth.metrics().key_refreshes_failed == 1
    });
    // 59 s later the service is back, but the retry must wait for the full minute.
    clock.advance(MINUTE - Duration::from_secs(1));
    for _ in 0..100 {
        assert_eq!(reason(&auth, &new), bad_signature());
    }
    stand_in.clear_overrides();
    clock.advance(Duration::from_secs(1));
    // The deferred retry is due now: this request wakes the worker (which may also have woken
    // by itself, its real-time wait being computed from the manual clock).
    let _ = reason(&auth, &new);
    wait_until("the retry brought the new key", || {
        auth.metrics().key_changes == 1
    });
    assert_eq!(reason(&auth, &new), None);
    let metrics = settled(&auth);
    assert_eq!(
        (
            metrics.key_refresh_attempts,
            metrics.key_refreshes_failed,
            metrics.key_refreshes_ok
        ),
        (2, 1, 1)
    );
}

#[test]
fn a_flood_of_foreign_tokens_costs_at_most_one_fetch_per_interval() {
    let stand_in = StandIn::start().unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let auth = options(&stand_in, &clock).init().unwrap();
    // 100 distinct foreign tokens, sent 10,000 times over ten simulated minutes.
    let foreign: Vec<String> = (0..100)
        .map(|index| other_key_token(&format!("attacker-{index}")))
        .collect();
    let step = Duration::from_millis(60);
    for index in 0..10_000 {
        clock.advance(step);
        let token = &foreign[index % foreign.len()];
        assert_eq!(reason(&auth, token), bad_signature());
    }
    let metrics = settled(&auth);
    let refreshes = stand_in.metadata_fetches() - 1;
    assert!(
        (1..=10).contains(&refreshes),
        "{refreshes} fetches for 10 minutes of flood (at most one per minute)"
    );
    assert_eq!(metrics.key_refresh_attempts, refreshes as u64);
    assert_eq!(metrics.key_changes, 0);
    assert_eq!(metrics.rejections, 10_000);
}

#[test]
fn concurrent_triggers_start_a_single_fetch() {
    let stand_in = StandIn::start().unwrap();
    // A slow answer (far longer than the triggers below take, even on a loaded machine), so
    // that they all arrive while the fetch is in flight.
    stand_in.respond_once(
        "GET",
        METADATA,
        CannedResponse::json(200, &json!({ "verifier_key_pem": TEST_PUBLIC_KEY_PEM }))
            .with_delay(Duration::from_secs(3)),
    );
    let clock = Arc::new(ManualClock::starting_now());
    let auth = options(&stand_in, &clock)
        .metadata(TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM))
        .automatic_key_refresh(true)
        .init()
        .unwrap();
    let foreign = other_key_token("attacker");
    let barrier = Barrier::new(8);
    thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                barrier.wait();
                for _ in 0..50 {
                    assert_eq!(reason(&auth, &foreign), bad_signature());
                }
            });
        }
    });
    wait_until("the fetch started", || stand_in.metadata_fetches() == 1);
    // While it is in flight, the interval passes and triggers keep coming: they join it
    // instead of starting another.
    clock.advance(10 * MINUTE);
    thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..50 {
                    assert_eq!(reason(&auth, &foreign), bad_signature());
                }
            });
        }
    });
    let metrics = settled(&auth);
    assert_eq!(metrics.key_refresh_attempts, 1);
    assert_eq!(stand_in.metadata_fetches(), 1);

    // A trigger after that fetch, the interval having passed, starts the next one.
    assert_eq!(reason(&auth, &foreign), bad_signature());
    wait_until("a second fetch", || {
        auth.metrics().key_refresh_attempts == 2
    });
    settled(&auth);
    assert_eq!(stand_in.metadata_fetches(), 2);
}

#[test]
fn an_explicit_refresh_waits_for_one_in_flight() {
    let stand_in = StandIn::start().unwrap();
    stand_in.respond_once(
        "GET",
        METADATA,
        CannedResponse::json(200, &json!({ "verifier_key_pem": TEST_PUBLIC_KEY_PEM }))
            .with_delay(Duration::from_millis(200)),
    );
    let clock = Arc::new(ManualClock::starting_now());
    let auth = options(&stand_in, &clock)
        .metadata(TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM))
        .automatic_key_refresh(true)
        .init()
        .unwrap();
    stand_in.set_verifier_key_pem(OTHER_PUBLIC_KEY_PEM);
    assert_eq!(reason(&auth, &other_key_token("u")), bad_signature());
    wait_until("the background fetch started", || {
        stand_in.metadata_fetches() == 1
    });
    // Runs after the background fetch (which serves the old key), and brings the new one.
    auth.refresh_metadata().unwrap();
    let metrics = auth.metrics();
    assert_eq!(metrics.key_refresh_attempts, 2);
    assert_eq!(metrics.key_refreshes_ok, 2);
    assert_eq!(metrics.key_changes, 1);
    assert_eq!(reason(&auth, &other_key_token("u")), None);
}

#[test]
fn the_periodic_refresh_picks_up_a_new_key_before_any_token_fails() {
    let stand_in = StandIn::start().unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let auth = options(&stand_in, &clock)
        .key_refresh_interval(60 * MINUTE)
        .init()
        .unwrap();
    stand_in.set_verifier_key_pem(OTHER_PUBLIC_KEY_PEM);
    clock.advance(30 * MINUTE);
    assert_eq!(reason(&auth, &old_key_token("u")), None);
    assert_eq!(auth.metrics().key_refresh_attempts, 0, "not due yet");
    clock.advance(30 * MINUTE);
    // Any request moves the worker along a manual clock; the system clock needs none.
    assert_eq!(reason(&auth, &old_key_token("u")), None);
    wait_until("the periodic refresh", || auth.metrics().key_changes == 1);
    assert_eq!(reason(&auth, &other_key_token("u")), None);
}

#[test]
fn the_test_kit_handle_never_fetches() {
    // `test_auth_options()` passes the metadata in: automatic refresh is off, so a foreign
    // token in a test never reaches out to https://propelauth-api.com.
    let auth = propelauth_testing::test_auth_options().init().unwrap();
    for _ in 0..100 {
        assert_eq!(reason(&auth, &other_key_token("u")), bad_signature());
    }
    assert_eq!(auth.metrics().key_refresh_attempts, 0);
    assert!(
        format!("{auth:?}").contains("automatic_key_refresh: false"),
        "{auth:?}"
    );
}

#[test]
fn refresh_can_be_turned_off_after_a_fetch() {
    let stand_in = StandIn::start().unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let auth = options(&stand_in, &clock)
        .automatic_key_refresh(false)
        .key_refresh_interval(MINUTE)
        .init()
        .unwrap();
    stand_in.set_verifier_key_pem(OTHER_PUBLIC_KEY_PEM);
    clock.advance(60 * MINUTE);
    for _ in 0..10 {
        assert_eq!(reason(&auth, &other_key_token("u")), bad_signature());
    }
    assert_eq!(auth.metrics().key_refresh_attempts, 0);
    assert_eq!(stand_in.metadata_fetches(), 1);
    // By hand it still works.
    auth.refresh_metadata().unwrap();
    assert_eq!(reason(&auth, &other_key_token("u")), None);
}
