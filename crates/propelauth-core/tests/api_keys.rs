//! The end-user API key calls of the backend API against the stand-in: the exact request of
//! each (falsy options never sent), the parsing of realistic answers, the error answers and
//! the local id checks.

// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;

use api_support::{
    Expected, Harness, assert_common_errors, assert_malformed_on_non_json, assert_request,
    not_found,
};
use propelauth_core::Auth;
use propelauth_core::api::{
    ApiError, ApiKeyType, ApiKeyUsageOptions, CreateApiKeyOptions, FetchApiKeysOptions,
    UpdateApiKeyOptions,
};
use propelauth_testing::CannedResponse;
use propelauth_testing::samples::{ACME_ORG_ID, OWNER_USER_ID};
use serde_json::{Map, Value, json};

const KEY_ID: &str = "6d3f9b1c2a4e8f0b7c5d1e3a9f2b4c6d";
const CREATED_AT: i64 = 1_735_689_600;

/// Ids a key can never have: no request is made for them.
const INVALID_KEY_IDS: [&str; 4] = ["", "not-hex", "12 34", "../user/x"];

fn metadata() -> Map<String, Value> {
    json!({"scope": "write", "team": 7})
        .as_object()
        .unwrap()
        .clone()
}

fn is_unexpected_404<T: std::fmt::Debug>(result: Result<T, ApiError>) -> bool {
    matches!(result, Err(ApiError::UnexpectedStatus { status: 404, .. }))
}

#[test]
fn fetch_api_key() {
    let harness = Harness::new();
    let key = harness.auth.fetch_api_key(KEY_ID).unwrap();
    let path = format!("/end_user_api_keys/{KEY_ID}");
    assert_request(
        &harness,
        &harness.only_request(),
        &Expected {
            method: "GET",
            path: &path,
            query: &[],
            body: None,
        },
    );
    assert_eq!(key.api_key_id, KEY_ID);
    assert_eq!(key.created_at, Some(CREATED_AT));
    assert_eq!(key.expires_at_seconds, Some(CREATED_AT + 90 * 86_400));
    assert_eq!(key.user_id.as_deref(), Some(OWNER_USER_ID));
    assert_eq!(key.org_id, None);
    assert_eq!(key.display_name.as_deref(), Some("CI deploy key"));
    assert_eq!(key.metadata.unwrap()["scope"], "read");

    harness.respond("GET", &path, not_found());
    assert!(matches!(
        harness.auth.fetch_api_key(KEY_ID),
        Err(ApiError::NotFound("API key"))
    ));
    let call = |auth: &Auth| auth.fetch_api_key(KEY_ID);
    assert_common_errors(&harness, "GET", &path, call);
    assert_malformed_on_non_json(&harness, "GET", &path, call);

    for invalid in INVALID_KEY_IDS {
        let error = harness.auth.fetch_api_key(invalid).unwrap_err();
        assert!(matches!(error, ApiError::NotFound("API key")), "{invalid}");
        assert_eq!(error.to_string(), "API key not found");
    }
    harness.assert_no_request();
}

/// `fetch_current_api_keys` and `fetch_archived_api_keys` share their query and paging.
#[test]
fn fetch_current_and_archived_api_keys() {
    type Listing = fn(
        &Auth,
        &FetchApiKeysOptions,
    )
        -> Result<propelauth_core::api::Page<propelauth_core::api::ApiKey>, ApiError>;
    let listings: [(&str, Listing, usize); 2] = [
        ("/end_user_api_keys", Auth::fetch_current_api_keys, 2),
        (
            "/end_user_api_keys/archived",
            Auth::fetch_archived_api_keys,
            1,
        ),
    ];
    let harness = Harness::new();
    for (path, listing, count) in listings {
        let page = listing(&harness.auth, &FetchApiKeysOptions::default()).unwrap();
        assert_request(
            &harness,
            &harness.only_request(),
            &Expected {
                method: "GET",
                path,
                query: &[],
                body: None,
            },
        );
        assert_eq!(page.items.len(), count, "{path}");
        assert_eq!(page.total, count as u64);
        assert_eq!((page.current_page, page.page_size), (0, 10));
        assert!(!page.has_more_results);
        assert_eq!(page.items[0].user_id.as_deref(), Some(OWNER_USER_ID));
        assert_eq!(page.items[0].created_at, Some(CREATED_AT));

        let every = FetchApiKeysOptions {
            org_id: Some(ACME_ORG_ID.to_owned()),
            user_id: Some(OWNER_USER_ID.to_owned()),
            user_email: Some("owner@acme.test".to_owned()),
            page_size: Some(5),
            page_number: Some(2),
            api_key_type: Some(ApiKeyType::Org),
        };
        let page = listing(&harness.auth, &every).unwrap();
        assert_request(
            &harness,
            &harness.only_request(),
            &Expected {
                method: "GET",
                path,
                query: &[
                    ("org_id", ACME_ORG_ID),
                    ("user_id", OWNER_USER_ID),
                    ("user_email", "owner@acme.test"),
                    ("page_size", "5"),
                    ("page_number", "2"),
                    ("api_key_type", "org"),
                ],
                body: None,
            },
        );
        assert_eq!((page.current_page, page.page_size), (2, 5));

        // Falsy values are never sent: page 0, size 0, empty strings.
        let falsy = FetchApiKeysOptions {
            org_id: Some(String::new()),
            user_id: Some(String::new()),
            user_email: Some(String::new()),
            page_size: Some(0),
            page_number: Some(0),
            api_key_type: Some(ApiKeyType::Other(String::new())),
        };
        listing(&harness.auth, &falsy).unwrap();
        assert!(harness.only_request().query.is_empty(), "{path}");

        for (kind, wire) in [
            (ApiKeyType::Personal, "personal"),
            (ApiKeyType::Generic, "generic"),
            (ApiKeyType::All, "all"),
            (ApiKeyType::Other("User".to_owned()), "User"),
        ] {
            let options = FetchApiKeysOptions {
                api_key_type: Some(kind),
                ..Default::default()
            };
            listing(&harness.auth, &options).unwrap();
            assert_eq!(
                harness.only_request().query_param("api_key_type"),
                Some(wire)
            );
        }

        harness.respond("GET", path, not_found());
        assert!(is_unexpected_404(listing(
            &harness.auth,
            &FetchApiKeysOptions::default()
        )));
        let call = |auth: &Auth| listing(auth, &FetchApiKeysOptions::default());
        assert_common_errors(&harness, "GET", path, call);
        assert_malformed_on_non_json(&harness, "GET", path, call);
    }
}

#[test]
fn create_api_key() {
    let harness = Harness::new();
    let created = harness
        .auth
        .create_api_key(&CreateApiKeyOptions::default())
        .unwrap();
    let expected = |body: Value| Expected {
        method: "POST",
        path: "/end_user_api_keys",
        query: &[],
        body: Some(body),
    };
    assert_request(&harness, &harness.only_request(), &expected(json!({})));
    assert_eq!(created.api_key_id, "3e5a7c9b1d2f4a6c8e0b2d4f6a8c1e3b");
    assert!(created.api_key_token.starts_with(&created.api_key_id));

    let every = CreateApiKeyOptions {
        org_id: Some(ACME_ORG_ID.to_owned()),
        user_id: Some(OWNER_USER_ID.to_owned()),
        expires_at_seconds: Some(1_767_225_600),
        metadata: Some(metadata()),
        display_name: Some("Deploy bot".to_owned()),
    };
    harness.auth.create_api_key(&every).unwrap();
    assert_request(
        &harness,
        &harness.only_request(),
        &expected(json!({
            "org_id": ACME_ORG_ID,
            "user_id": OWNER_USER_ID,
            "expires_at_seconds": 1_767_225_600,
            "metadata": {"scope": "write", "team": 7},
            "display_name": "Deploy bot",
        })),
    );

    let falsy = CreateApiKeyOptions {
        org_id: Some(String::new()),
        user_id: Some(String::new()),
        expires_at_seconds: Some(0),
        metadata: Some(Map::new()),
        display_name: Some(String::new()),
    };
    harness.auth.create_api_key(&falsy).unwrap();
    assert_request(&harness, &harness.only_request(), &expected(json!({})));

    harness.respond("POST", "/end_user_api_keys", not_found());
    assert!(is_unexpected_404(
        harness.auth.create_api_key(&CreateApiKeyOptions::default())
    ));
    let call = |auth: &Auth| auth.create_api_key(&CreateApiKeyOptions::default());
    assert_common_errors(&harness, "POST", "/end_user_api_keys", call);
    assert_malformed_on_non_json(&harness, "POST", "/end_user_api_keys", call);
}

#[test]
fn update_api_key() {
    let harness = Harness::new();
    let path = format!("/end_user_api_keys/{KEY_ID}");
    let expected = |body: Value| Expected {
        method: "PATCH",
        path: &path,
        query: &[],
        body: Some(body),
    };
    assert!(
        harness
            .auth
            .update_api_key(KEY_ID, &UpdateApiKeyOptions::default())
            .unwrap()
    );
    assert_request(&harness, &harness.only_request(), &expected(json!({})));

    let every = UpdateApiKeyOptions {
        expires_at_seconds: Some(1_767_225_600),
        metadata: Some(metadata()),
        set_to_never_expire: true,
    };
    assert!(harness.auth.update_api_key(KEY_ID, &every).unwrap());
    assert_request(
        &harness,
        &harness.only_request(),
        &expected(json!({
            "expires_at_seconds": 1_767_225_600,
            "metadata": {"scope": "write", "team": 7},
            "set_to_never_expire": true,
        })),
    );

    let falsy = UpdateApiKeyOptions {
        expires_at_seconds: Some(0),
        metadata: Some(Map::new()),
        set_to_never_expire: false,
    };
    assert!(harness.auth.update_api_key(KEY_ID, &falsy).unwrap());
    assert_request(&harness, &harness.only_request(), &expected(json!({})));

    harness.respond("PATCH", &path, not_found());
    assert!(
        !harness
            .auth
            .update_api_key(KEY_ID, &UpdateApiKeyOptions::default())
            .unwrap()
    );
    let call = |auth: &Auth| auth.update_api_key(KEY_ID, &UpdateApiKeyOptions::default());
    assert_common_errors(&harness, "PATCH", &path, call);

    for invalid in INVALID_KEY_IDS {
        assert!(!harness.auth.update_api_key(invalid, &every).unwrap());
    }
    harness.assert_no_request();
}

#[test]
fn delete_api_key() {
    let harness = Harness::new();
    let path = format!("/end_user_api_keys/{KEY_ID}");
    assert!(harness.auth.delete_api_key(KEY_ID).unwrap());
    assert_request(
        &harness,
        &harness.only_request(),
        &Expected {
            method: "DELETE",
            path: &path,
            query: &[],
            body: None,
        },
    );

    harness.respond("DELETE", &path, not_found());
    assert!(!harness.auth.delete_api_key(KEY_ID).unwrap());
    let call = |auth: &Auth| auth.delete_api_key(KEY_ID);
    assert_common_errors(&harness, "DELETE", &path, call);

    for invalid in INVALID_KEY_IDS {
        assert!(!harness.auth.delete_api_key(invalid).unwrap());
    }
    harness.assert_no_request();
}

/// `validate_api_key` and `validate_imported_api_key` send the same body to two paths.
#[test]
fn validate_api_key_and_imported_api_key() {
    type Validate = fn(&Auth, &str) -> Result<propelauth_core::api::ValidatedApiKey, ApiError>;
    let validations: [(&str, Validate); 2] = [
        ("/end_user_api_keys/validate", Auth::validate_api_key),
        (
            "/end_user_api_keys/validate_imported",
            Auth::validate_imported_api_key,
        ),
    ];
    let harness = Harness::new();
    for (path, validate) in validations {
        for (token, sent) in [
            ("personal_token", "personal_token"),
            ("Bearer personal_token", "personal_token"),
            ("bearer personal_token", "personal_token"),
            ("BEARER personal_token", "personal_token"),
            ("Bearer  spaced", " spaced"),
            ("Bearerpersonal", "Bearerpersonal"),
            ("Token abc", "Token abc"),
        ] {
            validate(&harness.auth, token).unwrap();
            assert_request(
                &harness,
                &harness.only_request(),
                &Expected {
                    method: "POST",
                    path,
                    query: &[],
                    body: Some(json!({"api_key_token": sent})),
                },
            );
        }

        let personal = validate(&harness.auth, "Bearer personal_token").unwrap();
        harness.only_request();
        assert_eq!(personal.metadata.unwrap()["scope"], "read");
        let user = personal.user.unwrap();
        assert_eq!(user.user_id, OWNER_USER_ID);
        assert_eq!(user.email.as_deref(), Some("owner@acme.test"));
        assert_eq!(
            user.org_id_to_org_info[ACME_ORG_ID].user_assigned_role,
            "Owner"
        );
        assert!(personal.org.is_none() && personal.user_in_org.is_none());

        let org = validate(&harness.auth, "org_token").unwrap();
        harness.only_request();
        let acme = org.org.unwrap();
        assert_eq!(acme.org_id, ACME_ORG_ID);
        assert_eq!(acme.org_name.as_deref(), Some("Acme"));
        assert_eq!(acme.max_users, Some(50));
        assert_eq!(acme.is_saml_configured, Some(false));
        assert_eq!(acme.metadata.unwrap()["plan"], "enterprise");
        let member = org.user_in_org.unwrap();
        assert!(member.user_is_at_least_role("Admin"));
        assert!(member.user_has_permission("can_invite"));

        let generic = validate(&harness.auth, "generic_token").unwrap();
        harness.only_request();
        assert!(generic.user.is_none() && generic.org.is_none());
        assert!(generic.metadata.is_some());

        // A membership whose role is null reads as none; missing fields read as none.
        harness.respond(
            "POST",
            path,
            CannedResponse::json(
                200,
                &json!({"org": {"org_id": ACME_ORG_ID}, "user_in_org": {
                    "org_id": ACME_ORG_ID, "org_name": "Acme", "url_safe_org_name": "acme",
                    "org_metadata": {}, "user_role": null,
                    "inherited_user_roles_plus_current_role": [], "user_permissions": [],
                }}),
            ),
        );
        let sparse = validate(&harness.auth, "org_token").unwrap();
        assert!(sparse.user_in_org.is_none() && sparse.metadata.is_none());
        assert_eq!(sparse.org.unwrap().org_name, None);
        harness.clear();

        harness.respond("POST", path, not_found());
        assert!(matches!(
            validate(&harness.auth, "expired"),
            Err(ApiError::NotFound("API key"))
        ));
        harness.clear();

        harness.respond(
            "POST",
            path,
            CannedResponse::json(
                429,
                &json!({
                    "wait_seconds": 12.5,
                    "user_facing_error": "Too many requests, try again later",
                    "error_code": "end_user_api_key_rate_limited",
                }),
            ),
        );
        match validate(&harness.auth, "personal_token") {
            Err(ApiError::RateLimited(limit)) => {
                assert_eq!(limit.wait_seconds, Some(12.5));
                assert_eq!(
                    limit.user_facing_error.as_deref(),
                    Some("Too many requests, try again later")
                );
                assert_eq!(
                    limit.error_code.as_deref(),
                    Some("end_user_api_key_rate_limited")
                );
            }
            other => panic!("429 on {path}: {other:?}"),
        }
        harness.clear();

        let call = |auth: &Auth| validate(auth, "personal_token");
        assert_common_errors(&harness, "POST", path, call);
        assert_malformed_on_non_json(&harness, "POST", path, call);
    }
}

#[test]
fn validate_personal_api_key() {
    let harness = Harness::new();
    let personal = harness
        .auth
        .validate_personal_api_key("Bearer personal_token")
        .unwrap();
    assert_request(
        &harness,
        &harness.only_request(),
        &Expected {
            method: "POST",
            path: "/end_user_api_keys/validate",
            query: &[],
            body: Some(json!({"api_key_token": "personal_token"})),
        },
    );
    assert_eq!(personal.user.user_id, OWNER_USER_ID);
    assert_eq!(personal.metadata.unwrap()["scope"], "read");

    // An org key (even one with a user) and a generic key are not personal.
    for token in ["org_token", "generic_token"] {
        let error = harness.auth.validate_personal_api_key(token).unwrap_err();
        assert!(
            matches!(error, ApiError::WrongApiKeyKind("Not a personal API Key")),
            "{token}: {error:?}"
        );
        assert_eq!(error.to_string(), "Not a personal API Key");
        harness.only_request();
    }

    let path = "/end_user_api_keys/validate";
    harness.respond("POST", path, not_found());
    assert!(matches!(
        harness.auth.validate_personal_api_key("x"),
        Err(ApiError::NotFound("API key"))
    ));
    let call = |auth: &Auth| auth.validate_personal_api_key("personal_token");
    assert_common_errors(&harness, "POST", path, call);
    assert_malformed_on_non_json(&harness, "POST", path, call);
}

#[test]
fn validate_org_api_key() {
    let harness = Harness::new();
    let org = harness
        .auth
        .validate_org_api_key("bearer org_token")
        .unwrap();
    assert_request(
        &harness,
        &harness.only_request(),
        &Expected {
            method: "POST",
            path: "/end_user_api_keys/validate",
            query: &[],
            body: Some(json!({"api_key_token": "org_token"})),
        },
    );
    assert_eq!(org.org.org_id, ACME_ORG_ID);
    assert_eq!(org.user.unwrap().user_id, OWNER_USER_ID);
    assert_eq!(org.user_in_org.unwrap().user_assigned_role, "Owner");
    assert_eq!(org.metadata.unwrap()["scope"], "read");

    for token in ["personal_token", "generic_token"] {
        let error = harness.auth.validate_org_api_key(token).unwrap_err();
        assert!(
            matches!(error, ApiError::WrongApiKeyKind("Not an org API Key")),
            "{token}: {error:?}"
        );
        harness.only_request();
    }

    let path = "/end_user_api_keys/validate";
    harness.respond("POST", path, not_found());
    assert!(matches!(
        harness.auth.validate_org_api_key("x"),
        Err(ApiError::NotFound("API key"))
    ));
    let call = |auth: &Auth| auth.validate_org_api_key("org_token");
    assert_common_errors(&harness, "POST", path, call);
    assert_malformed_on_non_json(&harness, "POST", path, call);
}

#[test]
fn import_api_key() {
    let harness = Harness::new();
    let path = "/end_user_api_keys/import";
    let expected = |body: Value| Expected {
        method: "POST",
        path,
        query: &[],
        body: Some(body),
    };
    let imported = harness
        .auth
        .import_api_key("legacy_abc123", &CreateApiKeyOptions::default())
        .unwrap();
    assert_request(
        &harness,
        &harness.only_request(),
        &expected(json!({"imported_api_key": "legacy_abc123"})),
    );
    assert_eq!(imported.api_key_id, "9c1e3a5b7d9f2b4d6f8a0c2e4a6c8e1b");

    let every = CreateApiKeyOptions {
        org_id: Some(ACME_ORG_ID.to_owned()),
        user_id: Some(OWNER_USER_ID.to_owned()),
        expires_at_seconds: Some(1_767_225_600),
        metadata: Some(metadata()),
        display_name: Some("Legacy key".to_owned()),
    };
    harness
        .auth
        .import_api_key("legacy_abc123", &every)
        .unwrap();
    assert_request(
        &harness,
        &harness.only_request(),
        &expected(json!({
            "imported_api_key": "legacy_abc123",
            "org_id": ACME_ORG_ID,
            "user_id": OWNER_USER_ID,
            "expires_at_seconds": 1_767_225_600,
            "metadata": {"scope": "write", "team": 7},
            "display_name": "Legacy key",
        })),
    );

    // Falsy values, the token included, are left out.
    let falsy = CreateApiKeyOptions {
        expires_at_seconds: Some(0),
        metadata: Some(Map::new()),
        display_name: Some(String::new()),
        ..Default::default()
    };
    harness.auth.import_api_key("", &falsy).unwrap();
    assert_request(&harness, &harness.only_request(), &expected(json!({})));

    harness.respond("POST", path, not_found());
    assert!(is_unexpected_404(harness.auth.import_api_key(
        "legacy_abc123",
        &CreateApiKeyOptions::default()
    )));
    let call = |auth: &Auth| auth.import_api_key("legacy_abc123", &CreateApiKeyOptions::default());
    assert_common_errors(&harness, "POST", path, call);
    assert_malformed_on_non_json(&harness, "POST", path, call);
}

#[test]
fn fetch_api_key_usage() {
    let harness = Harness::new();
    let path = "/end_user_api_keys/usage";
    let usage = harness
        .auth
        .fetch_api_key_usage("2025-01-31", &ApiKeyUsageOptions::default())
        .unwrap();
    assert_request(
        &harness,
        &harness.only_request(),
        &Expected {
            method: "GET",
            path,
            query: &[("date", "2025-01-31")],
            body: None,
        },
    );
    assert_eq!(usage.count, Some(42));

    let every = ApiKeyUsageOptions {
        org_id: Some(ACME_ORG_ID.to_owned()),
        user_id: Some(OWNER_USER_ID.to_owned()),
        api_key_id: Some(KEY_ID.to_owned()),
    };
    harness
        .auth
        .fetch_api_key_usage("2025-01-31", &every)
        .unwrap();
    assert_request(
        &harness,
        &harness.only_request(),
        &Expected {
            method: "GET",
            path,
            query: &[
                ("date", "2025-01-31"),
                ("org_id", ACME_ORG_ID),
                ("user_id", OWNER_USER_ID),
                ("api_key_id", KEY_ID),
            ],
            body: None,
        },
    );

    let falsy = ApiKeyUsageOptions {
        org_id: Some(String::new()),
        user_id: Some(String::new()),
        api_key_id: Some(String::new()),
    };
    harness.auth.fetch_api_key_usage("", &falsy).unwrap();
    assert!(harness.only_request().query.is_empty());

    harness.respond("GET", path, not_found());
    assert!(is_unexpected_404(harness.auth.fetch_api_key_usage(
        "2025-01-31",
        &ApiKeyUsageOptions::default()
    )));
    let call = |auth: &Auth| auth.fetch_api_key_usage("2025-01-31", &ApiKeyUsageOptions::default());
    assert_common_errors(&harness, "GET", path, call);
    assert_malformed_on_non_json(&harness, "GET", path, call);
}
