//! Insight report and chart endpoints.

use serde_json::{Value, json};

use super::{Route, fixtures, ok};
use crate::samples::{ACME_ORG_ID, GLOBEX_ORG_ID, MEMBER_USER_ID, OWNER_USER_ID};
use crate::stand_in::{CannedResponse, RecordedRequest};

pub(crate) const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        pattern: "/user_report/{}",
        handler: user_report,
    },
    Route {
        method: "GET",
        pattern: "/org_report/{}",
        handler: org_report,
    },
    Route {
        method: "GET",
        pattern: "/chart_metrics/{}",
        handler: chart_metric,
    },
];

/// When the reports were computed (2025-02-01T00:00:00Z).
const REPORT_TIME: i64 = fixtures::CREATED_AT + 31 * 86_400;

/// The paging of a report, echoing the query (the service's defaults: 10, page 0).
fn paging(request: &RecordedRequest, records_key: &str, records: Vec<Value>) -> CannedResponse {
    let number = |name: &str, default: u64| {
        request
            .query_param(name)
            .and_then(|value| value.parse::<u64>().ok())
            .unwrap_or(default)
    };
    let mut page = json!({
        "current_page": number("page_number", 0),
        "page_size": number("page_size", 10),
        "total_count": records.len(),
        "has_more_results": false,
        "report_time": REPORT_TIME,
    });
    page[records_key] = Value::Array(records);
    ok(page)
}

/// A user of a report.
fn user_record(kind: &str, user_id: &str, email: &str, first_name: &str, role: &str) -> Value {
    json!({
        "id": format!("{kind}-{user_id}"),
        "report_id": format!("user-{kind}-2025-02-01"),
        "user_id": user_id,
        "email": email,
        "username": null,
        "first_name": first_name,
        "last_name": "Example",
        "last_active_at": REPORT_TIME - 3_600,
        "user_created_at": fixtures::CREATED_AT,
        "org_data": [{"org_id": ACME_ORG_ID, "display_name": "Acme", "user_role": role}],
        "extra_properties": {"num_invites": 4},
    })
}

/// `fetch_user_*_report`: the two Acme users, the report kind in their record ids.
fn user_report(request: &RecordedRequest, kinds: &[&str]) -> CannedResponse {
    let kind = kinds[0];
    paging(
        request,
        "user_reports",
        vec![
            user_record(kind, OWNER_USER_ID, "owner@acme.test", "Olive", "Owner"),
            user_record(kind, MEMBER_USER_ID, "member@acme.test", "Max", "Member"),
        ],
    )
}

/// An org of a report.
fn org_record(kind: &str, org_id: &str, name: &str, num_users: u64) -> Value {
    json!({
        "id": format!("{kind}-{org_id}"),
        "report_id": format!("org-{kind}-2025-02-01"),
        "org_id": org_id,
        "name": name,
        "num_users": num_users,
        "org_created_at": fixtures::CREATED_AT,
        "extra_properties": {"user_count_delta": 3},
    })
}

/// `fetch_org_*_report`: Acme and Globex, the report kind in their record ids.
fn org_report(request: &RecordedRequest, kinds: &[&str]) -> CannedResponse {
    let kind = kinds[0];
    paging(
        request,
        "org_reports",
        vec![
            org_record(kind, ACME_ORG_ID, "Acme", 12),
            org_record(kind, GLOBEX_ORG_ID, "Globex", 5),
        ],
    )
}

/// `fetch_chart_metric_data`: three points at the requested cadence (default daily), the
/// last one not complete.
fn chart_metric(request: &RecordedRequest, metrics: &[&str]) -> CannedResponse {
    let cadence = request.query_param("cadence").unwrap_or("Daily");
    let start = request.query_param("start_date").unwrap_or("2025-01-01");
    ok(json!({
        "chart_type": metrics[0],
        "cadence": cadence,
        "metrics": [
            {"date": start, "result": 14, "cadence_completed": true},
            {"date": "2025-01-02", "result": 9, "cadence_completed": true},
            {"date": "2025-01-03", "result": 3, "cadence_completed": false},
        ],
    }))
}
