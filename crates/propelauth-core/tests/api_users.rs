//! The user calls of the backend API against the stand-in: the exact request of each, the
//! parsing of a realistic answer, the error answers, and the local id checks.

// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;

use api_support::{
    Expected, Harness, assert_common_errors, assert_malformed_on_non_json, assert_request,
    not_found,
};

const USER_ID: &str = "31c41c16-c281-44ae-9602-8a047e3bf33d";

#[test]
fn fetch_user_metadata_by_user_id() {
    let harness = Harness::new();
    let user = harness
        .auth
        .fetch_user_metadata_by_user_id(USER_ID, true)
        .unwrap()
        .unwrap();
    assert_request(
        &harness,
        &harness.only_request(),
        &Expected {
            method: "GET",
            path: &format!("/user/{USER_ID}"),
            query: &[("include_orgs", "true")],
            body: None,
        },
    );
    assert_eq!(user.user_id, USER_ID);
    assert_eq!(user.email.as_deref(), Some("owner@acme.test"));
    assert_eq!(user.created_at, Some(1_735_689_600));
    let acme = &user.org_id_to_org_info[propelauth_testing::cases::ACME_ORG_ID];
    assert_eq!(acme.user_assigned_role, "Owner");
    assert_eq!(
        acme.user_inherited_roles_plus_current_role,
        ["Owner", "Admin", "Member"]
    );

    let without_orgs = harness
        .auth
        .fetch_user_metadata_by_user_id(USER_ID, false)
        .unwrap()
        .unwrap();
    assert_eq!(
        harness.only_request().query_param("include_orgs"),
        Some("false")
    );
    assert!(without_orgs.org_id_to_org_info.is_empty());

    let path = format!("/user/{USER_ID}");
    harness.respond("GET", &path, not_found());
    assert_eq!(
        harness
            .auth
            .fetch_user_metadata_by_user_id(USER_ID, false)
            .unwrap(),
        None
    );
    let call = |auth: &propelauth_core::Auth| auth.fetch_user_metadata_by_user_id(USER_ID, false);
    assert_common_errors(&harness, "GET", &path, call);
    assert_malformed_on_non_json(&harness, "GET", &path, call);

    for invalid in [
        "not-a-uuid",
        "31C41C16-C281-44AE-9602-8A047E3BF33D",
        "../org/x",
    ] {
        assert_eq!(
            harness
                .auth
                .fetch_user_metadata_by_user_id(invalid, true)
                .unwrap(),
            None
        );
    }
    harness.assert_no_request();
}
