//! Rocket-only behaviour: the sentinel that refuses a misconfigured launch, the catchers that
//! keep the guard's rejection, and one validation per request however many guards ask.

// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

// One global capturing subscriber for this binary (core's test helper, so the rule lives
// once): a thread-local `with_default` subscriber loses events now and then while other
// tests run on other threads.
#[path = "../../crates/propelauth-core/tests/log_capture/mod.rs"]
mod log_capture;

use propelauth_conformance::cases::{CaseRequest, Route};
use propelauth_conformance::rocket_driver::{RocketDriver, quiet_rocket};
use propelauth_conformance::{Driver, test_auth};
use propelauth_rocket::{OptionalUser, PropelAuth, RequireUser};
use propelauth_testing::samples::owner_token;
use rocket::http::Status;
use rocket::{get, routes};

#[get("/api/whoami")]
fn whoami(user: RequireUser) -> String {
    user.user_id.clone()
}

#[get("/twice")]
fn twice(first: Option<RequireUser>, second: OptionalUser, third: Option<RequireUser>) -> String {
    format!(
        "{} {} {}",
        first.is_some(),
        second.0.is_some(),
        third.is_some()
    )
}

#[get("/teapot_401")]
fn plain_unauthorized() -> Status {
    Status::Unauthorized
}

/// A guard of the application's own that refuses every request with 401.
struct AlwaysUnauthorized;

#[rocket::async_trait]
impl<'r> rocket::request::FromRequest<'r> for AlwaysUnauthorized {
    type Error = ();

    async fn from_request(_: &'r rocket::Request<'_>) -> rocket::request::Outcome<Self, ()> {
        rocket::request::Outcome::Error((Status::Unauthorized, ()))
    }
}

#[get("/other_guard")]
fn other_guard(user: OptionalUser, _other: AlwaysUnauthorized) -> String {
    format!("{}", user.0.is_some())
}

fn sentinel_aborts(rocket: rocket::Rocket<rocket::Build>) -> bool {
    match RocketDriver::try_new(rocket) {
        Ok(_) => false,
        Err(error) => matches!(error.kind(), rocket::error::ErrorKind::SentinelAborts(_)),
    }
}

#[test]
fn launch_is_refused_without_the_managed_handle() {
    let rocket = quiet_rocket()
        .register("/", propelauth_rocket::catchers())
        .mount("/", routes![whoami]);
    assert!(sentinel_aborts(rocket));
}

#[test]
fn launch_is_refused_without_the_catchers() {
    let rocket = quiet_rocket()
        .manage(PropelAuth::from(test_auth(false)))
        .mount("/", routes![whoami]);
    assert!(sentinel_aborts(rocket));
}

#[test]
fn launch_succeeds_with_both_steps() {
    let rocket = quiet_rocket()
        .manage(PropelAuth::from(test_auth(false)))
        .register("/", propelauth_rocket::catchers())
        .mount("/", routes![whoami]);
    assert!(!sentinel_aborts(rocket));
}

#[test]
fn the_setup_messages_name_the_missing_step() {
    assert!(propelauth_rocket::NOT_MANAGED_MESSAGE.contains(".manage(auth)"));
    assert!(propelauth_rocket::CATCHERS_MISSING_MESSAGE.contains("propelauth_rocket::catchers()"));
}

fn app_with_extra_routes() -> RocketDriver {
    let rocket = quiet_rocket()
        .manage(PropelAuth::from(test_auth(false)))
        .register("/", propelauth_rocket::catchers())
        .mount("/", routes![twice, plain_unauthorized, other_guard]);
    RocketDriver::try_new(rocket).unwrap()
}

#[test]
fn several_guards_validate_the_token_once() {
    let mut driver = app_with_extra_routes();
    let expired = owner_token().expires_in(-3600).sign();
    let logs = log_capture::captured_logs(|| {
        let response = driver.answer_path("/twice", Some(format!("Bearer {expired}")));
        assert_eq!(
            String::from_utf8(response.body).unwrap(),
            "false false false"
        );
    });
    assert!(logs.contains("the token has expired"), "{logs:?}");
    assert_eq!(logs.matches("rejected with 401").count(), 1, "{logs}");

    let valid = owner_token().sign();
    let response = driver.answer_path("/twice", Some(format!("Bearer {valid}")));
    assert_eq!(String::from_utf8(response.body).unwrap(), "true true true");
}

#[test]
fn a_401_from_elsewhere_gets_a_plain_detail_body() {
    let mut driver = app_with_extra_routes();
    let response = driver.answer_path("/teapot_401", None);
    assert_eq!(response.status, 401);
    assert_eq!(response.body, br#"{"detail":"Unauthorized"}"#);
    assert!(
        response.www_authenticate.is_empty(),
        "not ours: no WWW-Authenticate"
    );
}

#[test]
fn the_table_route_for_healthz_still_answers_ok() {
    let mut driver = RocketDriver::new(test_auth(false));
    let response = driver.answer(&CaseRequest {
        route: Route::Healthz,
        authorization: None,
    });
    assert_eq!(
        (response.status, response.body.as_slice()),
        (200, &b"ok"[..])
    );
}

#[test]
fn another_guards_401_is_not_blamed_on_propelauth() {
    let mut driver = app_with_extra_routes();
    let response = driver.answer_path("/other_guard", Some("Bearer not-a-token".to_owned()));
    assert_eq!(response.status, 401);
    assert_eq!(response.body, br#"{"detail":"Unauthorized"}"#);
    assert!(response.www_authenticate.is_empty(), "{response:?}");
}

#[test]
fn the_guard_error_shows_no_reason_in_rockets_logs() {
    // Rocket logs a failed guard's error with `{:?}` at warning level.
    let auth = test_auth(false);
    let error = auth.validate_access_token("not-a-token").unwrap_err();
    let rejection = propelauth_rocket::AuthRejection::from(error);
    assert_eq!(format!("{rejection:?}"), "AuthRejection(401 Unauthorized)");
}
