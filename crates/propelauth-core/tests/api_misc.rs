//! The step-up MFA, SCIM, employee and insight calls of the backend API against the
//! stand-in: the exact request of each, the parsing of realistic answers, the error answers
//! (step-up MFA's `error_code`s included) and the local id checks.

// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;

use api_support::{
    Expected, Harness, assert_common_errors, assert_malformed_on_non_json, assert_request,
    not_found,
};
use propelauth_core::Auth;
use propelauth_core::api::{
    ApiError, ChartMetric, ChartMetricCadence, ChartMetricOptions, FetchOrgScimGroupsOptions,
    FetchScimGroupOptions, OrgReport, ReportInterval, ReportOptions, StepUpError, StepUpGrantType,
    UserReport,
};
use propelauth_testing::CannedResponse;
use propelauth_testing::samples::{ACME_ORG_ID, GLOBEX_ORG_ID, MEMBER_USER_ID, OWNER_USER_ID};
use serde_json::{Value, json};

const EMPLOYEE_ID: &str = "5b7d9f1a-3c5e-4a7b-9d1f-2a4c6e8b0d2f";
const GROUP_ID: &str = "c7e9a1b3-5d7f-4a2c-8e4b-6d8f0a2c4e6b";
const CREATED_AT: i64 = 1_735_689_600;

// ---------------------------------------------------------------------------------------
// Step-up MFA
// ---------------------------------------------------------------------------------------

/// Every step-up call: its path, the body it sends, and the call itself.
struct StepUpCall {
    path: &'static str,
    body: Value,
    call: fn(&Auth) -> Result<String, ApiError>,
}

fn step_up_calls() -> Vec<StepUpCall> {
    vec![
        StepUpCall {
            path: "/mfa/step-up/verify-totp",
            body: json!({
                "action_type": "delete_project",
                "user_id": OWNER_USER_ID,
                "code": "123456",
                "grant_type": "ONE_TIME_USE",
                "valid_for_seconds": 300,
            }),
            call: |auth| {
                auth.verify_step_up_totp_challenge(
                    "delete_project",
                    OWNER_USER_ID,
                    "123456",
                    StepUpGrantType::OneTimeUse,
                    300,
                )
            },
        },
        StepUpCall {
            path: "/mfa/step-up/phone/send",
            body: json!({
                "action_type": "export_data",
                "user_id": OWNER_USER_ID,
                "mfa_phone_id": "4d6f8a0c-2e4b-4d6f-8a1c-3e5b7d9f1a3c",
                "grant_type": "TIME_BASED",
                "valid_for_seconds": 600,
            }),
            call: |auth| {
                auth.send_sms_mfa_code(
                    "export_data",
                    OWNER_USER_ID,
                    "4d6f8a0c-2e4b-4d6f-8a1c-3e5b7d9f1a3c",
                    StepUpGrantType::TimeBased,
                    600,
                )
            },
        },
        StepUpCall {
            path: "/mfa/step-up/phone/verify",
            body: json!({
                "challenge_id": "6a0e2c4f-8b1d-4e3a-9c5f-7d2b4e6a8c0f",
                "user_id": OWNER_USER_ID,
                "code": "654321",
            }),
            call: |auth| {
                auth.verify_sms_challenge(
                    "6a0e2c4f-8b1d-4e3a-9c5f-7d2b4e6a8c0f",
                    OWNER_USER_ID,
                    "654321",
                )
            },
        },
        StepUpCall {
            path: "/mfa/step-up/verify-grant",
            body: json!({
                "action_type": "delete_project",
                "user_id": OWNER_USER_ID,
                "grant": "sug_4f1c9e7a2b6d8e0f3a5c7b9d1e2f4a6c",
            }),
            call: |auth| {
                auth.verify_step_up_grant(
                    "delete_project",
                    OWNER_USER_ID,
                    "sug_4f1c9e7a2b6d8e0f3a5c7b9d1e2f4a6c",
                )
                .map(|valid| valid.to_string())
            },
        },
    ]
}

#[test]
fn step_up_requests_and_answers() {
    let harness = Harness::new();
    let answers = [
        "sug_4f1c9e7a2b6d8e0f3a5c7b9d1e2f4a6c",
        "6a0e2c4f-8b1d-4e3a-9c5f-7d2b4e6a8c0f",
        "sug_4f1c9e7a2b6d8e0f3a5c7b9d1e2f4a6c",
        "true",
    ];
    for (step_up, answer) in step_up_calls().into_iter().zip(answers) {
        assert_eq!((step_up.call)(&harness.auth).unwrap(), answer);
        assert_request(
            &harness,
            &harness.only_request(),
            &Expected {
                method: "POST",
                path: step_up.path,
                query: &[],
                body: Some(step_up.body.clone()),
            },
        );
        assert_common_errors(&harness, "POST", step_up.path, step_up.call);
        // verify_step_up_grant reads only the status.
        if step_up.path != "/mfa/step-up/verify-grant" {
            assert_malformed_on_non_json(&harness, "POST", step_up.path, step_up.call);
        }
    }
}

#[test]
fn step_up_error_codes_decide_on_any_status() {
    let harness = Harness::new();
    for step_up in step_up_calls() {
        let path = step_up.path;
        let answer = |status: u16, body: Value| {
            harness.clear();
            harness.respond("POST", path, CannedResponse::json(status, &body));
            (step_up.call)(&harness.auth)
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
                let body = json!({"success": false, "error_code": code, "message": "no"});
                match answer(status, body) {
                    Err(ApiError::StepUp(error)) => assert_eq!(error, expected, "{path} {status}"),
                    other => panic!("{path} {status} {code}: {other:?}"),
                }
            }
            // Field errors, under each name the service uses.
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
        // No error_code: the usual errors.
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
        harness.clear();
    }
}

#[test]
fn verify_step_up_grant_is_false_for_an_unknown_grant() {
    let harness = Harness::new();
    let path = "/mfa/step-up/verify-grant";
    let verify = |auth: &Auth| auth.verify_step_up_grant("delete_project", OWNER_USER_ID, "sug_x");
    for (status, field_errors) in [
        (400, json!({"grant": "grant_not_found"})),
        (404, json!({"grant": "grant_not_found"})),
        (400, json!({"grant": ["grant_not_found"]})),
    ] {
        harness.clear();
        harness.respond(
            "POST",
            path,
            CannedResponse::json(
                status,
                &json!({"error_code": "invalid_request_fields", "field_errors": field_errors}),
            ),
        );
        assert!(!verify(&harness.auth).unwrap(), "{status} {field_errors}");
    }
    // Another field error is an error.
    harness.clear();
    harness.respond(
        "POST",
        path,
        CannedResponse::json(
            400,
            &json!({"error_code": "invalid_request_fields", "field_errors": {"grant": "expired"}}),
        ),
    );
    assert!(matches!(
        verify(&harness.auth),
        Err(ApiError::StepUp(StepUpError::InvalidRequestFields(_)))
    ));
}

#[test]
fn step_up_answers_without_their_value_are_malformed() {
    let harness = Harness::new();
    for step_up in step_up_calls().into_iter().take(3) {
        harness.clear();
        harness.respond(
            "POST",
            step_up.path,
            CannedResponse::json(200, &json!({"success": true})),
        );
        assert!(
            matches!(
                (step_up.call)(&harness.auth),
                Err(ApiError::MalformedResponse(_))
            ),
            "{}",
            step_up.path
        );
    }
}

// ---------------------------------------------------------------------------------------
// SCIM
// ---------------------------------------------------------------------------------------

#[test]
fn fetch_org_scim_groups() {
    let harness = Harness::new();
    let path = format!("/scim/{ACME_ORG_ID}/groups");
    let page = harness
        .auth
        .fetch_org_scim_groups(ACME_ORG_ID, &FetchOrgScimGroupsOptions::default())
        .unwrap();
    assert_request(
        &harness,
        &harness.only_request(),
        &Expected {
            method: "GET",
            path: &path,
            query: &[("page_size", "10"), ("page_number", "0")],
            body: None,
        },
    );
    assert_eq!(page.total, 2);
    assert_eq!((page.current_page, page.page_size), (0, 10));
    assert!(!page.has_more_results);
    assert_eq!(page.items[0].group_id, GROUP_ID);
    assert_eq!(page.items[0].display_name.as_deref(), Some("Engineering"));
    assert_eq!(
        page.items[0].external_id_from_idp.as_deref(),
        Some("00g1a2b3c4d5e6f7g8h9")
    );
    assert_eq!(page.items[1].external_id_from_idp, None);

    let every = FetchOrgScimGroupsOptions {
        user_id: Some(MEMBER_USER_ID.to_owned()),
        page_size: 1,
        page_number: 0,
    };
    let page = harness
        .auth
        .fetch_org_scim_groups(ACME_ORG_ID, &every)
        .unwrap();
    assert_request(
        &harness,
        &harness.only_request(),
        &Expected {
            method: "GET",
            path: &path,
            query: &[
                ("page_size", "1"),
                ("page_number", "0"),
                ("user_id", MEMBER_USER_ID),
            ],
            body: None,
        },
    );
    assert_eq!(page.page_size, 1);
    assert!(page.has_more_results, "2 groups, 1 per page");

    harness.respond("GET", &path, not_found());
    let error = harness
        .auth
        .fetch_org_scim_groups(ACME_ORG_ID, &FetchOrgScimGroupsOptions::default())
        .unwrap_err();
    assert!(matches!(error, ApiError::NotFound("organization")));
    assert_eq!(error.to_string(), "organization not found");
    let call = |auth: &Auth| {
        auth.fetch_org_scim_groups(ACME_ORG_ID, &FetchOrgScimGroupsOptions::default())
    };
    assert_common_errors(&harness, "GET", &path, call);
    assert_malformed_on_non_json(&harness, "GET", &path, call);
}

#[test]
fn fetch_scim_group() {
    let harness = Harness::new();
    let path = format!("/scim/{ACME_ORG_ID}/groups/{GROUP_ID}");
    let group = harness
        .auth
        .fetch_scim_group(ACME_ORG_ID, GROUP_ID, &FetchScimGroupOptions::default())
        .unwrap();
    assert_request(
        &harness,
        &harness.only_request(),
        &Expected {
            method: "GET",
            path: &path,
            query: &[("members_page_size", "10"), ("members_page_number", "0")],
            body: None,
        },
    );
    assert_eq!(group.group_id, GROUP_ID);
    assert_eq!(group.display_name.as_deref(), Some("Engineering"));
    let members: Vec<_> = group.members.iter().map(|m| m.user_id.as_str()).collect();
    assert_eq!(members, [OWNER_USER_ID, MEMBER_USER_ID]);

    let every = FetchScimGroupOptions {
        members_page_size: 50,
        members_page_number: 3,
    };
    harness
        .auth
        .fetch_scim_group(ACME_ORG_ID, GROUP_ID, &every)
        .unwrap();
    assert_request(
        &harness,
        &harness.only_request(),
        &Expected {
            method: "GET",
            path: &path,
            query: &[("members_page_size", "50"), ("members_page_number", "3")],
            body: None,
        },
    );

    harness.respond("GET", &path, not_found());
    assert!(matches!(
        harness
            .auth
            .fetch_scim_group(ACME_ORG_ID, GROUP_ID, &FetchScimGroupOptions::default()),
        Err(ApiError::NotFound("organization"))
    ));
    let call = |auth: &Auth| {
        auth.fetch_scim_group(ACME_ORG_ID, GROUP_ID, &FetchScimGroupOptions::default())
    };
    assert_common_errors(&harness, "GET", &path, call);
    assert_malformed_on_non_json(&harness, "GET", &path, call);
}

// ---------------------------------------------------------------------------------------
// Employees
// ---------------------------------------------------------------------------------------

#[test]
fn fetch_employee_by_id() {
    let harness = Harness::new();
    let path = format!("/employee/{EMPLOYEE_ID}");
    let employee = harness
        .auth
        .fetch_employee_by_id(EMPLOYEE_ID)
        .unwrap()
        .unwrap();
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
    assert_eq!(
        employee.email.as_deref(),
        Some("support-engineer@propelauth.test")
    );

    harness.respond("GET", &path, not_found());
    assert_eq!(
        harness.auth.fetch_employee_by_id(EMPLOYEE_ID).unwrap(),
        None
    );
    let call = |auth: &Auth| auth.fetch_employee_by_id(EMPLOYEE_ID);
    assert_common_errors(&harness, "GET", &path, call);
    assert_malformed_on_non_json(&harness, "GET", &path, call);

    for invalid in [
        "not-a-uuid",
        "5B7D9F1A-3C5E-4A7B-9D1F-2A4C6E8B0D2F",
        "../user/x",
        "",
    ] {
        assert_eq!(harness.auth.fetch_employee_by_id(invalid).unwrap(), None);
    }
    harness.assert_no_request();
}

// ---------------------------------------------------------------------------------------
// Insights
// ---------------------------------------------------------------------------------------

type UserReportCall = fn(&Auth, &ReportOptions) -> Result<UserReport, ApiError>;
type OrgReportCall = fn(&Auth, &ReportOptions) -> Result<OrgReport, ApiError>;

/// The query of every report option set, and the options.
fn every_report_option() -> (ReportOptions, [(&'static str, &'static str); 3]) {
    (
        ReportOptions {
            report_interval: Some(ReportInterval::ThirtyDays),
            page_size: Some(25),
            page_number: Some(0),
        },
        [
            ("report_interval", "30"),
            ("page_size", "25"),
            ("page_number", "0"),
        ],
    )
}

#[test]
fn user_reports() {
    let reports: [(&str, UserReportCall); 4] = [
        ("top_inviter", Auth::fetch_user_top_inviter_report),
        ("champion", Auth::fetch_user_champion_report),
        ("churn", Auth::fetch_user_churn_report),
        ("reengagement", Auth::fetch_user_reengagement_report),
    ];
    let harness = Harness::new();
    for (kind, fetch) in reports {
        let path = format!("/user_report/{kind}");
        let report = fetch(&harness.auth, &ReportOptions::default()).unwrap();
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
        assert_eq!(report.total_count, Some(2));
        assert_eq!((report.current_page, report.page_size), (Some(0), Some(10)));
        assert_eq!(report.has_more_results, Some(false));
        assert_eq!(report.report_time, Some(CREATED_AT + 31 * 86_400));
        let owner = &report.user_reports[0];
        assert_eq!(owner.id, Some(format!("{kind}-{OWNER_USER_ID}")));
        assert_eq!(owner.user_id.as_deref(), Some(OWNER_USER_ID));
        assert_eq!(owner.email.as_deref(), Some("owner@acme.test"));
        assert_eq!(owner.first_name.as_deref(), Some("Olive"));
        assert_eq!(owner.username, None);
        assert_eq!(owner.user_created_at, Some(CREATED_AT));
        let orgs = owner.org_data.as_ref().unwrap();
        assert_eq!(orgs[0].org_id.as_deref(), Some(ACME_ORG_ID));
        assert_eq!(orgs[0].user_role.as_deref(), Some("Owner"));
        assert_eq!(owner.extra_properties.as_ref().unwrap()["num_invites"], 4);

        let (every, query) = every_report_option();
        let report = fetch(&harness.auth, &every).unwrap();
        assert_request(
            &harness,
            &harness.only_request(),
            &Expected {
                method: "GET",
                path: &path,
                query: &query,
                body: None,
            },
        );
        assert_eq!(report.page_size, Some(25));

        harness.respond("GET", &path, not_found());
        assert!(matches!(
            fetch(&harness.auth, &ReportOptions::default()),
            Err(ApiError::UnexpectedStatus { status: 404, .. })
        ));
        let call = |auth: &Auth| fetch(auth, &ReportOptions::default());
        assert_common_errors(&harness, "GET", &path, call);
        assert_malformed_on_non_json(&harness, "GET", &path, call);
    }
}

#[test]
fn org_reports() {
    let reports: [(&str, OrgReportCall); 4] = [
        ("churn", Auth::fetch_org_churn_report),
        ("reengagement", Auth::fetch_org_reengagement_report),
        ("growth", Auth::fetch_org_growth_report),
        ("attrition", Auth::fetch_org_attrition_report),
    ];
    let harness = Harness::new();
    for (kind, fetch) in reports {
        let path = format!("/org_report/{kind}");
        let report = fetch(&harness.auth, &ReportOptions::default()).unwrap();
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
        assert_eq!(report.total_count, Some(2));
        let globex = &report.org_reports[1];
        assert_eq!(globex.id, Some(format!("{kind}-{GLOBEX_ORG_ID}")));
        assert_eq!(globex.org_id.as_deref(), Some(GLOBEX_ORG_ID));
        assert_eq!(globex.name.as_deref(), Some("Globex"));
        assert_eq!(globex.num_users, Some(5));
        assert_eq!(globex.org_created_at, Some(CREATED_AT));
        assert_eq!(
            globex.extra_properties.as_ref().unwrap()["user_count_delta"],
            3
        );

        let (every, query) = every_report_option();
        fetch(&harness.auth, &every).unwrap();
        assert_request(
            &harness,
            &harness.only_request(),
            &Expected {
                method: "GET",
                path: &path,
                query: &query,
                body: None,
            },
        );

        harness.respond("GET", &path, not_found());
        assert!(matches!(
            fetch(&harness.auth, &ReportOptions::default()),
            Err(ApiError::UnexpectedStatus { status: 404, .. })
        ));
        let call = |auth: &Auth| fetch(auth, &ReportOptions::default());
        assert_common_errors(&harness, "GET", &path, call);
        assert_malformed_on_non_json(&harness, "GET", &path, call);
    }
}

#[test]
fn report_intervals_travel_as_strings() {
    let harness = Harness::new();
    for (interval, wire) in [
        (ReportInterval::SevenDays, "7"),
        (ReportInterval::FourteenDays, "14"),
        (ReportInterval::ThirtyDays, "30"),
        (ReportInterval::SixtyDays, "60"),
        (ReportInterval::NinetyDays, "90"),
        (ReportInterval::Weekly, "Weekly"),
        (ReportInterval::Monthly, "Monthly"),
    ] {
        let options = ReportOptions {
            report_interval: Some(interval),
            ..Default::default()
        };
        harness.auth.fetch_org_growth_report(&options).unwrap();
        assert_eq!(
            harness.only_request().query,
            [("report_interval".to_owned(), wire.to_owned())]
        );
        assert_eq!(serde_json::to_value(interval).unwrap(), wire);
    }
}

#[test]
fn fetch_chart_metric_data() {
    let harness = Harness::new();
    for (metric, wire) in [
        (ChartMetric::Signups, "signups"),
        (ChartMetric::OrgsCreated, "orgs_created"),
        (ChartMetric::ActiveUsers, "active_users"),
        (ChartMetric::ActiveOrgs, "active_orgs"),
    ] {
        let path = format!("/chart_metrics/{wire}");
        let chart = harness
            .auth
            .fetch_chart_metric_data(metric, &ChartMetricOptions::default())
            .unwrap();
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
        assert_eq!(chart.chart_type.as_deref(), Some(wire));
        assert_eq!(chart.cadence.as_deref(), Some("Daily"));
        assert_eq!(chart.metrics.len(), 3);
        assert_eq!(chart.metrics[0].date.as_deref(), Some("2025-01-01"));
        assert_eq!(chart.metrics[0].result, Some(14));
        assert_eq!(chart.metrics[2].cadence_completed, Some(false));

        harness.respond("GET", &path, not_found());
        assert!(matches!(
            harness
                .auth
                .fetch_chart_metric_data(metric, &ChartMetricOptions::default()),
            Err(ApiError::UnexpectedStatus { status: 404, .. })
        ));
        let call =
            |auth: &Auth| auth.fetch_chart_metric_data(metric, &ChartMetricOptions::default());
        assert_common_errors(&harness, "GET", &path, call);
        assert_malformed_on_non_json(&harness, "GET", &path, call);
    }

    for (cadence, wire) in [
        (ChartMetricCadence::Daily, "Daily"),
        (ChartMetricCadence::Weekly, "Weekly"),
        (ChartMetricCadence::Monthly, "Monthly"),
    ] {
        let options = ChartMetricOptions {
            cadence: Some(cadence),
            start_date: Some("2025-01-01".to_owned()),
            end_date: Some("2025-03-31".to_owned()),
        };
        let chart = harness
            .auth
            .fetch_chart_metric_data(ChartMetric::ActiveUsers, &options)
            .unwrap();
        assert_request(
            &harness,
            &harness.only_request(),
            &Expected {
                method: "GET",
                path: "/chart_metrics/active_users",
                query: &[
                    ("cadence", wire),
                    ("start_date", "2025-01-01"),
                    ("end_date", "2025-03-31"),
                ],
                body: None,
            },
        );
        assert_eq!(chart.cadence.as_deref(), Some(wire));
    }
}
