//! What key refreshes log (from the background thread, hence a global subscriber, alone in
//! its test binary): outcome, cause and duration, never the API key, a token or the body the
//! service answered.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use propelauth_core::{AuthOptions, ManualClock};
use propelauth_testing::{
    CannedResponse, OTHER_PUBLIC_KEY_PEM, StandIn, TokenBuilder, TokenVariant,
};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn refreshes_log_their_outcome_without_secrets() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let api_key = "sk_live_refresh_secret_4242";
    let stand_in = StandIn::builder().api_key(api_key).start().unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let auth = AuthOptions::new(stand_in.auth_url(), api_key)
        .backend_base_url(stand_in.base_url())
        .clock(clock.clone())
        .init()
        .unwrap();
    let foreign = TokenBuilder::new("u").sign_variant(TokenVariant::WrongKey);

    stand_in.respond(
        "GET",
        "/api/v1/token_verification_metadata",
        CannedResponse::text(503, "upstream secret-body-text"),
    );
    clock.advance(Duration::from_secs(60));
    assert!(auth.validate_access_token(&foreign).is_err());
    wait_until("the refresh failed", || {
        auth.metrics().key_refreshes_failed == 1
    });

    stand_in.clear_overrides();
    stand_in.set_verifier_key_pem(OTHER_PUBLIC_KEY_PEM);
    clock.advance(Duration::from_secs(60));
    assert!(auth.validate_access_token(&foreign).is_err());
    wait_until("the refresh succeeded", || auth.metrics().key_changes == 1);
    assert!(auth.validate_access_token(&foreign).is_ok());
    assert!(auth.validate_access_token(&foreign).is_ok());

    let logs = buffer.text();
    let failure = logs
        .lines()
        .find(|line| line.contains("refresh failed"))
        .unwrap_or_else(|| panic!("no failure line in:\n{logs}"));
    assert!(failure.contains("WARN"), "{failure}");
    assert!(failure.contains("cause=\"signature_failure\""), "{failure}");
    assert!(
        failure.contains("error.kind=\"unexpected_status\""),
        "{failure}"
    );
    assert!(failure.contains("error.status=503"), "{failure}");
    assert!(failure.contains("duration_ms="), "{failure}");
    let success = logs
        .lines()
        .find(|line| line.contains("verification key refreshed"))
        .unwrap_or_else(|| panic!("no success line in:\n{logs}"));
    assert!(success.contains("INFO"), "{success}");
    assert!(success.contains("key_changed=true"), "{success}");
    assert!(
        logs.contains("cached=true"),
        "a cache hit is logged as such:\n{logs}"
    );
    assert!(logs.contains("cached=false"), "{logs}");

    assert!(!logs.contains(api_key), "{logs}");
    assert!(!logs.contains("secret-body-text"), "{logs}");
    for segment in foreign.split('.').filter(|segment| segment.len() > 8) {
        assert!(
            !logs.contains(segment),
            "a token segment reached the logs:\n{logs}"
        );
    }
}
