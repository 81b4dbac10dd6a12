//! Every adapter passes the whole shared table, and all adapters answer the same bytes.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use propelauth_conformance::actix_driver::ActixDriver;
use propelauth_conformance::axum_driver::AxumDriver;
use propelauth_conformance::cases::{self, CaseRequest, ObservedResponse};
use propelauth_conformance::hyper_driver::HyperDriver;
use propelauth_conformance::poem_driver::PoemDriver;
use propelauth_conformance::rocket_driver::RocketDriver;
use propelauth_conformance::{Driver, assert_conformance, test_auth_with_cache};

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
            let mut others: Vec<(&str, Answerer)> = vec![
                (ActixDriver::NAME, answerer(ActixDriver::new(auth()))),
                (RocketDriver::NAME, answerer(RocketDriver::new(auth()))),
                (PoemDriver::NAME, answerer(PoemDriver::new(auth()))),
                (HyperDriver::NAME, answerer(HyperDriver::new(auth()))),
            ];
            for case in cases::all() {
                for _ in 0..2 {
                    // Status, every WWW-Authenticate value, content type and body bytes.
                    let reference = comparable(axum.answer(&case.request));
                    for (name, answer) in &mut others {
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
type Answerer = Box<dyn FnMut(&CaseRequest) -> ObservedResponse>;

fn answerer<D: Driver + 'static>(mut driver: D) -> Answerer {
    Box::new(move |request| driver.answer(request))
}
