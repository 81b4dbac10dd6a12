//! What every backend call shares, tested once: the status mapping (400, 401, 426, 429, 3xx,
//! any other status), no redirect ever followed (API calls and the metadata fetch), transport
//! errors, bounded answers, required ids, path ids that cannot change the path, and
//! credentials that never show. (That every call goes through this mapping is checked by the
//! call table, `api_calls.rs`.)

// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;

use std::error::Error as _;
use std::net::TcpListener;
use std::time::Duration;

use api_support::{API, Harness, options};
use propelauth_core::api::{
    ApiError, CreateUserOptions, FetchOrgByQueryOptions, FetchUsersByQueryOptions,
    MAX_ANSWER_RECORDS,
};
use propelauth_core::{AuthOptions, InitError, TokenVerificationMetadata};
use propelauth_testing::samples::{ACME_ORG_ID, OWNER_USER_ID};
use propelauth_testing::{CannedResponse, StandIn, TEST_PUBLIC_KEY_PEM};
use serde_json::json;

/// `fetch_org` of Acme against `response`.
fn fetch_org_answering(harness: &Harness, response: CannedResponse) -> Result<(), ApiError> {
    harness.clear();
    harness.respond("GET", &format!("/org/{ACME_ORG_ID}"), response);
    harness.auth.fetch_org(ACME_ORG_ID).map(|_| ())
}

#[test]
fn shared_statuses_map_to_typed_errors() {
    let harness = Harness::new();
    let answer = |response| fetch_org_answering(&harness, response);

    match answer(CannedResponse::json(
        400,
        &json!({"email": ["is invalid", "is taken"], "name": "too long"}),
    )) {
        Err(ApiError::BadRequest(bad)) => {
            assert_eq!(bad.field_errors["email"], ["is invalid", "is taken"]);
            assert_eq!(bad.field_errors["name"], ["too long"]);
            assert_eq!(
                bad.to_string(),
                "email: is invalid, is taken; name: too long"
            );
        }
        other => panic!("400: {other:?}"),
    }
    match answer(CannedResponse::text(400, "plain")) {
        Err(ApiError::BadRequest(bad)) => {
            assert!(bad.field_errors.is_empty());
            assert_eq!(bad.body, "plain");
        }
        other => panic!("400 text: {other:?}"),
    }
    let error = answer(CannedResponse::text(401, "no")).unwrap_err();
    assert!(matches!(error, ApiError::InvalidApiKey), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("integration_api_key is incorrect")
    );
    assert!(matches!(
        answer(CannedResponse::text(426, "b2b")),
        Err(ApiError::B2bNotEnabled)
    ));
    match answer(CannedResponse::text(429, "slow down")) {
        Err(ApiError::RateLimited(limit)) => {
            assert_eq!(limit.text, "slow down");
            assert_eq!(limit.wait_seconds, None);
        }
        other => panic!("429: {other:?}"),
    }
    let long = "x".repeat(2000);
    for status in [300, 302, 307, 418, 500, 503] {
        match answer(CannedResponse::text(status, long.clone())) {
            Err(ApiError::UnexpectedStatus { status: got, body }) => {
                assert_eq!(got, status);
                assert_eq!(body.len(), 512, "the body is cut");
            }
            other => panic!("{status}: {other:?}"),
        }
    }
}

#[test]
fn rate_limits_carry_the_service_details() {
    let harness = Harness::new();
    harness.respond(
        "POST",
        "/end_user_api_keys/validate",
        CannedResponse::json(
            429,
            &json!({"wait_seconds": 12.5, "user_facing_error": "Too many attempts", "error_code": "rate_limited"}),
        ),
    );
    match harness.auth.validate_api_key("token") {
        Err(ApiError::RateLimited(limit)) => {
            assert_eq!(limit.wait_seconds, Some(12.5));
            assert_eq!(
                limit.user_facing_error.as_deref(),
                Some("Too many attempts")
            );
            assert_eq!(limit.error_code.as_deref(), Some("rate_limited"));
            assert!(limit.to_string().ends_with("(retry in 12.5 s)"), "{limit}");
        }
        other => panic!("{other:?}"),
    }
    harness.respond(
        "POST",
        "/resend_email_confirmation",
        CannedResponse::text(429, "Too many requests, please wait"),
    );
    match harness.auth.resend_email_confirmation(OWNER_USER_ID) {
        Err(ApiError::RateLimited(limit)) => {
            assert_eq!(limit.text, "Too many requests, please wait")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn redirects_are_never_followed() {
    let harness = Harness::new();
    let elsewhere = StandIn::start().unwrap();
    let location = format!("{}{API}/org/{ACME_ORG_ID}", elsewhere.base_url());
    let redirect = |status: u16| {
        CannedResponse::text(status, "moved").with_header("Location", location.clone())
    };

    for status in [301, 302, 303, 307, 308] {
        let answer = fetch_org_answering(&harness, redirect(status));
        assert!(
            matches!(answer, Err(ApiError::UnexpectedStatus { status: got, .. }) if got == status),
            "{status}: {answer:?}"
        );
        harness.only_request();
    }
    // A POST with a body is not resent either.
    harness.clear();
    harness.respond("POST", "/user/", redirect(307));
    let created = harness
        .auth
        .create_user("ada@example.com", &CreateUserOptions::default());
    assert!(
        matches!(created, Err(ApiError::UnexpectedStatus { status: 307, .. })),
        "{created:?}"
    );

    // The metadata fetch at init, and its refresh.
    let metadata = "/api/v1/token_verification_metadata";
    let target = CannedResponse::text(302, "moved")
        .with_header("Location", format!("{}{metadata}", elsewhere.base_url()));
    harness.stand_in.respond("GET", metadata, target);
    let init = || {
        AuthOptions::new(harness.stand_in.auth_url(), harness.stand_in.api_key())
            .backend_base_url(harness.stand_in.base_url())
            .init()
    };
    match init() {
        Err(InitError::UnexpectedStatus { status: 302, .. }) => {}
        other => panic!("init: {other:?}"),
    }
    assert!(matches!(
        harness.auth.refresh_metadata(),
        Err(InitError::UnexpectedStatus { status: 302, .. })
    ));
    assert!(
        elsewhere.requests().is_empty(),
        "{:#?}",
        elsewhere.requests()
    );
}

#[test]
fn the_metadata_fetch_shares_the_status_mapping() {
    let stand_in = StandIn::start().unwrap();
    let metadata = "/api/v1/token_verification_metadata";
    let init = |response: CannedResponse| {
        stand_in.respond("GET", metadata, response);
        AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
            .backend_base_url(stand_in.base_url())
            .init()
            .unwrap_err()
    };
    assert!(matches!(
        init(CannedResponse::text(401, "no")),
        InitError::InvalidApiKey
    ));
    assert!(
        matches!(init(CannedResponse::text(400, "bad")), InitError::BadRequest { body } if body == "bad")
    );
    assert!(
        matches!(init(CannedResponse::text(429, "later")), InitError::RateLimited { text } if text == "later")
    );
    assert!(matches!(
        init(CannedResponse::text(404, "")),
        InitError::InvalidAuthUrl { .. }
    ));
    assert!(matches!(
        init(CannedResponse::text(426, "")),
        InitError::UnexpectedStatus { status: 426, .. }
    ));
    assert!(
        matches!(init(CannedResponse::text(503, "down")), InitError::UnexpectedStatus { status: 503, body } if body == "down")
    );
}

#[test]
fn transport_failures_are_typed_and_say_what_to_check() {
    let harness = Harness::new();
    harness.respond(
        "GET",
        "/org/query",
        CannedResponse::json(200, &json!({})).with_delay(Duration::from_secs(2)),
    );
    let impatient = options(&harness.stand_in)
        .timeout(Duration::from_millis(100))
        .init()
        .unwrap();
    match impatient.fetch_org_by_query(&FetchOrgByQueryOptions::default()) {
        Err(ApiError::Network { url, source }) => {
            assert!(source.is_timeout(), "{source:?}");
            assert!(!source.is_connect());
            assert_eq!(source.kind(), "timeout");
            assert_eq!(
                url,
                format!("{}{API}/org/query", harness.stand_in.base_url())
            );
            assert!(source.to_string().contains("timeout"), "{source}");
            assert!(source.source().is_some(), "the cause is kept");
        }
        other => panic!("timeout: {other:?}"),
    }

    let closed_port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let unreachable = AuthOptions::new("https://auth.example.com", "secret-api-key")
        .backend_base_url(format!("http://127.0.0.1:{closed_port}"))
        .metadata(TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM))
        .init()
        .unwrap();
    let error = unreachable.fetch_org(ACME_ORG_ID).unwrap_err();
    match &error {
        ApiError::Network { source, .. } => {
            assert!(source.is_connect(), "{source:?}");
            assert!(
                source.to_string().contains("check the backend base URL"),
                "{source}"
            );
        }
        other => panic!("refused: {other:?}"),
    }
    assert!(!format!("{error} {error:?}").contains("secret-api-key"));

    // The same type for the metadata fetch.
    match AuthOptions::new("https://auth.example.com", "k")
        .backend_base_url(format!("http://127.0.0.1:{closed_port}"))
        .init()
    {
        Err(InitError::Network { source, .. }) => assert!(source.is_connect()),
        other => panic!("init: {other:?}"),
    }
}

#[test]
fn an_api_key_that_cannot_be_a_header_is_refused_before_sending() {
    let stand_in = StandIn::start().unwrap();
    let auth = AuthOptions::new(stand_in.auth_url(), "key\r\nX-Injected: 1")
        .backend_base_url(stand_in.base_url())
        .metadata(TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM))
        .init()
        .unwrap();
    match auth.fetch_org(ACME_ORG_ID) {
        Err(ApiError::Network { source, .. }) => {
            assert_eq!(source.kind(), "invalid_api_key_characters");
            assert!(source.to_string().contains("newline"), "{source}");
        }
        other => panic!("{other:?}"),
    }
    assert!(stand_in.requests().is_empty());
}

#[test]
fn answers_without_a_required_id_are_malformed() {
    let harness = Harness::new();
    let malformed = |method: &str,
                     path: &str,
                     body: serde_json::Value,
                     call: &dyn Fn() -> Result<(), ApiError>| {
        harness.clear();
        harness.respond(method, path, CannedResponse::json(200, &body));
        match call() {
            Err(ApiError::MalformedResponse(message)) => message,
            other => panic!("{path} {body}: {other:?}"),
        }
    };
    let auth = &harness.auth;
    let message = malformed("POST", "/user/", json!({}), &|| {
        auth.create_user("a@b.test", &CreateUserOptions::default())
            .map(drop)
    });
    assert!(message.contains("user_id"), "{message}");
    malformed("POST", "/user/", json!({"user_id": ""}), &|| {
        auth.create_user("a@b.test", &CreateUserOptions::default())
            .map(drop)
    });
    malformed("POST", "/user/", json!({"user_id": null}), &|| {
        auth.create_user("a@b.test", &CreateUserOptions::default())
            .map(drop)
    });
    let message = malformed(
        "GET",
        &format!("/org/{ACME_ORG_ID}"),
        json!({"name": "Acme"}),
        &|| auth.fetch_org(ACME_ORG_ID).map(drop),
    );
    assert!(message.contains("org_id"), "{message}");
    malformed("POST", "/org/", json!({"name": "Initech"}), &|| {
        auth.create_org("Initech", &Default::default()).map(drop)
    });
    let listing = json!({"users": [{"user_id": OWNER_USER_ID}, {"email": "no-id@acme.test"}], "total_users": 2});
    malformed("GET", "/user/query", listing, &|| {
        auth.fetch_users_by_query(&FetchUsersByQueryOptions::default())
            .map(drop)
    });
    malformed(
        "POST",
        "/user/user_ids",
        json!([{"email": "x@y.test"}]),
        &|| {
            auth.fetch_batch_user_metadata_by_user_ids(&["x"], false)
                .map(drop)
        },
    );
    malformed(
        "GET",
        "/end_user_api_keys",
        json!({"api_keys": [{"created_at": 1}]}),
        &|| auth.fetch_current_api_keys(&Default::default()).map(drop),
    );
    malformed(
        "GET",
        &format!("/user/{OWNER_USER_ID}/oauth_token"),
        json!({"google": {"token_provider": "google"}}),
        &|| auth.fetch_user_oauth_tokens(OWNER_USER_ID).map(drop),
    );
    malformed(
        "POST",
        "/mfa/step-up/verify-totp",
        json!({"success": true}),
        &|| {
            auth.verify_step_up_totp_challenge(
                "a",
                OWNER_USER_ID,
                "1",
                propelauth_core::api::StepUpGrantType::OneTimeUse,
                60,
            )
            .map(drop)
        },
    );
}

#[test]
fn an_answer_cannot_expand_past_its_bounds() {
    let harness = Harness::new();
    let listing = |item: &str, count: usize| {
        let mut body = String::with_capacity(count * (item.len() + 1) + 16);
        body.push_str("{\"users\":[");
        for index in 0..count {
            if index > 0 {
                body.push(',');
            }
            body.push_str(item);
        }
        body.push_str("]}");
        body
    };
    let fetch = |body: String| {
        harness.clear();
        harness.respond("GET", "/user/query", CannedResponse::text(200, body));
        harness
            .auth
            .fetch_users_by_query(&FetchUsersByQueryOptions::default())
    };
    // 8 MiB of empty records: the first one lacks its id.
    let empty = listing("{}", (8 * 1024 * 1024 - 64) / 3);
    match fetch(empty) {
        Err(ApiError::MalformedResponse(message)) => {
            assert!(message.contains("user_id"), "{message}")
        }
        other => panic!("{:?}", other.map(|page| page.items.len())),
    }
    // 8 MiB of the smallest valid records: past the record budget.
    let tiny = listing("{\"user_id\":\"a\"}", (8 * 1024 * 1024 - 64) / 16);
    match fetch(tiny) {
        Err(ApiError::MalformedResponse(message)) => {
            assert!(
                message.contains(&MAX_ANSWER_RECORDS.to_string()),
                "{message}"
            );
        }
        other => panic!("{:?}", other.map(|page| page.items.len())),
    }
    // Orgs of users count too.
    let orgs: Vec<String> = (0..MAX_ANSWER_RECORDS)
        .map(|index| format!("\"o{index}\":{{\"user_role\":\"r\"}}"))
        .collect();
    let user = format!(
        "{{\"user_id\":\"a\",\"org_id_to_org_info\":{{{}}}}}",
        orgs.join(",")
    );
    assert!(matches!(
        fetch(listing(&user, 2)),
        Err(ApiError::MalformedResponse(_))
    ));
    // Within the budget, everything is read.
    let page = fetch(listing("{\"user_id\":\"a\"}", MAX_ANSWER_RECORDS)).unwrap();
    assert_eq!(page.items.len(), MAX_ANSWER_RECORDS);
    // A body past 8 MiB is not read to its end.
    let huge = format!(
        "{{\"users\":[],\"pad\":\"{}\"}}",
        "x".repeat(8 * 1024 * 1024)
    );
    assert!(
        matches!(fetch(huge), Err(ApiError::MalformedResponse(message)) if message.contains("larger"))
    );
}

#[test]
fn path_ids_never_change_the_path() {
    let harness = Harness::new();
    for id in ["..", ".", ""] {
        assert_eq!(
            harness.auth.fetch_user_mfa_methods(id).unwrap(),
            None,
            "{id:?}"
        );
        assert_eq!(
            harness
                .auth
                .fetch_fresh_token_from_provider(OWNER_USER_ID, id)
                .unwrap(),
            None
        );
        harness.assert_no_request(id);
    }
    harness
        .auth
        .fetch_user_mfa_methods("../../org/x?y=1#z")
        .unwrap();
    let request = harness.only_request();
    assert_eq!(
        request.path,
        format!("{API}/user/..%2F..%2Forg%2Fx%3Fy%3D1%23z/mfa")
    );
    assert!(request.query.is_empty());
}

#[test]
fn credentials_in_the_backend_base_url_are_refused_and_never_shown() {
    let harness = Harness::new();
    let with_credentials = harness
        .stand_in
        .base_url()
        .replace("http://", "http://admin:hunter2@");
    let options = AuthOptions::new(harness.stand_in.auth_url(), harness.stand_in.api_key())
        .backend_base_url(&with_credentials)
        .metadata(TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM));
    assert!(!format!("{options:?}").contains("hunter2"), "{options:?}");
    let error = options.init().unwrap_err();
    assert!(
        matches!(error, InitError::InvalidBackendBaseUrl { .. }),
        "{error:?}"
    );
    let shown = format!("{error} {error:?}");
    assert!(
        !shown.contains("hunter2") && !shown.contains("admin"),
        "{shown}"
    );
    assert!(shown.contains("user name and password"), "{shown}");

    // Unparsable text with credentials is not shown either.
    let error = AuthOptions::new(harness.stand_in.auth_url(), harness.stand_in.api_key())
        .backend_base_url("http://admin:hunter2@[::1")
        .init()
        .unwrap_err();
    assert!(!format!("{error} {error:?}").contains("hunter2"), "{error}");
    assert!(harness.stand_in.requests().is_empty(), "nothing was sent");
}
