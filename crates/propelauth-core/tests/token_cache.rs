//! The validated-token cache: hits skip the signature check but never the time rules, the
//! bound holds, a key change empties it, and concurrent use gives the same answers.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use propelauth_core::{
    Auth, AuthOptions, Clock, ManualClock, Rejection, TokenError, UnauthorizedReason,
};
use propelauth_testing::{
    OTHER_PUBLIC_KEY_PEM, StandIn, TokenBuilder, TokenVariant, test_auth_options,
};

fn cached(clock: &Arc<ManualClock>, capacity: usize, debug: bool) -> Auth {
    test_auth_options()
        .clock(clock.clone())
        .token_cache_capacity(capacity)
        .debug(debug)
        .init()
        .unwrap()
}

/// Status, body and `WWW-Authenticate`, or the user id.
fn answer(auth: &Auth, token: &str) -> Result<String, Rejection> {
    auth.validate_access_token(token)
        .map(|user| user.user_id.clone())
        .map_err(|error| error.rejection())
}

#[test]
fn a_repeated_token_is_answered_from_the_cache_with_the_same_user() {
    let auth = test_auth_options().init().unwrap();
    let token = TokenBuilder::new("u1").email("ada@example.com").sign();
    let first = auth.validate_access_token(&token).unwrap();
    let second = auth.validate_access_token(&token).unwrap();
    assert!(
        Arc::ptr_eq(&first, &second),
        "the hit hands out the cached user"
    );
    assert_eq!(second.email.as_deref(), Some("ada@example.com"));
    let metrics = auth.metrics();
    assert_eq!((metrics.cache_misses, metrics.cache_hits), (1, 1));
    assert_eq!(metrics.cache_entries, 1);

    let off = test_auth_options().token_cache_capacity(0).init().unwrap();
    let first = off.validate_access_token(&token).unwrap();
    let second = off.validate_access_token(&token).unwrap();
    assert!(
        !Arc::ptr_eq(&first, &second),
        "without the cache, validated twice"
    );
    assert_eq!(first, second);
    let metrics = off.metrics();
    assert_eq!(
        (
            metrics.cache_misses,
            metrics.cache_hits,
            metrics.cache_entries
        ),
        (0, 0, 0)
    );
}

#[test]
fn failures_are_not_cached() {
    let auth = test_auth_options().init().unwrap();
    let builder = TokenBuilder::new("u1");
    let mut tokens: Vec<String> = TokenVariant::HOSTILE
        .iter()
        .map(|variant| builder.sign_variant(*variant))
        .collect();
    tokens.push(builder.clone().expires_in(-3600).sign());
    tokens.push(builder.clone().without_claim("user_id").sign());
    tokens.push(builder.clone().issuer("https://evil.example").sign());
    for token in &tokens {
        assert!(auth.validate_access_token(token).is_err());
        assert!(auth.validate_access_token(token).is_err());
    }
    let metrics = auth.metrics();
    assert_eq!(metrics.cache_entries, 0);
    assert_eq!(metrics.cache_hits, 0);
}

#[test]
fn a_cached_token_expires_on_time_with_the_same_answer_as_a_fresh_one() {
    for debug in [false, true] {
        let clock = Arc::new(ManualClock::starting_now());
        let on = cached(&clock, 100, debug);
        let off = cached(&clock, 0, debug);
        // exp = now + 120 s; the leeway is 60 s.
        let token = TokenBuilder::new("u1").expires_in(120).sign();
        assert_eq!(answer(&on, &token), Ok("u1".to_owned()));

        clock.advance(Duration::from_secs(175));
        assert_eq!(
            answer(&on, &token),
            Ok("u1".to_owned()),
            "within the leeway"
        );
        assert_eq!(on.metrics().cache_hits, 1);

        clock.advance(Duration::from_secs(10));
        let from_cache = answer(&on, &token);
        assert_eq!(from_cache, answer(&off, &token), "debug: {debug}");
        let rejection = from_cache.unwrap_err();
        assert_eq!(rejection.status, 401);
        if debug {
            assert_eq!(
                rejection.body,
                r#"{"detail":"Invalid access token: the token has expired"}"#
            );
        }
        assert_eq!(
            on.metrics().cache_hits,
            2,
            "the expired entry was found, then refused"
        );
        assert_eq!(on.metrics().cache_entries, 0, "and dropped");
        assert!(
            answer(&on, &token).is_err(),
            "still expired as a fresh validation"
        );
    }
}

#[test]
fn a_hit_rechecks_iat_and_nbf_when_the_clock_goes_back() {
    let clock = Arc::new(ManualClock::starting_now());
    let on = cached(&clock, 100, true);
    let off = cached(&clock, 0, true);
    let issued_now = TokenBuilder::new("u1").sign();
    let not_before_soon = TokenBuilder::new("u2").not_before_offset(30).sign();
    assert!(answer(&on, &issued_now).is_ok());
    assert!(
        answer(&on, &not_before_soon).is_ok(),
        "nbf within the leeway"
    );

    // The clock is set back two minutes (NTP step, or a test).
    clock.set(clock.now() - Duration::from_secs(120));
    for (token, error) in [
        (&issued_now, TokenError::IssuedInFuture),
        (&not_before_soon, TokenError::NotYetValid),
    ] {
        let from_cache = on.validate_access_token(token).unwrap_err();
        assert_eq!(
            from_cache.reason(),
            &UnauthorizedReason::InvalidToken(error)
        );
        let fresh = off.validate_access_token(token).unwrap_err();
        assert_eq!(from_cache.rejection(), fresh.rejection());
    }
    assert_eq!(on.metrics().cache_hits, 2);
}

#[test]
fn the_cache_holds_at_most_its_capacity() {
    let auth = test_auth_options().token_cache_capacity(64).init().unwrap();
    let tokens: Vec<String> = (0..150)
        .map(|index| TokenBuilder::new(&format!("user-{index}")).sign())
        .collect();
    for (index, token) in tokens.iter().enumerate() {
        assert_eq!(
            auth.validate_access_token(token).unwrap().user_id,
            format!("user-{index}")
        );
        assert!(auth.metrics().cache_entries <= 64);
    }
    let entries = auth.metrics().cache_entries;
    assert!((32..=64).contains(&entries), "{entries} entries");
    // Evicted tokens are validated again, still correctly.
    for (index, token) in tokens.iter().enumerate() {
        assert_eq!(
            auth.validate_access_token(token).unwrap().user_id,
            format!("user-{index}")
        );
    }
    assert!(auth.metrics().cache_entries <= 64);
}

#[test]
fn a_key_change_empties_the_cache_and_old_tokens_fail_at_once() {
    let stand_in = StandIn::start().unwrap();
    let auth = AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
        .backend_base_url(stand_in.base_url())
        .init()
        .unwrap();
    let old = TokenBuilder::new("u1").sign();
    assert!(auth.validate_access_token(&old).is_ok());
    assert!(auth.validate_access_token(&old).is_ok());
    assert_eq!(auth.metrics().cache_entries, 1);

    // The same key fetched again changes nothing.
    auth.refresh_metadata().unwrap();
    assert_eq!(auth.metrics().cache_entries, 1);
    assert_eq!(auth.metrics().key_changes, 0);

    stand_in.set_verifier_key_pem(OTHER_PUBLIC_KEY_PEM);
    auth.refresh_metadata().unwrap();
    assert_eq!(auth.metrics().cache_entries, 0);
    assert_eq!(auth.metrics().key_changes, 1);
    assert_eq!(
        auth.validate_access_token(&old).unwrap_err().reason(),
        &UnauthorizedReason::InvalidToken(TokenError::InvalidSignature)
    );
}

#[test]
fn concurrent_use_gives_the_same_answers_as_one_thread() {
    let auth = test_auth_options().token_cache_capacity(64).init().unwrap();
    let builder = TokenBuilder::new("u");
    let tokens: Vec<(String, bool)> = (0..40)
        .map(|index| match index % 4 {
            0 => (builder.clone().expires_in(-3600).sign(), false),
            1 => (builder.sign_variant(TokenVariant::TamperedPayload), false),
            _ => (TokenBuilder::new(&format!("user-{index}")).sign(), true),
        })
        .collect();
    thread::scope(|scope| {
        for offset in 0..4 {
            let (auth, tokens) = (&auth, &tokens);
            scope.spawn(move || {
                for round in 0..500 {
                    let (token, valid) = &tokens[(round * 7 + offset) % tokens.len()];
                    assert_eq!(auth.validate_access_token(token).is_ok(), *valid);
                }
            });
        }
    });
    let metrics = auth.metrics();
    assert_eq!(metrics.validations, 2_000);
    assert_eq!(metrics.cache_hits + metrics.cache_misses, 2_000);
    // Each valid token misses at most once per thread: two threads seeing a token for the
    // first time at the same moment both validate it in full (the cache has no single flight
    // for tokens, which need none: validating is local).
    assert!(metrics.cache_hits >= 1_000 - 20 * 4, "{metrics:?}");
    assert_eq!(metrics.cache_entries, 20);
}

#[test]
fn no_validation_racing_a_key_change_resurrects_an_old_token() {
    let stand_in = StandIn::start().unwrap();
    let auth = AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
        .backend_base_url(stand_in.base_url())
        .automatic_key_refresh(false)
        .init()
        .unwrap();
    let old: Vec<String> = (0..8)
        .map(|index| TokenBuilder::new(&format!("old-{index}")).sign())
        .collect();
    stand_in.set_verifier_key_pem(OTHER_PUBLIC_KEY_PEM);
    let stop = std::sync::atomic::AtomicBool::new(false);
    thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (auth, old, stop) = (&auth, &old, &stop);
                scope.spawn(move || {
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        for token in old {
                            let _ = auth.validate_access_token(token);
                        }
                    }
                })
            })
            .collect();
        thread::sleep(Duration::from_millis(20));
        auth.refresh_metadata().unwrap();
        // From the moment the refresh returned, no old token may pass, however the racing
        // validations interleaved with the swap.
        for _ in 0..20 {
            for token in &old {
                assert!(auth.validate_access_token(token).is_err());
            }
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for worker in workers {
            worker.join().unwrap();
        }
    });
    for token in &old {
        assert!(auth.validate_access_token(token).is_err());
    }
}
