//! Answers with rules of their own, read through the typed API: OAuth tokens, orgs, lenient
//! memberships, step-up refusals, API key kinds, `create_access_token`'s 403, the SCIM page
//! count, batch keys, MFA types, and the wire strings of the enums.

// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;

use api_support::Harness;
use propelauth_core::api::*;
use propelauth_testing::CannedResponse;
use propelauth_testing::samples::{ACME_ORG_ID, GLOBEX_ORG_ID, OWNER_USER_ID};
use serde_json::{Value, json};

const CREATED_AT: i64 = 1_735_689_600;

#[test]
fn oauth_tokens_keep_their_provider_and_expiry() {
    let harness = Harness::new();
    let tokens = harness
        .auth
        .fetch_user_oauth_tokens(OWNER_USER_ID)
        .unwrap()
        .unwrap();
    let google = &tokens["google"];
    assert_eq!(google.access_token, "google-access-token-7f3a9c");
    assert_eq!(google.token_provider.as_deref(), Some("google"));
    assert_eq!(
        google.refresh_token.as_deref(),
        Some("google-refresh-token-2b8d1e")
    );
    assert_eq!(google.token_expiration, Some(CREATED_AT + 3600));
    assert_eq!(google.authorized_scopes, ["openid", "email", "profile"]);
    let github = &tokens["github"];
    assert_eq!(
        (github.refresh_token.as_deref(), github.token_expiration),
        (None, None)
    );
    let debug = format!("{google:?}");
    assert!(
        !debug.contains("access-token-7f3a9c") && !debug.contains("refresh-token"),
        "{debug}"
    );

    let fresh = harness
        .auth
        .fetch_fresh_token_from_provider(OWNER_USER_ID, "google")
        .unwrap()
        .unwrap();
    assert_eq!(fresh.token_expiration, Some(CREATED_AT + 3600));
    assert_eq!(fresh.token_provider.as_deref(), Some("google"));
}

#[test]
fn orgs_carry_every_field_the_service_sends() {
    let harness = Harness::new();
    let acme = harness.auth.fetch_org(ACME_ORG_ID).unwrap().unwrap();
    assert_eq!(acme.password_rotation_enabled, Some(true));
    assert_eq!(acme.password_rotation_history_size, Some(5));
    assert_eq!(acme.password_rotation_period, Some(7_776_000));
    assert_eq!(acme.isolated, Some(false));
    assert_eq!(acme.created_at, None, "fetch_org does not send it");
    let globex = harness.auth.fetch_org(GLOBEX_ORG_ID).unwrap().unwrap();
    assert_eq!(globex.password_rotation_period, None);

    let page = harness
        .auth
        .fetch_org_by_query(&FetchOrgByQueryOptions::default())
        .unwrap();
    let created: Vec<Option<i64>> = page.items.iter().map(|org| org.created_at).collect();
    assert_eq!(created, [Some(CREATED_AT), Some(CREATED_AT + 86_400)]);
}

#[test]
fn users_carry_every_field_the_service_sends() {
    let harness = Harness::new();
    let path = format!("/user/{OWNER_USER_ID}");
    harness.respond(
        "GET",
        &path,
        CannedResponse::json(
            200,
            &json!({
                "user_id": OWNER_USER_ID, "update_password_required": true,
                "isolated_org_id": ACME_ORG_ID, "new_field_from_the_future": [1, 2],
            }),
        ),
    );
    let user = harness
        .auth
        .fetch_user_metadata_by_user_id(OWNER_USER_ID, false)
        .unwrap()
        .unwrap();
    assert_eq!(user.update_password_required, Some(true));
    assert_eq!(user.isolated_org_id.as_deref(), Some(ACME_ORG_ID));
    assert_eq!(user.email, None);
    assert!(user.org_id_to_org_info.is_empty());
}

#[test]
fn memberships_are_read_leniently() {
    let harness = Harness::new();
    let path = format!("/user/{OWNER_USER_ID}");
    harness.respond(
        "GET",
        &path,
        CannedResponse::json(
            200,
            &json!({
                "user_id": OWNER_USER_ID,
                "org_id_to_org_info": {
                    // Only the role: every other key takes its default.
                    ACME_ORG_ID: {"user_role": "Admin"},
                    // A null role: dropped, as in tokens.
                    GLOBEX_ORG_ID: {"org_id": GLOBEX_ORG_ID, "org_name": "Globex", "user_role": null},
                    "3f0c9a1e-0000-4000-8000-000000000003": {
                        "org_id": "3f0c9a1e-0000-4000-8000-000000000003", "org_name": "Initech",
                        "url_safe_org_name": "initech", "org_metadata": null,
                        "user_role": "Member", "inherited_user_roles_plus_current_role": ["Member"],
                        "user_permissions": null, "org_role_structure": "multi_role",
                        "additional_roles": ["Billing"], "legacy_org_id": "i-1",
                    },
                },
            }),
        ),
    );
    let user = harness
        .auth
        .fetch_user_metadata_by_user_id(OWNER_USER_ID, true)
        .unwrap()
        .unwrap();
    assert_eq!(user.org_id_to_org_info.len(), 2);
    let acme = &user.org_id_to_org_info[ACME_ORG_ID];
    assert_eq!(acme.org_id, ACME_ORG_ID, "the id defaults to the key");
    assert_eq!(acme.user_assigned_role, "Admin");
    assert!(
        acme.org_name.is_empty()
            && acme.user_permissions.is_empty()
            && acme.org_metadata.is_empty()
    );
    let initech = &user.org_id_to_org_info["3f0c9a1e-0000-4000-8000-000000000003"];
    assert_eq!(
        initech.org_role_structure,
        propelauth_core::OrgRoleStructure::MultiRole
    );
    assert_eq!(initech.assigned_additional_roles, ["Billing"]);
    assert_eq!(initech.legacy_org_id.as_deref(), Some("i-1"));
    assert!(initech.user_is_role("Billing"));

    // The same reading for API key validation's `user_in_org`.
    harness.respond(
        "POST",
        "/end_user_api_keys/validate",
        CannedResponse::json(
            200,
            &json!({"org": {"org_id": ACME_ORG_ID}, "user_in_org": {"user_role": "Member"}}),
        ),
    );
    let validated = harness.auth.validate_org_api_key("org-token").unwrap();
    assert_eq!(validated.user_in_org.unwrap().user_assigned_role, "Member");
    harness.respond(
        "POST",
        "/end_user_api_keys/validate",
        CannedResponse::json(
            200,
            &json!({"org": {"org_id": ACME_ORG_ID}, "user_in_org": {"user_role": null}}),
        ),
    );
    assert_eq!(
        harness
            .auth
            .validate_org_api_key("org-token")
            .unwrap()
            .user_in_org,
        None
    );
}

#[test]
fn api_key_kinds_are_checked_locally() {
    let harness = Harness::new();
    let personal = harness
        .auth
        .validate_personal_api_key("Bearer personal-token")
        .unwrap();
    assert_eq!(personal.user.user_id, OWNER_USER_ID);
    assert_eq!(personal.metadata.unwrap()["scope"], "read");
    for token in ["org-token", "generic-token"] {
        let error = harness.auth.validate_personal_api_key(token).unwrap_err();
        assert!(
            matches!(error, ApiError::WrongApiKeyKind("Not a personal API Key")),
            "{token}: {error:?}"
        );
        assert_eq!(error.to_string(), "Not a personal API Key");
    }
    let org = harness.auth.validate_org_api_key("org-token").unwrap();
    assert_eq!(org.org.org_id, ACME_ORG_ID);
    assert_eq!(org.user.unwrap().user_id, OWNER_USER_ID);
    for token in ["personal-token", "generic-token"] {
        let error = harness.auth.validate_org_api_key(token).unwrap_err();
        assert!(
            matches!(error, ApiError::WrongApiKeyKind("Not an org API Key")),
            "{token}: {error:?}"
        );
    }
}

#[test]
fn create_access_token_reads_403_as_an_unknown_user() {
    let harness = Harness::new();
    harness.respond(
        "POST",
        "/access_token",
        CannedResponse::json(403, &json!({"error": "user_not_found"})),
    );
    let error = harness
        .auth
        .create_access_token(OWNER_USER_ID, 5, &CreateAccessTokenOptions::default())
        .unwrap_err();
    assert!(matches!(error, ApiError::UserNotFound), "{error:?}");

    // The token the stand-in mints is a real one for the user.
    harness.clear();
    let token = harness
        .auth
        .create_access_token(
            OWNER_USER_ID,
            5,
            &CreateAccessTokenOptions {
                active_org_id: Some(ACME_ORG_ID.to_owned()),
            },
        )
        .unwrap();
    let user = harness
        .auth
        .validate_access_token(&token.access_token)
        .unwrap();
    assert_eq!(user.user_id, OWNER_USER_ID);
    assert_eq!(user.active_org_id.as_deref(), Some(ACME_ORG_ID));
    assert!(!format!("{token:?}").contains(&token.access_token));
}

/// A step-up call, its answer as JSON.
type StepUpCall = fn(&propelauth_core::Auth) -> Result<Value, ApiError>;

/// Every step-up call, by its path.
fn step_up_calls() -> Vec<(&'static str, StepUpCall)> {
    vec![
        ("/mfa/step-up/verify-totp", |auth| {
            auth.verify_step_up_totp_challenge(
                "a",
                OWNER_USER_ID,
                "1",
                StepUpGrantType::OneTimeUse,
                60,
            )
            .map(Value::from)
        }),
        ("/mfa/step-up/verify-grant", |auth| {
            auth.verify_step_up_grant("a", OWNER_USER_ID, "g")
                .map(Value::from)
        }),
        ("/mfa/step-up/phone/send", |auth| {
            auth.send_sms_mfa_code("a", OWNER_USER_ID, "p", StepUpGrantType::TimeBased, 60)
                .map(Value::from)
        }),
        ("/mfa/step-up/phone/verify", |auth| {
            auth.verify_sms_challenge("c", OWNER_USER_ID, "1")
                .map(Value::from)
        }),
    ]
}

#[test]
fn step_up_error_codes_decide_on_any_status() {
    let harness = Harness::new();
    for (path, call) in step_up_calls() {
        let answer = |status: u16, body: Value| {
            harness.clear();
            harness.respond("POST", path, CannedResponse::json(status, &body));
            call(&harness.auth)
        };
        for status in [400, 403, 404, 500] {
            for (code, expected) in [
                ("user_not_found", StepUpError::UserNotFound),
                ("mfa_not_enabled", StepUpError::MfaNotEnabled),
                ("incorrect_mfa_code", StepUpError::IncorrectMfaCode),
                ("feature_gated", StepUpError::FeatureGated),
                (
                    "unexpected_error",
                    StepUpError::Other("unexpected_error".to_owned()),
                ),
            ] {
                match answer(status, json!({"success": false, "error_code": code})) {
                    Err(ApiError::StepUp(error)) => assert_eq!(error, expected, "{path} {status}"),
                    other => panic!("{path} {status} {code}: {other:?}"),
                }
            }
            for field_key in ["field_errors", "field_to_errors", "user_facing_errors"] {
                let body = json!({
                    "error_code": "invalid_request_fields",
                    field_key: {"code": "must be 6 digits", "user_id": ["is unknown"]},
                });
                match answer(status, body) {
                    Err(ApiError::StepUp(StepUpError::InvalidRequestFields(bad))) => {
                        assert_eq!(bad.field_errors["code"], ["must be 6 digits"]);
                        assert_eq!(bad.field_errors["user_id"], ["is unknown"]);
                    }
                    other => panic!("{path} {status} {field_key}: {other:?}"),
                }
            }
        }
        // Without an error_code: the shared mapping.
        assert!(matches!(
            answer(404, json!({"error": "not_found"})),
            Err(ApiError::UnexpectedStatus { status: 404, .. })
        ));
        assert!(matches!(
            answer(400, json!({"code": ["is required"]})),
            Err(ApiError::BadRequest(bad)) if bad.field_errors["code"] == ["is required"]
        ));
        // 401 and 429 stay what they are, error_code or not.
        assert!(matches!(
            answer(401, json!({"error_code": "user_not_found"})),
            Err(ApiError::InvalidApiKey)
        ));
        assert!(matches!(
            answer(429, json!({"error_code": "feature_gated"})),
            Err(ApiError::RateLimited(_))
        ));
    }
}

#[test]
fn verify_step_up_grant_is_false_for_an_unknown_grant() {
    let harness = Harness::new();
    let respond = |status: u16, field_errors: Value| {
        harness.clear();
        let body = json!({"error_code": "invalid_request_fields", "field_errors": field_errors});
        harness.respond(
            "POST",
            "/mfa/step-up/verify-grant",
            CannedResponse::json(status, &body),
        );
        harness
            .auth
            .verify_step_up_grant("a", OWNER_USER_ID, "sug_x")
    };
    assert!(!respond(400, json!({"grant": "grant_not_found"})).unwrap());
    assert!(!respond(404, json!({"grant": ["grant_not_found"]})).unwrap());
    assert!(matches!(
        respond(400, json!({"grant": "expired"})),
        Err(ApiError::StepUp(StepUpError::InvalidRequestFields(_)))
    ));
}

#[test]
fn scim_pages_count_whether_more_exist() {
    let harness = Harness::new();
    let page = |page_size: u64, page_number: u64| {
        let options = FetchOrgScimGroupsOptions {
            page_size,
            page_number,
            ..Default::default()
        };
        harness
            .auth
            .fetch_org_scim_groups(ACME_ORG_ID, &options)
            .unwrap()
    };
    assert!(page(1, 0).has_more_results);
    assert!(!page(1, 1).has_more_results);
    assert!(!page(10, 0).has_more_results);
    let first = page(1, 0);
    assert_eq!(
        (first.total, first.current_page, first.page_size),
        (2, 0, 1)
    );
}

#[test]
fn batch_answers_are_keyed_by_what_was_asked() {
    let harness = Harness::new();
    harness.respond(
        "POST",
        "/user/emails",
        CannedResponse::json(
            200,
            &json!([{"user_id": OWNER_USER_ID, "email": "Owner@Acme.test"}, {"user_id": "u2"}]),
        ),
    );
    let users = harness
        .auth
        .fetch_batch_user_metadata_by_emails(&["owner@acme.test"], false)
        .unwrap();
    // Keyed as the service spells it; a user without an email cannot be keyed.
    assert_eq!(users.keys().collect::<Vec<_>>(), ["Owner@Acme.test"]);
    let owned = vec![OWNER_USER_ID.to_owned()];
    harness.clear();
    assert!(
        harness
            .auth
            .fetch_batch_user_metadata_by_user_ids(&owned, false)
            .unwrap()
            .contains_key(OWNER_USER_ID)
    );
}

#[test]
fn mfa_setups_are_typed() {
    let harness = Harness::new();
    let path = format!("/user/{OWNER_USER_ID}/mfa");
    let methods = harness
        .auth
        .fetch_user_mfa_methods(OWNER_USER_ID)
        .unwrap()
        .unwrap();
    match methods.mfa_setup {
        Some(MfaSetup::Phone { phone_numbers }) => {
            assert_eq!(phone_numbers[0].mfa_phone_number_suffix, "4242")
        }
        other => panic!("{other:?}"),
    }
    for (body, expected) in [
        (json!({"mfa_setup": {"type": "Totp"}}), Some(MfaSetup::Totp)),
        (json!({"mfa_setup": null}), None),
        (json!({}), None),
    ] {
        harness.respond("GET", &path, CannedResponse::json(200, &body));
        assert_eq!(
            harness
                .auth
                .fetch_user_mfa_methods(OWNER_USER_ID)
                .unwrap()
                .unwrap()
                .mfa_setup,
            expected
        );
    }
    harness.respond(
        "GET",
        &path,
        CannedResponse::json(200, &json!({"mfa_setup": {"type": "Carrier pigeon"}})),
    );
    assert!(matches!(
        harness.auth.fetch_user_mfa_methods(OWNER_USER_ID),
        Err(ApiError::MalformedResponse(_))
    ));
}

#[test]
fn enums_travel_as_their_wire_strings() {
    let wire = |value: Value| value.as_str().unwrap().to_owned();
    for (order, text) in [
        (UserOrderBy::CreatedAtAsc, "CREATED_AT_ASC"),
        (UserOrderBy::CreatedAtDesc, "CREATED_AT_DESC"),
        (UserOrderBy::LastActiveAtAsc, "LAST_ACTIVE_AT_ASC"),
        (UserOrderBy::LastActiveAtDesc, "LAST_ACTIVE_AT_DESC"),
        (UserOrderBy::Email, "EMAIL"),
        (UserOrderBy::Username, "USERNAME"),
    ] {
        assert_eq!(
            (
                order.to_string(),
                wire(serde_json::to_value(order).unwrap())
            ),
            (text.to_owned(), text.to_owned())
        );
    }
    for (order, text) in [
        (OrgOrderBy::CreatedAtAsc, "CREATED_AT_ASC"),
        (OrgOrderBy::CreatedAtDesc, "CREATED_AT_DESC"),
        (OrgOrderBy::Name, "NAME"),
    ] {
        assert_eq!(
            (
                order.to_string(),
                wire(serde_json::to_value(order).unwrap())
            ),
            (text.to_owned(), text.to_owned())
        );
    }
    for (kind, text) in [
        (ApiKeyType::Personal, "personal"),
        (ApiKeyType::Org, "org"),
        (ApiKeyType::Generic, "generic"),
        (ApiKeyType::All, "all"),
        (ApiKeyType::Other("User".to_owned()), "User"),
    ] {
        assert_eq!(kind.to_string(), text);
    }
    for (interval, text) in [
        (ReportInterval::SevenDays, "7"),
        (ReportInterval::FourteenDays, "14"),
        (ReportInterval::ThirtyDays, "30"),
        (ReportInterval::SixtyDays, "60"),
        (ReportInterval::NinetyDays, "90"),
        (ReportInterval::Weekly, "Weekly"),
        (ReportInterval::Monthly, "Monthly"),
    ] {
        assert_eq!(
            (
                interval.to_string(),
                wire(serde_json::to_value(interval).unwrap())
            ),
            (text.to_owned(), text.to_owned())
        );
    }
    for (metric, text) in [
        (ChartMetric::Signups, "signups"),
        (ChartMetric::OrgsCreated, "orgs_created"),
        (ChartMetric::ActiveUsers, "active_users"),
        (ChartMetric::ActiveOrgs, "active_orgs"),
    ] {
        assert_eq!(metric.to_string(), text);
    }
    for (cadence, text) in [
        (ChartMetricCadence::Daily, "Daily"),
        (ChartMetricCadence::Weekly, "Weekly"),
        (ChartMetricCadence::Monthly, "Monthly"),
    ] {
        assert_eq!(cadence.to_string(), text);
    }
    for (grant, text) in [
        (StepUpGrantType::OneTimeUse, "ONE_TIME_USE"),
        (StepUpGrantType::TimeBased, "TIME_BASED"),
    ] {
        assert_eq!(
            (
                grant.to_string(),
                wire(serde_json::to_value(grant).unwrap())
            ),
            (text.to_owned(), text.to_owned())
        );
    }
    for (idp, text) in [
        (OidcIdpType::Generic, "Generic"),
        (OidcIdpType::Okta, "Okta"),
        (OidcIdpType::Azure, "Azure"),
    ] {
        assert_eq!(wire(serde_json::to_value(idp).unwrap()), text);
    }
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let create = CreateUserOptions {
        password: Some("hunter2-password".to_owned()),
        ..Default::default()
    };
    assert!(!format!("{create:?}").contains("hunter2"));
    let migrate = MigrateUserOptions {
        existing_password_hash: Some("$2b$hash".to_owned()),
        existing_mfa_base32_encoded_secret: Some("JBSWY3DP".to_owned()),
        ..Default::default()
    };
    let debug = format!("{migrate:?}");
    assert!(
        !debug.contains("$2b$hash") && !debug.contains("JBSWY3DP"),
        "{debug}"
    );
    let harness = Harness::new();
    let key = harness
        .auth
        .create_api_key(&CreateApiKeyOptions::default())
        .unwrap();
    assert!(!format!("{key:?}").contains(&key.api_key_token));
}
