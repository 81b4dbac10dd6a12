//! Every adapter passes the whole shared table, and all adapters answer the same bytes.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use propelauth_conformance::actix_driver::ActixDriver;
use propelauth_conformance::axum_driver::AxumDriver;
use propelauth_conformance::cases::{self, Case, CaseRequest, Expected, ObservedResponse, Route};
use propelauth_conformance::hyper_driver::HyperDriver;
use propelauth_conformance::poem_driver::PoemDriver;
use propelauth_conformance::rocket_driver::RocketDriver;
use propelauth_conformance::{Driver, assert_conformance, test_auth_with_cache};
use propelauth_core::Auth;
use propelauth_testing::StandIn;

#[test]
fn axum_passes_the_whole_table() {
    assert_conformance::<AxumDriver>();
}

#[test]
fn actix_passes_the_whole_table() {
    assert_conformance::<ActixDriver>();
}

#[test]
fn rocket_passes_the_whole_table() {
    assert_conformance::<RocketDriver>();
}

#[test]
fn poem_passes_the_whole_table() {
    assert_conformance::<PoemDriver>();
}

#[test]
fn hyper_with_core_alone_passes_the_whole_table() {
    assert_conformance::<HyperDriver>();
}

#[test]
fn every_adapter_answers_the_same_bytes() {
    // With the validated-token cache off and on (each case sent twice: a miss, then a hit).
    for capacity in [0, propelauth_core::DEFAULT_TOKEN_CACHE_CAPACITY] {
        for debug in [false, true] {
            let auth = || test_auth_with_cache(debug, capacity);
            let mut axum = AxumDriver::new(auth());
            let mut others: Vec<Answerer> = vec![
                answerer(ActixDriver::new(auth())),
                answerer(RocketDriver::new(auth())),
                answerer(PoemDriver::new(auth())),
                answerer(HyperDriver::new(auth())),
            ];
            for case in cases::all() {
                // The framework's own refusal of a request without upgrade headers: its
                // bytes are each framework's (checked by the table, not compared here).
                if case.expected == Expected::NotAWebSocket {
                    continue;
                }
                for _ in 0..2 {
                    // Status, every WWW-Authenticate value, content type and body bytes.
                    let reference = comparable(axum.answer(&case.request));
                    for (name, serves, answer) in &mut others {
                        if !serves(&case.request.route) {
                            continue;
                        }
                        assert_eq!(
                            comparable(answer(&case.request)),
                            reference,
                            "case `{}` (debug: {debug}, cache: {capacity}): {name} differs \
                             from axum",
                            case.name
                        );
                    }
                }
            }
        }
    }
}

/// Rejections must match exactly. A 200's content type is the example route's own choice
/// (poem's `Json` adds `; charset=utf-8`), so only its media type is compared there.
fn comparable(mut response: ObservedResponse) -> ObservedResponse {
    if response.status == 200 {
        response.content_type = response.content_type.map(|content_type| {
            content_type
                .split(';')
                .next()
                .unwrap_or_default()
                .to_owned()
        });
    }
    response
}

/// One adapter, answering requests.
/// A driver's name, which routes it serves, and its answers.
type Answerer = (
    &'static str,
    fn(&Route) -> bool,
    Box<dyn FnMut(&CaseRequest) -> ObservedResponse>,
);

fn answerer<D: Driver + 'static>(mut driver: D) -> Answerer {
    (
        D::NAME,
        D::serves,
        Box::new(move |request| driver.answer(request)),
    )
}

/// Builds a fresh handle for one adapter.
type AuthMaker<'a> = Box<dyn Fn() -> Auth + 'a>;

/// A handle that accepts personal API keys and asks `stand_in` about them.
fn keys_auth(stand_in: &StandIn, debug: bool) -> Auth {
    propelauth_testing::test_auth_options()
        .backend_base_url(stand_in.base_url())
        .accept_personal_api_keys(true)
        .debug(debug)
        .init()
        .unwrap()
}

/// A handle that accepts personal API keys while PropelAuth cannot be reached (a closed
/// loopback port).
fn unreachable_auth(debug: bool) -> Auth {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    propelauth_testing::test_auth_options()
        .backend_base_url(format!("http://127.0.0.1:{port}"))
        .connect_timeout(std::time::Duration::from_secs(2))
        .timeout(std::time::Duration::from_secs(5))
        .accept_personal_api_keys(true)
        .debug(debug)
        .init()
        .unwrap()
}

/// Runs `table` through `D` twice (the second time from the caches), for both debug modes.
fn check_table<D: Driver>(table: &[Case], auth: impl Fn(bool) -> Auth) -> Vec<String> {
    let mut failures = Vec::new();
    for debug in [false, true] {
        let mut driver = D::new(auth(debug));
        for case in table {
            let first = driver.answer(&case.request);
            let repeated = driver.answer(&case.request);
            if let Err(failure) = case.check(debug, &first) {
                failures.push(format!("{}: {failure}", D::NAME));
            }
            if repeated != first {
                failures.push(format!(
                    "{}: case `{}` (debug: {debug}): the repeat differs: {repeated:?} instead \
                     of {first:?}",
                    D::NAME,
                    case.name
                ));
            }
        }
    }
    failures
}

fn keys_table_passes<D: Driver>() {
    let stand_in = StandIn::start().unwrap();
    let mut failures =
        check_table::<D>(&cases::api_key_cases(), |debug| keys_auth(&stand_in, debug));
    // Each key was asked about once per handle (two handles: debug off and on): the repeats,
    // and the other routes with the same key, came from the cache. Four keys are asked
    // about (personal, org, generic, unknown).
    let asked = stand_in.api_key_validations();
    if asked != 2 * 4 {
        failures.push(format!("{}: {asked} backend calls instead of 8", D::NAME));
    }
    failures.extend(check_table::<D>(
        &cases::unavailable_cases(),
        unreachable_auth,
    ));
    // The whole table passes with personal keys on, outside debug mode (in debug mode the
    // detail of a non-JWT bearer names the API key).
    let mut driver = D::new(keys_auth(&stand_in, false));
    for case in cases::all()
        .into_iter()
        .filter(|case| D::serves(&case.request.route))
    {
        if let Err(failure) = case.check(false, &driver.answer(&case.request)) {
            failures.push(format!("{} (keys on): {failure}", D::NAME));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn axum_passes_the_api_key_cases() {
    keys_table_passes::<AxumDriver>();
}

#[test]
fn actix_passes_the_api_key_cases() {
    keys_table_passes::<ActixDriver>();
}

#[test]
fn rocket_passes_the_api_key_cases() {
    keys_table_passes::<RocketDriver>();
}

#[test]
fn poem_passes_the_api_key_cases() {
    keys_table_passes::<PoemDriver>();
}

#[test]
fn every_adapter_answers_the_same_bytes_with_api_keys() {
    let stand_in = StandIn::start().unwrap();
    for debug in [false, true] {
        let tables: [(Vec<Case>, AuthMaker<'_>); 2] = [
            (
                cases::api_key_cases(),
                Box::new(|| keys_auth(&stand_in, debug)),
            ),
            (
                cases::unavailable_cases(),
                Box::new(move || unreachable_auth(debug)),
            ),
        ];
        for (table, auth) in tables {
            let mut axum = AxumDriver::new(auth());
            let mut others: Vec<Answerer> = vec![
                answerer(ActixDriver::new(auth())),
                answerer(RocketDriver::new(auth())),
                answerer(PoemDriver::new(auth())),
            ];
            for case in &table {
                let reference = comparable(axum.answer(&case.request));
                for (name, _, answer) in &mut others {
                    assert_eq!(
                        comparable(answer(&case.request)),
                        reference,
                        "case `{}` (debug: {debug}): {name} differs from axum",
                        case.name
                    );
                }
            }
        }
    }
}
