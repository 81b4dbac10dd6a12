//! poem-only behaviour: an app without `.data(auth)` answers 500 naming the step.

use poem::EndpointExt;
use propelauth_conformance::Driver;
use propelauth_conformance::cases::{CaseRequest, Route};
use propelauth_conformance::poem_driver::PoemDriver;
use propelauth_poem::NOT_INSTALLED_MESSAGE;
use propelauth_testing::samples;

#[test]
fn an_app_without_the_handle_answers_500_naming_the_missing_step() {
    let routes = propelauth_example_poem::routes().map_to_response().boxed();
    let mut driver = PoemDriver::with_endpoint(routes);
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
        let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap_or_default();
        assert_eq!(body, serde_json::json!({ "detail": NOT_INSTALLED_MESSAGE }));
    }
    assert!(NOT_INSTALLED_MESSAGE.contains(".data(auth)"));
    let healthz = driver.answer(&CaseRequest {
        route: Route::Healthz,
        authorization: None,
    });
    assert_eq!(healthz.status, 200, "unprotected routes still work");
}
