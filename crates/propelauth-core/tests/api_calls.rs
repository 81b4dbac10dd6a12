//! Every backend API call from one table (one row per call, more where option rules differ):
//! its exact request (method, path, query, body, both headers, `Content-Type`), its parsed
//! answer to the stand-in's realistic body, its 404 rule, the ids it refuses without a
//! request, and that it goes through the shared status mapping (401, 3xx) and reads its body
//! strictly (a 200 that is not JSON is malformed). The mapping itself is tested once, in
//! `api_status.rs`.

// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;

use std::collections::BTreeMap;

use api_support::{Expect, Harness, On404, Row, not_found, out, row};
use propelauth_core::SamlProvider;
use propelauth_core::api::*;
use propelauth_testing::CannedResponse;
use propelauth_testing::samples::{ACME_ORG_ID, GLOBEX_ORG_ID, MEMBER_USER_ID, OWNER_USER_ID};
use serde_json::{Map, Value, json};

const USER: &str = OWNER_USER_ID;
const ORG: &str = ACME_ORG_ID;
const KEY_ID: &str = "6d3f9b1c2a4e8f0b7c5d1e3a9f2b4c6d";
const GROUP_ID: &str = "c7e9a1b3-5d7f-4a2c-8e4b-6d8f0a2c4e6b";
const EMPLOYEE_ID: &str = "5b7d9f1a-3c5e-4a7b-9d1f-2a4c6e8b0d2f";
const CREATED_USER_ID: &str = "5e3b1c9a-7d2f-4a61-9b8e-0c4d2f6a8e11";
const MFA_PHONE_ID: &str = "8c1f4e2a-3b5d-4f70-a9c6-1d2e3f4a5b6c";
const CREATED_AT: i64 = 1_735_689_600;

/// Ids the UUID-checked calls refuse without a request.
const NOT_UUIDS: &[&str] = &[
    "not-a-uuid",
    "31C41C16-C281-44AE-9602-8A047E3BF33D",
    "../org/x",
    "",
];
/// Ids the end-user API key calls refuse without a request.
const NOT_HEX: &[&str] = &["", "not-hex", "12 34", "../user/x"];
/// Path ids that name nothing: answered as a 404, without a request.
const UNROUTABLE: &[&str] = &["", ".", ".."];

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(fields) => fields,
        other => panic!("not an object: {other}"),
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

/// The owner fixture as `UserMetadata` serializes it, without orgs.
fn check_owner(user: &Value) {
    assert_eq!(user["user_id"], USER);
    assert_eq!(user["email"], "owner@acme.test");
    assert_eq!(user["first_name"], "Olive");
    assert_eq!(user["created_at"], CREATED_AT);
    assert_eq!(user["last_active_at"], CREATED_AT + 86_400);
    assert_eq!(user["update_password_required"], false);
    assert_eq!(user["properties"]["favorite_language"], "rust");
}

/// The owner's Acme membership, read with every field.
fn check_owner_in_acme(user: &Value) {
    let acme = &user["org_id_to_org_info"][ORG];
    assert_eq!(acme["org_id"], ORG);
    assert_eq!(acme["org_name"], "Acme");
    assert_eq!(acme["user_assigned_role"], "Owner");
    assert_eq!(
        acme["user_inherited_roles_plus_current_role"],
        json!(["Owner", "Admin", "Member"])
    );
    assert_eq!(acme["org_metadata"]["plan"], "enterprise");
}

fn users_rows() -> Vec<Row> {
    vec![
        row("fetch_user_metadata_by_user_id", |auth| {
            out(auth.fetch_user_metadata_by_user_id(USER, true))
        })
        .get(format!("/user/{USER}"))
        .query(&[("include_orgs", "true")])
        .answer(|user| {
            check_owner(user);
            check_owner_in_acme(user);
        })
        .on_404(On404::Null)
        .invalid(
            NOT_UUIDS,
            |auth, id| out(auth.fetch_user_metadata_by_user_id(id, true)),
            Expect::Value(Value::Null),
        ),
        row("fetch_user_metadata_by_user_id (no orgs)", |auth| {
            out(auth.fetch_user_metadata_by_user_id(USER, false))
        })
        .get(format!("/user/{USER}"))
        .query(&[("include_orgs", "false")])
        .answer(|user| assert_eq!(user["org_id_to_org_info"], json!({})))
        .on_404(On404::Null),
        row("fetch_user_metadata_by_email", |auth| {
            out(auth.fetch_user_metadata_by_email("ada+test@example.com", true))
        })
        .get("/user/email")
        .query(&[("email", "ada+test@example.com"), ("include_orgs", "true")])
        .answer(|user| {
            assert_eq!(user["email"], "ada+test@example.com");
            check_owner_in_acme(user);
        })
        .on_404(On404::Null),
        row("fetch_user_metadata_by_username", |auth| {
            out(auth.fetch_user_metadata_by_username("ada lovelace&co", false))
        })
        .get("/user/username")
        .query(&[("username", "ada lovelace&co"), ("include_orgs", "false")])
        .answer(|user| {
            assert_eq!(user["username"], "ada lovelace&co");
            assert_eq!(user["user_id"], USER);
        })
        .on_404(On404::Null),
        row("fetch_batch_user_metadata_by_user_ids", |auth| {
            out(auth.fetch_batch_user_metadata_by_user_ids(&[USER, MEMBER_USER_ID], true))
        })
        .post("/user/user_ids")
        .query(&[("include_orgs", "true")])
        .body(json!({"user_ids": [USER, MEMBER_USER_ID]}))
        .answer(|users| {
            assert_eq!(object(users.clone()).len(), 2);
            check_owner_in_acme(&users[USER]);
            assert_eq!(users[MEMBER_USER_ID]["email"], "member@acme.test");
        }),
        row("fetch_batch_user_metadata_by_emails", |auth| {
            let emails = strings(&["owner@acme.test", "max@acme.test"]);
            out(auth.fetch_batch_user_metadata_by_emails(&emails, false))
        })
        .post("/user/emails")
        .query(&[("include_orgs", "false")])
        .body(json!({"emails": ["owner@acme.test", "max@acme.test"]}))
        .answer(|users| {
            assert_eq!(users["owner@acme.test"]["user_id"], USER);
            assert_eq!(users["max@acme.test"]["user_id"], MEMBER_USER_ID);
            assert_eq!(users["max@acme.test"]["org_id_to_org_info"], json!({}));
        }),
        row("fetch_batch_user_metadata_by_usernames", |auth| {
            out(auth.fetch_batch_user_metadata_by_usernames(&["olive", "max"], false))
        })
        .post("/user/usernames")
        .query(&[("include_orgs", "false")])
        .body(json!({"usernames": ["olive", "max"]}))
        .answer(|users| {
            assert_eq!(users["olive"]["user_id"], USER);
            assert_eq!(users["max"]["user_id"], MEMBER_USER_ID);
        }),
        row("fetch_users_by_query (defaults)", |auth| {
            out(auth.fetch_users_by_query(&FetchUsersByQueryOptions::default()))
        })
        .get("/user/query")
        .query(&[
            ("page_size", "10"),
            ("page_number", "0"),
            ("order_by", "CREATED_AT_ASC"),
            ("include_orgs", "false"),
        ])
        .answer(|page| {
            assert_eq!(page["total"], 2);
            assert_eq!(page["current_page"], 0);
            assert_eq!(page["page_size"], 10);
            assert_eq!(page["has_more_results"], false);
            check_owner(&page["items"][0]);
            assert_eq!(page["items"][1]["user_id"], MEMBER_USER_ID);
        }),
        row("fetch_users_by_query (every option)", |auth| {
            out(auth.fetch_users_by_query(&FetchUsersByQueryOptions {
                page_size: 1,
                page_number: 0,
                order_by: UserOrderBy::LastActiveAtDesc,
                email_or_username: Some(String::new()),
                include_orgs: true,
                legacy_user_id: Some("legacy-42".to_owned()),
            }))
        })
        .get("/user/query")
        .query(&[
            ("page_size", "1"),
            ("page_number", "0"),
            ("order_by", "LAST_ACTIVE_AT_DESC"),
            ("email_or_username", ""),
            ("include_orgs", "true"),
            ("legacy_user_id", "legacy-42"),
        ])
        .answer(|page| {
            assert_eq!(page["items"].as_array().map(Vec::len), Some(1));
            assert_eq!(page["has_more_results"], true);
            check_owner_in_acme(&page["items"][0]);
        }),
        row("fetch_users_in_org", |auth| {
            out(auth.fetch_users_in_org(ORG, &FetchUsersInOrgOptions::default()))
        })
        .get(format!("/user/org/{ORG}"))
        .query(&[("page_size", "10"), ("page_number", "0"), ("include_orgs", "false")])
        .answer(|page| {
            assert_eq!(page["total"], 2);
            assert_eq!(page["items"][0]["role_in_org"], "Owner");
            assert_eq!(page["items"][0]["additional_roles_in_org"], json!([]));
            assert_eq!(page["items"][1]["role_in_org"], "Member");
        })
        .invalid(
            NOT_UUIDS,
            |auth, id| out(auth.fetch_users_in_org(id, &FetchUsersInOrgOptions::default())),
            Expect::Value(json!({
                "items": [], "total": 0, "current_page": 0, "page_size": 10,
                "has_more_results": false,
            })),
        ),
        row("fetch_users_in_org (role)", |auth| {
            out(auth.fetch_users_in_org(
                ORG,
                &FetchUsersInOrgOptions {
                    page_size: 5,
                    page_number: 1,
                    include_orgs: true,
                    role: Some("Member".to_owned()),
                },
            ))
        })
        .get(format!("/user/org/{ORG}"))
        .query(&[
            ("page_size", "5"),
            ("page_number", "1"),
            ("include_orgs", "true"),
            ("role", "Member"),
        ])
        .answer(|page| {
            assert_eq!((page["current_page"].clone(), page["page_size"].clone()), (json!(1), json!(5)));
            assert_eq!(page["total"], 1);
        })
        .invalid(
            &["nope"],
            |auth, id| {
                let options = FetchUsersInOrgOptions {
                    page_size: 5,
                    page_number: 3,
                    ..Default::default()
                };
                out(auth.fetch_users_in_org(id, &options))
            },
            Expect::Value(json!({
                "items": [], "total": 0, "current_page": 3, "page_size": 5,
                "has_more_results": false,
            })),
        ),
        row("create_user (defaults)", |auth| {
            out(auth.create_user("ada@example.com", &CreateUserOptions::default()))
        })
        .post("/user/")
        .body(json!({
            "email": "ada@example.com",
            "email_confirmed": false,
            "send_email_to_confirm_email_address": true,
            "ask_user_to_update_password_on_login": false,
            "ignore_domain_restrictions": false,
        }))
        .answer(|created| assert_eq!(created, &json!({"user_id": CREATED_USER_ID}))),
        row("create_user (every option)", |auth| {
            out(auth.create_user(
                "ada@example.com",
                &CreateUserOptions {
                    email_confirmed: true,
                    send_email_to_confirm_email_address: false,
                    ask_user_to_update_password_on_login: true,
                    password: Some("correct horse".to_owned()),
                    username: Some(String::new()),
                    first_name: Some("Ada".to_owned()),
                    last_name: Some("Lovelace".to_owned()),
                    properties: Some(object(json!({"tier": 2}))),
                    ignore_domain_restrictions: true,
                },
            ))
        })
        .post("/user/")
        .body(json!({
            "email": "ada@example.com",
            "email_confirmed": true,
            "send_email_to_confirm_email_address": false,
            "ask_user_to_update_password_on_login": true,
            "ignore_domain_restrictions": true,
            "password": "correct horse",
            "username": "",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "properties": {"tier": 2},
        }))
        .answer(|created| assert_eq!(created["user_id"], CREATED_USER_ID)),
        row("update_user_metadata (nothing set)", |auth| {
            out(auth.update_user_metadata(USER, &UpdateUserMetadataOptions::default()))
        })
        .put(format!("/user/{USER}"))
        .body(json!({}))
        .found()
        .invalid(
            NOT_UUIDS,
            |auth, id| out(auth.update_user_metadata(id, &UpdateUserMetadataOptions::default())),
            Expect::Value(json!(false)),
        ),
        row("update_user_metadata (every field)", |auth| {
            out(auth.update_user_metadata(
                USER,
                &UpdateUserMetadataOptions {
                    username: Some("ada".to_owned()),
                    first_name: Some(String::new()),
                    last_name: Some("L".to_owned()),
                    metadata: Some(Map::new()),
                    properties: Some(object(json!({"tier": 3}))),
                    picture_url: Some("https://img.example/a.png".to_owned()),
                    update_password_required: Some(false),
                    legacy_user_id: Some("legacy-1".to_owned()),
                },
            ))
        })
        .put(format!("/user/{USER}"))
        .body(json!({
            "username": "ada", "first_name": "", "last_name": "L", "metadata": {},
            "properties": {"tier": 3}, "picture_url": "https://img.example/a.png",
            "update_password_required": false, "legacy_user_id": "legacy-1",
        }))
        .found(),
        row("update_user_email", |auth| {
            out(auth.update_user_email(USER, "new@example.com", false))
        })
        .put(format!("/user/{USER}/email"))
        .body(json!({"new_email": "new@example.com", "require_email_confirmation": false}))
        .found()
        .invalid(
            NOT_UUIDS,
            |auth, id| out(auth.update_user_email(id, "new@example.com", true)),
            Expect::Value(json!(false)),
        ),
        row("update_user_password", |auth| {
            out(auth.update_user_password(USER, "hunter2!", &UpdateUserPasswordOptions::default()))
        })
        .put(format!("/user/{USER}/password"))
        .body(json!({"password": "hunter2!", "ask_user_to_update_password_on_login": false}))
        .found()
        .invalid(
            NOT_UUIDS,
            |auth, id| {
                out(auth.update_user_password(id, "x", &UpdateUserPasswordOptions::default()))
            },
            Expect::Value(json!(false)),
        ),
        row("update_user_password (ask to update)", |auth| {
            let options = UpdateUserPasswordOptions {
                ask_user_to_update_password_on_login: true,
            };
            out(auth.update_user_password(USER, "hunter2!", &options))
        })
        .put(format!("/user/{USER}/password"))
        .body(json!({"password": "hunter2!", "ask_user_to_update_password_on_login": true}))
        .found(),
        row("clear_user_password", |auth| out(auth.clear_user_password(USER)))
            .put(format!("/user/{USER}/clear_password"))
            .found()
            .invalid(NOT_UUIDS, |auth, id| out(auth.clear_user_password(id)), Expect::Value(json!(false))),
        row("delete_user", |auth| out(auth.delete_user(USER)))
            .delete(format!("/user/{USER}"))
            .found()
            .invalid(NOT_UUIDS, |auth, id| out(auth.delete_user(id)), Expect::Value(json!(false))),
        row("disable_user", |auth| out(auth.disable_user(USER)))
            .post(format!("/user/{USER}/disable"))
            .found()
            .invalid(NOT_UUIDS, |auth, id| out(auth.disable_user(id)), Expect::Value(json!(false))),
        row("enable_user", |auth| out(auth.enable_user(USER)))
            .post(format!("/user/{USER}/enable"))
            .found()
            .invalid(NOT_UUIDS, |auth, id| out(auth.enable_user(id)), Expect::Value(json!(false))),
        row("disable_user_2fa", |auth| out(auth.disable_user_2fa(USER)))
            .post(format!("/user/{USER}/disable_2fa"))
            .found()
            .invalid(NOT_UUIDS, |auth, id| out(auth.disable_user_2fa(id)), Expect::Value(json!(false))),
        row("logout_all_user_sessions", |auth| out(auth.logout_all_user_sessions(USER)))
            .post(format!("/user/{USER}/logout_all_sessions"))
            .found()
            .invalid(
                NOT_UUIDS,
                |auth, id| out(auth.logout_all_user_sessions(id)),
                Expect::Value(json!(false)),
            ),
        row("enable_user_can_create_orgs", |auth| out(auth.enable_user_can_create_orgs(USER)))
            .put(format!("/user/{USER}/can_create_orgs/enable"))
            .found()
            .invalid(
                NOT_UUIDS,
                |auth, id| out(auth.enable_user_can_create_orgs(id)),
                Expect::Value(json!(false)),
            ),
        row("disable_user_can_create_orgs", |auth| out(auth.disable_user_can_create_orgs(USER)))
            .put(format!("/user/{USER}/can_create_orgs/disable"))
            .found()
            .invalid(
                NOT_UUIDS,
                |auth, id| out(auth.disable_user_can_create_orgs(id)),
                Expect::Value(json!(false)),
            ),
        row("resend_email_confirmation", |auth| out(auth.resend_email_confirmation(USER)))
            .post("/resend_email_confirmation")
            .body(json!({"user_id": USER}))
            .found()
            .invalid(
                NOT_UUIDS,
                |auth, id| out(auth.resend_email_confirmation(id)),
                Expect::Value(json!(false)),
            ),
        row("invite_user_to_org", |auth| {
            out(auth.invite_user_to_org("new@acme.test", ORG, "Member", &InviteUserToOrgOptions::default()))
        })
        .post("/invite_user")
        .body(json!({"email": "new@acme.test", "org_id": ORG, "role": "Member", "additional_roles": []}))
        .found()
        .invalid(
            NOT_UUIDS,
            |auth, id| {
                out(auth.invite_user_to_org("a@b.test", id, "Member", &InviteUserToOrgOptions::default()))
            },
            Expect::Value(json!(false)),
        ),
        row("invite_user_to_org_by_user_id", |auth| {
            let options = InviteUserToOrgOptions {
                additional_roles: strings(&["Billing"]),
            };
            out(auth.invite_user_to_org_by_user_id("not-checked", ORG, "Admin", &options))
        })
        .post("/invite_user_by_id")
        .body(json!({
            "user_id": "not-checked", "org_id": ORG, "role": "Admin", "additional_roles": ["Billing"],
        }))
        .found()
        .invalid(
            NOT_UUIDS,
            |auth, id| {
                let options = InviteUserToOrgOptions::default();
                out(auth.invite_user_to_org_by_user_id(USER, id, "Member", &options))
            },
            Expect::Value(json!(false)),
        ),
        row("fetch_user_signup_query_params_by_user_id", |auth| {
            out(auth.fetch_user_signup_query_params_by_user_id(USER))
        })
        .get(format!("/user/{USER}/signup_query_parameters"))
        .answer(|params| {
            assert_eq!(
                params["user_signup_query_parameters"],
                json!({"utm_source": "newsletter", "ref": "launch-week"})
            );
        })
        .on_404(On404::Null)
        .invalid(
            NOT_UUIDS,
            |auth, id| out(auth.fetch_user_signup_query_params_by_user_id(id)),
            Expect::Value(Value::Null),
        ),
        row("fetch_user_mfa_methods", |auth| out(auth.fetch_user_mfa_methods(USER)))
            .get(format!("/user/{USER}/mfa"))
            .answer(|methods| {
                assert_eq!(
                    methods["mfa_setup"],
                    json!({
                        "type": "Phone",
                        "phone_numbers": [{"mfa_phone_number_suffix": "4242", "mfa_phone_id": MFA_PHONE_ID}],
                    })
                );
            })
            .on_404(On404::Null)
            .invalid(UNROUTABLE, |auth, id| out(auth.fetch_user_mfa_methods(id)), Expect::Value(Value::Null)),
        row("fetch_user_mfa_methods (unchecked id)", |auth| {
            out(auth.fetch_user_mfa_methods("legacy id/1"))
        })
        .get("/user/legacy%20id%2F1/mfa")
        .answer(|methods| assert_eq!(methods["mfa_setup"]["type"], "Phone"))
        .on_404(On404::Null),
        row("fetch_user_oauth_tokens", |auth| out(auth.fetch_user_oauth_tokens(USER)))
            .get(format!("/user/{USER}/oauth_token"))
            .answer(|tokens| {
                assert_eq!(
                    tokens["google"],
                    json!({
                        "access_token": "google-access-token-7f3a9c",
                        "token_provider": "google",
                        "refresh_token": "google-refresh-token-2b8d1e",
                        "token_expiration": CREATED_AT + 3600,
                        "authorized_scopes": ["openid", "email", "profile"],
                    })
                );
                assert_eq!(tokens["github"]["refresh_token"], Value::Null);
                assert_eq!(tokens["github"]["token_expiration"], Value::Null);
                assert_eq!(tokens["github"]["token_provider"], "github");
            })
            .on_404(On404::Null)
            .invalid(UNROUTABLE, |auth, id| out(auth.fetch_user_oauth_tokens(id)), Expect::Value(Value::Null)),
        row("fetch_fresh_token_from_provider", |auth| {
            out(auth.fetch_fresh_token_from_provider(USER, "salesforce"))
        })
        .get(format!("/user/{USER}/salesforce/fresh_token"))
        .answer(|token| {
            assert_eq!(token["access_token"], "salesforce-access-token-7f3a9c");
            assert_eq!(token["token_provider"], "salesforce");
            assert_eq!(token["token_expiration"], CREATED_AT + 3600);
        })
        .on_404(On404::Null)
        .invalid(
            UNROUTABLE,
            |auth, provider| out(auth.fetch_fresh_token_from_provider(USER, provider)),
            Expect::Value(Value::Null),
        )
        .invalid(
            UNROUTABLE,
            |auth, user_id| out(auth.fetch_fresh_token_from_provider(user_id, "google")),
            Expect::Value(Value::Null),
        ),
        row("create_magic_link (defaults)", |auth| {
            out(auth.create_magic_link("ada@example.com", &CreateMagicLinkOptions::default()))
        })
        .post("/magic_link")
        .body(json!({"email": "ada@example.com"}))
        .answer(|link| {
            let url = link["url"].as_str().unwrap();
            assert!(url.starts_with("https://auth.propelauth.test/api/fe/v3/login/magic_link?t="), "{url}");
        }),
        row("create_magic_link (every option)", |auth| {
            out(auth.create_magic_link(
                "ada@example.com",
                &CreateMagicLinkOptions {
                    redirect_to_url: Some("https://app.example/welcome".to_owned()),
                    expires_in_hours: Some(0),
                    create_new_user_if_one_doesnt_exist: Some(false),
                    user_signup_query_parameters: Some(BTreeMap::from([(
                        "ref".to_owned(),
                        "mail".to_owned(),
                    )])),
                    expire_after_first_use: Some(true),
                    requires_interstitial: Some(false),
                },
            ))
        })
        .post("/magic_link")
        .body(json!({
            "email": "ada@example.com", "redirect_to_url": "https://app.example/welcome",
            "expires_in_hours": 0, "create_new_user_if_one_doesnt_exist": false,
            "user_signup_query_parameters": {"ref": "mail"}, "expire_after_first_use": true,
            "requires_interstitial": false,
        })),
        row("create_access_token", |auth| {
            out(auth.create_access_token(USER, 15, &CreateAccessTokenOptions::default()))
        })
        .post("/access_token")
        .body(json!({"user_id": USER, "duration_in_minutes": 15}))
        .answer(|token| assert!(token["access_token"].as_str().unwrap().starts_with("ey")))
        .on_404(On404::AccessTokenCreationNotEnabled)
        .invalid(
            NOT_UUIDS,
            |auth, id| out(auth.create_access_token(id, 15, &CreateAccessTokenOptions::default())),
            Expect::UserNotFound,
        ),
        row("create_access_token (empty active org: left out)", |auth| {
            let options = CreateAccessTokenOptions {
                active_org_id: Some(String::new()),
            };
            out(auth.create_access_token(USER, 15, &options))
        })
        .post("/access_token")
        .body(json!({"user_id": USER, "duration_in_minutes": 15}))
        .on_404(On404::AccessTokenCreationNotEnabled),
        row("create_access_token (active org)", |auth| {
            let options = CreateAccessTokenOptions {
                active_org_id: Some(ORG.to_owned()),
            };
            out(auth.create_access_token(USER, 60, &options))
        })
        .post("/access_token")
        .body(json!({"user_id": USER, "duration_in_minutes": 60, "active_org_id": ORG}))
        .on_404(On404::AccessTokenCreationNotEnabled),
        row("migrate_user_from_external_source (defaults)", |auth| {
            out(auth.migrate_user_from_external_source("ada@example.com", true, &MigrateUserOptions::default()))
        })
        .post("/migrate_user/")
        .body(json!({
            "email": "ada@example.com", "email_confirmed": true, "existing_user_id": null,
            "existing_password_hash": null, "existing_mfa_base32_encoded_secret": null,
            "update_password_required": false, "enabled": null, "first_name": null,
            "last_name": null, "username": null, "picture_url": null,
        }))
        .answer(|created| assert_eq!(created["user_id"], CREATED_USER_ID)),
        row("migrate_user_from_external_source (every option)", |auth| {
            out(auth.migrate_user_from_external_source(
                "ada@example.com",
                false,
                &MigrateUserOptions {
                    existing_user_id: Some("old-7".to_owned()),
                    existing_password_hash: Some("$2b$12$hash".to_owned()),
                    existing_mfa_base32_encoded_secret: Some("JBSWY3DP".to_owned()),
                    ask_user_to_update_password_on_login: true,
                    enabled: Some(false),
                    first_name: Some("Ada".to_owned()),
                    last_name: Some("L".to_owned()),
                    username: Some("ada".to_owned()),
                    picture_url: Some("https://img.example/a.png".to_owned()),
                    properties: Some(Map::new()),
                },
            ))
        })
        .post("/migrate_user/")
        .body(json!({
            "email": "ada@example.com", "email_confirmed": false, "existing_user_id": "old-7",
            "existing_password_hash": "$2b$12$hash", "existing_mfa_base32_encoded_secret": "JBSWY3DP",
            "update_password_required": true, "enabled": false, "first_name": "Ada",
            "last_name": "L", "username": "ada", "picture_url": "https://img.example/a.png",
            "properties": {},
        })),
        row("migrate_user_password", |auth| out(auth.migrate_user_password(USER, "$2b$12$hash")))
            .post("/migrate_user/password")
            .body(json!({"user_id": USER, "password_hash": "$2b$12$hash"}))
            .answer(|done| assert_eq!(done, &json!(true)))
            .invalid(
                NOT_UUIDS,
                |auth, id| out(auth.migrate_user_password(id, "h")),
                Expect::Value(json!(false)),
            ),
    ]
}

fn check_acme(org: &Value) {
    assert_eq!(org["org_id"], ORG);
    assert_eq!(org["name"], "Acme");
    assert_eq!(org["url_safe_org_slug"], "acme");
    assert_eq!(org["max_users"], 50);
    assert_eq!(org["extra_domains"], json!(["acme-corp.test"]));
    assert_eq!(org["domain_autojoin"], true);
    assert_eq!(org["legacy_org_id"], "acme-legacy-17");
    assert_eq!(org["password_rotation_enabled"], true);
    assert_eq!(org["password_rotation_history_size"], 5);
    assert_eq!(org["password_rotation_period"], 7_776_000);
}

fn orgs_rows() -> Vec<Row> {
    vec![
        row("fetch_org", |auth| out(auth.fetch_org(ORG)))
            .get(format!("/org/{ORG}"))
            .answer(check_acme)
            .on_404(On404::Null)
            .invalid(NOT_UUIDS, |auth, id| out(auth.fetch_org(id)), Expect::Value(Value::Null)),
        row("fetch_org (Globex)", |auth| out(auth.fetch_org(GLOBEX_ORG_ID)))
            .get(format!("/org/{GLOBEX_ORG_ID}"))
            .answer(|org| {
                assert_eq!(org["name"], "Globex");
                assert_eq!(org["max_users"], Value::Null);
                assert_eq!(org["password_rotation_period"], Value::Null);
                assert_eq!(org["extra_domains"], json!([]));
            })
            .on_404(On404::Null),
        row("fetch_org_by_query (defaults)", |auth| {
            out(auth.fetch_org_by_query(&FetchOrgByQueryOptions::default()))
        })
        .get("/org/query")
        .query(&[("page_size", "10"), ("page_number", "0"), ("order_by", "CREATED_AT_ASC")])
        .answer(|page| {
            assert_eq!(page["total"], 2);
            assert_eq!(page["items"][0]["org_id"], ORG);
            assert_eq!(page["items"][0]["created_at"], CREATED_AT);
            assert_eq!(page["items"][1]["created_at"], CREATED_AT + 86_400);
            assert_eq!(page["items"][1]["isolated"], false);
        }),
        row("fetch_org_by_query (every option)", |auth| {
            out(auth.fetch_org_by_query(&FetchOrgByQueryOptions {
                page_size: 5,
                page_number: 0,
                order_by: OrgOrderBy::Name,
                name: Some("ac".to_owned()),
                legacy_org_id: Some("acme-legacy-17".to_owned()),
                domain: Some("acme.test".to_owned()),
            }))
        })
        .get("/org/query")
        .query(&[
            ("page_size", "5"),
            ("page_number", "0"),
            ("order_by", "NAME"),
            ("name", "ac"),
            ("legacy_org_id", "acme-legacy-17"),
            ("domain", "acme.test"),
        ])
        .answer(|page| {
            assert_eq!(page["total"], 1);
            assert_eq!(page["items"][0]["name"], "Acme");
        }),
        row("fetch_custom_role_mappings", |auth| out(auth.fetch_custom_role_mappings()))
            .get("/custom_role_mappings")
            .answer(|mappings| {
                assert_eq!(
                    mappings["custom_role_mappings"],
                    json!([
                        {"custom_role_mapping_name": "Enterprise roles", "num_orgs_subscribed": 1},
                        {"custom_role_mapping_name": "Starter roles", "num_orgs_subscribed": 0},
                    ])
                );
            }),
        row("fetch_pending_invites (defaults)", |auth| {
            out(auth.fetch_pending_invites(&FetchPendingInvitesOptions::default()))
        })
        .get("/pending_org_invites")
        .query(&[("page_number", "0"), ("page_size", "10")])
        .answer(|page| {
            assert_eq!(page["total"], 2);
            let invite = &page["items"][1];
            assert_eq!(invite["invitee_email"], "auditor@example.test");
            assert_eq!(invite["additional_roles_in_org"], json!(["Billing"]));
            assert_eq!(invite["inviter_user_id"], USER);
        })
        .invalid(
            &["not-a-uuid", "../x"],
            |auth, id| {
                let options = FetchPendingInvitesOptions {
                    org_id: Some(id.to_owned()),
                    ..Default::default()
                };
                out(auth.fetch_pending_invites(&options))
            },
            Expect::Value(Value::Null),
        ),
        row("fetch_pending_invites (empty org id: sent as is)", |auth| {
            let options = FetchPendingInvitesOptions {
                org_id: Some(String::new()),
                page_number: 1,
                page_size: 1,
            };
            out(auth.fetch_pending_invites(&options))
        })
        .get("/pending_org_invites")
        .query(&[("page_number", "1"), ("page_size", "1"), ("org_id", "")])
        .answer(|page| assert_eq!(page["items"][0]["invitee_email"], "auditor@example.test")),
        row("create_org (defaults)", |auth| out(auth.create_org("Initech", &CreateOrgOptions::default())))
            .post("/org/")
            .body(json!({
                "name": "Initech", "enable_auto_joining_by_domain": false,
                "members_must_have_matching_domain": false,
            }))
            .answer(|created| {
                assert_eq!(created, &json!({"org_id": "5e8a1f3c-2b7d-4c9e-8f10-3a4b5c6d7e8f", "name": "Initech"}));
            }),
        row("create_org (falsy domain and legacy id left out, zero kept)", |auth| {
            out(auth.create_org(
                "Initech",
                &CreateOrgOptions {
                    enable_auto_joining_by_domain: true,
                    members_must_have_matching_domain: true,
                    domain: Some(String::new()),
                    max_users: Some(0),
                    custom_role_mapping_name: Some(String::new()),
                    legacy_org_id: Some(String::new()),
                },
            ))
        })
        .post("/org/")
        .body(json!({
            "name": "Initech", "enable_auto_joining_by_domain": true,
            "members_must_have_matching_domain": true, "max_users": 0,
            "custom_role_mapping_name": "",
        })),
        row("create_org (every option)", |auth| {
            out(auth.create_org(
                "Initech",
                &CreateOrgOptions {
                    domain: Some("initech.test".to_owned()),
                    max_users: Some(20),
                    custom_role_mapping_name: Some("Starter roles".to_owned()),
                    legacy_org_id: Some("old-9".to_owned()),
                    ..Default::default()
                },
            ))
        })
        .post("/org/")
        .body(json!({
            "name": "Initech", "enable_auto_joining_by_domain": false,
            "members_must_have_matching_domain": false, "domain": "initech.test", "max_users": 20,
            "custom_role_mapping_name": "Starter roles", "legacy_org_id": "old-9",
        })),
        row("update_org_metadata (nothing set)", |auth| {
            out(auth.update_org_metadata(ORG, &UpdateOrgMetadataOptions::default()))
        })
        .put(format!("/org/{ORG}"))
        .body(json!({}))
        .found()
        .invalid(
            NOT_UUIDS,
            |auth, id| out(auth.update_org_metadata(id, &UpdateOrgMetadataOptions::default())),
            Expect::Value(json!(false)),
        ),
        row("update_org_metadata (every field)", |auth| {
            out(auth.update_org_metadata(
                ORG,
                &UpdateOrgMetadataOptions {
                    name: Some("Acme Corp".to_owned()),
                    can_setup_saml: Some(false),
                    metadata: Some(Map::new()),
                    max_users: Some(0),
                    can_join_on_email_domain_match: Some(true),
                    members_must_have_email_domain_match: Some(false),
                    domain: Some(String::new()),
                    require_2fa_by: Some("2025-06-30T00:00:00Z".to_owned()),
                    extra_domains: Some(Vec::new()),
                    legacy_org_id: Some("acme-legacy-18".to_owned()),
                    password_rotation_enabled: Some(true),
                    password_rotation_history_size: Some(0),
                    password_rotation_period: Some(2_592_000),
                },
            ))
        })
        .put(format!("/org/{ORG}"))
        .body(json!({
            "name": "Acme Corp", "can_setup_saml": false, "metadata": {}, "max_users": 0,
            "autojoin_by_domain": true, "restrict_to_domain": false, "domain": "",
            "require_2fa_by": "2025-06-30T00:00:00Z", "extra_domains": [],
            "legacy_org_id": "acme-legacy-18", "password_rotation_enabled": true,
            "password_rotation_history_size": 0, "password_rotation_period": 2_592_000,
        }))
        .found(),
        row("subscribe_org_to_role_mapping", |auth| {
            out(auth.subscribe_org_to_role_mapping(ORG, "Enterprise roles"))
        })
        .put(format!("/org/{ORG}"))
        .body(json!({"custom_role_mapping_name": "Enterprise roles"}))
        .found()
        .invalid(
            NOT_UUIDS,
            |auth, id| out(auth.subscribe_org_to_role_mapping(id, "x")),
            Expect::Value(json!(false)),
        ),
        row("delete_org", |auth| out(auth.delete_org(ORG)))
            .delete(format!("/org/{ORG}"))
            .found()
            .invalid(NOT_UUIDS, |auth, id| out(auth.delete_org(id)), Expect::Value(json!(false))),
        row("add_user_to_org", |auth| {
            out(auth.add_user_to_org("not-checked", "nor-this", "Member", &AddUserToOrgOptions::default()))
        })
        .post("/org/add_user")
        .body(json!({"user_id": "not-checked", "org_id": "nor-this", "role": "Member", "additional_roles": []}))
        .found(),
        row("remove_user_from_org", |auth| out(auth.remove_user_from_org(MEMBER_USER_ID, ORG)))
            .post("/org/remove_user")
            .body(json!({"user_id": MEMBER_USER_ID, "org_id": ORG}))
            .found(),
        row("change_user_role_in_org", |auth| {
            let options = ChangeUserRoleInOrgOptions {
                additional_roles: strings(&["Billing", "Support"]),
            };
            out(auth.change_user_role_in_org(MEMBER_USER_ID, ORG, "Admin", &options))
        })
        .post("/org/change_role")
        .body(json!({
            "user_id": MEMBER_USER_ID, "org_id": ORG, "role": "Admin",
            "additional_roles": ["Billing", "Support"],
        }))
        .found(),
        row("revoke_pending_org_invite", |auth| {
            out(auth.revoke_pending_org_invite("not-checked", "new.hire@acme.test"))
        })
        .delete("/pending_org_invites")
        .body(json!({"org_id": "not-checked", "invitee_email": "new.hire@acme.test"}))
        .answer(|done| assert_eq!(done, &Value::Null)),
        row("allow_org_to_setup_saml_connection", |auth| out(auth.allow_org_to_setup_saml_connection(ORG)))
            .post(format!("/org/{ORG}/allow_saml"))
            .found()
            .invalid(
                NOT_UUIDS,
                |auth, id| out(auth.allow_org_to_setup_saml_connection(id)),
                Expect::Value(json!(false)),
            ),
        row("disallow_org_to_setup_saml_connection", |auth| {
            out(auth.disallow_org_to_setup_saml_connection(ORG))
        })
        .post(format!("/org/{ORG}/disallow_saml"))
        .found()
        .invalid(
            NOT_UUIDS,
            |auth, id| out(auth.disallow_org_to_setup_saml_connection(id)),
            Expect::Value(json!(false)),
        ),
        row("create_org_saml_connection_link (defaults)", |auth| {
            out(auth.create_org_saml_connection_link(ORG, &CreateOrgSamlConnectionLinkOptions::default()))
        })
        .post(format!("/org/{ORG}/create_saml_connection_link"))
        .body(json!({}))
        .answer(|link| {
            assert_eq!(link["url"], "https://auth.propelauth.test/saml/setup/6f1c0b7e2a9d4e58b3c1a0f4d2e6b8c9");
        })
        .invalid(
            NOT_UUIDS,
            |auth, id| {
                out(auth.create_org_saml_connection_link(id, &CreateOrgSamlConnectionLinkOptions::default()))
            },
            Expect::Value(Value::Null),
        ),
        row("create_org_saml_connection_link (expiry)", |auth| {
            let options = CreateOrgSamlConnectionLinkOptions {
                expires_in_seconds: Some(0),
            };
            out(auth.create_org_saml_connection_link(ORG, &options))
        })
        .post(format!("/org/{ORG}/create_saml_connection_link"))
        .body(json!({"expires_in_seconds": 0})),
        row("fetch_saml_sp_metadata", |auth| out(auth.fetch_saml_sp_metadata(ORG)))
            .get(format!("/saml_sp_metadata/{ORG}"))
            .answer(|sp| {
                assert_eq!(sp["entity_id"], format!("https://auth.propelauth.test/saml/{ORG}/metadata"));
                assert_eq!(sp["acs_url"], format!("https://auth.propelauth.test/saml/{ORG}/acs"));
                assert_eq!(sp["logout_url"], format!("https://auth.propelauth.test/saml/{ORG}/logout"));
            })
            .on_404(On404::Null)
            .invalid(NOT_UUIDS, |auth, id| out(auth.fetch_saml_sp_metadata(id)), Expect::Value(Value::Null)),
        row("set_saml_idp_metadata", |auth| {
            out(auth.set_saml_idp_metadata(ORG, "https://idp.example/entity", "https://idp.example/sso", "MIIC...", SamlProvider::Okta))
        })
        .post("/saml_idp_metadata")
        .body(json!({
            "org_id": ORG, "idp_entity_id": "https://idp.example/entity",
            "idp_sso_url": "https://idp.example/sso", "idp_certificate": "MIIC...", "provider": "Okta",
        }))
        .found()
        .invalid(
            NOT_UUIDS,
            |auth, id| out(auth.set_saml_idp_metadata(id, "e", "u", "c", SamlProvider::Generic)),
            Expect::Value(json!(false)),
        ),
        row("set_oidc_idp_metadata (Okta)", |auth| {
            let options = OidcIdpMetadataOptions {
                okta_sso_domain: Some("acme.okta.com".to_owned()),
                ..Default::default()
            };
            out(auth.set_oidc_idp_metadata(ORG, "client-1", "s3cret", true, OidcIdpType::Okta, &options))
        })
        .post("/oidc_idp_metadata")
        .body(json!({
            "org_id": ORG, "client_id": "client-1", "client_secret": "s3cret", "uses_pkce": true,
            "idp_type": "Okta", "okta_sso_domain": "acme.okta.com",
        }))
        .found()
        .invalid(
            NOT_UUIDS,
            |auth, id| {
                let options = OidcIdpMetadataOptions::default();
                out(auth.set_oidc_idp_metadata(id, "c", "s", false, OidcIdpType::Generic, &options))
            },
            Expect::Value(json!(false)),
        ),
        row("set_oidc_idp_metadata (Generic, Azure fields)", |auth| {
            let options = OidcIdpMetadataOptions {
                auth_url: Some("https://idp.example/auth".to_owned()),
                token_url: Some("https://idp.example/token".to_owned()),
                userinfo_url: Some("https://idp.example/userinfo".to_owned()),
                okta_sso_domain: None,
                entra_tenant_id: Some(String::new()),
            };
            out(auth.set_oidc_idp_metadata(ORG, "client-2", "s3cret", false, OidcIdpType::Generic, &options))
        })
        .post("/oidc_idp_metadata")
        .body(json!({
            "org_id": ORG, "client_id": "client-2", "client_secret": "s3cret", "uses_pkce": false,
            "idp_type": "Generic", "auth_url": "https://idp.example/auth",
            "token_url": "https://idp.example/token", "userinfo_url": "https://idp.example/userinfo",
            "entra_tenant_id": "",
        }))
        .found(),
        row("set_oidc_idp_metadata (Azure)", |auth| {
            let options = OidcIdpMetadataOptions {
                entra_tenant_id: Some("tenant-9".to_owned()),
                ..Default::default()
            };
            out(auth.set_oidc_idp_metadata(ORG, "c", "s", true, OidcIdpType::Azure, &options))
        })
        .post("/oidc_idp_metadata")
        .body(json!({
            "org_id": ORG, "client_id": "c", "client_secret": "s", "uses_pkce": true,
            "idp_type": "Azure", "entra_tenant_id": "tenant-9",
        }))
        .found(),
        row("saml_go_live", |auth| out(auth.saml_go_live(ORG)))
            .post(format!("/saml_idp_metadata/go_live/{ORG}"))
            .found()
            .invalid(NOT_UUIDS, |auth, id| out(auth.saml_go_live(id)), Expect::Value(json!(false))),
        row("delete_saml_connection", |auth| out(auth.delete_saml_connection(ORG)))
            .delete(format!("/saml_idp_metadata/{ORG}"))
            .found()
            .invalid(NOT_UUIDS, |auth, id| out(auth.delete_saml_connection(id)), Expect::Value(json!(false))),
    ]
}

const KEY_NOT_FOUND: On404 = On404::NotFound("API key");

fn api_keys_rows() -> Vec<Row> {
    vec![
        row("fetch_api_key", |auth| out(auth.fetch_api_key(KEY_ID)))
            .get(format!("/end_user_api_keys/{KEY_ID}"))
            .answer(|key| {
                assert_eq!(
                    key,
                    &json!({
                        "api_key_id": KEY_ID, "created_at": CREATED_AT,
                        "expires_at_seconds": CREATED_AT + 90 * 86_400, "metadata": {"scope": "read"},
                        "user_id": USER, "org_id": null, "display_name": "CI deploy key",
                    })
                );
            })
            .on_404(KEY_NOT_FOUND)
            .invalid(NOT_HEX, |auth, id| out(auth.fetch_api_key(id)), Expect::NotFound("API key")),
        row("fetch_current_api_keys (defaults)", |auth| {
            out(auth.fetch_current_api_keys(&FetchApiKeysOptions::default()))
        })
        .get("/end_user_api_keys")
        .answer(|page| {
            assert_eq!(page["total"], 2);
            assert_eq!(page["items"][1]["org_id"], ORG);
            assert_eq!((page["current_page"].clone(), page["page_size"].clone()), (json!(0), json!(10)));
        }),
        row("fetch_current_api_keys (every option)", |auth| {
            out(auth.fetch_current_api_keys(&FetchApiKeysOptions {
                org_id: Some(ORG.to_owned()),
                user_id: Some(USER.to_owned()),
                user_email: Some("owner@acme.test".to_owned()),
                page_size: Some(5),
                page_number: Some(2),
                api_key_type: Some(ApiKeyType::Org),
            }))
        })
        .get("/end_user_api_keys")
        .query(&[
            ("org_id", ORG),
            ("user_id", USER),
            ("user_email", "owner@acme.test"),
            ("page_size", "5"),
            ("page_number", "2"),
            ("api_key_type", "org"),
        ])
        .answer(|page| assert_eq!((page["current_page"].clone(), page["page_size"].clone()), (json!(2), json!(5)))),
        row("fetch_archived_api_keys (falsy values left out)", |auth| {
            out(auth.fetch_archived_api_keys(&FetchApiKeysOptions {
                org_id: Some(String::new()),
                user_id: Some(String::new()),
                user_email: Some(String::new()),
                page_size: Some(0),
                page_number: Some(0),
                api_key_type: Some(ApiKeyType::Other(String::new())),
            }))
        })
        .get("/end_user_api_keys/archived")
        .answer(|page| {
            assert_eq!(page["total"], 1);
            assert_eq!(page["items"][0]["expires_at_seconds"], CREATED_AT + 86_400);
        }),
        row("fetch_archived_api_keys (kind)", |auth| {
            let options = FetchApiKeysOptions {
                api_key_type: Some(ApiKeyType::Other("User".to_owned())),
                ..Default::default()
            };
            out(auth.fetch_archived_api_keys(&options))
        })
        .get("/end_user_api_keys/archived")
        .query(&[("api_key_type", "User")]),
        row("create_api_key (nothing set)", |auth| out(auth.create_api_key(&CreateApiKeyOptions::default())))
            .post("/end_user_api_keys")
            .body(json!({}))
            .answer(|key| {
                assert_eq!(key["api_key_id"], "3e5a7c9b1d2f4a6c8e0b2d4f6a8c1e3b");
                assert_eq!(key["api_key_token"].as_str().map(str::len), Some(64));
            }),
        row("create_api_key (falsy left out)", |auth| {
            out(auth.create_api_key(&CreateApiKeyOptions {
                org_id: Some(ORG.to_owned()),
                user_id: Some(String::new()),
                expires_at_seconds: Some(0),
                metadata: Some(Map::new()),
                display_name: Some("deploy".to_owned()),
            }))
        })
        .post("/end_user_api_keys")
        .body(json!({"org_id": ORG, "display_name": "deploy"})),
        row("update_api_key (nothing set)", |auth| {
            out(auth.update_api_key(KEY_ID, &UpdateApiKeyOptions::default()))
        })
        .patch(format!("/end_user_api_keys/{KEY_ID}"))
        .body(json!({}))
        .answer(|done| assert_eq!(done, &json!(true)))
        .on_404(KEY_NOT_FOUND)
        .invalid(
            NOT_HEX,
            |auth, id| out(auth.update_api_key(id, &UpdateApiKeyOptions::default())),
            Expect::Value(json!(false)),
        ),
        row("update_api_key (every field)", |auth| {
            out(auth.update_api_key(
                KEY_ID,
                &UpdateApiKeyOptions {
                    expires_at_seconds: Some(CREATED_AT),
                    metadata: Some(object(json!({"scope": "write"}))),
                    set_to_never_expire: true,
                },
            ))
        })
        .patch(format!("/end_user_api_keys/{KEY_ID}"))
        .body(json!({"expires_at_seconds": CREATED_AT, "metadata": {"scope": "write"}, "set_to_never_expire": true}))
        .on_404(KEY_NOT_FOUND),
        row("delete_api_key", |auth| out(auth.delete_api_key(KEY_ID)))
            .delete(format!("/end_user_api_keys/{KEY_ID}"))
            .answer(|done| assert_eq!(done, &json!(true)))
            .on_404(KEY_NOT_FOUND)
            .invalid(NOT_HEX, |auth, id| out(auth.delete_api_key(id)), Expect::Value(json!(false))),
        row("validate_api_key (personal, Bearer stripped)", |auth| {
            out(auth.validate_api_key("bEaReR personal-token"))
        })
        .post("/end_user_api_keys/validate")
        .body(json!({"api_key_token": "personal-token"}))
        .answer(|validated| {
            assert_eq!(validated["metadata"], json!({"scope": "read"}));
            check_owner_in_acme(&validated["user"]);
            assert_eq!(validated["org"], Value::Null);
            assert_eq!(validated["user_in_org"], Value::Null);
        })
        .on_404(KEY_NOT_FOUND),
        row("validate_api_key (org)", |auth| out(auth.validate_api_key("org-token")))
            .post("/end_user_api_keys/validate")
            .body(json!({"api_key_token": "org-token"}))
            .answer(|validated| {
                assert_eq!(validated["org"]["org_id"], ORG);
                assert_eq!(validated["org"]["org_name"], "Acme");
                assert_eq!(validated["org"]["max_users"], 50);
                assert_eq!(validated["user_in_org"]["user_assigned_role"], "Owner");
            })
            .on_404(KEY_NOT_FOUND),
        row("validate_personal_api_key", |auth| out(auth.validate_personal_api_key("personal-token")))
            .post("/end_user_api_keys/validate")
            .body(json!({"api_key_token": "personal-token"}))
            .answer(|validated| assert_eq!(validated["user"]["user_id"], USER))
            .on_404(KEY_NOT_FOUND),
        row("validate_org_api_key", |auth| out(auth.validate_org_api_key("Bearer org-token")))
            .post("/end_user_api_keys/validate")
            .body(json!({"api_key_token": "org-token"}))
            .answer(|validated| {
                assert_eq!(validated["org"]["org_id"], ORG);
                assert_eq!(validated["user"]["user_id"], USER);
                assert_eq!(validated["user_in_org"]["org_id"], ORG);
            })
            .on_404(KEY_NOT_FOUND),
        row("validate_imported_api_key", |auth| out(auth.validate_imported_api_key("generic-token")))
            .post("/end_user_api_keys/validate_imported")
            .body(json!({"api_key_token": "generic-token"}))
            .answer(|validated| {
                assert_eq!(validated["user"], Value::Null);
                assert_eq!(validated["org"], Value::Null);
            })
            .on_404(KEY_NOT_FOUND),
        row("import_api_key", |auth| {
            let options = ImportApiKeyOptions {
                user_id: Some(USER.to_owned()),
                ..Default::default()
            };
            out(auth.import_api_key("legacy-token-1", &options))
        })
        .post("/end_user_api_keys/import")
        .body(json!({"imported_api_key": "legacy-token-1", "user_id": USER}))
        .answer(|imported| assert_eq!(imported, &json!({"api_key_id": "9c1e3a5b7d9f2b4d6f8a0c2e4a6c8e1b"}))),
        row("fetch_api_key_usage", |auth| {
            let options = ApiKeyUsageOptions {
                org_id: Some(ORG.to_owned()),
                user_id: Some(String::new()),
                api_key_id: Some(KEY_ID.to_owned()),
            };
            out(auth.fetch_api_key_usage("2025-01-31", &options))
        })
        .get("/end_user_api_keys/usage")
        .query(&[("date", "2025-01-31"), ("org_id", ORG), ("api_key_id", KEY_ID)])
        .answer(|usage| assert_eq!(usage, &json!({"count": 42}))),
    ]
}

const GRANT: &str = "sug_4f1c9e7a2b6d8e0f3a5c7b9d1e2f4a6c";

fn misc_rows() -> Vec<Row> {
    vec![
        row("verify_step_up_totp_challenge", |auth| {
            out(auth.verify_step_up_totp_challenge("delete_repo", USER, "123456", StepUpGrantType::OneTimeUse, 300))
        })
        .post("/mfa/step-up/verify-totp")
        .body(json!({
            "action_type": "delete_repo", "user_id": USER, "code": "123456",
            "grant_type": "ONE_TIME_USE", "valid_for_seconds": 300,
        }))
        .answer(|grant| assert_eq!(grant, GRANT)),
        row("verify_step_up_grant", |auth| out(auth.verify_step_up_grant("delete_repo", USER, GRANT)))
            .post("/mfa/step-up/verify-grant")
            .body(json!({"action_type": "delete_repo", "user_id": USER, "grant": GRANT}))
            .answer(|valid| assert_eq!(valid, &json!(true))),
        row("send_sms_mfa_code", |auth| {
            out(auth.send_sms_mfa_code("delete_repo", USER, MFA_PHONE_ID, StepUpGrantType::TimeBased, 600))
        })
        .post("/mfa/step-up/phone/send")
        .body(json!({
            "action_type": "delete_repo", "user_id": USER, "mfa_phone_id": MFA_PHONE_ID,
            "grant_type": "TIME_BASED", "valid_for_seconds": 600,
        }))
        .answer(|challenge| assert_eq!(challenge, "6a0e2c4f-8b1d-4e3a-9c5f-7d2b4e6a8c0f")),
        row("verify_sms_challenge", |auth| out(auth.verify_sms_challenge("challenge-1", USER, "654321")))
            .post("/mfa/step-up/phone/verify")
            .body(json!({"challenge_id": "challenge-1", "user_id": USER, "code": "654321"}))
            .answer(|grant| assert_eq!(grant, GRANT)),
        row("fetch_org_scim_groups", |auth| {
            out(auth.fetch_org_scim_groups(ORG, &FetchOrgScimGroupsOptions::default()))
        })
        .get(format!("/scim/{ORG}/groups"))
        .query(&[("page_size", "10"), ("page_number", "0")])
        .answer(|page| {
            assert_eq!(page["total"], 2);
            assert_eq!(page["has_more_results"], false);
            assert_eq!(
                page["items"][0],
                json!({"group_id": GROUP_ID, "display_name": "Engineering", "external_id_from_idp": "00g1a2b3c4d5e6f7g8h9"})
            );
        })
        .on_404(On404::NotFound("organization"))
        .invalid(
            UNROUTABLE,
            |auth, id| out(auth.fetch_org_scim_groups(id, &FetchOrgScimGroupsOptions::default())),
            Expect::NotFound("organization"),
        ),
        row("fetch_org_scim_groups (user, page)", |auth| {
            let options = FetchOrgScimGroupsOptions {
                user_id: Some(USER.to_owned()),
                page_size: 1,
                page_number: 0,
            };
            out(auth.fetch_org_scim_groups(ORG, &options))
        })
        .get(format!("/scim/{ORG}/groups"))
        .query(&[("page_size", "1"), ("page_number", "0"), ("user_id", USER)])
        .answer(|page| assert_eq!(page["has_more_results"], true))
        .on_404(On404::NotFound("organization")),
        row("fetch_scim_group", |auth| {
            out(auth.fetch_scim_group(ORG, GROUP_ID, &FetchScimGroupOptions::default()))
        })
        .get(format!("/scim/{ORG}/groups/{GROUP_ID}"))
        .query(&[("members_page_size", "10"), ("members_page_number", "0")])
        .answer(|group| {
            assert_eq!(group["group_id"], GROUP_ID);
            assert_eq!(group["members"], json!([{"user_id": USER}, {"user_id": MEMBER_USER_ID}]));
        })
        .on_404(On404::NotFound("organization"))
        .invalid(
            UNROUTABLE,
            |auth, id| out(auth.fetch_scim_group(ORG, id, &FetchScimGroupOptions::default())),
            Expect::NotFound("organization"),
        ),
        row("fetch_employee_by_id", |auth| out(auth.fetch_employee_by_id(EMPLOYEE_ID)))
            .get(format!("/employee/{EMPLOYEE_ID}"))
            .answer(|employee| assert_eq!(employee, &json!({"email": "support-engineer@propelauth.test"})))
            .on_404(On404::Null)
            .invalid(NOT_UUIDS, |auth, id| out(auth.fetch_employee_by_id(id)), Expect::Value(Value::Null)),
    ]
}

/// Every report option, and the query it sends.
fn every_report_option() -> ReportOptions {
    ReportOptions {
        report_interval: Some(ReportInterval::SixtyDays),
        page_size: Some(0),
        page_number: Some(0),
    }
}

const REPORT_QUERY: &[(&str, &str)] = &[
    ("report_interval", "60"),
    ("page_size", "0"),
    ("page_number", "0"),
];

fn check_user_report(report: &Value) {
    assert_eq!(report["total_count"], 2);
    assert_eq!(report["report_time"], CREATED_AT + 31 * 86_400);
    let record = &report["user_reports"][0];
    assert_eq!(record["user_id"], USER);
    assert_eq!(
        record["org_data"],
        json!([{"org_id": ORG, "display_name": "Acme", "user_role": "Owner"}])
    );
    assert_eq!(record["extra_properties"]["num_invites"], 4);
}

fn check_org_report(report: &Value) {
    assert_eq!(report["total_count"], 2);
    let record = &report["org_reports"][1];
    assert_eq!(record["org_id"], GLOBEX_ORG_ID);
    assert_eq!(record["num_users"], 5);
    assert_eq!(record["extra_properties"]["user_count_delta"], 3);
}

fn reports_rows() -> Vec<Row> {
    vec![
        row("fetch_user_top_inviter_report", |auth| {
            out(auth.fetch_user_top_inviter_report(&ReportOptions::default()))
        })
        .get("/user_report/top_inviter")
        .answer(|report| {
            check_user_report(report);
            assert_eq!(
                report["user_reports"][0]["report_id"],
                "user-top_inviter-2025-02-01"
            );
        }),
        row("fetch_user_champion_report", |auth| {
            out(auth.fetch_user_champion_report(&every_report_option()))
        })
        .get("/user_report/champion")
        .query(REPORT_QUERY)
        .answer(check_user_report),
        row("fetch_user_churn_report", |auth| {
            let options = ReportOptions {
                report_interval: Some(ReportInterval::SevenDays),
                ..Default::default()
            };
            out(auth.fetch_user_churn_report(&options))
        })
        .get("/user_report/churn")
        .query(&[("report_interval", "7")])
        .answer(check_user_report),
        row("fetch_user_reengagement_report", |auth| {
            let options = ReportOptions {
                report_interval: Some(ReportInterval::Weekly),
                page_size: Some(25),
                page_number: Some(1),
            };
            out(auth.fetch_user_reengagement_report(&options))
        })
        .get("/user_report/reengagement")
        .query(&[
            ("report_interval", "Weekly"),
            ("page_size", "25"),
            ("page_number", "1"),
        ])
        .answer(|report| {
            check_user_report(report);
            assert_eq!(
                (report["current_page"].clone(), report["page_size"].clone()),
                (json!(1), json!(25))
            );
        }),
        row("fetch_org_churn_report", |auth| {
            let options = ReportOptions {
                report_interval: Some(ReportInterval::FourteenDays),
                ..Default::default()
            };
            out(auth.fetch_org_churn_report(&options))
        })
        .get("/org_report/churn")
        .query(&[("report_interval", "14")])
        .answer(check_org_report),
        row("fetch_org_reengagement_report", |auth| {
            let options = ReportOptions {
                report_interval: Some(ReportInterval::Monthly),
                ..Default::default()
            };
            out(auth.fetch_org_reengagement_report(&options))
        })
        .get("/org_report/reengagement")
        .query(&[("report_interval", "Monthly")])
        .answer(check_org_report),
        row("fetch_org_growth_report", |auth| {
            let options = ReportOptions {
                report_interval: Some(ReportInterval::ThirtyDays),
                ..Default::default()
            };
            out(auth.fetch_org_growth_report(&options))
        })
        .get("/org_report/growth")
        .query(&[("report_interval", "30")])
        .answer(|report| {
            check_org_report(report);
            assert_eq!(
                report["org_reports"][0]["report_id"],
                "org-growth-2025-02-01"
            );
        }),
        row("fetch_org_attrition_report", |auth| {
            let options = ReportOptions {
                report_interval: Some(ReportInterval::NinetyDays),
                ..Default::default()
            };
            out(auth.fetch_org_attrition_report(&options))
        })
        .get("/org_report/attrition")
        .query(&[("report_interval", "90")])
        .answer(check_org_report),
        row("fetch_chart_metric_data (defaults)", |auth| {
            out(auth.fetch_chart_metric_data(ChartMetric::Signups, &ChartMetricOptions::default()))
        })
        .get("/chart_metrics/signups")
        .answer(|chart| {
            assert_eq!(chart["chart_type"], "signups");
            assert_eq!(chart["cadence"], "Daily");
            assert_eq!(
                chart["metrics"][0],
                json!({"date": "2025-01-01", "result": 14, "cadence_completed": true})
            );
            assert_eq!(chart["metrics"][2]["cadence_completed"], false);
        }),
        row("fetch_chart_metric_data (every option)", |auth| {
            let options = ChartMetricOptions {
                cadence: Some(ChartMetricCadence::Monthly),
                start_date: Some("2025-01-01".to_owned()),
                end_date: Some("2025-03-31".to_owned()),
            };
            out(auth.fetch_chart_metric_data(ChartMetric::ActiveOrgs, &options))
        })
        .get("/chart_metrics/active_orgs")
        .query(&[
            ("cadence", "Monthly"),
            ("start_date", "2025-01-01"),
            ("end_date", "2025-03-31"),
        ])
        .answer(|chart| assert_eq!(chart["cadence"], "Monthly")),
        row("fetch_chart_metric_data (orgs created)", |auth| {
            out(auth
                .fetch_chart_metric_data(ChartMetric::OrgsCreated, &ChartMetricOptions::default()))
        })
        .get("/chart_metrics/orgs_created"),
        row("fetch_chart_metric_data (active users, weekly)", |auth| {
            let options = ChartMetricOptions {
                cadence: Some(ChartMetricCadence::Weekly),
                ..Default::default()
            };
            out(auth.fetch_chart_metric_data(ChartMetric::ActiveUsers, &options))
        })
        .get("/chart_metrics/active_users")
        .query(&[("cadence", "Weekly")]),
    ]
}

fn table() -> Vec<Row> {
    [
        users_rows(),
        orgs_rows(),
        api_keys_rows(),
        misc_rows(),
        reports_rows(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The call names the table covers (a row name up to its first " (").
fn covered_calls() -> std::collections::BTreeSet<&'static str> {
    table()
        .iter()
        .map(|row| row.name.split(" (").next().unwrap_or(row.name))
        .collect()
}

#[test]
fn the_table_covers_every_call() {
    assert_eq!(covered_calls().len(), 79, "{:?}", covered_calls());
}

#[test]
fn every_call_sends_its_exact_request_and_reads_its_answer() {
    let harness = Harness::new();
    for row in table() {
        let answer =
            (row.call)(&harness.auth).unwrap_or_else(|error| panic!("{}: {error:?}", row.name));
        row.assert_request(&harness, &harness.only_request());
        (row.answer)(&answer);
    }
}

#[test]
fn every_call_follows_its_404_rule() {
    let harness = Harness::new();
    for row in table() {
        harness.clear();
        harness.respond(row.method, &row.path, not_found());
        row.on_404.check(row.name, &(row.call)(&harness.auth));
        harness.only_request();
    }
}

#[test]
fn every_call_refuses_ids_that_cannot_exist_without_a_request() {
    let harness = Harness::new();
    let mut checked = 0;
    for row in table() {
        for invalid in &row.invalid {
            for id in invalid.ids {
                invalid
                    .expect
                    .check(row.name, id, &(invalid.call)(&harness.auth, id));
                harness.assert_no_request(&format!("{}({id:?})", row.name));
                checked += 1;
            }
        }
    }
    assert!(checked > 150, "{checked}");
}

#[test]
fn every_call_goes_through_the_shared_status_mapping() {
    let harness = Harness::new();
    for row in table() {
        harness.clear();
        harness.respond(row.method, &row.path, CannedResponse::text(401, "no"));
        let outcome = (row.call)(&harness.auth);
        assert!(
            matches!(outcome, Err(ApiError::InvalidApiKey)),
            "401 on {}: {outcome:?}",
            row.name
        );

        harness.clear();
        let redirect =
            CannedResponse::text(302, "moved").with_header("Location", "http://127.0.0.1:9/x");
        harness.respond(row.method, &row.path, redirect);
        let outcome = (row.call)(&harness.auth);
        assert!(
            matches!(outcome, Err(ApiError::UnexpectedStatus { status: 302, .. })),
            "302 on {}: {outcome:?}",
            row.name
        );
        // Exactly the one request: the redirect was not followed.
        harness.only_request();
    }
}

#[test]
fn every_call_that_reads_its_answer_refuses_a_body_that_is_not_json() {
    let harness = Harness::new();
    let mut reading = 0;
    for row in table() {
        harness.clear();
        let answer = (row.call)(&harness.auth).unwrap();
        harness.respond(
            row.method,
            &row.path,
            CannedResponse::text(200, "<html>oops</html>"),
        );
        let outcome = (row.call)(&harness.auth);
        if matches!(answer, Value::Bool(_) | Value::Null) {
            assert_eq!(
                outcome.ok(),
                Some(answer),
                "{} does not read its body",
                row.name
            );
        } else {
            reading += 1;
            assert!(
                matches!(outcome, Err(ApiError::MalformedResponse(_))),
                "non-JSON on {}: {outcome:?}",
                row.name
            );
        }
    }
    assert!(reading > 40, "{reading}");
}
