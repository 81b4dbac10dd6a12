//! User endpoints: what PropelAuth answers to each user call, built from the fixture users.

use serde_json::{Value, json};

use super::{Route, fixtures, ok};
use crate::samples::{ACME_ORG_ID, MEMBER_USER_ID};
use crate::stand_in::{CannedResponse, RecordedRequest};
use crate::token::{OrgClaim, TokenBuilder};

/// Id of the user `create_user` and `migrate_user_from_external_source` create.
pub(crate) const CREATED_USER_ID: &str = "5e3b1c9a-7d2f-4a61-9b8e-0c4d2f6a8e11";

/// The `mfa_phone_id` of the phone number `fetch_user_mfa_methods` answers with.
pub(crate) const MFA_PHONE_ID: &str = "8c1f4e2a-3b5d-4f70-a9c6-1d2e3f4a5b6c";

pub(crate) const ROUTES: &[Route] = &[
    route("GET", "/user/{}", user_by_id),
    route("GET", "/user/email", user_by_email),
    route("GET", "/user/username", user_by_username),
    route("POST", "/user/user_ids", users_by_ids),
    route("POST", "/user/emails", users_by_emails),
    route("POST", "/user/usernames", users_by_usernames),
    route("GET", "/user/query", users_by_query),
    route("GET", "/user/org/{}", users_in_org),
    route("POST", "/user/", created_user),
    route("PUT", "/user/{}", empty),
    route("PUT", "/user/{}/email", empty),
    route("PUT", "/user/{}/password", empty),
    route("PUT", "/user/{}/clear_password", empty),
    route("DELETE", "/user/{}", empty),
    route("POST", "/user/{}/disable", empty),
    route("POST", "/user/{}/enable", empty),
    route("POST", "/user/{}/disable_2fa", empty),
    route("POST", "/user/{}/logout_all_sessions", empty),
    route("PUT", "/user/{}/can_create_orgs/enable", empty),
    route("PUT", "/user/{}/can_create_orgs/disable", empty),
    route("POST", "/resend_email_confirmation", empty),
    route("POST", "/invite_user", empty),
    route("POST", "/invite_user_by_id", empty),
    route(
        "GET",
        "/user/{}/signup_query_parameters",
        signup_query_parameters,
    ),
    route("GET", "/user/{}/mfa", mfa_methods),
    route("GET", "/user/{}/oauth_token", oauth_tokens),
    route("GET", "/user/{}/{}/fresh_token", fresh_token),
    route("POST", "/magic_link", magic_link),
    route("POST", "/access_token", access_token),
    route("POST", "/migrate_user/", created_user),
    route("POST", "/migrate_user/password", empty),
];

const fn route(method: &'static str, pattern: &'static str, handler: super::Handler) -> Route {
    Route {
        method,
        pattern,
        handler,
    }
}

/// Whether the request asks for the users' orgs.
fn include_orgs(request: &RecordedRequest) -> bool {
    request.query_param("include_orgs") == Some("true")
}

/// `user` without its orgs unless the request has `include_orgs=true`.
fn with_orgs_if_asked(mut user: Value, request: &RecordedRequest) -> Value {
    if !include_orgs(request) {
        user["org_id_to_org_info"] = json!({});
    }
    user
}

/// The fixture user for a requested id: the member fixture for its id, else the owner
/// fixture under the requested id.
fn fixture_for_id(user_id: &str) -> Value {
    if user_id == MEMBER_USER_ID {
        return fixtures::member();
    }
    let mut user = fixtures::owner();
    user["user_id"] = json!(user_id);
    user
}

/// The owner fixture with `field` set to `value`.
fn owner_with(field: &str, value: &str) -> Value {
    let mut user = fixtures::owner();
    user[field] = json!(value);
    user
}

/// The strings of the body's array `field`.
fn body_strings<'r>(request: &'r RecordedRequest, field: &str) -> Vec<&'r str> {
    request
        .json
        .as_ref()
        .and_then(|body| body.get(field))
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// A numeric query parameter, or `default`.
fn query_number(request: &RecordedRequest, name: &str, default: u64) -> u64 {
    request
        .query_param(name)
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// A page of `users` as the user listings answer, echoing the requested page.
fn page(request: &RecordedRequest, users: Vec<Value>) -> CannedResponse {
    let page_size = query_number(request, "page_size", 10);
    let page_number = query_number(request, "page_number", 0);
    let total = users.len() as u64;
    let users: Vec<Value> = users
        .into_iter()
        .skip(usize::try_from(page_size.saturating_mul(page_number)).unwrap_or(usize::MAX))
        .take(usize::try_from(page_size).unwrap_or(usize::MAX))
        .map(|user| with_orgs_if_asked(user, request))
        .collect();
    ok(json!({
        "users": users,
        "total_users": total,
        "current_page": page_number,
        "page_size": page_size,
        "has_more_results": page_size.saturating_mul(page_number + 1) < total,
    }))
}

/// `fetch_user_metadata_by_user_id`: the owner fixture under the requested id (the member
/// fixture for the member's id).
fn user_by_id(request: &RecordedRequest, ids: &[&str]) -> CannedResponse {
    ok(with_orgs_if_asked(fixture_for_id(ids[0]), request))
}

/// `fetch_user_metadata_by_email`: the owner fixture with the requested email address.
fn user_by_email(request: &RecordedRequest, _: &[&str]) -> CannedResponse {
    let email = request.query_param("email").unwrap_or_default();
    ok(with_orgs_if_asked(owner_with("email", email), request))
}

/// `fetch_user_metadata_by_username`: the owner fixture with the requested username.
fn user_by_username(request: &RecordedRequest, _: &[&str]) -> CannedResponse {
    let username = request.query_param("username").unwrap_or_default();
    ok(with_orgs_if_asked(
        owner_with("username", username),
        request,
    ))
}

/// `fetch_batch_user_metadata_by_user_ids`: a JSON array with one user per requested id.
fn users_by_ids(request: &RecordedRequest, _: &[&str]) -> CannedResponse {
    let users: Vec<Value> = body_strings(request, "user_ids")
        .into_iter()
        .map(|user_id| with_orgs_if_asked(fixture_for_id(user_id), request))
        .collect();
    ok(Value::Array(users))
}

/// `fetch_batch_user_metadata_by_emails`: one user per requested address, each under a
/// distinct id.
fn users_by_emails(request: &RecordedRequest, _: &[&str]) -> CannedResponse {
    batch_with(request, "emails", "email")
}

/// `fetch_batch_user_metadata_by_usernames`: one user per requested username.
fn users_by_usernames(request: &RecordedRequest, _: &[&str]) -> CannedResponse {
    batch_with(request, "usernames", "username")
}

/// One owner-like user per value of the body's `list` array, with `field` set to the value;
/// the first is the owner, the next the member, the others get generated ids.
fn batch_with(request: &RecordedRequest, list: &str, field: &str) -> CannedResponse {
    let users: Vec<Value> = body_strings(request, list)
        .into_iter()
        .enumerate()
        .map(|(index, value)| {
            let mut user = match index {
                0 => fixtures::owner(),
                1 => fixtures::member(),
                _ => fixture_for_id(&format!("00000000-0000-4000-8000-{index:012}")),
            };
            user[field] = json!(value);
            with_orgs_if_asked(user, request)
        })
        .collect();
    ok(Value::Array(users))
}

/// `fetch_users_by_query`: the owner and the member, paged as asked.
fn users_by_query(request: &RecordedRequest, _: &[&str]) -> CannedResponse {
    page(request, vec![fixtures::owner(), fixtures::member()])
}

/// `fetch_users_in_org`: the owner and the member of any org, with their role in it.
fn users_in_org(request: &RecordedRequest, _: &[&str]) -> CannedResponse {
    let member_of_org = |mut user: Value, role: &str| {
        user["role_in_org"] = json!(role);
        user["additional_roles_in_org"] = json!([]);
        user
    };
    let members = vec![
        member_of_org(fixtures::owner(), "Owner"),
        member_of_org(fixtures::member(), "Member"),
    ];
    let members = match request.query_param("role") {
        Some(role) => members
            .into_iter()
            .filter(|user| user["role_in_org"] == role)
            .collect(),
        None => members,
    };
    page(request, members)
}

/// `create_user` and `migrate_user_from_external_source`: the new user's id.
fn created_user(_: &RecordedRequest, _: &[&str]) -> CannedResponse {
    ok(json!({ "user_id": CREATED_USER_ID }))
}

/// The mutations that answer an empty JSON object.
fn empty(_: &RecordedRequest, _: &[&str]) -> CannedResponse {
    ok(json!({}))
}

/// `fetch_user_signup_query_params_by_user_id`.
fn signup_query_parameters(_: &RecordedRequest, _: &[&str]) -> CannedResponse {
    ok(json!({
        "user_signup_query_parameters": {"utm_source": "newsletter", "ref": "launch-week"},
    }))
}

/// `fetch_user_mfa_methods`: SMS MFA with one phone number.
fn mfa_methods(_: &RecordedRequest, _: &[&str]) -> CannedResponse {
    ok(json!({
        "mfa_setup": {
            "type": "Phone",
            "phone_numbers": [{"mfa_phone_number_suffix": "4242", "mfa_phone_id": MFA_PHONE_ID}],
        },
    }))
}

/// When the OAuth access tokens expire (2025-01-01T01:00:00Z).
pub(crate) const OAUTH_TOKEN_EXPIRATION: i64 = fixtures::CREATED_AT + 3600;

/// An OAuth token of `provider`, as the user token calls describe it (`refresh_token` and
/// `token_expiration` may be `null`).
fn oauth_token(provider: &str, refresh_token: Option<String>, expiration: Option<i64>) -> Value {
    json!({
        "access_token": format!("{provider}-access-token-7f3a9c"),
        "token_provider": provider,
        "refresh_token": refresh_token,
        "token_expiration": expiration,
        "authorized_scopes": ["openid", "email", "profile"],
    })
}

/// `fetch_user_oauth_tokens`: a Google token that expires and can be refreshed, and a GitHub
/// token that does neither.
fn oauth_tokens(_: &RecordedRequest, _: &[&str]) -> CannedResponse {
    ok(json!({
        "google": oauth_token(
            "google",
            Some("google-refresh-token-2b8d1e".to_owned()),
            Some(OAUTH_TOKEN_EXPIRATION),
        ),
        "github": oauth_token("github", None, None),
    }))
}

/// `fetch_fresh_token_from_provider`: a token of the requested provider.
fn fresh_token(_: &RecordedRequest, captured: &[&str]) -> CannedResponse {
    let provider = captured[1];
    ok(oauth_token(
        provider,
        Some(format!("{provider}-refresh-token-2b8d1e")),
        Some(OAUTH_TOKEN_EXPIRATION),
    ))
}

/// `create_magic_link`: a login link on the tenant's host.
fn magic_link(request: &RecordedRequest, _: &[&str]) -> CannedResponse {
    let host = request.header("x-propelauth-url").unwrap_or_default();
    ok(json!({
        "url": format!("https://{host}/api/fe/v3/login/magic_link?t=5f0c7a2e9b1d4c3a8e6f"),
    }))
}

/// `create_access_token`: a real token for the requested user, signed with the test key
/// (valid for the stand-in's default verifier key), for the requested duration and active
/// org.
fn access_token(request: &RecordedRequest, _: &[&str]) -> CannedResponse {
    let body = request.json.clone().unwrap_or(Value::Null);
    let user_id = body["user_id"].as_str().unwrap_or_default();
    let minutes = body["duration_in_minutes"].as_i64().unwrap_or(60);
    let fixture = fixture_for_id(user_id);
    let mut token = TokenBuilder::new(user_id)
        .expires_in(minutes.saturating_mul(60))
        .login_method(json!({"login_method": "generated_from_backend_api"}));
    if let Some(email) = fixture["email"].as_str() {
        token = token.email(email);
    }
    if let Some(org_id) = body["active_org_id"].as_str() {
        let role = if user_id == MEMBER_USER_ID {
            "Member"
        } else {
            "Owner"
        };
        let name = if org_id == ACME_ORG_ID { "Acme" } else { "Org" };
        token = token.active_org(OrgClaim::new(org_id, name, role));
    }
    ok(json!({ "access_token": token.sign() }))
}
