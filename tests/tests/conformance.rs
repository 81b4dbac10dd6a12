//! Every adapter passes the whole shared table, and all adapters answer the same bytes.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use propelauth_conformance::actix_driver::ActixDriver;
use propelauth_conformance::axum_driver::AxumDriver;
use propelauth_conformance::{Driver, assert_conformance, test_auth};
use propelauth_testing::cases;

#[test]
fn axum_passes_the_whole_table() {
    assert_conformance::<AxumDriver>();
}

#[test]
fn actix_passes_the_whole_table() {
    assert_conformance::<ActixDriver>();
}

#[test]
fn every_adapter_answers_the_same_bytes() {
    for debug in [false, true] {
        let mut axum = AxumDriver::new(test_auth(debug));
        let mut actix = ActixDriver::new(test_auth(debug));
        for case in cases::all() {
            // Status, every WWW-Authenticate value, content type and body bytes.
            let from_axum = axum.answer(&case.request);
            let from_actix = actix.answer(&case.request);
            assert_eq!(
                from_axum, from_actix,
                "case `{}` (debug: {debug}): axum vs actix-web",
                case.name
            );
        }
    }
}
