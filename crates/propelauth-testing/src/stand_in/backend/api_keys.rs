//! End-user API key endpoints.
//!
//! Validation answers by the token: a token containing `org` is an org key created by the
//! Acme owner, one containing `generic` belongs to no one, any other is a personal key of
//! the owner.

use serde_json::{Value, json};

use super::{Route, fixtures, ok};
use crate::samples::{ACME_ORG_ID, OWNER_USER_ID};
use crate::stand_in::{CannedResponse, RecordedRequest};

pub(crate) const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        pattern: "/end_user_api_keys/{}",
        handler: fetch_api_key,
    },
    Route {
        method: "GET",
        pattern: "/end_user_api_keys",
        handler: current_api_keys,
    },
    Route {
        method: "GET",
        pattern: "/end_user_api_keys/archived",
        handler: archived_api_keys,
    },
    Route {
        method: "POST",
        pattern: "/end_user_api_keys",
        handler: create_api_key,
    },
    Route {
        method: "PATCH",
        pattern: "/end_user_api_keys/{}",
        handler: empty_ok,
    },
    Route {
        method: "DELETE",
        pattern: "/end_user_api_keys/{}",
        handler: empty_ok,
    },
    Route {
        method: "POST",
        pattern: "/end_user_api_keys/validate",
        handler: validate_api_key,
    },
    Route {
        method: "POST",
        pattern: "/end_user_api_keys/validate_imported",
        handler: validate_api_key,
    },
    Route {
        method: "POST",
        pattern: "/end_user_api_keys/import",
        handler: import_api_key,
    },
    Route {
        method: "GET",
        pattern: "/end_user_api_keys/usage",
        handler: api_key_usage,
    },
];

/// Id of the owner's personal key.
const PERSONAL_KEY_ID: &str = "6d3f9b1c2a4e8f0b7c5d1e3a9f2b4c6d";
/// Id of the Acme org key.
const ORG_KEY_ID: &str = "a81f3c5e7b9d0f2a4c6e8b1d3f5a7c9e";
/// Id of an expired key.
const ARCHIVED_KEY_ID: &str = "0b2d4f6a8c1e3b5d7f9a2c4e6b8d0f1a";

/// An API key as the service describes it.
fn api_key(api_key_id: &str, user_id: Option<&str>, org_id: Option<&str>) -> Value {
    json!({
        "api_key_id": api_key_id,
        "created_at": fixtures::CREATED_AT,
        "expires_at_seconds": fixtures::CREATED_AT + 90 * 86_400,
        "metadata": {"scope": "read"},
        "user_id": user_id,
        "org_id": org_id,
        "display_name": "CI deploy key",
    })
}

/// The paging of a listing, echoing the query (the service's defaults: 10, page 0).
fn page(request: &RecordedRequest, keys: Vec<Value>) -> CannedResponse {
    let number = |name: &str, default: u64| {
        request
            .query_param(name)
            .and_then(|value| value.parse::<u64>().ok())
            .unwrap_or(default)
    };
    ok(json!({
        "total_api_keys": keys.len(),
        "api_keys": keys,
        "current_page": number("page_number", 0),
        "page_size": number("page_size", 10),
        "has_more_results": false,
    }))
}

/// `fetch_api_key`: a personal key of the owner under the requested id.
fn fetch_api_key(_: &RecordedRequest, ids: &[&str]) -> CannedResponse {
    ok(api_key(ids[0], Some(OWNER_USER_ID), None))
}

/// `fetch_current_api_keys`: the owner's personal key and Acme's org key.
fn current_api_keys(request: &RecordedRequest, _: &[&str]) -> CannedResponse {
    page(
        request,
        vec![
            api_key(PERSONAL_KEY_ID, Some(OWNER_USER_ID), None),
            api_key(ORG_KEY_ID, Some(OWNER_USER_ID), Some(ACME_ORG_ID)),
        ],
    )
}

/// `fetch_archived_api_keys`: one expired personal key.
fn archived_api_keys(request: &RecordedRequest, _: &[&str]) -> CannedResponse {
    let mut expired = api_key(ARCHIVED_KEY_ID, Some(OWNER_USER_ID), None);
    expired["expires_at_seconds"] = json!(fixtures::CREATED_AT + 86_400);
    page(request, vec![expired])
}

/// `create_api_key`: a new id and its token.
fn create_api_key(_: &RecordedRequest, _: &[&str]) -> CannedResponse {
    ok(json!({
        "api_key_id": "3e5a7c9b1d2f4a6c8e0b2d4f6a8c1e3b",
        "api_key_token": "3e5a7c9b1d2f4a6c8e0b2d4f6a8c1e3b7f1d9a2c4e6b8d0f2a4c6e8b1d3f5a7c",
    }))
}

/// `update_api_key`, `delete_api_key`: done.
fn empty_ok(_: &RecordedRequest, _: &[&str]) -> CannedResponse {
    ok(json!({}))
}

/// `validate_api_key`, `validate_imported_api_key`: the key's owner, by the token (see the
/// module's documentation).
fn validate_api_key(request: &RecordedRequest, _: &[&str]) -> CannedResponse {
    let token = request
        .json
        .as_ref()
        .and_then(|body| body.get("api_key_token"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let metadata = json!({"scope": "read"});
    if token.contains("generic") {
        return ok(json!({"metadata": metadata}));
    }
    let owner = fixtures::owner();
    if token.contains("org") {
        let membership = owner["org_id_to_org_info"][ACME_ORG_ID].clone();
        return ok(json!({
            "metadata": metadata,
            "user": owner,
            "org": {
                "org_id": ACME_ORG_ID,
                "org_name": "Acme",
                "url_safe_org_name": "acme",
                "max_users": 50,
                "is_saml_configured": false,
                "legacy_org_id": null,
                "metadata": {"plan": "enterprise"},
                "custom_role_mapping_name": null,
            },
            "user_in_org": membership,
        }));
    }
    ok(json!({"metadata": metadata, "user": owner}))
}

/// `import_api_key`: the new key's id.
fn import_api_key(_: &RecordedRequest, _: &[&str]) -> CannedResponse {
    ok(json!({"api_key_id": "9c1e3a5b7d9f2b4d6f8a0c2e4a6c8e1b"}))
}

/// `fetch_api_key_usage`: a day's count.
fn api_key_usage(_: &RecordedRequest, _: &[&str]) -> CannedResponse {
    ok(json!({"count": 42}))
}
