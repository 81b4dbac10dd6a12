//! The conformance suite: one table ([`cases`]), one [`Driver`] per
//! framework. Adding an adapter means adding one driver module and one line in
//! `tests/conformance.rs`.
#![deny(missing_docs)]
// Test code: a broken fixture is a bug to report loudly, not a condition to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod actix_driver;
pub mod axum_driver;
pub mod cases;
pub mod poem_driver;
pub mod rocket_driver;

use cases::{CaseRequest, ObservedResponse};
use propelauth_core::Auth;

/// Sends a case's request through one framework's real request pipeline, to the example
/// server's routes, and reports what came back.
pub trait Driver {
    /// The framework's name, for failure messages.
    const NAME: &'static str;

    /// The example app of this framework around `auth`.
    fn new(auth: Auth) -> Self;

    /// Answers one request.
    fn answer(&mut self, request: &CaseRequest) -> ObservedResponse;
}

/// An auth handle for the test kit's tokens.
pub fn test_auth(debug: bool) -> Auth {
    propelauth_testing::test_auth_options()
        .debug(debug)
        .init()
        .expect("the test auth handle initializes")
}

/// Runs the whole table through driver `D`, without and with debug mode. Panics with every
/// failure listed.
pub fn assert_conformance<D: Driver>() {
    let mut failures = Vec::new();
    for debug in [false, true] {
        let mut driver = D::new(test_auth(debug));
        failures.extend(cases::run(debug, |request| driver.answer(request)));
    }
    assert!(
        failures.is_empty(),
        "{}: {} of {} cases failed:\n{}",
        D::NAME,
        failures.len(),
        2 * cases::all().len(),
        failures.join("\n")
    );
}
