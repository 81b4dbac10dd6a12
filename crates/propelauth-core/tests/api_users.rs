//! The user calls of the backend API against the stand-in: the exact request of each, the
//! parsing of a realistic answer, the error answers, and the local id checks.

// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;

use std::collections::BTreeMap;

use api_support::{
    Expected, Harness, assert_common_errors, assert_malformed_on_non_json, assert_request,
    not_found,
};
use propelauth_core::Auth;
use propelauth_core::api::{
    ApiError, CreateAccessTokenOptions, CreateMagicLinkOptions, CreateUserOptions,
    FetchUsersByQueryOptions, FetchUsersInOrgOptions, InviteUserToOrgOptions, MfaSetup,
    MigrateUserOptions, Page, UpdateUserMetadataOptions, UpdateUserPasswordOptions, UserMetadata,
    UserOrderBy,
};
use propelauth_testing::CannedResponse;
use propelauth_testing::samples::{ACME_ORG_ID, MEMBER_USER_ID};
use serde_json::{Map, Value, json};

const USER_ID: &str = "31c41c16-c281-44ae-9602-8a047e3bf33d";

/// Ids the UUID-checked calls refuse locally.
const INVALID_IDS: [&str; 4] = [
    "not-a-uuid",
    "31C41C16-C281-44AE-9602-8A047E3BF33D",
    "../org/x",
    "",
];

/// Id of the user the stand-in's create and migrate answers name.
const CREATED_USER_ID: &str = "5e3b1c9a-7d2f-4a61-9b8e-0c4d2f6a8e11";

/// Asserts the one request sent since the last check.
fn expect(
    harness: &Harness,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    body: Option<Value>,
) {
    assert_request(
        harness,
        &harness.only_request(),
        &Expected {
            method,
            path,
            query,
            body,
        },
    );
}

/// A JSON object from a `json!` literal.
fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(fields) => fields,
        other => panic!("not an object: {other}"),
    }
}

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
    let acme = &user.org_id_to_org_info[propelauth_testing::samples::ACME_ORG_ID];
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

/// The lookups by one value in the query: `fetch_user_metadata_by_email` / `_by_username`.
#[test]
fn fetch_user_metadata_by_email_and_username() {
    type Lookup = fn(&Auth, &str, bool) -> Result<Option<UserMetadata>, ApiError>;
    let lookups: [(&str, &str, &str, Lookup); 2] = [
        (
            "/user/email",
            "email",
            "ada+test@example.com",
            |auth, value, orgs| auth.fetch_user_metadata_by_email(value, orgs),
        ),
        (
            "/user/username",
            "username",
            "ada lovelace&co",
            |auth, value, orgs| auth.fetch_user_metadata_by_username(value, orgs),
        ),
    ];
    let harness = Harness::new();
    for (path, name, value, lookup) in lookups {
        let user = lookup(&harness.auth, value, true).unwrap().unwrap();
        expect(
            &harness,
            "GET",
            path,
            &[(name, value), ("include_orgs", "true")],
            None,
        );
        let echoed = if name == "email" {
            &user.email
        } else {
            &user.username
        };
        assert_eq!(echoed.as_deref(), Some(value));
        assert_eq!(user.user_id, USER_ID);
        assert_eq!(user.first_name.as_deref(), Some("Olive"));
        assert_eq!(
            user.org_id_to_org_info[ACME_ORG_ID].user_assigned_role,
            "Owner"
        );

        let user = lookup(&harness.auth, value, false).unwrap().unwrap();
        expect(
            &harness,
            "GET",
            path,
            &[(name, value), ("include_orgs", "false")],
            None,
        );
        assert!(user.org_id_to_org_info.is_empty());

        harness.respond("GET", path, not_found());
        assert_eq!(lookup(&harness.auth, value, false).unwrap(), None);
        let call = |auth: &Auth| lookup(auth, value, false);
        assert_common_errors(&harness, "GET", path, call);
        assert_malformed_on_non_json(&harness, "GET", path, call);
    }
}

/// The three batch fetches: include_orgs in the query next to the JSON body, the answer's
/// array keyed by the server's user_id / email / username.
#[test]
fn fetch_batch_user_metadata() {
    type Batch = fn(&Auth, &[&str], bool) -> Result<BTreeMap<String, UserMetadata>, ApiError>;
    type Key = fn(&UserMetadata) -> Option<String>;
    let batches: [(&str, &str, [&str; 2], Batch, Key); 3] = [
        (
            "/user/user_ids",
            "user_ids",
            [USER_ID, MEMBER_USER_ID],
            |auth, values, orgs| auth.fetch_batch_user_metadata_by_user_ids(values, orgs),
            |user| Some(user.user_id.clone()),
        ),
        (
            "/user/emails",
            "emails",
            ["owner@acme.test", "member@acme.test"],
            |auth, values, orgs| auth.fetch_batch_user_metadata_by_emails(values, orgs),
            |user| user.email.clone(),
        ),
        (
            "/user/usernames",
            "usernames",
            ["olive", "max"],
            |auth, values, orgs| auth.fetch_batch_user_metadata_by_usernames(values, orgs),
            |user| user.username.clone(),
        ),
    ];
    let harness = Harness::new();
    for (path, field, values, batch, key) in batches {
        let users = batch(&harness.auth, &values, true).unwrap();
        expect(
            &harness,
            "POST",
            path,
            &[("include_orgs", "true")],
            Some(json!({ field: values })),
        );
        assert_eq!(users.len(), 2, "{path}");
        for value in values {
            assert_eq!(key(&users[value]).as_deref(), Some(value), "{path}");
        }
        assert_eq!(users[values[0]].user_id, USER_ID);
        assert_eq!(users[values[1]].user_id, MEMBER_USER_ID);
        assert_eq!(
            users[values[1]].org_id_to_org_info[ACME_ORG_ID].user_assigned_role,
            "Member"
        );

        let users = batch(&harness.auth, &[], false).unwrap();
        expect(
            &harness,
            "POST",
            path,
            &[("include_orgs", "false")],
            Some(json!({ field: [] })),
        );
        assert!(users.is_empty());

        // Keyed by what the server says, not by what was asked; a user without the key is
        // left out.
        let mut renamed = json!({
            "user_id": "b7e2d4f0-1c3a-4e5b-8d9f-0a1b2c3d4e5f",
            "email": "Renamed@Acme.Test",
            "username": "Renamed",
        });
        let keyless = json!({"unknown_field": 1});
        harness.respond(
            "POST",
            path,
            CannedResponse::json(200, &json!([renamed.clone(), keyless])),
        );
        let users = batch(&harness.auth, &values, false).unwrap();
        let expected_key = key(&serde_json::from_value(renamed.take()).unwrap()).unwrap();
        let keys: Vec<&String> = users.keys().collect();
        if field == "user_ids" {
            // Every server object has a user id (absent → ""), so both are kept.
            assert_eq!(keys, ["", expected_key.as_str()]);
        } else {
            assert_eq!(keys, [&expected_key]);
        }

        harness.respond("POST", path, not_found());
        assert!(matches!(
            batch(&harness.auth, &values, false),
            Err(ApiError::UnexpectedStatus { status: 404, .. })
        ));
        let call = |auth: &Auth| batch(auth, &values, false);
        assert_common_errors(&harness, "POST", path, call);
        assert_malformed_on_non_json(&harness, "POST", path, call);
        harness.respond("POST", path, CannedResponse::json(200, &json!({})));
        assert!(
            matches!(call(&harness.auth), Err(ApiError::MalformedResponse(_))),
            "an object instead of an array on {path}"
        );
        harness.clear();
    }
}

#[test]
fn batch_fetches_take_owned_strings_too() {
    let harness = Harness::new();
    let ids = vec![USER_ID.to_owned()];
    let users = harness
        .auth
        .fetch_batch_user_metadata_by_user_ids(&ids, false)
        .unwrap();
    assert_eq!(users[USER_ID].email.as_deref(), Some("owner@acme.test"));
}

#[test]
fn fetch_users_by_query() {
    let harness = Harness::new();
    let page = harness
        .auth
        .fetch_users_by_query(&FetchUsersByQueryOptions::default())
        .unwrap();
    expect(
        &harness,
        "GET",
        "/user/query",
        &[
            ("page_size", "10"),
            ("page_number", "0"),
            ("order_by", "CREATED_AT_ASC"),
            ("include_orgs", "false"),
        ],
        None,
    );
    assert_eq!((page.total, page.current_page, page.page_size), (2, 0, 10));
    assert!(!page.has_more_results);
    let emails: Vec<_> = page
        .items
        .iter()
        .map(|user| user.email.as_deref())
        .collect();
    assert_eq!(emails, [Some("owner@acme.test"), Some("member@acme.test")]);
    assert!(page.items[0].org_id_to_org_info.is_empty());

    let page = harness
        .auth
        .fetch_users_by_query(&FetchUsersByQueryOptions {
            page_size: 1,
            page_number: 0,
            order_by: UserOrderBy::LastActiveAtDesc,
            email_or_username: Some("acme.test".to_owned()),
            include_orgs: true,
            legacy_user_id: Some("legacy-42".to_owned()),
        })
        .unwrap();
    expect(
        &harness,
        "GET",
        "/user/query",
        &[
            ("page_size", "1"),
            ("page_number", "0"),
            ("order_by", "LAST_ACTIVE_AT_DESC"),
            ("email_or_username", "acme.test"),
            ("include_orgs", "true"),
            ("legacy_user_id", "legacy-42"),
        ],
        None,
    );
    assert_eq!(page.items.len(), 1);
    assert!(page.has_more_results);
    assert_eq!(
        page.items[0].org_id_to_org_info[ACME_ORG_ID].user_assigned_role,
        "Owner"
    );

    // An empty filter is still a set value.
    harness
        .auth
        .fetch_users_by_query(&FetchUsersByQueryOptions {
            email_or_username: Some(String::new()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        harness.only_request().query_param("email_or_username"),
        Some("")
    );

    for (order_by, wire) in [
        (UserOrderBy::CreatedAtAsc, "CREATED_AT_ASC"),
        (UserOrderBy::CreatedAtDesc, "CREATED_AT_DESC"),
        (UserOrderBy::LastActiveAtAsc, "LAST_ACTIVE_AT_ASC"),
        (UserOrderBy::LastActiveAtDesc, "LAST_ACTIVE_AT_DESC"),
        (UserOrderBy::Email, "EMAIL"),
        (UserOrderBy::Username, "USERNAME"),
    ] {
        assert_eq!(order_by.to_string(), wire);
        assert_eq!(serde_json::to_value(order_by).unwrap(), json!(wire));
        harness
            .auth
            .fetch_users_by_query(&FetchUsersByQueryOptions {
                order_by,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(harness.only_request().query_param("order_by"), Some(wire));
    }

    harness.respond("GET", "/user/query", not_found());
    let call = |auth: &Auth| auth.fetch_users_by_query(&FetchUsersByQueryOptions::default());
    assert!(matches!(
        call(&harness.auth),
        Err(ApiError::UnexpectedStatus { status: 404, .. })
    ));
    assert_common_errors(&harness, "GET", "/user/query", call);
    assert_malformed_on_non_json(&harness, "GET", "/user/query", call);
}

#[test]
fn fetch_users_in_org() {
    let harness = Harness::new();
    let path = format!("/user/org/{ACME_ORG_ID}");
    let page = harness
        .auth
        .fetch_users_in_org(ACME_ORG_ID, &FetchUsersInOrgOptions::default())
        .unwrap();
    expect(
        &harness,
        "GET",
        &path,
        &[
            ("page_size", "10"),
            ("page_number", "0"),
            ("include_orgs", "false"),
        ],
        None,
    );
    assert_eq!((page.total, page.current_page, page.page_size), (2, 0, 10));
    let members: Vec<_> = page
        .items
        .iter()
        .map(|user| (user.user_id.as_str(), user.role_in_org.as_deref()))
        .collect();
    assert_eq!(
        members,
        [(USER_ID, Some("Owner")), (MEMBER_USER_ID, Some("Member"))]
    );
    assert_eq!(
        page.items[1].additional_roles_in_org.as_deref(),
        Some(&[][..])
    );

    let page = harness
        .auth
        .fetch_users_in_org(
            ACME_ORG_ID,
            &FetchUsersInOrgOptions {
                page_size: 5,
                page_number: 0,
                include_orgs: true,
                role: Some("Member".to_owned()),
            },
        )
        .unwrap();
    expect(
        &harness,
        "GET",
        &path,
        &[
            ("page_size", "5"),
            ("page_number", "0"),
            ("include_orgs", "true"),
            ("role", "Member"),
        ],
        None,
    );
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].email.as_deref(), Some("member@acme.test"));
    assert_eq!(
        page.items[0].org_id_to_org_info[ACME_ORG_ID].user_permissions,
        ["can_view_reports"]
    );

    for invalid in INVALID_IDS {
        let page = harness
            .auth
            .fetch_users_in_org(
                invalid,
                &FetchUsersInOrgOptions {
                    page_size: 25,
                    page_number: 3,
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(page, Page::empty(3, 25));
        assert_eq!((page.current_page, page.page_size, page.total), (3, 25, 0));
    }
    harness.assert_no_request();

    harness.respond("GET", &path, not_found());
    let call =
        |auth: &Auth| auth.fetch_users_in_org(ACME_ORG_ID, &FetchUsersInOrgOptions::default());
    assert!(matches!(
        call(&harness.auth),
        Err(ApiError::UnexpectedStatus { status: 404, .. })
    ));
    assert_common_errors(&harness, "GET", &path, call);
    assert_malformed_on_non_json(&harness, "GET", &path, call);
}

#[test]
fn create_user() {
    let harness = Harness::new();
    let created = harness
        .auth
        .create_user("ada@example.com", &CreateUserOptions::default())
        .unwrap();
    expect(
        &harness,
        "POST",
        "/user/",
        &[],
        Some(json!({
            "email": "ada@example.com",
            "email_confirmed": false,
            "send_email_to_confirm_email_address": true,
            "ask_user_to_update_password_on_login": false,
            "ignore_domain_restrictions": false,
        })),
    );
    assert_eq!(created.user_id, CREATED_USER_ID);

    let options = CreateUserOptions {
        email_confirmed: true,
        send_email_to_confirm_email_address: false,
        ask_user_to_update_password_on_login: true,
        password: Some("correct horse battery staple".to_owned()),
        username: Some(String::new()),
        first_name: Some("Ada".to_owned()),
        last_name: Some("Lovelace".to_owned()),
        properties: Some(Map::new()),
        ignore_domain_restrictions: true,
    };
    let debug = format!("{options:?}");
    assert!(!debug.contains("horse"), "{debug}");
    assert!(debug.contains("Ada"), "{debug}");
    harness
        .auth
        .create_user("ada@example.com", &options)
        .unwrap();
    expect(
        &harness,
        "POST",
        "/user/",
        &[],
        Some(json!({
            "email": "ada@example.com",
            "email_confirmed": true,
            "send_email_to_confirm_email_address": false,
            "ask_user_to_update_password_on_login": true,
            "password": "correct horse battery staple",
            "username": "",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "properties": {},
            "ignore_domain_restrictions": true,
        })),
    );

    harness.respond("POST", "/user/", not_found());
    let call = |auth: &Auth| auth.create_user("ada@example.com", &CreateUserOptions::default());
    assert!(matches!(
        call(&harness.auth),
        Err(ApiError::UnexpectedStatus { status: 404, .. })
    ));
    assert_common_errors(&harness, "POST", "/user/", call);
    assert_malformed_on_non_json(&harness, "POST", "/user/", call);
}

/// A call answering `true` / `false` (404), refusing ids that are not UUIDs without a request.
struct BoolCase {
    method: &'static str,
    /// Path with `{id}` for the checked id.
    path: &'static str,
    body: Option<Value>,
    call: fn(&Auth, &str) -> Result<bool, ApiError>,
}

fn bool_cases() -> Vec<BoolCase> {
    let case = |method, path, body, call| BoolCase {
        method,
        path,
        body,
        call,
    };
    vec![
        case("PUT", "/user/{id}", Some(json!({})), |auth, id| {
            auth.update_user_metadata(id, &UpdateUserMetadataOptions::default())
        }),
        case(
            "PUT",
            "/user/{id}/email",
            Some(json!({"new_email": "new@example.com", "require_email_confirmation": true})),
            |auth, id| auth.update_user_email(id, "new@example.com", true),
        ),
        case(
            "PUT",
            "/user/{id}/password",
            Some(json!({"password": "s3cret!", "ask_user_to_update_password_on_login": false})),
            |auth, id| {
                auth.update_user_password(id, "s3cret!", &UpdateUserPasswordOptions::default())
            },
        ),
        case("PUT", "/user/{id}/clear_password", None, |auth, id| {
            auth.clear_user_password(id)
        }),
        case("DELETE", "/user/{id}", None, |auth, id| {
            auth.delete_user(id)
        }),
        case("POST", "/user/{id}/disable", None, |auth, id| {
            auth.disable_user(id)
        }),
        case("POST", "/user/{id}/enable", None, |auth, id| {
            auth.enable_user(id)
        }),
        case("POST", "/user/{id}/disable_2fa", None, |auth, id| {
            auth.disable_user_2fa(id)
        }),
        case(
            "POST",
            "/user/{id}/logout_all_sessions",
            None,
            |auth, id| auth.logout_all_user_sessions(id),
        ),
        case(
            "PUT",
            "/user/{id}/can_create_orgs/enable",
            None,
            |auth, id| auth.enable_user_can_create_orgs(id),
        ),
        case(
            "PUT",
            "/user/{id}/can_create_orgs/disable",
            None,
            |auth, id| auth.disable_user_can_create_orgs(id),
        ),
        case(
            "POST",
            "/resend_email_confirmation",
            Some(json!({"user_id": USER_ID})),
            |auth, id| auth.resend_email_confirmation(id),
        ),
        case(
            "POST",
            "/migrate_user/password",
            Some(json!({"user_id": USER_ID, "password_hash": "$2b$12$abcdefghijklmnopqrstuv"})),
            |auth, id| auth.migrate_user_password(id, "$2b$12$abcdefghijklmnopqrstuv"),
        ),
        case(
            "POST",
            "/invite_user",
            Some(json!({
                "email": "new@example.com",
                "org_id": ACME_ORG_ID,
                "role": "Member",
                "additional_roles": [],
            })),
            |auth, org_id| {
                auth.invite_user_to_org(
                    "new@example.com",
                    org_id,
                    "Member",
                    &InviteUserToOrgOptions::default(),
                )
            },
        ),
        case(
            "POST",
            "/invite_user_by_id",
            Some(json!({
                "user_id": USER_ID,
                "org_id": ACME_ORG_ID,
                "role": "Admin",
                "additional_roles": [],
            })),
            |auth, org_id| {
                auth.invite_user_to_org_by_user_id(
                    USER_ID,
                    org_id,
                    "Admin",
                    &InviteUserToOrgOptions::default(),
                )
            },
        ),
    ]
}

/// Every boolean mutation: exact request, `true` on the stand-in's answer, `false` on 404,
/// `false` without a request for an id that is not a UUID, the common errors.
#[test]
fn boolean_mutations() {
    let harness = Harness::new();
    for case in bool_cases() {
        let id = if case.path.starts_with("/invite") {
            ACME_ORG_ID
        } else {
            USER_ID
        };
        let path = case.path.replace("{id}", id);
        assert!((case.call)(&harness.auth, id).unwrap(), "{path}");
        expect(&harness, case.method, &path, &[], case.body.clone());

        harness.respond(case.method, &path, not_found());
        assert!(!(case.call)(&harness.auth, id).unwrap(), "404 on {path}");
        harness.clear();

        for invalid in INVALID_IDS {
            assert!(!(case.call)(&harness.auth, invalid).unwrap(), "{path}");
        }
        harness.assert_no_request();

        let call = |auth: &Auth| (case.call)(auth, id);
        assert_common_errors(&harness, case.method, &path, call);
    }
}

#[test]
fn update_user_metadata_sends_every_set_field() {
    let harness = Harness::new();
    let options = UpdateUserMetadataOptions {
        username: Some("ada".to_owned()),
        first_name: Some(String::new()),
        last_name: Some("Lovelace".to_owned()),
        metadata: Some(object(json!({"tier": "gold", "seats": 3}))),
        properties: Some(Map::new()),
        picture_url: Some("https://img.example.com/ada.png".to_owned()),
        update_password_required: Some(false),
        legacy_user_id: Some("legacy-7".to_owned()),
    };
    assert!(
        harness
            .auth
            .update_user_metadata(USER_ID, &options)
            .unwrap()
    );
    expect(
        &harness,
        "PUT",
        &format!("/user/{USER_ID}"),
        &[],
        Some(json!({
            "username": "ada",
            "first_name": "",
            "last_name": "Lovelace",
            "metadata": {"tier": "gold", "seats": 3},
            "properties": {},
            "picture_url": "https://img.example.com/ada.png",
            "update_password_required": false,
            "legacy_user_id": "legacy-7",
        })),
    );

    let only_name = UpdateUserMetadataOptions {
        first_name: Some("Ada".to_owned()),
        ..Default::default()
    };
    assert!(
        harness
            .auth
            .update_user_metadata(USER_ID, &only_name)
            .unwrap()
    );
    expect(
        &harness,
        "PUT",
        &format!("/user/{USER_ID}"),
        &[],
        Some(json!({"first_name": "Ada"})),
    );
}

#[test]
fn update_user_email_and_password_send_their_flags() {
    let harness = Harness::new();
    assert!(
        harness
            .auth
            .update_user_email(USER_ID, "new@example.com", false)
            .unwrap()
    );
    expect(
        &harness,
        "PUT",
        &format!("/user/{USER_ID}/email"),
        &[],
        Some(json!({"new_email": "new@example.com", "require_email_confirmation": false})),
    );
    let options = UpdateUserPasswordOptions {
        ask_user_to_update_password_on_login: true,
    };
    assert!(
        harness
            .auth
            .update_user_password(USER_ID, "s3cret!", &options)
            .unwrap()
    );
    expect(
        &harness,
        "PUT",
        &format!("/user/{USER_ID}/password"),
        &[],
        Some(json!({"password": "s3cret!", "ask_user_to_update_password_on_login": true})),
    );
}

#[test]
fn invites_check_the_org_id_only_and_send_additional_roles() {
    let harness = Harness::new();
    let options = || InviteUserToOrgOptions {
        additional_roles: vec!["Billing".to_owned(), "Support".to_owned()],
    };
    assert!(
        harness
            .auth
            .invite_user_to_org("new@example.com", ACME_ORG_ID, "Member", &options())
            .unwrap()
    );
    expect(
        &harness,
        "POST",
        "/invite_user",
        &[],
        Some(json!({
            "email": "new@example.com",
            "org_id": ACME_ORG_ID,
            "role": "Member",
            "additional_roles": ["Billing", "Support"],
        })),
    );
    // The user id of invite_user_to_org_by_user_id is sent as given.
    assert!(
        harness
            .auth
            .invite_user_to_org_by_user_id("legacy-user-9", ACME_ORG_ID, "Member", &options())
            .unwrap()
    );
    expect(
        &harness,
        "POST",
        "/invite_user_by_id",
        &[],
        Some(json!({
            "user_id": "legacy-user-9",
            "org_id": ACME_ORG_ID,
            "role": "Member",
            "additional_roles": ["Billing", "Support"],
        })),
    );
}

#[test]
fn resend_email_confirmation_keeps_the_rate_limit_text() {
    let harness = Harness::new();
    harness.respond(
        "POST",
        "/resend_email_confirmation",
        CannedResponse::text(429, "An email was sent recently, try again in 5 minutes"),
    );
    match harness.auth.resend_email_confirmation(USER_ID) {
        Err(ApiError::RateLimited(limit)) => {
            assert_eq!(
                limit.text,
                "An email was sent recently, try again in 5 minutes"
            );
            assert_eq!(limit.wait_seconds, None);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn fetch_user_signup_query_params_by_user_id() {
    let harness = Harness::new();
    let path = format!("/user/{USER_ID}/signup_query_parameters");
    let params = harness
        .auth
        .fetch_user_signup_query_params_by_user_id(USER_ID)
        .unwrap()
        .unwrap();
    expect(&harness, "GET", &path, &[], None);
    assert_eq!(
        params.user_signup_query_parameters["utm_source"],
        "newsletter"
    );
    assert_eq!(params.user_signup_query_parameters["ref"], "launch-week");

    harness.respond("GET", &path, CannedResponse::json(200, &json!({})));
    let empty = harness
        .auth
        .fetch_user_signup_query_params_by_user_id(USER_ID)
        .unwrap()
        .unwrap();
    assert!(empty.user_signup_query_parameters.is_empty());

    harness.respond("GET", &path, not_found());
    assert_eq!(
        harness
            .auth
            .fetch_user_signup_query_params_by_user_id(USER_ID)
            .unwrap(),
        None
    );
    harness.clear();
    for invalid in INVALID_IDS {
        assert_eq!(
            harness
                .auth
                .fetch_user_signup_query_params_by_user_id(invalid)
                .unwrap(),
            None
        );
    }
    harness.assert_no_request();
    let call = |auth: &Auth| auth.fetch_user_signup_query_params_by_user_id(USER_ID);
    assert_common_errors(&harness, "GET", &path, call);
    assert_malformed_on_non_json(&harness, "GET", &path, call);
}

#[test]
fn fetch_user_mfa_methods() {
    let harness = Harness::new();
    let path = format!("/user/{USER_ID}/mfa");
    let methods = harness
        .auth
        .fetch_user_mfa_methods(USER_ID)
        .unwrap()
        .unwrap();
    expect(&harness, "GET", &path, &[], None);
    match methods.mfa_setup {
        Some(MfaSetup::Phone { phone_numbers }) => {
            assert_eq!(phone_numbers.len(), 1);
            assert_eq!(phone_numbers[0].mfa_phone_number_suffix, "4242");
            assert_eq!(
                phone_numbers[0].mfa_phone_id,
                "8c1f4e2a-3b5d-4f70-a9c6-1d2e3f4a5b6c"
            );
        }
        other => panic!("{other:?}"),
    }

    let answer = |body: Value| {
        harness.respond("GET", &path, CannedResponse::json(200, &body));
        harness.auth.fetch_user_mfa_methods(USER_ID)
    };
    assert_eq!(
        answer(json!({"mfa_setup": {"type": "Totp"}}))
            .unwrap()
            .unwrap()
            .mfa_setup,
        Some(MfaSetup::Totp)
    );
    assert_eq!(
        answer(json!({"mfa_setup": {"type": "Totp", "created_at": 1}}))
            .unwrap()
            .unwrap()
            .mfa_setup,
        Some(MfaSetup::Totp),
        "unknown fields are ignored"
    );
    assert!(matches!(
        answer(json!({"mfa_setup": {"type": "Phone"}}))
            .unwrap()
            .unwrap()
            .mfa_setup,
        Some(MfaSetup::Phone { phone_numbers }) if phone_numbers.is_empty()
    ));
    assert_eq!(
        answer(json!({"mfa_setup": null}))
            .unwrap()
            .unwrap()
            .mfa_setup,
        None
    );
    assert_eq!(answer(json!({})).unwrap().unwrap().mfa_setup, None);
    for unknown in [
        json!({"mfa_setup": {"type": "WebAuthn"}}),
        json!({"mfa_setup": {"type": "totp"}}),
        json!({"mfa_setup": {"phone_numbers": []}}),
    ] {
        assert!(
            matches!(answer(unknown.clone()), Err(ApiError::MalformedResponse(_))),
            "{unknown}"
        );
    }

    harness.respond("GET", &path, not_found());
    assert_eq!(harness.auth.fetch_user_mfa_methods(USER_ID).unwrap(), None);
    harness.clear();

    // Not checked locally: sent as given.
    harness
        .auth
        .fetch_user_mfa_methods("legacy-user-9")
        .unwrap();
    expect(&harness, "GET", "/user/legacy-user-9/mfa", &[], None);

    let call = |auth: &Auth| auth.fetch_user_mfa_methods(USER_ID);
    assert_common_errors(&harness, "GET", &path, call);
    assert_malformed_on_non_json(&harness, "GET", &path, call);
}

#[test]
fn fetch_user_oauth_tokens() {
    let harness = Harness::new();
    let path = format!("/user/{USER_ID}/oauth_token");
    let tokens = harness
        .auth
        .fetch_user_oauth_tokens(USER_ID)
        .unwrap()
        .unwrap();
    expect(&harness, "GET", &path, &[], None);
    let google = &tokens["google"];
    assert_eq!(google.access_token, "google-access-token-7f3a9c");
    assert_eq!(
        google.refresh_token.as_deref(),
        Some("google-refresh-token-2b8d1e")
    );
    assert_eq!(google.expires_at_seconds, Some(1_735_689_600 + 3600));
    assert_eq!(google.authorized_scopes, ["openid", "email", "profile"]);
    let debug = format!("{google:?}");
    assert!(
        !debug.contains("7f3a9c") && !debug.contains("2b8d1e"),
        "{debug}"
    );

    harness.respond("GET", &path, CannedResponse::json(200, &json!({})));
    assert!(
        harness
            .auth
            .fetch_user_oauth_tokens(USER_ID)
            .unwrap()
            .unwrap()
            .is_empty()
    );
    harness.respond("GET", &path, not_found());
    assert_eq!(harness.auth.fetch_user_oauth_tokens(USER_ID).unwrap(), None);
    harness.clear();

    let call = |auth: &Auth| auth.fetch_user_oauth_tokens(USER_ID);
    assert_common_errors(&harness, "GET", &path, call);
    assert_malformed_on_non_json(&harness, "GET", &path, call);
}

#[test]
fn fetch_fresh_token_from_provider() {
    let harness = Harness::new();
    let path = format!("/user/{USER_ID}/github/fresh_token");
    let token = harness
        .auth
        .fetch_fresh_token_from_provider(USER_ID, "github")
        .unwrap()
        .unwrap();
    expect(&harness, "GET", &path, &[], None);
    assert_eq!(token.access_token, "github-access-token-7f3a9c");
    assert_eq!(token.authorized_scopes.len(), 3);

    harness.respond(
        "GET",
        &path,
        CannedResponse::json(200, &json!({"access_token": "t"})),
    );
    let minimal = harness
        .auth
        .fetch_fresh_token_from_provider(USER_ID, "github")
        .unwrap()
        .unwrap();
    assert_eq!(
        (minimal.refresh_token, minimal.expires_at_seconds),
        (None, None)
    );
    harness.respond("GET", &path, not_found());
    assert_eq!(
        harness
            .auth
            .fetch_fresh_token_from_provider(USER_ID, "github")
            .unwrap(),
        None
    );
    harness.clear();

    let call = |auth: &Auth| auth.fetch_fresh_token_from_provider(USER_ID, "github");
    assert_common_errors(&harness, "GET", &path, call);
    assert_malformed_on_non_json(&harness, "GET", &path, call);
}

#[test]
fn create_magic_link() {
    let harness = Harness::new();
    let link = harness
        .auth
        .create_magic_link("ada@example.com", &CreateMagicLinkOptions::default())
        .unwrap();
    expect(
        &harness,
        "POST",
        "/magic_link",
        &[],
        Some(json!({"email": "ada@example.com"})),
    );
    assert!(
        link.url
            .starts_with(&format!("https://{}/", harness.stand_in.tenant_host())),
        "{}",
        link.url
    );

    let options = CreateMagicLinkOptions {
        redirect_to_url: Some("https://app.example.com/welcome".to_owned()),
        expires_in_hours: Some(0),
        create_new_user_if_one_doesnt_exist: Some(false),
        user_signup_query_parameters: Some(BTreeMap::from([(
            "utm_source".to_owned(),
            "email".to_owned(),
        )])),
        expire_after_first_use: Some(true),
        requires_interstitial: Some(false),
    };
    harness
        .auth
        .create_magic_link("ada@example.com", &options)
        .unwrap();
    expect(
        &harness,
        "POST",
        "/magic_link",
        &[],
        Some(json!({
            "email": "ada@example.com",
            "redirect_to_url": "https://app.example.com/welcome",
            "expires_in_hours": 0,
            "create_new_user_if_one_doesnt_exist": false,
            "user_signup_query_parameters": {"utm_source": "email"},
            "expire_after_first_use": true,
            "requires_interstitial": false,
        })),
    );

    harness.respond("POST", "/magic_link", not_found());
    let call =
        |auth: &Auth| auth.create_magic_link("ada@example.com", &CreateMagicLinkOptions::default());
    assert!(matches!(
        call(&harness.auth),
        Err(ApiError::UnexpectedStatus { status: 404, .. })
    ));
    assert_common_errors(&harness, "POST", "/magic_link", call);
    assert_malformed_on_non_json(&harness, "POST", "/magic_link", call);
}

#[test]
fn create_access_token() {
    let harness = Harness::new();
    let created = harness
        .auth
        .create_access_token(USER_ID, 30, &CreateAccessTokenOptions::default())
        .unwrap();
    expect(
        &harness,
        "POST",
        "/access_token",
        &[],
        Some(json!({"user_id": USER_ID, "duration_in_minutes": 30})),
    );
    assert!(!format!("{created:?}").contains(&created.access_token));
    // The stand-in mints a real token: it validates against the stand-in's key.
    let user = harness
        .auth
        .validate_access_token(&created.access_token)
        .unwrap();
    assert_eq!(user.user_id, USER_ID);
    assert_eq!(user.email.as_deref(), Some("owner@acme.test"));
    assert_eq!(user.active_org_id, None);
    harness.clear();

    // An empty active org id is falsy: left out.
    harness
        .auth
        .create_access_token(
            USER_ID,
            30,
            &CreateAccessTokenOptions {
                active_org_id: Some(String::new()),
            },
        )
        .unwrap();
    expect(
        &harness,
        "POST",
        "/access_token",
        &[],
        Some(json!({"user_id": USER_ID, "duration_in_minutes": 30})),
    );

    let created = harness
        .auth
        .create_access_token(
            MEMBER_USER_ID,
            5,
            &CreateAccessTokenOptions {
                active_org_id: Some(ACME_ORG_ID.to_owned()),
            },
        )
        .unwrap();
    expect(
        &harness,
        "POST",
        "/access_token",
        &[],
        Some(json!({
            "user_id": MEMBER_USER_ID,
            "duration_in_minutes": 5,
            "active_org_id": ACME_ORG_ID,
        })),
    );
    let user = harness
        .auth
        .validate_access_token(&created.access_token)
        .unwrap();
    assert_eq!(user.active_org_id.as_deref(), Some(ACME_ORG_ID));
    assert!(user.is_role_in_org(ACME_ORG_ID, "Member"));
    harness.clear();

    let call =
        |auth: &Auth| auth.create_access_token(USER_ID, 30, &CreateAccessTokenOptions::default());
    harness.respond(
        "POST",
        "/access_token",
        CannedResponse::json(403, &json!({})),
    );
    assert!(matches!(call(&harness.auth), Err(ApiError::UserNotFound)));
    harness.respond("POST", "/access_token", not_found());
    assert!(matches!(
        call(&harness.auth),
        Err(ApiError::AccessTokenCreationNotEnabled)
    ));
    harness.clear();

    for invalid in INVALID_IDS {
        assert!(matches!(
            harness
                .auth
                .create_access_token(invalid, 30, &CreateAccessTokenOptions::default()),
            Err(ApiError::UserNotFound)
        ));
    }
    harness.assert_no_request();
    assert_common_errors(&harness, "POST", "/access_token", call);
    assert_malformed_on_non_json(&harness, "POST", "/access_token", call);
}

#[test]
fn migrate_user_from_external_source() {
    let harness = Harness::new();
    let created = harness
        .auth
        .migrate_user_from_external_source("ada@example.com", false, &MigrateUserOptions::default())
        .unwrap();
    expect(
        &harness,
        "POST",
        "/migrate_user/",
        &[],
        Some(json!({
            "email": "ada@example.com",
            "email_confirmed": false,
            "existing_user_id": null,
            "existing_password_hash": null,
            "existing_mfa_base32_encoded_secret": null,
            "update_password_required": false,
            "enabled": null,
            "first_name": null,
            "last_name": null,
            "username": null,
            "picture_url": null,
        })),
    );
    assert_eq!(created.user_id, CREATED_USER_ID);

    let options = MigrateUserOptions {
        existing_user_id: Some("auth0|42".to_owned()),
        existing_password_hash: Some("$2b$12$hashhashhash".to_owned()),
        existing_mfa_base32_encoded_secret: Some("JBSWY3DPEHPK3PXP".to_owned()),
        ask_user_to_update_password_on_login: true,
        enabled: Some(false),
        first_name: Some("Ada".to_owned()),
        last_name: Some("Lovelace".to_owned()),
        username: Some("ada".to_owned()),
        picture_url: Some("https://img.example.com/ada.png".to_owned()),
        properties: Some(object(json!({"plan": "pro"}))),
    };
    let debug = format!("{options:?}");
    assert!(
        !debug.contains("hashhash") && !debug.contains("JBSWY3"),
        "{debug}"
    );
    harness
        .auth
        .migrate_user_from_external_source("ada@example.com", true, &options)
        .unwrap();
    expect(
        &harness,
        "POST",
        "/migrate_user/",
        &[],
        Some(json!({
            "email": "ada@example.com",
            "email_confirmed": true,
            "existing_user_id": "auth0|42",
            "existing_password_hash": "$2b$12$hashhashhash",
            "existing_mfa_base32_encoded_secret": "JBSWY3DPEHPK3PXP",
            "update_password_required": true,
            "enabled": false,
            "first_name": "Ada",
            "last_name": "Lovelace",
            "username": "ada",
            "picture_url": "https://img.example.com/ada.png",
            "properties": {"plan": "pro"},
        })),
    );

    let call = |auth: &Auth| {
        auth.migrate_user_from_external_source(
            "ada@example.com",
            false,
            &MigrateUserOptions::default(),
        )
    };
    harness.respond("POST", "/migrate_user/", not_found());
    assert!(matches!(
        call(&harness.auth),
        Err(ApiError::UnexpectedStatus { status: 404, .. })
    ));
    assert_common_errors(&harness, "POST", "/migrate_user/", call);
    assert_malformed_on_non_json(&harness, "POST", "/migrate_user/", call);
}

#[test]
fn creations_read_their_answer_leniently() {
    let harness = Harness::new();
    harness.respond(
        "POST",
        "/user/",
        CannedResponse::json(200, &json!({"user_id": CREATED_USER_ID, "new_field": [1]})),
    );
    let created = harness
        .auth
        .create_user("ada@example.com", &CreateUserOptions::default())
        .unwrap();
    assert_eq!(created.user_id, CREATED_USER_ID);
    harness.respond("POST", "/magic_link", CannedResponse::json(200, &json!({})));
    let link = harness
        .auth
        .create_magic_link("ada@example.com", &CreateMagicLinkOptions::default())
        .unwrap();
    assert_eq!(link.url, "");
}
