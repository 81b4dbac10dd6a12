//! An end-user API key a request carries never reaches a log: not core's `tracing` events (at
//! trace level, captured per thread), not ureq's `log` records (which dump the raw bytes of
//! each request at trace level), not a debug-mode body, not `Debug` output. Its own test
//! binary: one global `log` logger and one global `tracing` subscriber.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod log_capture;

use std::sync::Mutex;
use std::time::Duration;

use log::{LevelFilter, Log, Metadata, Record};
use propelauth_core::{AuthOptions, RequestCredentials, TokenSources, TokenVerificationMetadata};
use propelauth_testing::{CannedResponse, StandIn, StandInApiKey, TEST_PUBLIC_KEY_PEM};
use serde_json::json;

/// Every `log` record's message.
static RECORDS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl Log for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &Record<'_>) {
        RECORDS.lock().unwrap().push(record.args().to_string());
    }

    fn flush(&self) {}
}

static LOGGER: Capture = Capture;

/// The bytes of ureq's hex dump lines (`7061 7373 ... pass...`), joined.
fn dumped_bytes(records: &[String]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for message in records {
        let Some(hex) = message.get(..40) else {
            continue;
        };
        let digits: String = hex.chars().filter(|c| *c != ' ').collect();
        if digits.len() != 32 || !digits.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            continue;
        }
        for pair in digits.as_bytes().chunks(2) {
            if let Ok(byte) = u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16) {
                bytes.push(byte);
            }
        }
    }
    bytes
}

/// Every 8-character window of `key`: a log line showing part of the key shows one.
fn windows(key: &str) -> Vec<&str> {
    (0..=key.len() - 8)
        .map(|start| &key[start..start + 8])
        .collect()
}

#[test]
fn a_request_s_api_key_never_reaches_a_log() {
    log::set_logger(&LOGGER).unwrap();
    log::set_max_level(LevelFilter::Trace);
    let key = "sk-live-7f3a9c2e5b1d4f6a8c0e2b4d6f8a1c3e";
    let unknown = "sk-live-0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    let stand_in = StandIn::start().unwrap();
    stand_in.add_api_key(
        key,
        StandInApiKey::personal(json!({"user_id": "0d3a6c1e-9f2b-4c8d-8e7f-6a5b4c3d2e1f"})),
    );
    let options = || {
        AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
            .backend_base_url(stand_in.base_url())
            .metadata(TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM))
            .timeout(Duration::from_secs(1))
            .accept_personal_api_keys(true)
            .debug(true)
    };
    let mut bodies = Vec::new();
    let mut shown = Vec::new();
    let logs = log_capture::captured_logs(|| {
        let sources = TokenSources::header_only();
        let auth = options().init().unwrap();
        for credential in [key, key, unknown, unknown] {
            let header = format!("Bearer {credential}");
            let outcome =
                auth.validate_request(&sources, RequestCredentials::new(Some(header.as_bytes())));
            if let Err(error) = &outcome {
                bodies.push(error.rejection().body.into_owned());
            }
            shown.push(format!("{outcome:?}"));
            let started = auth.start_request_validation(
                &sources,
                RequestCredentials::new(Some(header.as_bytes())),
            );
            shown.push(format!("{started:?}"));
            let org = auth.validate_org_api_key_request(Some(header.as_bytes()));
            if let Err(error) = &org {
                bodies.push(error.rejection().body.into_owned());
            }
        }
        shown.push(format!("{auth:?}"));
        // A failing backend and a slow one: 503, reasons logged.
        stand_in.respond(
            "POST",
            "/api/backend/v1/end_user_api_keys/validate",
            CannedResponse::text(500, "boom"),
        );
        let failing = options().init().unwrap();
        let header = format!("Bearer {key}");
        let error =
            failing.validate_request(&sources, RequestCredentials::new(Some(header.as_bytes())));
        bodies.push(error.unwrap_err().rejection().body.into_owned());
        stand_in.respond(
            "POST",
            "/api/backend/v1/end_user_api_keys/validate",
            CannedResponse::text(200, "{}").with_delay(Duration::from_millis(2_000)),
        );
        let slow = options().init().unwrap();
        let error =
            slow.validate_request(&sources, RequestCredentials::new(Some(header.as_bytes())));
        bodies.push(error.unwrap_err().rejection().body.into_owned());
    });

    assert!(
        logs.contains("PropelAuth: API key validated")
            && logs.contains("PropelAuth: API key could not be validated; answering 503")
            && logs.contains("timed out"),
        "the events were captured, so the checks below prove something: {logs}"
    );
    let records = RECORDS.lock().unwrap().clone();
    let dumped = dumped_bytes(&records);
    assert!(
        String::from_utf8_lossy(&dumped).contains("end_user_api_keys/validate"),
        "ureq's dump of the validation requests was captured"
    );
    let dumped = String::from_utf8_lossy(&dumped).into_owned();
    for secret in [key, unknown] {
        for window in windows(secret) {
            assert!(!logs.contains(window), "tracing shows {window}: {logs}");
            assert!(!dumped.contains(window), "ureq's dump shows {window}");
            for record in &records {
                assert!(
                    !record.contains(window),
                    "a log record shows {window}: {record}"
                );
            }
            for text in bodies.iter().chain(&shown) {
                assert!(!text.contains(window), "{text}");
            }
        }
    }
    assert!(
        bodies
            .iter()
            .any(|body| body.contains("Service Unavailable: "))
    );
}
