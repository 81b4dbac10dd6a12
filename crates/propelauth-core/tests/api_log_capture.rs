//! The API key never reaches a `log` logger, even at trace level, where ureq dumps the raw
//! bytes of every request head (16 bytes a line, hex and ASCII). Its own test binary: one
//! global logger, installed once, sees every record of this process.

// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;

use std::sync::Mutex;

use api_support::Harness;
use log::{LevelFilter, Log, Metadata, Record};
use propelauth_core::AuthOptions;
use propelauth_core::api::{CreateUserOptions, UpdateApiKeyOptions};
use propelauth_testing::samples::{ACME_ORG_ID, OWNER_USER_ID};

/// Every record: its target and its message.
static RECORDS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

struct Capture;

impl Log for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &Record<'_>) {
        let entry = (record.target().to_owned(), record.args().to_string());
        RECORDS.lock().unwrap().push(entry);
    }

    fn flush(&self) {}
}

static LOGGER: Capture = Capture;

/// The bytes of ureq's hex dump lines (`7061 7373 ... pass...`), joined.
fn dumped_bytes(records: &[(String, String)]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for (_, message) in records {
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

#[test]
fn the_api_key_never_reaches_a_log_logger_at_trace_level() {
    log::set_logger(&LOGGER).unwrap();
    log::set_max_level(LevelFilter::Trace);

    let harness = Harness::new();
    let key = harness.stand_in.api_key().to_owned();
    // The metadata fetch, a GET with a query, a POST with a body, a PATCH, an error answer.
    let auth = AuthOptions::new(harness.stand_in.auth_url(), harness.stand_in.api_key())
        .backend_base_url(harness.stand_in.base_url())
        .init()
        .unwrap();
    auth.fetch_user_metadata_by_user_id(OWNER_USER_ID, true)
        .unwrap();
    auth.create_user("ada@example.com", &CreateUserOptions::default())
        .unwrap();
    auth.update_api_key("abc123", &UpdateApiKeyOptions::default())
        .unwrap();
    harness.respond(
        "GET",
        &format!("/org/{ACME_ORG_ID}"),
        propelauth_testing::CannedResponse::text(500, "boom"),
    );
    auth.fetch_org(ACME_ORG_ID).unwrap_err();

    let records = RECORDS.lock().unwrap().clone();
    assert!(
        !records.is_empty(),
        "nothing was logged: the check below would prove nothing"
    );
    let dumped = dumped_bytes(&records);
    let head = String::from_utf8_lossy(&dumped);
    assert!(
        head.contains("x-propelauth-url"),
        "ureq's dump of the request head was captured: {head}"
    );

    for (target, message) in &records {
        assert!(!message.contains(&key), "{target}: {message}");
    }
    assert!(!head.contains(&key), "the dumped bytes hold the key");
    let ascii: String = records
        .iter()
        .filter_map(|(_, message)| message.get(41..))
        .collect();
    assert!(!ascii.contains(&key), "the ASCII column holds the key");
    assert!(
        head.contains("authorization: Bearer ****"),
        "the head carries the placeholder: {head}"
    );
}
