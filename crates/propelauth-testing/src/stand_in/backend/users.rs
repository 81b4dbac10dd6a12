//! User endpoints.

use serde_json::json;

use super::{Route, fixtures, ok};
use crate::stand_in::{CannedResponse, RecordedRequest};

pub(crate) const ROUTES: &[Route] = &[Route {
    method: "GET",
    pattern: "/user/{}",
    handler: user_by_id,
}];

/// `fetch_user_metadata_by_user_id`: the owner fixture under the requested id; the org info
/// only with `include_orgs=true`.
fn user_by_id(request: &RecordedRequest, ids: &[&str]) -> CannedResponse {
    let mut user = fixtures::owner();
    user["user_id"] = json!(ids[0]);
    if request.query_param("include_orgs") != Some("true") {
        user["org_id_to_org_info"] = json!({});
    }
    ok(user)
}
