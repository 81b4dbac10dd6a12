//! Organization endpoints, SAML connection management included.
//!
//! The orgs are Acme and Globex of the conformance table; the org id
//! [`UNKNOWN_ORG_ID`] is answered with 404 wherever an org is addressed in the path, as the
//! service does for an org that does not exist.

use serde_json::{Value, json};

use super::{Route, fixtures, ok};
use crate::TEST_AUTH_URL;
use crate::samples::{ACME_ORG_ID, GLOBEX_ORG_ID, OWNER_USER_ID, UNKNOWN_ORG_ID};
use crate::stand_in::{CannedResponse, RecordedRequest};

pub(crate) const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        pattern: "/org/{}",
        handler: org_by_id,
    },
    Route {
        method: "GET",
        pattern: "/org/query",
        handler: org_query,
    },
    Route {
        method: "GET",
        pattern: "/custom_role_mappings",
        handler: custom_role_mappings,
    },
    Route {
        method: "GET",
        pattern: "/pending_org_invites",
        handler: pending_invites,
    },
    Route {
        method: "POST",
        pattern: "/org/",
        handler: create_org,
    },
    Route {
        method: "PUT",
        pattern: "/org/{}",
        handler: empty_for_known_org,
    },
    Route {
        method: "DELETE",
        pattern: "/org/{}",
        handler: empty_for_known_org,
    },
    Route {
        method: "POST",
        pattern: "/org/add_user",
        handler: empty,
    },
    Route {
        method: "POST",
        pattern: "/org/remove_user",
        handler: empty,
    },
    Route {
        method: "POST",
        pattern: "/org/change_role",
        handler: empty,
    },
    Route {
        method: "DELETE",
        pattern: "/pending_org_invites",
        handler: empty,
    },
    Route {
        method: "POST",
        pattern: "/org/{}/allow_saml",
        handler: empty_for_known_org,
    },
    Route {
        method: "POST",
        pattern: "/org/{}/disallow_saml",
        handler: empty_for_known_org,
    },
    Route {
        method: "POST",
        pattern: "/org/{}/create_saml_connection_link",
        handler: saml_connection_link,
    },
    Route {
        method: "GET",
        pattern: "/saml_sp_metadata/{}",
        handler: saml_sp_metadata,
    },
    Route {
        method: "POST",
        pattern: "/saml_idp_metadata",
        handler: empty_for_known_org_in_body,
    },
    Route {
        method: "POST",
        pattern: "/oidc_idp_metadata",
        handler: empty_for_known_org_in_body,
    },
    Route {
        method: "POST",
        pattern: "/saml_idp_metadata/go_live/{}",
        handler: empty_for_known_org,
    },
    Route {
        method: "DELETE",
        pattern: "/saml_idp_metadata/{}",
        handler: empty_for_known_org,
    },
];

/// Id `create_org` hands out.
const CREATED_ORG_ID: &str = "5e8a1f3c-2b7d-4c9e-8f10-3a4b5c6d7e8f";

/// Acme, as `fetch_org` describes it: SAML live, a domain with auto-join.
fn acme() -> Value {
    json!({
        "org_id": ACME_ORG_ID,
        "name": "Acme",
        "url_safe_org_slug": "acme",
        "can_setup_saml": true,
        "is_saml_configured": true,
        "is_saml_in_test_mode": false,
        "max_users": 50,
        "metadata": {"plan": "enterprise"},
        "domain": "acme.test",
        "extra_domains": ["acme-corp.test"],
        "domain_autojoin": true,
        "domain_restrict": false,
        "custom_role_mapping_name": "Enterprise roles",
        "legacy_org_id": "acme-legacy-17",
        "isolated": false,
        "password_rotation_enabled": true,
        "password_rotation_history_size": 5,
        "password_rotation_period": 7_776_000,
    })
}

/// Globex, as `fetch_org` describes it: no SAML, no domain, no limits.
fn globex() -> Value {
    json!({
        "org_id": GLOBEX_ORG_ID,
        "name": "Globex",
        "url_safe_org_slug": "globex",
        "can_setup_saml": false,
        "is_saml_configured": false,
        "is_saml_in_test_mode": false,
        "max_users": null,
        "metadata": {},
        "domain": null,
        "extra_domains": [],
        "domain_autojoin": false,
        "domain_restrict": false,
        "custom_role_mapping_name": null,
        "legacy_org_id": null,
        "isolated": false,
        "password_rotation_enabled": false,
        "password_rotation_history_size": null,
        "password_rotation_period": null,
    })
}

/// When Acme (first) and Globex (a day later) were created.
fn created_at(org_id: &str) -> i64 {
    if org_id == GLOBEX_ORG_ID {
        fixtures::CREATED_AT + 86_400
    } else {
        fixtures::CREATED_AT
    }
}

/// An org as the query listing describes it: fewer fields than `fetch_org`, plus
/// `created_at`.
fn listed(org: &Value) -> Value {
    let field = |name: &str| org.get(name).cloned().unwrap_or(Value::Null);
    let org_id = org["org_id"].as_str().unwrap_or_default();
    json!({
        "org_id": field("org_id"),
        "name": field("name"),
        "max_users": field("max_users"),
        "is_saml_configured": field("is_saml_configured"),
        "legacy_org_id": field("legacy_org_id"),
        "metadata": field("metadata"),
        "custom_role_mapping_name": field("custom_role_mapping_name"),
        "isolated": field("isolated"),
        "created_at": created_at(org_id),
    })
}

/// 404 as the service answers for an org that does not exist.
fn org_not_found() -> CannedResponse {
    CannedResponse::json(404, &json!({"error": "org_not_found"}))
}

/// A numeric query parameter, or `default` when absent or not a number.
fn number(request: &RecordedRequest, name: &str, default: usize) -> usize {
    request
        .query_param(name)
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// One page of `items` under the listing's names, paged by `page_number` / `page_size`.
fn page(request: &RecordedRequest, items: Vec<Value>, items_key: &str, total_key: &str) -> Value {
    let page_size = number(request, "page_size", 10);
    let page_number = number(request, "page_number", 0);
    let total = items.len();
    let start = page_number.saturating_mul(page_size);
    let shown: Vec<Value> = items.into_iter().skip(start).take(page_size).collect();
    let mut page = json!({
        "current_page": page_number,
        "page_size": page_size,
        "has_more_results": start.saturating_add(shown.len()) < total,
    });
    page[items_key] = Value::Array(shown);
    page[total_key] = json!(total);
    page
}

/// `fetch_org`: Acme under the requested id (Globex for its id); 404 for the unknown org.
fn org_by_id(_request: &RecordedRequest, ids: &[&str]) -> CannedResponse {
    match ids[0] {
        UNKNOWN_ORG_ID => org_not_found(),
        GLOBEX_ORG_ID => ok(globex()),
        id => {
            let mut org = acme();
            org["org_id"] = json!(id);
            ok(org)
        }
    }
}

/// `fetch_org_by_query`: Acme and Globex, filtered by `name` (substring, any case),
/// `domain` and `legacy_org_id`, ordered by `order_by`, paged.
fn org_query(request: &RecordedRequest, _ids: &[&str]) -> CannedResponse {
    let mut orgs = vec![acme(), globex()];
    if let Some(name) = request.query_param("name") {
        let name = name.to_lowercase();
        orgs.retain(|org| {
            org["name"]
                .as_str()
                .is_some_and(|org_name| org_name.to_lowercase().contains(&name))
        });
    }
    for filter in ["domain", "legacy_org_id"] {
        if let Some(value) = request.query_param(filter) {
            orgs.retain(|org| org[filter].as_str() == Some(value));
        }
    }
    // Acme was created first and sorts first by name, so only the newest-first order differs.
    if request.query_param("order_by") == Some("CREATED_AT_DESC") {
        orgs.reverse();
    }
    let listed = orgs.iter().map(listed).collect();
    ok(page(request, listed, "orgs", "total_orgs"))
}

/// `fetch_custom_role_mappings`: two mappings, one in use by Acme.
fn custom_role_mappings(_request: &RecordedRequest, _ids: &[&str]) -> CannedResponse {
    ok(json!({
        "custom_role_mappings": [
            {"custom_role_mapping_name": "Enterprise roles", "num_orgs_subscribed": 1},
            {"custom_role_mapping_name": "Starter roles", "num_orgs_subscribed": 0},
        ]
    }))
}

/// `fetch_pending_invites`: two invites to Acme (none for another org), paged.
fn pending_invites(request: &RecordedRequest, _ids: &[&str]) -> CannedResponse {
    let invite = |email: &str, role: &str, additional: &[&str], days_ago: i64| {
        let created_at = fixtures::CREATED_AT + 86_400 * (30 - days_ago);
        json!({
            "invitee_email": email,
            "org_id": ACME_ORG_ID,
            "org_name": "Acme",
            "role_in_org": role,
            "additional_roles_in_org": additional,
            "created_at": created_at,
            "expires_at": created_at + 7 * 86_400,
            "inviter_email": "owner@acme.test",
            "inviter_user_id": OWNER_USER_ID,
        })
    };
    let mut invites = vec![
        invite("new.hire@acme.test", "Member", &[], 2),
        invite("auditor@example.test", "Admin", &["Billing"], 1),
    ];
    if let Some(org_id) = request.query_param("org_id")
        && !org_id.is_empty()
        && org_id != ACME_ORG_ID
    {
        invites.clear();
    }
    ok(page(request, invites, "invites", "total_invites"))
}

/// `create_org`: the new org's id and the name asked for.
fn create_org(request: &RecordedRequest, _ids: &[&str]) -> CannedResponse {
    let name = request
        .json
        .as_ref()
        .and_then(|body| body.get("name"))
        .cloned()
        .unwrap_or(Value::Null);
    ok(json!({"org_id": CREATED_ORG_ID, "name": name}))
}

/// Mutations that answer an empty object.
fn empty(_request: &RecordedRequest, _ids: &[&str]) -> CannedResponse {
    ok(json!({}))
}

/// Mutations of one org (in the path): an empty object, or 404 for the unknown org.
fn empty_for_known_org(_request: &RecordedRequest, ids: &[&str]) -> CannedResponse {
    if ids[0] == UNKNOWN_ORG_ID {
        org_not_found()
    } else {
        ok(json!({}))
    }
}

/// Mutations of the org named by the body's `org_id`: an empty object, or 404 for the unknown
/// org.
fn empty_for_known_org_in_body(request: &RecordedRequest, _ids: &[&str]) -> CannedResponse {
    let org_id = request
        .json
        .as_ref()
        .and_then(|body| body.get("org_id"))
        .and_then(Value::as_str);
    if org_id == Some(UNKNOWN_ORG_ID) {
        org_not_found()
    } else {
        ok(json!({}))
    }
}

/// `create_org_saml_connection_link`: a setup link on the auth domain.
fn saml_connection_link(_request: &RecordedRequest, ids: &[&str]) -> CannedResponse {
    if ids[0] == UNKNOWN_ORG_ID {
        return org_not_found();
    }
    ok(json!({
        "url": format!("{TEST_AUTH_URL}/saml/setup/6f1c0b7e2a9d4e58b3c1a0f4d2e6b8c9"),
    }))
}

/// `fetch_saml_sp_metadata`: PropelAuth's SP endpoints for the org.
fn saml_sp_metadata(_request: &RecordedRequest, ids: &[&str]) -> CannedResponse {
    let org_id = ids[0];
    if org_id == UNKNOWN_ORG_ID {
        return org_not_found();
    }
    ok(json!({
        "entity_id": format!("{TEST_AUTH_URL}/saml/{org_id}/metadata"),
        "acs_url": format!("{TEST_AUTH_URL}/saml/{org_id}/acs"),
        "logout_url": format!("{TEST_AUTH_URL}/saml/{org_id}/logout"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::MEMBER_USER_ID;

    fn get(query: &[(&str, &str)]) -> RecordedRequest {
        RecordedRequest {
            method: "GET".to_owned(),
            path: "/api/backend/v1/org/query".to_owned(),
            query: query
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            headers: Vec::new(),
            body: String::new(),
            json: None,
        }
    }

    fn body(response: &CannedResponse) -> Value {
        serde_json::from_str(&response.body).unwrap()
    }

    #[test]
    fn org_query_filters_orders_and_pages() {
        let all = body(&org_query(&get(&[]), &[]));
        assert_eq!(all["total_orgs"], 2);
        assert_eq!(all["orgs"][0]["org_id"], ACME_ORG_ID);
        assert_eq!(all["has_more_results"], false);
        assert!(all["orgs"][0].get("url_safe_org_slug").is_none());

        let newest = body(&org_query(&get(&[("order_by", "CREATED_AT_DESC")]), &[]));
        assert_eq!(newest["orgs"][0]["org_id"], GLOBEX_ORG_ID);

        let by_name = body(&org_query(&get(&[("name", "glob")]), &[]));
        assert_eq!(by_name["total_orgs"], 1);
        assert_eq!(by_name["orgs"][0]["name"], "Globex");

        let second = body(&org_query(
            &get(&[("page_size", "1"), ("page_number", "1")]),
            &[],
        ));
        assert_eq!(second["orgs"].as_array().map(Vec::len), Some(1));
        assert_eq!(second["orgs"][0]["org_id"], GLOBEX_ORG_ID);
        assert_eq!(
            (second["current_page"].clone(), second["page_size"].clone()),
            (json!(1), json!(1))
        );
        let first = body(&org_query(&get(&[("page_size", "1")]), &[]));
        assert_eq!(first["has_more_results"], true);
    }

    #[test]
    fn unknown_org_is_not_found() {
        let request = get(&[]);
        assert_eq!(org_by_id(&request, &[UNKNOWN_ORG_ID]).status, 404);
        assert_eq!(empty_for_known_org(&request, &[UNKNOWN_ORG_ID]).status, 404);
        assert_eq!(saml_sp_metadata(&request, &[UNKNOWN_ORG_ID]).status, 404);
        assert_eq!(
            body(&org_by_id(&request, &[MEMBER_USER_ID]))["org_id"],
            MEMBER_USER_ID
        );
    }
}
