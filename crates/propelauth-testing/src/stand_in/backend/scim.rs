//! SCIM endpoints: Acme's groups as provisioned by its identity provider.

use serde_json::json;

use super::{Route, ok};
use crate::samples::{MEMBER_USER_ID, OWNER_USER_ID};
use crate::stand_in::{CannedResponse, RecordedRequest};

pub(crate) const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        pattern: "/scim/{}/groups",
        handler: groups,
    },
    Route {
        method: "GET",
        pattern: "/scim/{}/groups/{}",
        handler: group,
    },
];

/// Id of the engineering group.
pub(crate) const ENGINEERING_GROUP_ID: &str = "c7e9a1b3-5d7f-4a2c-8e4b-6d8f0a2c4e6b";

/// A query number, or `default`.
fn number(request: &RecordedRequest, name: &str, default: u64) -> u64 {
    request
        .query_param(name)
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// `fetch_org_scim_groups`: two groups, echoing the paging (the service names the page
/// `page_number`).
fn groups(request: &RecordedRequest, _: &[&str]) -> CannedResponse {
    ok(json!({
        "groups": [
            {
                "group_id": ENGINEERING_GROUP_ID,
                "display_name": "Engineering",
                "external_id_from_idp": "00g1a2b3c4d5e6f7g8h9",
            },
            {
                "group_id": "d8f0b2c4-6e8a-4b3d-9f5c-7e9a1b3d5f7a",
                "display_name": "Sales",
                "external_id_from_idp": null,
            },
        ],
        "total_groups": 2,
        "page_number": number(request, "page_number", 0),
        "page_size": number(request, "page_size", 10),
    }))
}

/// `fetch_scim_group`: the requested group with its two members.
fn group(_: &RecordedRequest, ids: &[&str]) -> CannedResponse {
    ok(json!({
        "group_id": ids[1],
        "display_name": "Engineering",
        "external_id_from_idp": "00g1a2b3c4d5e6f7g8h9",
        "members": [{"user_id": OWNER_USER_ID}, {"user_id": MEMBER_USER_ID}],
    }))
}
