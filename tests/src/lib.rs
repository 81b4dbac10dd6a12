//! The conformance suite: one table ([`cases`]), one [`Driver`] per
//! framework. Adding an adapter means adding one driver module and one line in
//! `tests/conformance.rs`.
#![deny(missing_docs)]
// Test code: a broken fixture is a bug to report loudly, not a condition to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod actix_driver;
pub mod axum_driver;
pub mod cases;
pub mod hyper_driver;
pub mod poem_driver;
pub mod rocket_driver;

use cases::{CaseRequest, ObservedResponse, Route};
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

    /// Whether the example serves `route`. The table's cases for a route an example leaves
    /// out (the bare hyper example has no WebSocket route) are not sent to it.
    fn serves(route: &Route) -> bool {
        let _ = route;
        true
    }
}

/// An auth handle for the test kit's tokens (validated-token cache on, the default).
pub fn test_auth(debug: bool) -> Auth {
    test_auth_with_cache(debug, propelauth_core::DEFAULT_TOKEN_CACHE_CAPACITY)
}

/// An auth handle for the test kit's tokens with a cache of `capacity` entries (0: off).
pub fn test_auth_with_cache(debug: bool, capacity: usize) -> Auth {
    propelauth_testing::test_auth_options()
        .debug(debug)
        .token_cache_capacity(capacity)
        .init()
        .expect("the test auth handle initializes")
}

/// Runs the whole table through driver `D`, without and with debug mode, and with the
/// validated-token cache off and on: every request is answered by an app without the cache,
/// then twice by an app with it (a miss, then a hit), and the three answers must be
/// byte-identical (status, `WWW-Authenticate`, content type, body) and pass the case. Panics
/// with every failure listed.
pub fn assert_conformance<D: Driver>() {
    let mut failures = Vec::new();
    let table = cases::all();
    for debug in [false, true] {
        let mut without_cache = D::new(test_auth_with_cache(debug, 0));
        let cached_auth = test_auth(debug);
        let mut with_cache = D::new(cached_auth.clone());
        for case in table.iter().filter(|case| D::serves(&case.request.route)) {
            let reference = without_cache.answer(&case.request);
            let first = with_cache.answer(&case.request);
            let repeated = with_cache.answer(&case.request);
            if let Err(failure) = case.check(debug, &reference) {
                failures.push(failure);
            }
            for (what, answer) in [("first sight", &first), ("repeat", &repeated)] {
                if *answer != reference {
                    failures.push(format!(
                        "case `{}` (debug: {debug}): with the cache ({what}) the answer \
                         differs: {answer:?} instead of {reference:?}",
                        case.name
                    ));
                }
            }
        }
        // The table's valid tokens were answered from the cache the second time.
        let metrics = cached_auth.metrics();
        if metrics.cache_hits == 0 {
            failures.push(format!(
                "debug: {debug}: the cache was never hit: {metrics:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}: {} failures over {} cases:\n{}",
        D::NAME,
        failures.len(),
        2 * table.len(),
        failures.join("\n")
    );
}
