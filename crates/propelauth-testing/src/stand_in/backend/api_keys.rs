//! End-user API key endpoints.
//!
//! Validation answers from the stand-in's key registry, as the service does: a registered
//! key gets its answer (a personal key: `user`, no `org`; an org key: `org`, plus `user` and
//! `user_in_org` when a member created it; a generic key: neither), any other token 404. The
//! registry starts with the three sample keys of [`crate::samples`] and takes more with
//! [`StandIn::add_api_key`](crate::StandIn::add_api_key).

use std::collections::HashMap;
use std::fmt;

use serde_json::{Value, json};

use super::{Route, fixtures, ok};
use crate::samples::{ACME_ORG_ID, GENERIC_API_KEY, ORG_API_KEY, OWNER_USER_ID, PERSONAL_API_KEY};
use crate::stand_in::{CannedResponse, RecordedRequest};

/// An end-user API key the [`StandIn`](crate::StandIn) knows: what validating it answers,
/// shaped like the service's answer.
///
/// ```
/// use propelauth_testing::{StandIn, StandInApiKey};
/// use serde_json::json;
///
/// let stand_in = StandIn::start()?;
/// let user = json!({"user_id": "31c41c16-c281-44ae-9602-8a047e3bf33d", "email": "ada@example.com"});
/// stand_in.add_api_key("ada-key", StandInApiKey::personal(user).metadata(json!({"scope": "read"})));
/// stand_in.remove_api_key("ada-key"); // revoked: validation answers 404 again
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct StandInApiKey {
    answer: Value,
}

impl StandInApiKey {
    /// A user's personal key: the answer holds `user` (the user as the backend API describes
    /// users: `user_id`, `email`, `first_name`, ..., `org_id_to_org_info`) and no `org`.
    pub fn personal(user: Value) -> Self {
        Self {
            answer: json!({"metadata": null, "user": user}),
        }
    }

    /// An org's key nobody in particular created: the answer holds `org` (`org_id`,
    /// `org_name`, `max_users`, `is_saml_configured`, `legacy_org_id`, `metadata`,
    /// `custom_role_mapping_name`).
    pub fn org(org: Value) -> Self {
        Self {
            answer: json!({"metadata": null, "org": org}),
        }
    }

    /// An org's key created by a member: `org`, plus the member as `user` and their
    /// membership as `user_in_org` (`org_id`, `org_name`, `user_role`,
    /// `inherited_user_roles_plus_current_role`, `user_permissions`, ...).
    pub fn org_created_by(org: Value, user: Value, user_in_org: Value) -> Self {
        Self {
            answer: json!({"metadata": null, "org": org, "user": user, "user_in_org": user_in_org}),
        }
    }

    /// A key of no one: only `metadata`.
    pub fn generic() -> Self {
        Self {
            answer: json!({"metadata": null}),
        }
    }

    /// The custom metadata attached to the key.
    pub fn metadata(mut self, metadata: Value) -> Self {
        self.answer["metadata"] = metadata;
        self
    }

    /// The validation answer's JSON body.
    pub fn answer(&self) -> &Value {
        &self.answer
    }
}

impl fmt::Debug for StandInApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StandInApiKey")
            .field("answer", &self.answer)
            .finish()
    }
}

/// Acme as key validation describes it (`org`).
fn acme_of_api_key() -> Value {
    json!({
        "org_id": ACME_ORG_ID,
        "org_name": "Acme",
        "url_safe_org_name": "acme",
        "max_users": 50,
        "is_saml_configured": false,
        "legacy_org_id": null,
        "metadata": {"plan": "enterprise"},
        "custom_role_mapping_name": null,
    })
}

/// The registry a stand-in starts with: the sample keys of [`crate::samples`].
pub(crate) fn sample_api_keys() -> HashMap<String, StandInApiKey> {
    let owner = fixtures::owner();
    let membership = owner["org_id_to_org_info"][ACME_ORG_ID].clone();
    let scope = json!({"scope": "read"});
    HashMap::from([
        (
            PERSONAL_API_KEY.to_owned(),
            StandInApiKey::personal(owner.clone()).metadata(scope.clone()),
        ),
        (
            ORG_API_KEY.to_owned(),
            StandInApiKey::org_created_by(acme_of_api_key(), owner, membership)
                .metadata(scope.clone()),
        ),
        (
            GENERIC_API_KEY.to_owned(),
            StandInApiKey::generic().metadata(scope),
        ),
    ])
}

/// The answer of `validate_api_key` / `validate_imported_api_key` for a registered token;
/// `None` for any other request (an unregistered token then gets the route's 404).
pub(crate) fn validation(
    request: &RecordedRequest,
    keys: &HashMap<String, StandInApiKey>,
) -> Option<CannedResponse> {
    let validate = "/api/backend/v1/end_user_api_keys/validate";
    let imported = "/api/backend/v1/end_user_api_keys/validate_imported";
    if request.method != "POST" || (request.path != validate && request.path != imported) {
        return None;
    }
    let token = request
        .json
        .as_ref()
        .and_then(|body| body.get("api_key_token"))
        .and_then(Value::as_str)?;
    keys.get(token).map(|key| ok(key.answer.clone()))
}

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
        handler: unknown_api_key,
    },
    Route {
        method: "POST",
        pattern: "/end_user_api_keys/validate_imported",
        handler: unknown_api_key,
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

/// `validate_api_key`, `validate_imported_api_key` for a token the registry does not hold:
/// 404, as the service answers an unknown, expired or revoked key.
fn unknown_api_key(_: &RecordedRequest, _: &[&str]) -> CannedResponse {
    CannedResponse::json(404, &json!({"error": "not_found"}))
}

/// `import_api_key`: the new key's id.
fn import_api_key(_: &RecordedRequest, _: &[&str]) -> CannedResponse {
    ok(json!({"api_key_id": "9c1e3a5b7d9f2b4d6f8a0c2e4a6c8e1b"}))
}

/// `fetch_api_key_usage`: a day's count.
fn api_key_usage(_: &RecordedRequest, _: &[&str]) -> CannedResponse {
    ok(json!({"count": 42}))
}
