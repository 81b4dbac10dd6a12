//! actix-only cases: the handle registered without `web::Data`, and a misconfigured app.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use propelauth_actix::{NOT_INSTALLED_MESSAGE, PropelAuth};
use propelauth_conformance::actix_driver::{ActixDriver, Registration};
use propelauth_conformance::cases::{self, CaseRequest, Route};
use propelauth_conformance::{Driver, test_auth};
use propelauth_testing::samples;

#[test]
fn the_handle_may_be_registered_without_web_data() {
    for debug in [false, true] {
        let auth = PropelAuth::from(test_auth(debug));
        let mut driver = ActixDriver::with_registration(Registration::Plain(auth));
        let failures = cases::run(debug, |request| driver.answer(request));
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

#[test]
fn an_app_without_the_handle_answers_500_naming_the_missing_step() {
    let mut driver = ActixDriver::with_registration(Registration::Missing);
    let token = samples::owner_token().sign();
    for route in [
        Route::WhoAmI,
        Route::WhoAmIOptional,
        Route::OrgCheck("x".to_owned()),
    ] {
        let request = CaseRequest {
            route,
            authorization: Some(format!("Bearer {token}").into_bytes()),
        };
        let response = driver.answer(&request);
        assert_eq!(response.status, 500, "{request:?}");
        let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
        assert_eq!(body, serde_json::json!({ "detail": NOT_INSTALLED_MESSAGE }));
    }
    assert!(NOT_INSTALLED_MESSAGE.contains("app_data"));
    let healthz = driver.answer(&CaseRequest {
        route: Route::Healthz,
        authorization: None,
    });
    assert_eq!(healthz.status, 200, "unprotected routes still work");
}
