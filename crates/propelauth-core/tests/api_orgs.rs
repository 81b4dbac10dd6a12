//! The organization calls of the backend API (SAML management included) against the stand-in:
//! the exact request of each, with default and with every option, the parsing of a realistic
//! answer, the 404 and other error answers, and the local org id checks.

// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;

use api_support::{
    Expected, Harness, assert_common_errors, assert_malformed_on_non_json, assert_request,
    not_found,
};
use propelauth_core::api::{
    AddUserToOrgOptions, ApiError, ChangeUserRoleInOrgOptions, CreateOrgOptions,
    CreateOrgSamlConnectionLinkOptions, FetchOrgByQueryOptions, FetchPendingInvitesOptions,
    OrgOrderBy, UpdateOrgMetadataOptions,
};
use propelauth_core::{Auth, SamlProvider};
use propelauth_testing::CannedResponse;
use propelauth_testing::samples::{ACME_ORG_ID, GLOBEX_ORG_ID, OWNER_USER_ID, UNKNOWN_ORG_ID};
use serde_json::{Value, json};

const ORG_ID: &str = ACME_ORG_ID;
const USER_ID: &str = OWNER_USER_ID;

/// Org ids that cannot exist: checked calls answer "not found" without a request.
const INVALID_IDS: &[&str] = &[
    "not-a-uuid",
    "1189C444-8A2D-4C41-8B4B-AE43CE79A492",
    "1189c4448a2d4c418b4bae43ce79a492",
    "../user/x",
    "",
];

/// Sends `call`, checks it made exactly the `expected` request, and returns its answer.
fn sent<T>(
    harness: &Harness,
    expected: &Expected<'_>,
    call: impl FnOnce(&Auth) -> Result<T, ApiError>,
) -> T {
    let answer = call(&harness.auth).unwrap();
    assert_request(harness, &harness.only_request(), expected);
    answer
}

/// A 404 answer must be an unexpected-status error (calls outside wire §16's none/false list).
fn assert_404_unexpected<T: std::fmt::Debug>(
    harness: &Harness,
    method: &str,
    path: &str,
    call: impl Fn(&Auth) -> Result<T, ApiError>,
) {
    harness.clear();
    harness.respond(method, path, not_found());
    match call(&harness.auth) {
        Err(ApiError::UnexpectedStatus { status: 404, body }) => {
            assert!(body.contains("not_found"), "{body}");
        }
        other => panic!("404 on {path}: {other:?}"),
    }
    harness.clear();
}

#[test]
fn fetch_org() {
    let harness = Harness::new();
    let path = format!("/org/{ORG_ID}");
    let org = sent(
        &harness,
        &Expected {
            method: "GET",
            path: &path,
            query: &[],
            body: None,
        },
        |auth| auth.fetch_org(ORG_ID),
    )
    .unwrap();
    assert_eq!(org.org_id, ORG_ID);
    assert_eq!(org.name.as_deref(), Some("Acme"));
    assert_eq!(org.url_safe_org_slug.as_deref(), Some("acme"));
    assert_eq!(org.can_setup_saml, Some(true));
    assert_eq!(org.is_saml_configured, Some(true));
    assert_eq!(org.is_saml_in_test_mode, Some(false));
    assert_eq!(org.max_users, Some(50));
    assert_eq!(
        org.metadata
            .as_ref()
            .and_then(|metadata| metadata.get("plan")),
        Some(&json!("enterprise"))
    );
    assert_eq!(org.domain.as_deref(), Some("acme.test"));
    assert_eq!(org.extra_domains, ["acme-corp.test"]);
    assert_eq!(org.domain_autojoin, Some(true));
    assert_eq!(org.domain_restrict, Some(false));
    assert_eq!(
        org.custom_role_mapping_name.as_deref(),
        Some("Enterprise roles")
    );
    assert_eq!(org.legacy_org_id.as_deref(), Some("acme-legacy-17"));
    assert_eq!(org.isolated, Some(false));

    // Nulls and absences are none / empty, unknown fields are ignored.
    let globex = harness.auth.fetch_org(GLOBEX_ORG_ID).unwrap().unwrap();
    harness.only_request();
    assert_eq!((globex.max_users, globex.domain), (None, None));
    assert!(globex.extra_domains.is_empty());
    harness.respond(
        "GET",
        &path,
        CannedResponse::json(200, &json!({"org_id": ORG_ID, "brand_new_field": [1]})),
    );
    let sparse = harness.auth.fetch_org(ORG_ID).unwrap().unwrap();
    assert_eq!(sparse.org_id, ORG_ID);
    assert_eq!((sparse.name, sparse.can_setup_saml), (None, None));
    assert!(sparse.extra_domains.is_empty());
    harness.clear();

    // 404 → none: the stand-in's unknown org, and an explicit 404.
    assert_eq!(harness.auth.fetch_org(UNKNOWN_ORG_ID).unwrap(), None);
    harness.only_request();
    harness.respond("GET", &path, not_found());
    assert_eq!(harness.auth.fetch_org(ORG_ID).unwrap(), None);

    let call = |auth: &Auth| auth.fetch_org(ORG_ID);
    assert_common_errors(&harness, "GET", &path, call);
    assert_malformed_on_non_json(&harness, "GET", &path, call);

    for invalid in INVALID_IDS {
        assert_eq!(harness.auth.fetch_org(invalid).unwrap(), None, "{invalid}");
    }
    harness.assert_no_request();
}

#[test]
fn fetch_org_by_query() {
    let harness = Harness::new();
    let page = sent(
        &harness,
        &Expected {
            method: "GET",
            path: "/org/query",
            query: &[
                ("page_size", "10"),
                ("page_number", "0"),
                ("order_by", "CREATED_AT_ASC"),
            ],
            body: None,
        },
        |auth| auth.fetch_org_by_query(&FetchOrgByQueryOptions::default()),
    );
    assert_eq!((page.total, page.current_page, page.page_size), (2, 0, 10));
    assert!(!page.has_more_results);
    let names: Vec<_> = page.items.iter().map(|org| org.name.as_deref()).collect();
    assert_eq!(names, [Some("Acme"), Some("Globex")]);
    let acme = &page.items[0];
    assert_eq!(acme.org_id, ACME_ORG_ID);
    assert_eq!(acme.max_users, Some(50));
    assert_eq!(acme.is_saml_configured, Some(true));
    assert_eq!(acme.legacy_org_id.as_deref(), Some("acme-legacy-17"));
    assert_eq!(acme.url_safe_org_slug, None, "not part of the listing");

    let every_option = FetchOrgByQueryOptions {
        page_size: 1,
        page_number: 1,
        order_by: OrgOrderBy::CreatedAtDesc,
        name: Some("a".to_owned()),
        legacy_org_id: Some("legacy 1&2".to_owned()),
        domain: Some("acme.test".to_owned()),
    };
    sent(
        &harness,
        &Expected {
            method: "GET",
            path: "/org/query",
            query: &[
                ("page_size", "1"),
                ("page_number", "1"),
                ("order_by", "CREATED_AT_DESC"),
                ("name", "a"),
                ("legacy_org_id", "legacy 1&2"),
                ("domain", "acme.test"),
            ],
            body: None,
        },
        |auth| auth.fetch_org_by_query(&every_option),
    );
    // Set filters are sent even when empty.
    let by_name = FetchOrgByQueryOptions {
        order_by: OrgOrderBy::Name,
        name: Some(String::new()),
        ..Default::default()
    };
    sent(
        &harness,
        &Expected {
            method: "GET",
            path: "/org/query",
            query: &[
                ("page_size", "10"),
                ("page_number", "0"),
                ("order_by", "NAME"),
                ("name", ""),
            ],
            body: None,
        },
        |auth| auth.fetch_org_by_query(&by_name),
    );

    let paged = FetchOrgByQueryOptions {
        page_size: 1,
        ..Default::default()
    };
    let first = harness.auth.fetch_org_by_query(&paged).unwrap();
    harness.only_request();
    assert_eq!((first.items.len(), first.total), (1, 2));
    assert!(first.has_more_results);

    let call = |auth: &Auth| auth.fetch_org_by_query(&FetchOrgByQueryOptions::default());
    assert_404_unexpected(&harness, "GET", "/org/query", call);
    assert_common_errors(&harness, "GET", "/org/query", call);
    assert_malformed_on_non_json(&harness, "GET", "/org/query", call);
}

#[test]
fn fetch_custom_role_mappings() {
    let harness = Harness::new();
    let mappings = sent(
        &harness,
        &Expected {
            method: "GET",
            path: "/custom_role_mappings",
            query: &[],
            body: None,
        },
        Auth::fetch_custom_role_mappings,
    );
    let names: Vec<_> = mappings
        .custom_role_mappings
        .iter()
        .map(|mapping| {
            (
                mapping.custom_role_mapping_name.as_deref(),
                mapping.num_orgs_subscribed,
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            (Some("Enterprise roles"), Some(1)),
            (Some("Starter roles"), Some(0))
        ]
    );

    harness.respond(
        "GET",
        "/custom_role_mappings",
        CannedResponse::json(200, &json!({})),
    );
    assert!(
        harness
            .auth
            .fetch_custom_role_mappings()
            .unwrap()
            .custom_role_mappings
            .is_empty()
    );

    let call = Auth::fetch_custom_role_mappings;
    assert_404_unexpected(&harness, "GET", "/custom_role_mappings", call);
    assert_common_errors(&harness, "GET", "/custom_role_mappings", call);
    assert_malformed_on_non_json(&harness, "GET", "/custom_role_mappings", call);
}

#[test]
fn fetch_pending_invites() {
    let harness = Harness::new();
    let page = sent(
        &harness,
        &Expected {
            method: "GET",
            path: "/pending_org_invites",
            query: &[("page_number", "0"), ("page_size", "10")],
            body: None,
        },
        |auth| auth.fetch_pending_invites(&FetchPendingInvitesOptions::default()),
    )
    .unwrap();
    assert_eq!((page.total, page.current_page, page.page_size), (2, 0, 10));
    assert!(!page.has_more_results);
    let invite = &page.items[1];
    assert_eq!(
        invite.invitee_email.as_deref(),
        Some("auditor@example.test")
    );
    assert_eq!(invite.org_id.as_deref(), Some(ACME_ORG_ID));
    assert_eq!(invite.org_name.as_deref(), Some("Acme"));
    assert_eq!(invite.role_in_org.as_deref(), Some("Admin"));
    assert_eq!(invite.additional_roles_in_org, ["Billing"]);
    let created_at = invite.created_at.unwrap();
    assert_eq!(invite.expires_at, Some(created_at + 7 * 86_400));
    assert_eq!(invite.inviter_email.as_deref(), Some("owner@acme.test"));
    assert_eq!(invite.inviter_user_id.as_deref(), Some(OWNER_USER_ID));
    assert!(page.items[0].additional_roles_in_org.is_empty());

    let of_globex = FetchPendingInvitesOptions {
        page_number: 2,
        page_size: 5,
        org_id: Some(GLOBEX_ORG_ID.to_owned()),
    };
    let empty = sent(
        &harness,
        &Expected {
            method: "GET",
            path: "/pending_org_invites",
            query: &[
                ("page_number", "2"),
                ("page_size", "5"),
                ("org_id", GLOBEX_ORG_ID),
            ],
            body: None,
        },
        |auth| auth.fetch_pending_invites(&of_globex),
    )
    .unwrap();
    assert!(empty.items.is_empty());
    assert_eq!((empty.current_page, empty.page_size), (2, 5));

    // An empty org id is not checked and is sent as is (the reference tests truthiness).
    let blank = FetchPendingInvitesOptions {
        org_id: Some(String::new()),
        ..Default::default()
    };
    sent(
        &harness,
        &Expected {
            method: "GET",
            path: "/pending_org_invites",
            query: &[("page_number", "0"), ("page_size", "10"), ("org_id", "")],
            body: None,
        },
        |auth| auth.fetch_pending_invites(&blank),
    );

    let call = |auth: &Auth| auth.fetch_pending_invites(&FetchPendingInvitesOptions::default());
    assert_404_unexpected(&harness, "GET", "/pending_org_invites", call);
    assert_common_errors(&harness, "GET", "/pending_org_invites", call);
    assert_malformed_on_non_json(&harness, "GET", "/pending_org_invites", call);

    for invalid in INVALID_IDS.iter().filter(|id| !id.is_empty()) {
        let options = FetchPendingInvitesOptions {
            org_id: Some((*invalid).to_owned()),
            ..Default::default()
        };
        assert_eq!(
            harness.auth.fetch_pending_invites(&options).unwrap(),
            None,
            "{invalid}"
        );
    }
    harness.assert_no_request();
}

#[test]
fn create_org() {
    let harness = Harness::new();
    let created = sent(
        &harness,
        &Expected {
            method: "POST",
            path: "/org/",
            query: &[],
            body: Some(json!({
                "name": "Initech",
                "enable_auto_joining_by_domain": false,
                "members_must_have_matching_domain": false,
            })),
        },
        |auth| auth.create_org("Initech", &CreateOrgOptions::default()),
    );
    assert_eq!(created.org_id, "5e8a1f3c-2b7d-4c9e-8f10-3a4b5c6d7e8f");
    assert_eq!(created.name.as_deref(), Some("Initech"));

    let every_option = CreateOrgOptions {
        enable_auto_joining_by_domain: true,
        members_must_have_matching_domain: true,
        domain: Some("initech.test".to_owned()),
        max_users: Some(25),
        custom_role_mapping_name: Some("Enterprise roles".to_owned()),
        legacy_org_id: Some("initech-1".to_owned()),
    };
    sent(
        &harness,
        &Expected {
            method: "POST",
            path: "/org/",
            query: &[],
            body: Some(json!({
                "name": "Initech",
                "enable_auto_joining_by_domain": true,
                "members_must_have_matching_domain": true,
                "domain": "initech.test",
                "max_users": 25,
                "custom_role_mapping_name": "Enterprise roles",
                "legacy_org_id": "initech-1",
            })),
        },
        |auth| auth.create_org("Initech", &every_option),
    );

    // Falsy domain / legacy id are left out; set max_users / mapping are sent even when falsy.
    let falsy = CreateOrgOptions {
        domain: Some(String::new()),
        max_users: Some(0),
        custom_role_mapping_name: Some(String::new()),
        legacy_org_id: Some(String::new()),
        ..Default::default()
    };
    sent(
        &harness,
        &Expected {
            method: "POST",
            path: "/org/",
            query: &[],
            body: Some(json!({
                "name": "",
                "enable_auto_joining_by_domain": false,
                "members_must_have_matching_domain": false,
                "max_users": 0,
                "custom_role_mapping_name": "",
            })),
        },
        |auth| auth.create_org("", &falsy),
    );

    let call = |auth: &Auth| auth.create_org("Initech", &CreateOrgOptions::default());
    assert_404_unexpected(&harness, "POST", "/org/", call);
    assert_common_errors(&harness, "POST", "/org/", call);
    assert_malformed_on_non_json(&harness, "POST", "/org/", call);
}

#[test]
fn update_org_metadata() {
    let harness = Harness::new();
    let path = format!("/org/{ORG_ID}");
    let put = |body: Value| Expected {
        method: "PUT",
        path: &path,
        query: &[],
        body: Some(body),
    };
    assert!(sent(&harness, &put(json!({})), |auth| {
        auth.update_org_metadata(ORG_ID, &UpdateOrgMetadataOptions::default())
    }));

    let metadata = json!({"plan": "enterprise", "seats": 50});
    let every_option = UpdateOrgMetadataOptions {
        name: Some("Acme Corp".to_owned()),
        can_setup_saml: Some(true),
        metadata: metadata.as_object().cloned(),
        max_users: Some(100),
        can_join_on_email_domain_match: Some(true),
        members_must_have_email_domain_match: Some(false),
        domain: Some("acme.test".to_owned()),
        require_2fa_by: Some("2025-06-30T00:00:00Z".to_owned()),
        extra_domains: Some(vec!["acme-corp.test".to_owned(), "acme.example".to_owned()]),
        legacy_org_id: Some("acme-legacy-17".to_owned()),
    };
    assert!(sent(
        &harness,
        &put(json!({
            "name": "Acme Corp",
            "can_setup_saml": true,
            "metadata": metadata,
            "max_users": 100,
            "autojoin_by_domain": true,
            "restrict_to_domain": false,
            "domain": "acme.test",
            "require_2fa_by": "2025-06-30T00:00:00Z",
            "extra_domains": ["acme-corp.test", "acme.example"],
            "legacy_org_id": "acme-legacy-17",
        })),
        |auth| auth.update_org_metadata(ORG_ID, &every_option),
    ));

    // Any set value is sent, falsy ones included.
    let falsy = UpdateOrgMetadataOptions {
        name: Some(String::new()),
        can_setup_saml: Some(false),
        metadata: Some(serde_json::Map::new()),
        max_users: Some(0),
        can_join_on_email_domain_match: Some(false),
        members_must_have_email_domain_match: Some(false),
        domain: Some(String::new()),
        require_2fa_by: Some(String::new()),
        extra_domains: Some(Vec::new()),
        legacy_org_id: Some(String::new()),
    };
    assert!(sent(
        &harness,
        &put(json!({
            "name": "",
            "can_setup_saml": false,
            "metadata": {},
            "max_users": 0,
            "autojoin_by_domain": false,
            "restrict_to_domain": false,
            "domain": "",
            "require_2fa_by": "",
            "extra_domains": [],
            "legacy_org_id": "",
        })),
        |auth| auth.update_org_metadata(ORG_ID, &falsy),
    ));

    let call = |auth: &Auth| auth.update_org_metadata(ORG_ID, &UpdateOrgMetadataOptions::default());
    harness.respond("PUT", &path, not_found());
    assert!(!call(&harness.auth).unwrap());
    harness.clear();
    assert!(
        !harness
            .auth
            .update_org_metadata(UNKNOWN_ORG_ID, &UpdateOrgMetadataOptions::default())
            .unwrap()
    );
    harness.only_request();
    assert_common_errors(&harness, "PUT", &path, call);

    for invalid in INVALID_IDS {
        assert!(
            !harness
                .auth
                .update_org_metadata(invalid, &every_option)
                .unwrap()
        );
    }
    harness.assert_no_request();
}

#[test]
fn subscribe_org_to_role_mapping() {
    let harness = Harness::new();
    let path = format!("/org/{ORG_ID}");
    assert!(sent(
        &harness,
        &Expected {
            method: "PUT",
            path: &path,
            query: &[],
            body: Some(json!({"custom_role_mapping_name": "Enterprise roles"})),
        },
        |auth| auth.subscribe_org_to_role_mapping(ORG_ID, "Enterprise roles"),
    ));

    let call = |auth: &Auth| auth.subscribe_org_to_role_mapping(ORG_ID, "Enterprise roles");
    harness.respond("PUT", &path, not_found());
    assert!(!call(&harness.auth).unwrap());
    assert_common_errors(&harness, "PUT", &path, call);

    for invalid in INVALID_IDS {
        assert!(
            !harness
                .auth
                .subscribe_org_to_role_mapping(invalid, "Enterprise roles")
                .unwrap()
        );
    }
    harness.assert_no_request();
}

/// A bodiless mutation of one org: true / false (404), org id checked.
struct OrgMutation {
    name: &'static str,
    method: &'static str,
    /// The path with `{}` for the org id.
    path: &'static str,
    call: fn(&Auth, &str) -> Result<bool, ApiError>,
}

const ORG_MUTATIONS: &[OrgMutation] = &[
    OrgMutation {
        name: "delete_org",
        method: "DELETE",
        path: "/org/{}",
        call: |auth, org_id| auth.delete_org(org_id),
    },
    OrgMutation {
        name: "allow_org_to_setup_saml_connection",
        method: "POST",
        path: "/org/{}/allow_saml",
        call: |auth, org_id| auth.allow_org_to_setup_saml_connection(org_id),
    },
    OrgMutation {
        name: "disallow_org_to_setup_saml_connection",
        method: "POST",
        path: "/org/{}/disallow_saml",
        call: |auth, org_id| auth.disallow_org_to_setup_saml_connection(org_id),
    },
    OrgMutation {
        name: "saml_go_live",
        method: "POST",
        path: "/saml_idp_metadata/go_live/{}",
        call: |auth, org_id| auth.saml_go_live(org_id),
    },
    OrgMutation {
        name: "delete_saml_connection",
        method: "DELETE",
        path: "/saml_idp_metadata/{}",
        call: |auth, org_id| auth.delete_saml_connection(org_id),
    },
];

#[test]
fn bodiless_org_mutations() {
    let harness = Harness::new();
    for mutation in ORG_MUTATIONS {
        let name = mutation.name;
        let path = mutation.path.replace("{}", ORG_ID);
        let done = sent(
            &harness,
            &Expected {
                method: mutation.method,
                path: &path,
                query: &[],
                body: None,
            },
            |auth| (mutation.call)(auth, ORG_ID),
        );
        assert!(done, "{name}");

        // The body of a 2xx is not read.
        harness.respond(mutation.method, &path, CannedResponse::text(200, ""));
        assert!((mutation.call)(&harness.auth, ORG_ID).unwrap(), "{name}");
        harness.clear();

        assert!(
            !(mutation.call)(&harness.auth, UNKNOWN_ORG_ID).unwrap(),
            "{name}"
        );
        harness.only_request();
        harness.respond(mutation.method, &path, not_found());
        assert!(!(mutation.call)(&harness.auth, ORG_ID).unwrap(), "{name}");

        assert_common_errors(&harness, mutation.method, &path, |auth| {
            (mutation.call)(auth, ORG_ID)
        });

        for invalid in INVALID_IDS {
            assert!(
                !(mutation.call)(&harness.auth, invalid).unwrap(),
                "{name} {invalid}"
            );
        }
        harness.assert_no_request();
    }
}

#[test]
fn add_user_to_org_and_change_user_role_in_org() {
    type RoleCall = fn(&Auth, &str, &str, &str, Vec<String>) -> Result<bool, ApiError>;
    let calls: [(&str, RoleCall); 2] = [
        (
            "/org/add_user",
            |auth, user_id, org_id, role, additional_roles| {
                auth.add_user_to_org(
                    user_id,
                    org_id,
                    role,
                    &AddUserToOrgOptions { additional_roles },
                )
            },
        ),
        (
            "/org/change_role",
            |auth, user_id, org_id, role, additional_roles| {
                auth.change_user_role_in_org(
                    user_id,
                    org_id,
                    role,
                    &ChangeUserRoleInOrgOptions { additional_roles },
                )
            },
        ),
    ];
    let harness = Harness::new();
    for (path, call) in calls {
        let post = |body: Value| Expected {
            method: "POST",
            path,
            query: &[],
            body: Some(body),
        };
        assert!(sent(
            &harness,
            &post(json!({
                "user_id": USER_ID,
                "org_id": ORG_ID,
                "role": "Admin",
                "additional_roles": [],
            })),
            |auth| call(auth, USER_ID, ORG_ID, "Admin", Vec::new()),
        ));
        assert!(sent(
            &harness,
            &post(json!({
                "user_id": USER_ID,
                "org_id": ORG_ID,
                "role": "Member",
                "additional_roles": ["Billing", "Support"],
            })),
            |auth| {
                call(
                    auth,
                    USER_ID,
                    ORG_ID,
                    "Member",
                    vec!["Billing".to_owned(), "Support".to_owned()],
                )
            },
        ));
        // Ids are not checked: sent as given.
        assert!(sent(
            &harness,
            &post(json!({
                "user_id": "legacy-user",
                "org_id": "not-a-uuid",
                "role": "Member",
                "additional_roles": [],
            })),
            |auth| call(auth, "legacy-user", "not-a-uuid", "Member", Vec::new()),
        ));

        let default_call = |auth: &Auth| call(auth, USER_ID, ORG_ID, "Admin", Vec::new());
        harness.respond("POST", path, not_found());
        assert!(!default_call(&harness.auth).unwrap(), "{path}");
        assert_common_errors(&harness, "POST", path, default_call);
    }
}

#[test]
fn remove_user_from_org() {
    let harness = Harness::new();
    let expected = |user_id: &str, org_id: &str| Expected {
        method: "POST",
        path: "/org/remove_user",
        query: &[],
        body: Some(json!({"user_id": user_id, "org_id": org_id})),
    };
    assert!(sent(&harness, &expected(USER_ID, ORG_ID), |auth| {
        auth.remove_user_from_org(USER_ID, ORG_ID)
    }));
    assert!(sent(&harness, &expected("x", "not-a-uuid"), |auth| {
        auth.remove_user_from_org("x", "not-a-uuid")
    }));

    let call = |auth: &Auth| auth.remove_user_from_org(USER_ID, ORG_ID);
    harness.respond("POST", "/org/remove_user", not_found());
    assert!(!call(&harness.auth).unwrap());
    assert_common_errors(&harness, "POST", "/org/remove_user", call);
}

#[test]
fn revoke_pending_org_invite() {
    let harness = Harness::new();
    let expected = |org_id: &str| Expected {
        method: "DELETE",
        path: "/pending_org_invites",
        query: &[],
        body: Some(json!({"org_id": org_id, "invitee_email": "new.hire@acme.test"})),
    };
    let answer = sent(&harness, &expected(ORG_ID), |auth| {
        auth.revoke_pending_org_invite(ORG_ID, "new.hire@acme.test")
    });
    assert_eq!(answer, json!({}));

    // The JSON body comes back as is.
    let body = json!({"revoked": true, "invites": [{"invitee_email": "new.hire@acme.test"}]});
    harness.respond(
        "DELETE",
        "/pending_org_invites",
        CannedResponse::json(200, &body),
    );
    assert_eq!(
        harness
            .auth
            .revoke_pending_org_invite(ORG_ID, "new.hire@acme.test")
            .unwrap(),
        body
    );
    harness.clear();

    // The org id is not checked.
    sent(&harness, &expected("not-a-uuid"), |auth| {
        auth.revoke_pending_org_invite("not-a-uuid", "new.hire@acme.test")
    });

    let call = |auth: &Auth| auth.revoke_pending_org_invite(ORG_ID, "new.hire@acme.test");
    assert_404_unexpected(&harness, "DELETE", "/pending_org_invites", call);
    assert_common_errors(&harness, "DELETE", "/pending_org_invites", call);
    assert_malformed_on_non_json(&harness, "DELETE", "/pending_org_invites", call);
}

#[test]
fn create_org_saml_connection_link() {
    let harness = Harness::new();
    let path = format!("/org/{ORG_ID}/create_saml_connection_link");
    let post = |body: Value| Expected {
        method: "POST",
        path: &path,
        query: &[],
        body: Some(body),
    };
    let link = sent(&harness, &post(json!({})), |auth| {
        auth.create_org_saml_connection_link(ORG_ID, &CreateOrgSamlConnectionLinkOptions::default())
    })
    .unwrap();
    assert_eq!(
        link.url.as_deref(),
        Some("https://auth.propelauth.test/saml/setup/6f1c0b7e2a9d4e58b3c1a0f4d2e6b8c9")
    );
    assert!(link.other.is_empty());

    for seconds in [3_600, 0] {
        let options = CreateOrgSamlConnectionLinkOptions {
            expires_in_seconds: Some(seconds),
        };
        sent(
            &harness,
            &post(json!({"expires_in_seconds": seconds})),
            |auth| auth.create_org_saml_connection_link(ORG_ID, &options),
        );
    }

    // Fields besides the url are kept as they came.
    harness.respond(
        "POST",
        &path,
        CannedResponse::json(
            200,
            &json!({"url": "https://x.test/l", "expires_at": 1_735_693_200}),
        ),
    );
    let link = harness
        .auth
        .create_org_saml_connection_link(ORG_ID, &CreateOrgSamlConnectionLinkOptions::default())
        .unwrap()
        .unwrap();
    assert_eq!(link.url.as_deref(), Some("https://x.test/l"));
    assert_eq!(link.other.get("expires_at"), Some(&json!(1_735_693_200)));
    harness.clear();

    let call = |auth: &Auth| {
        auth.create_org_saml_connection_link(ORG_ID, &CreateOrgSamlConnectionLinkOptions::default())
    };
    assert_404_unexpected(&harness, "POST", &path, call);
    assert_common_errors(&harness, "POST", &path, call);
    assert_malformed_on_non_json(&harness, "POST", &path, call);

    for invalid in INVALID_IDS {
        assert_eq!(
            harness
                .auth
                .create_org_saml_connection_link(
                    invalid,
                    &CreateOrgSamlConnectionLinkOptions::default()
                )
                .unwrap(),
            None
        );
    }
    harness.assert_no_request();
}

#[test]
fn fetch_saml_sp_metadata() {
    let harness = Harness::new();
    let path = format!("/saml_sp_metadata/{ORG_ID}");
    let metadata = sent(
        &harness,
        &Expected {
            method: "GET",
            path: &path,
            query: &[],
            body: None,
        },
        |auth| auth.fetch_saml_sp_metadata(ORG_ID),
    )
    .unwrap();
    let base = format!("https://auth.propelauth.test/saml/{ORG_ID}");
    assert_eq!(
        metadata.entity_id.as_deref(),
        Some(format!("{base}/metadata").as_str())
    );
    assert_eq!(
        metadata.acs_url.as_deref(),
        Some(format!("{base}/acs").as_str())
    );
    assert_eq!(
        metadata.logout_url.as_deref(),
        Some(format!("{base}/logout").as_str())
    );

    assert_eq!(
        harness.auth.fetch_saml_sp_metadata(UNKNOWN_ORG_ID).unwrap(),
        None
    );
    harness.only_request();
    harness.respond("GET", &path, not_found());
    assert_eq!(harness.auth.fetch_saml_sp_metadata(ORG_ID).unwrap(), None);

    let call = |auth: &Auth| auth.fetch_saml_sp_metadata(ORG_ID);
    assert_common_errors(&harness, "GET", &path, call);
    assert_malformed_on_non_json(&harness, "GET", &path, call);

    for invalid in INVALID_IDS {
        assert_eq!(harness.auth.fetch_saml_sp_metadata(invalid).unwrap(), None);
    }
    harness.assert_no_request();
}

#[test]
fn set_saml_idp_metadata() {
    let harness = Harness::new();
    const CERTIFICATE: &str =
        "-----BEGIN CERTIFICATE-----\nMIIC8DCCAdigAwIBAgIQ\n-----END CERTIFICATE-----";
    let set = |auth: &Auth, org_id: &str, provider: SamlProvider| {
        auth.set_saml_idp_metadata(
            org_id,
            "http://www.okta.com/exk1a2b3c4",
            "https://acme.okta.com/app/acme/exk1a2b3c4/sso/saml",
            CERTIFICATE,
            provider,
        )
    };
    for (provider, wire) in [
        (SamlProvider::Google, "Google"),
        (SamlProvider::Rippling, "Rippling"),
        (SamlProvider::OneLogin, "OneLogin"),
        (SamlProvider::JumpCloud, "JumpCloud"),
        (SamlProvider::Okta, "Okta"),
        (SamlProvider::Azure, "Azure"),
        (SamlProvider::Duo, "Duo"),
        (SamlProvider::Generic, "Generic"),
    ] {
        assert!(sent(
            &harness,
            &Expected {
                method: "POST",
                path: "/saml_idp_metadata",
                query: &[],
                body: Some(json!({
                    "org_id": ORG_ID,
                    "idp_entity_id": "http://www.okta.com/exk1a2b3c4",
                    "idp_sso_url": "https://acme.okta.com/app/acme/exk1a2b3c4/sso/saml",
                    "idp_certificate": CERTIFICATE,
                    "provider": wire,
                })),
            },
            |auth| set(auth, ORG_ID, provider),
        ));
    }

    let call = |auth: &Auth| set(auth, ORG_ID, SamlProvider::Okta);
    harness.respond("POST", "/saml_idp_metadata", not_found());
    assert!(!call(&harness.auth).unwrap());
    assert_common_errors(&harness, "POST", "/saml_idp_metadata", call);

    for invalid in INVALID_IDS {
        assert!(!set(&harness.auth, invalid, SamlProvider::Okta).unwrap());
    }
    harness.assert_no_request();
}
