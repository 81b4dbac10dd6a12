//! End-user API keys as credentials, against the stand-in over loopback HTTP: personal keys in
//! `require_user` (opt-in), org keys on machine-to-machine routes, the cache (TTLs on the
//! injected clock, refusals cached, single flight), and 503 / 429 when PropelAuth cannot say.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use propelauth_core::{
    ApiKeyError, Auth, AuthError, AuthOptions, LoginMethod, ManualClock, OrgApiKey, Rejection,
    RequestCredentials, RequestValidation, ServiceUnavailableReason, TokenSources,
    TokenVerificationMetadata, UnauthorizedReason, User,
};
use propelauth_testing::samples::{
    ACME_ORG_ID, GENERIC_API_KEY, ORG_API_KEY, OWNER_USER_ID, PERSONAL_API_KEY,
};
use propelauth_testing::{
    CannedResponse, StandIn, StandInApiKey, TEST_PUBLIC_KEY_PEM, TokenBuilder,
};
use serde_json::{Value, json};

const VALIDATE: &str = "/api/backend/v1/end_user_api_keys/validate";

/// Options pointed at `stand_in`, metadata given (no request at init), keys accepted.
fn options(stand_in: &StandIn) -> AuthOptions {
    AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
        .backend_base_url(stand_in.base_url())
        .metadata(TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM))
        .timeout(Duration::from_secs(2))
        .accept_personal_api_keys(true)
}

fn with_clock(stand_in: &StandIn, clock: &Arc<ManualClock>) -> Auth {
    options(stand_in).clock(clock.clone()).init().unwrap()
}

fn bearer(credential: &str) -> String {
    format!("Bearer {credential}")
}

/// `require_user` with the header `Authorization: Bearer {credential}` (blocking).
fn require_user(auth: &Auth, credential: &str) -> Result<Arc<User>, AuthError> {
    let header = bearer(credential);
    auth.validate_request(
        &TokenSources::header_only(),
        RequestCredentials::new(Some(header.as_bytes())),
    )
}

fn require_org_key(auth: &Auth, credential: &str) -> Result<Arc<OrgApiKey>, AuthError> {
    let header = bearer(credential);
    auth.validate_org_api_key_request(Some(header.as_bytes()))
}

fn reason(error: AuthError) -> UnauthorizedReason {
    match error {
        AuthError::Unauthorized(error) => error.reason().clone(),
        other => panic!("not a 401: {other:?}"),
    }
}

fn unavailable(error: &AuthError) -> ServiceUnavailableReason {
    match error {
        AuthError::ServiceUnavailable(error) => error.reason().clone(),
        other => panic!("not a 503: {other:?}"),
    }
}

/// A user as the backend API describes users, with every field `User` takes.
fn ada() -> Value {
    json!({
        "user_id": "0d3a6c1e-9f2b-4c8d-8e7f-6a5b4c3d2e1f",
        "email": "ada@example.com",
        "email_confirmed": true,
        "has_password": true,
        "username": "ada",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "picture_url": "https://img.propelauth.com/ada.png",
        "locked": false,
        "enabled": true,
        "mfa_enabled": false,
        "can_create_orgs": true,
        "created_at": 1_735_689_600,
        "last_active_at": 1_735_776_000,
        "org_id_to_org_info": {
            ACME_ORG_ID: {
                "org_id": ACME_ORG_ID,
                "org_name": "Acme",
                "url_safe_org_name": "acme",
                "org_metadata": {"plan": "enterprise"},
                "user_role": "Admin",
                "inherited_user_roles_plus_current_role": ["Admin", "Member"],
                "user_permissions": ["can_invite"],
                "org_role_structure": "single_role_in_hierarchy",
                "additional_roles": []
            }
        },
        "legacy_user_id": "legacy-42",
        "impersonator_user_id": null,
        "properties": {"favorite_language": "rust"},
        "metadata": {"tier": "gold"},
        "update_password_required": false
    })
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    port
}

#[test]
fn a_personal_key_yields_the_user_of_the_answer() {
    let stand_in = StandIn::start().unwrap();
    stand_in.add_api_key(
        "ada-key-0123",
        StandInApiKey::personal(ada()).metadata(json!({"scopes": ["read", "write"]})),
    );
    let auth = options(&stand_in).init().unwrap();
    let user = require_user(&auth, "ada-key-0123").unwrap();
    assert_eq!(user.user_id, "0d3a6c1e-9f2b-4c8d-8e7f-6a5b4c3d2e1f");
    assert_eq!(user.email.as_deref(), Some("ada@example.com"));
    assert_eq!(user.first_name.as_deref(), Some("Ada"));
    assert_eq!(user.last_name.as_deref(), Some("Lovelace"));
    assert_eq!(user.username.as_deref(), Some("ada"));
    assert_eq!(user.legacy_user_id.as_deref(), Some("legacy-42"));
    assert_eq!(
        user.get_user_property("favorite_language"),
        Some(&json!("rust"))
    );
    assert_eq!(user.metadata, Some(json!({"tier": "gold"})));
    assert!(user.is_at_least_role_in_org(ACME_ORG_ID, "Member"));
    assert!(user.has_permission_in_org(ACME_ORG_ID, "can_invite"));
    assert!(!user.is_impersonated());
    assert_eq!(user.get_active_org_id(), None);
    let scopes = json!({"scopes": ["read", "write"]});
    assert_eq!(
        user.login_method,
        LoginMethod::PersonalApiKey {
            metadata: scopes.as_object().cloned()
        }
    );
    // The request sent: the key alone, as the body of validate_api_key.
    let requests = stand_in.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, VALIDATE);
    assert_eq!(
        requests[0].json,
        Some(json!({"api_key_token": "ada-key-0123"}))
    );
    // The user serializes with the login method, and reads back the same.
    let serialized = serde_json::to_value(&*user).unwrap();
    assert_eq!(
        serialized["login_method"],
        json!({"login_method": "personal_api_key", "api_key_metadata": scopes})
    );
    let back: User = serde_json::from_value(serialized).unwrap();
    assert_eq!(&back, &*user);
    // The sample key of the kit: the Owner.
    let owner = require_user(&auth, PERSONAL_API_KEY).unwrap();
    assert_eq!(owner.user_id, OWNER_USER_ID);
    assert!(owner.is_role_in_org(ACME_ORG_ID, "Owner"));
}

#[test]
fn org_generic_and_unknown_keys_are_401_for_require_user() {
    let stand_in = StandIn::start().unwrap();
    let auth = options(&stand_in).debug(true).init().unwrap();
    let cases = [
        (
            ORG_API_KEY,
            ApiKeyError::NotAPersonalKey,
            "Invalid API key: not a personal API key",
        ),
        (
            GENERIC_API_KEY,
            ApiKeyError::NotAPersonalKey,
            "Invalid API key: not a personal API key",
        ),
        (
            "never-issued",
            ApiKeyError::NotFound,
            "Invalid API key: the key is unknown, expired or revoked",
        ),
    ];
    for (key, expected, message) in cases {
        let error = require_user(&auth, key).unwrap_err();
        let rejection = error.rejection();
        assert_eq!(rejection.status, 401, "{key}");
        assert_eq!(
            rejection.www_authenticate,
            Some(r#"Bearer error="invalid_token""#)
        );
        assert_eq!(
            rejection.body,
            propelauth_core::detail_body(message),
            "{key}"
        );
        assert_eq!(reason(error), UnauthorizedReason::InvalidApiKey(expected));
    }
    // Outside debug mode, the usual bytes.
    let quiet = options(&stand_in).init().unwrap();
    let rejection = require_user(&quiet, "never-issued")
        .unwrap_err()
        .rejection();
    assert_eq!(
        (
            rejection.status,
            rejection.body.as_ref(),
            rejection.www_authenticate
        ),
        (
            401,
            Rejection::UNAUTHORIZED_BODY,
            Some(r#"Bearer error="invalid_token""#)
        )
    );
    // A revoked key is unknown to the service.
    stand_in.add_api_key("revoked-soon", StandInApiKey::personal(ada()));
    let fresh = options(&stand_in).init().unwrap();
    assert!(require_user(&fresh, "revoked-soon").is_ok());
    stand_in.remove_api_key("revoked-soon");
    fresh.forget_api_key("revoked-soon");
    assert_eq!(
        reason(require_user(&fresh, "revoked-soon").unwrap_err()),
        UnauthorizedReason::InvalidApiKey(ApiKeyError::NotFound)
    );
}

#[test]
fn with_the_option_off_no_validation_calls_the_backend() {
    let stand_in = StandIn::start().unwrap();
    let auth = options(&stand_in)
        .accept_personal_api_keys(false)
        .init()
        .unwrap();
    let error = require_user(&auth, PERSONAL_API_KEY).unwrap_err();
    assert_eq!(
        reason(error.clone()),
        UnauthorizedReason::InvalidToken(propelauth_core::TokenError::Malformed)
    );
    // The same bytes as the header path has always answered.
    let header = bearer(PERSONAL_API_KEY);
    let before = auth
        .validate_authorization_header(Some(header.as_bytes()))
        .unwrap_err()
        .rejection();
    assert_eq!(error.rejection(), before);
    assert!(
        auth.optional_user_request(
            &TokenSources::header_only(),
            RequestCredentials::new(Some(header.as_bytes()))
        )
        .is_none()
    );
    assert!(stand_in.requests().is_empty(), "{:#?}", stand_in.requests());
    assert_eq!(auth.metrics().api_key_backend_calls, 0);
    // Access tokens work as before, option on or off, without a backend call.
    let on = options(&stand_in).init().unwrap();
    for auth in [&auth, &on] {
        let token = TokenBuilder::new("u1").sign();
        assert_eq!(require_user(auth, &token).unwrap().user_id, "u1");
        let expired = TokenBuilder::new("u1").expires_in(-3600).sign();
        assert!(matches!(
            reason(require_user(auth, &expired).unwrap_err()),
            UnauthorizedReason::InvalidToken(_)
        ));
    }
    assert!(stand_in.requests().is_empty());
}

#[test]
fn a_validated_key_is_reused_for_the_ttl_on_the_handle_s_clock() {
    let stand_in = StandIn::start().unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let auth = with_clock(&stand_in, &clock);
    let first = require_user(&auth, PERSONAL_API_KEY).unwrap();
    assert_eq!(stand_in.api_key_validations(), 1);
    clock.advance(Duration::from_secs(59));
    let second = require_user(&auth, PERSONAL_API_KEY).unwrap();
    assert!(Arc::ptr_eq(&first, &second), "answered from the cache");
    assert_eq!(stand_in.api_key_validations(), 1, "no call within the TTL");
    clock.advance(Duration::from_secs(2));
    require_user(&auth, PERSONAL_API_KEY).unwrap();
    assert_eq!(stand_in.api_key_validations(), 2, "one call after the TTL");
    let metrics = auth.metrics();
    assert_eq!(metrics.api_key_backend_calls, 2);
    assert_eq!(metrics.api_key_cache_hits, 1);
    assert_eq!(metrics.api_key_cache_entries, 1);
    // A shorter TTL, and TTL zero: every request asks.
    let short = options(&stand_in)
        .clock(clock.clone())
        .api_key_cache_ttl(Duration::from_secs(5))
        .init()
        .unwrap();
    stand_in.clear_requests();
    require_user(&short, PERSONAL_API_KEY).unwrap();
    clock.advance(Duration::from_secs(6));
    require_user(&short, PERSONAL_API_KEY).unwrap();
    assert_eq!(stand_in.api_key_validations(), 2);
    let uncached = options(&stand_in).api_key_cache_capacity(0).init().unwrap();
    stand_in.clear_requests();
    for _ in 0..3 {
        require_user(&uncached, PERSONAL_API_KEY).unwrap();
    }
    assert_eq!(stand_in.api_key_validations(), 3);
    // Clearing the cache asks again.
    stand_in.clear_requests();
    auth.clear_api_key_cache();
    require_user(&auth, PERSONAL_API_KEY).unwrap();
    assert_eq!(stand_in.api_key_validations(), 1);
}

#[test]
fn a_flood_of_one_bad_key_costs_one_call_per_short_ttl() {
    let stand_in = StandIn::start().unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let auth = with_clock(&stand_in, &clock);
    for _ in 0..1_000 {
        let error = require_user(&auth, "bad-key-flood").unwrap_err();
        assert_eq!(error.status(), 401);
    }
    assert_eq!(stand_in.api_key_validations(), 1);
    clock.advance(Duration::from_secs(9));
    require_user(&auth, "bad-key-flood").unwrap_err();
    assert_eq!(stand_in.api_key_validations(), 1, "still within 10 s");
    clock.advance(Duration::from_secs(2));
    for _ in 0..1_000 {
        require_user(&auth, "bad-key-flood").unwrap_err();
    }
    assert_eq!(
        stand_in.api_key_validations(),
        2,
        "one more call after 10 s"
    );
    assert_eq!(auth.metrics().rejections, 2_001);
    // A 400 (the service refusing the key's form) is a refusal too, and cached.
    stand_in.respond(
        "POST",
        VALIDATE,
        CannedResponse::json(400, &json!({"api_key_token": ["Invalid"]})),
    );
    for _ in 0..10 {
        assert_eq!(
            reason(require_user(&auth, "malformed-key").unwrap_err()),
            UnauthorizedReason::InvalidApiKey(ApiKeyError::Malformed)
        );
    }
    assert_eq!(stand_in.api_key_validations(), 3);
    // A credential with a space is refused without asking.
    assert_eq!(
        reason(require_user(&auth, "two words").unwrap_err()),
        UnauthorizedReason::InvalidApiKey(ApiKeyError::Malformed)
    );
    assert_eq!(stand_in.api_key_validations(), 3);
}

/// The 503 of `auth` for `key`, with the backend's state set up by the caller.
fn assert_503(auth: &Auth, debug: &Auth, key: &str, expected: &ServiceUnavailableReason) {
    let error = require_user(auth, key).unwrap_err();
    let rejection = error.rejection();
    assert_eq!(rejection.status, 503);
    assert_eq!(rejection.body, r#"{"detail":"Service Unavailable"}"#);
    assert_eq!(rejection.www_authenticate, None);
    assert_eq!(rejection.retry_after_secs, None);
    assert_eq!(&unavailable(&error), expected);
    let detailed = require_user(debug, key).unwrap_err();
    assert_eq!(&unavailable(&detailed), expected);
    let body = detailed.rejection().body;
    assert_eq!(
        body,
        propelauth_core::detail_body(&format!("Service Unavailable: {expected}"))
    );
    assert!(!body.contains(key), "{body}");
}

#[test]
fn backend_failures_are_503_never_401() {
    let stand_in = StandIn::start().unwrap();
    // 500, with a body that must not reach the client.
    stand_in.respond(
        "POST",
        VALIDATE,
        CannedResponse::text(500, "internal stack trace: db password=hunter2"),
    );
    let auth = options(&stand_in).init().unwrap();
    let debug = options(&stand_in).debug(true).init().unwrap();
    assert_503(
        &auth,
        &debug,
        "key-500",
        &ServiceUnavailableReason::UnexpectedStatus(500),
    );
    let body = require_user(&debug, "key-500")
        .unwrap_err()
        .rejection()
        .body;
    assert!(!body.contains("hunter2"), "{body}");
    // Any other 5xx is the same.
    stand_in.respond("POST", VALIDATE, CannedResponse::text(502, "bad gateway"));
    let (auth, debug) = (
        options(&stand_in).init().unwrap(),
        options(&stand_in).debug(true).init().unwrap(),
    );
    assert_503(
        &auth,
        &debug,
        "key-502",
        &ServiceUnavailableReason::UnexpectedStatus(502),
    );
    // The backend refusing this backend's own API key is a misconfiguration: 503.
    stand_in.respond(
        "POST",
        VALIDATE,
        CannedResponse::json(401, &json!({"error": "unauthorized"})),
    );
    let (auth, debug) = (
        options(&stand_in).init().unwrap(),
        options(&stand_in).debug(true).init().unwrap(),
    );
    assert_503(
        &auth,
        &debug,
        "key-401",
        &ServiceUnavailableReason::BackendApiKeyRejected,
    );
    // A 2xx that describes nothing.
    stand_in.respond("POST", VALIDATE, CannedResponse::text(200, "<html>"));
    let (auth, debug) = (
        options(&stand_in).init().unwrap(),
        options(&stand_in).debug(true).init().unwrap(),
    );
    assert_503(
        &auth,
        &debug,
        "key-html",
        &ServiceUnavailableReason::MalformedAnswer,
    );
    // A 429 without a key's rate-limit details: the backend limits this integration.
    stand_in.respond("POST", VALIDATE, CannedResponse::text(429, "slow down"));
    let (auth, debug) = (
        options(&stand_in).init().unwrap(),
        options(&stand_in).debug(true).init().unwrap(),
    );
    assert_503(
        &auth,
        &debug,
        "key-429",
        &ServiceUnavailableReason::BackendRateLimited,
    );
    assert!(auth.metrics().api_key_unavailable >= 1);
}

#[test]
fn an_unreachable_or_slow_backend_is_503() {
    let port = closed_port();
    let down = |debug: bool| {
        AuthOptions::new("https://auth.propelauth.test", "key")
            .backend_base_url(format!("http://127.0.0.1:{port}"))
            .metadata(TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM))
            .connect_timeout(Duration::from_secs(2))
            .accept_personal_api_keys(true)
            .debug(debug)
            .init()
            .unwrap()
    };
    let error = require_user(&down(false), "some-key").unwrap_err();
    assert_eq!(
        error.rejection().body,
        r#"{"detail":"Service Unavailable"}"#
    );
    let detailed = require_user(&down(true), "some-key").unwrap_err();
    let ServiceUnavailableReason::Unreachable(why) = unavailable(&detailed) else {
        panic!("{detailed:?}");
    };
    assert!(why.contains("could not connect"), "{why}");

    let stand_in = StandIn::start().unwrap();
    stand_in.respond(
        "POST",
        VALIDATE,
        CannedResponse::json(200, &json!({"user": ada()})).with_delay(Duration::from_millis(800)),
    );
    let slow = options(&stand_in)
        .timeout(Duration::from_millis(200))
        .debug(true)
        .init()
        .unwrap();
    let error = require_user(&slow, "slow-key").unwrap_err();
    let ServiceUnavailableReason::Unreachable(why) = unavailable(&error) else {
        panic!("{error:?}");
    };
    assert!(why.contains("timed out"), "{why}");
    assert!(
        error
            .rejection()
            .body
            .starts_with(r#"{"detail":"Service Unavailable: "#)
    );
}

#[test]
fn an_outage_is_remembered_for_one_second_only() {
    let stand_in = StandIn::start().unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let auth = with_clock(&stand_in, &clock);
    stand_in.respond_once("POST", VALIDATE, CannedResponse::text(503, "maintenance"));
    for _ in 0..20 {
        assert_eq!(
            require_user(&auth, PERSONAL_API_KEY).unwrap_err().status(),
            503
        );
    }
    assert_eq!(
        stand_in.api_key_validations(),
        1,
        "requests share the outcome"
    );
    clock.advance(Duration::from_millis(1_001));
    // The backend is back: the next request asks and succeeds, the key was not dropped.
    assert_eq!(
        require_user(&auth, PERSONAL_API_KEY).unwrap().user_id,
        OWNER_USER_ID
    );
    assert_eq!(stand_in.api_key_validations(), 2);
}

#[test]
fn a_key_over_its_own_rate_limit_is_429_with_retry_after() {
    let stand_in = StandIn::start().unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let auth = options(&stand_in)
        .clock(clock.clone())
        .debug(true)
        .init()
        .unwrap();
    stand_in.respond_once(
        "POST",
        VALIDATE,
        CannedResponse::json(
            429,
            &json!({"wait_seconds": 12.5, "user_facing_error": "Too many requests for this key", "error_code": "rate_limited"}),
        ),
    );
    let error = require_user(&auth, PERSONAL_API_KEY).unwrap_err();
    let rejection = error.rejection();
    assert_eq!(rejection.status, 429);
    assert_eq!(rejection.retry_after_secs, Some(13));
    assert_eq!(rejection.www_authenticate, None);
    assert_eq!(
        rejection.body,
        r#"{"detail":"Too Many Requests: Too many requests for this key (retry in 13 s)"}"#
    );
    // Remembered until the wait is over, the Retry-After counting down.
    clock.advance(Duration::from_secs(10));
    let again = require_user(&auth, PERSONAL_API_KEY)
        .unwrap_err()
        .rejection();
    assert_eq!(again.retry_after_secs, Some(3));
    assert_eq!(stand_in.api_key_validations(), 1);
    clock.advance(Duration::from_secs(3));
    assert!(require_user(&auth, PERSONAL_API_KEY).is_ok());
    assert_eq!(stand_in.api_key_validations(), 2);
    // Outside debug mode: the plain body.
    stand_in.respond_once(
        "POST",
        VALIDATE,
        CannedResponse::json(429, &json!({"wait_seconds": 1})),
    );
    let quiet = options(&stand_in).init().unwrap();
    let rejection = require_user(&quiet, PERSONAL_API_KEY)
        .unwrap_err()
        .rejection();
    assert_eq!(
        (
            rejection.status,
            rejection.body.as_ref(),
            rejection.retry_after_secs
        ),
        (429, Rejection::TOO_MANY_REQUESTS_BODY, Some(1))
    );
}

#[test]
fn org_keys_on_machine_to_machine_routes() {
    let stand_in = StandIn::start().unwrap();
    // Org keys work whether or not personal keys are accepted.
    let auth = options(&stand_in)
        .accept_personal_api_keys(false)
        .debug(true)
        .init()
        .unwrap();
    let org = require_org_key(&auth, ORG_API_KEY).unwrap();
    assert_eq!(org.org_id, ACME_ORG_ID);
    assert_eq!(org.org_name.as_deref(), Some("Acme"));
    assert_eq!(org.org.max_users, Some(50));
    assert_eq!(org.metadata.as_ref().unwrap()["scope"], "read");
    assert_eq!(org.user.as_ref().unwrap().user_id, OWNER_USER_ID);
    assert_eq!(
        org.user_in_org.as_ref().unwrap().user_assigned_role,
        "Owner"
    );
    let serialized = serde_json::to_value(&*org).unwrap();
    assert_eq!(serialized["org_id"], ACME_ORG_ID);
    // A key of an org nobody created.
    stand_in.add_api_key(
        "robot-key",
        StandInApiKey::org(json!({"org_id": ACME_ORG_ID, "org_name": "Acme", "metadata": {}}))
            .metadata(json!({"robot": true})),
    );
    let robot = require_org_key(&auth, "robot-key").unwrap();
    assert_eq!(
        (robot.user.as_ref(), robot.user_in_org.as_ref()),
        (None, None)
    );
    assert_eq!(robot.metadata.as_ref().unwrap()["robot"], true);
    // Personal, generic, unknown keys: 401.
    for (key, expected) in [
        (PERSONAL_API_KEY, ApiKeyError::NotAnOrgKey),
        (GENERIC_API_KEY, ApiKeyError::NotAnOrgKey),
        ("never-issued", ApiKeyError::NotFound),
    ] {
        let error = require_org_key(&auth, key).unwrap_err();
        assert_eq!(
            error.rejection().www_authenticate,
            Some(r#"Bearer error="invalid_token""#)
        );
        assert_eq!(
            reason(error),
            UnauthorizedReason::InvalidApiKey(expected),
            "{key}"
        );
    }
    stand_in.clear_requests();
    // An access token, a missing or malformed header: 401 without a call.
    let token = TokenBuilder::new("u1").sign();
    assert_eq!(
        reason(require_org_key(&auth, &token).unwrap_err()),
        UnauthorizedReason::InvalidApiKey(ApiKeyError::AccessTokenInsteadOfKey)
    );
    let missing = auth
        .validate_org_api_key_request(None)
        .unwrap_err()
        .rejection();
    assert_eq!(
        (
            missing.status,
            missing.body.as_ref(),
            missing.www_authenticate
        ),
        (
            401,
            r#"{"detail":"No authorization header found"}"#,
            Some("Bearer")
        )
    );
    assert_eq!(
        reason(
            auth.validate_org_api_key_request(Some(b"Basic abc"))
                .unwrap_err()
        ),
        UnauthorizedReason::MalformedHeader
    );
    assert!(stand_in.requests().is_empty());
    // Answers are shared with the personal path's cache: the org key was asked about once.
    let both = options(&stand_in).init().unwrap();
    require_org_key(&both, ORG_API_KEY).unwrap();
    assert_eq!(
        reason(require_user(&both, ORG_API_KEY).unwrap_err()),
        UnauthorizedReason::InvalidApiKey(ApiKeyError::NotAPersonalKey)
    );
    assert_eq!(stand_in.api_key_validations(), 1);
    // Backend down: 503 there too.
    stand_in.respond("POST", VALIDATE, CannedResponse::text(500, "boom"));
    let error = require_org_key(&options(&stand_in).init().unwrap(), ORG_API_KEY).unwrap_err();
    assert_eq!(error.status(), 503);
}

#[test]
fn optional_user_is_none_when_the_key_cannot_be_checked() {
    let stand_in = StandIn::start().unwrap();
    let auth = options(&stand_in).init().unwrap();
    let sources = TokenSources::header_only();
    let header = bearer(PERSONAL_API_KEY);
    let credentials = RequestCredentials::new(Some(header.as_bytes()));
    assert!(auth.optional_user_request(&sources, credentials).is_some());
    let unknown = bearer("unknown-key");
    assert!(
        auth.optional_user_request(&sources, RequestCredentials::new(Some(unknown.as_bytes())))
            .is_none()
    );
    stand_in.respond("POST", VALIDATE, CannedResponse::text(500, "boom"));
    let down = options(&stand_in).init().unwrap();
    assert!(down.optional_user_request(&sources, credentials).is_none());
}

#[test]
fn the_start_finish_split_decides_cache_hits_at_once() {
    let stand_in = StandIn::start().unwrap();
    let auth = options(&stand_in).init().unwrap();
    let sources = TokenSources::header_only();
    let token = format!("Bearer {}", TokenBuilder::new("u1").sign());
    let started =
        auth.start_request_validation(&sources, RequestCredentials::new(Some(token.as_bytes())));
    assert!(matches!(started, RequestValidation::Done(Ok(_))));
    let header = bearer(PERSONAL_API_KEY);
    let started =
        auth.start_request_validation(&sources, RequestCredentials::new(Some(header.as_bytes())));
    let RequestValidation::Pending(pending) = started else {
        panic!("a key not in the cache is pending");
    };
    let shown = format!("{pending:?}");
    assert!(!shown.contains(PERSONAL_API_KEY), "{shown}");
    assert_eq!(
        stand_in.api_key_validations(),
        0,
        "nothing is sent before finishing"
    );
    assert!(pending.finish_blocking().is_ok());
    let started =
        auth.start_request_validation(&sources, RequestCredentials::new(Some(header.as_bytes())));
    assert!(
        matches!(started, RequestValidation::Done(Ok(_))),
        "answered from the cache"
    );
    assert_eq!(stand_in.api_key_validations(), 1);
}

#[cfg(feature = "tokio")]
fn runtimes() -> Vec<tokio::runtime::Runtime> {
    vec![
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
    ]
}

#[cfg(feature = "tokio")]
fn assert_send<T: Send>(value: T) -> T {
    value
}

#[cfg(feature = "tokio")]
#[test]
fn the_async_entry_points_check_keys_on_the_blocking_pool() {
    for runtime in runtimes() {
        let stand_in = StandIn::start().unwrap();
        let auth = options(&stand_in).init().unwrap();
        runtime.block_on(async {
            let header = bearer(PERSONAL_API_KEY);
            let sources = TokenSources::header_only();
            let future = assert_send(auth.validate_request_async(
                &sources,
                RequestCredentials::new(Some(header.as_bytes())),
            ));
            assert_eq!(future.await.unwrap().user_id, OWNER_USER_ID);
            let org = bearer(ORG_API_KEY);
            let org = assert_send(auth.validate_org_api_key_request_async(Some(org.as_bytes())));
            assert_eq!(org.await.unwrap().org_id, ACME_ORG_ID);
            let unknown = bearer("unknown-key");
            let none = auth
                .optional_user_request_async(
                    &sources,
                    RequestCredentials::new(Some(unknown.as_bytes())),
                )
                .await;
            assert!(none.is_none());
            // The pending half owns its data: it can be spawned as a 'static task.
            let started = auth.start_request_validation(
                &sources,
                RequestCredentials::new(Some(header.as_bytes())),
            );
            let task = tokio::spawn(started.finish());
            assert_eq!(task.await.unwrap().unwrap().user_id, OWNER_USER_ID);
        });
        assert_eq!(stand_in.api_key_validations(), 3);
    }
}

#[cfg(feature = "tokio")]
#[test]
fn concurrent_async_first_requests_for_one_key_make_one_call() {
    for runtime in runtimes() {
        let stand_in = StandIn::start().unwrap();
        stand_in.add_api_key("busy-key", StandInApiKey::personal(ada()));
        // Slow enough that every request arrives while the first call is in flight.
        stand_in.respond_once(
            "POST",
            VALIDATE,
            CannedResponse::json(200, &json!({"metadata": null, "user": ada()}))
                .with_delay(Duration::from_millis(300)),
        );
        let auth = options(&stand_in).init().unwrap();
        let users = runtime.block_on(async {
            let tasks: Vec<_> = (0..20)
                .map(|_| {
                    let auth = auth.clone();
                    tokio::spawn(async move {
                        let header = bearer("busy-key");
                        auth.validate_request_async(
                            &TokenSources::header_only(),
                            RequestCredentials::new(Some(header.as_bytes())),
                        )
                        .await
                    })
                })
                .collect();
            let mut users = Vec::new();
            for task in tasks {
                users.push(task.await.unwrap().unwrap());
            }
            users
        });
        assert!(
            users
                .iter()
                .all(|user| user.email.as_deref() == Some("ada@example.com"))
        );
        assert_eq!(stand_in.api_key_validations(), 1);
    }
}

#[test]
fn concurrent_blocking_first_requests_for_one_key_make_one_call() {
    let stand_in = StandIn::start().unwrap();
    stand_in.respond_once(
        "POST",
        VALIDATE,
        CannedResponse::json(200, &json!({"metadata": null, "user": ada()}))
            .with_delay(Duration::from_millis(300)),
    );
    let auth = options(&stand_in).init().unwrap();
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| require_user(&auth, "threads-key").unwrap());
        }
    });
    assert_eq!(stand_in.api_key_validations(), 1);
}

#[test]
fn the_stand_in_answers_validation_like_the_service() {
    let stand_in = StandIn::start().unwrap();
    let auth = options(&stand_in).init().unwrap();
    // Unknown: 404, which the client reads as not found.
    assert!(matches!(
        auth.validate_api_key("nobody-has-this"),
        Err(propelauth_core::api::ApiError::NotFound(_))
    ));
    // Personal: a user, no org; org: an org, the creator and their membership.
    let personal = auth.validate_api_key(PERSONAL_API_KEY).unwrap();
    assert!(personal.user.is_some() && personal.org.is_none() && personal.user_in_org.is_none());
    let org = auth.validate_api_key(ORG_API_KEY).unwrap();
    let org_answer = org.org.unwrap();
    assert_eq!(org_answer.org_name.as_deref(), Some("Acme"));
    assert!(org.user.is_some() && org.user_in_org.is_some());
    let generic = auth.validate_api_key(GENERIC_API_KEY).unwrap();
    assert!(generic.user.is_none() && generic.org.is_none());
    // Registered keys answer on both validation routes.
    stand_in.add_api_key("imported-1", StandInApiKey::generic());
    assert!(auth.validate_imported_api_key("imported-1").is_ok());
    assert!(auth.validate_api_key("imported-1").is_ok());
}
