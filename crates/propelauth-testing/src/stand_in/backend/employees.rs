//! Employee endpoints.

use serde_json::json;

use super::{Route, ok};
use crate::stand_in::{CannedResponse, RecordedRequest};

pub(crate) const ROUTES: &[Route] = &[Route {
    method: "GET",
    pattern: "/employee/{}",
    handler: employee,
}];

/// `fetch_employee_by_id`: a PropelAuth support engineer.
fn employee(_: &RecordedRequest, _: &[&str]) -> CannedResponse {
    ok(json!({"email": "support-engineer@propelauth.test"}))
}
