//! Runs the shared conformance table (`propelauth_conformance::cases`) at the validation level:
//! the same decisions every adapter must render through its framework.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use propelauth_conformance::cases::{self, CaseRequest, ObservedResponse, Route};
use propelauth_core::{
    AccessTokenQuery, Auth, OrgRequirement, Rejection, RequestCredentials, RouteTokenSources,
};

fn auth(debug: bool) -> Auth {
    propelauth_testing::test_auth_options()
        .debug(debug)
        .init()
        .unwrap()
}

fn json(status: u16, body: String) -> ObservedResponse {
    ObservedResponse {
        status,
        www_authenticate: Vec::new(),
        content_type: Some("application/json".to_owned()),
        body: body.into_bytes(),
    }
}

fn rejected(rejection: Rejection) -> ObservedResponse {
    ObservedResponse {
        status: rejection.status,
        www_authenticate: rejection
            .www_authenticate
            .map(str::to_owned)
            .into_iter()
            .collect(),
        content_type: Some(Rejection::CONTENT_TYPE.to_owned()),
        body: rejection.body.into_owned().into_bytes(),
    }
}

/// What an example server answers, computed with core alone.
fn respond(auth: &Auth, request: &CaseRequest) -> ObservedResponse {
    let header = request.authorization.as_deref();
    let route = &request.route;
    let requirement = match route {
        Route::Healthz => {
            return ObservedResponse {
                status: 200,
                www_authenticate: Vec::new(),
                content_type: Some("text/plain".to_owned()),
                body: b"ok".to_vec(),
            };
        }
        Route::WhoAmIOptional => {
            let body = match auth.optional_user(header) {
                Some(user) => serde_json::json!({ "user_id": user.user_id }),
                None => serde_json::json!({}),
            };
            return json(200, body.to_string());
        }
        Route::GroupPing | Route::GroupPingWithQuery(_) => {
            return match auth.validate_authorization_header(header) {
                Ok(_) => ObservedResponse {
                    status: 200,
                    www_authenticate: Vec::new(),
                    content_type: Some("text/plain".to_owned()),
                    body: b"pong".to_vec(),
                },
                Err(unauthorized) => rejected(unauthorized.rejection()),
            };
        }
        Route::WebSocket(query) => {
            let credentials = RequestCredentials::new(header).query(query.as_deref());
            return match auth.validate_request(&AccessTokenQuery::token_sources(), credentials) {
                // The user check passed; the framework then refuses the missing upgrade.
                Ok(_) => ObservedResponse {
                    status: 400,
                    www_authenticate: Vec::new(),
                    content_type: None,
                    body: Vec::new(),
                },
                Err(error) => rejected(error.rejection()),
            };
        }
        Route::WhoAmI | Route::WhoAmIWithQuery(_) => None,
        Route::OrgCheck(_) => Some(OrgRequirement::Member),
        Route::AdminOrOwner(_) => Some(OrgRequirement::MinimumRole("Admin")),
        Route::AdminOnly(_) => Some(OrgRequirement::ExactRole("Admin")),
        Route::Billing(_) => Some(OrgRequirement::Permission("can_view_billing")),
        Route::BillingAndReports(_) => Some(OrgRequirement::AllPermissions(&[
            "can_view_billing",
            "can_view_reports",
        ])),
    };
    let user = match auth.validate_authorization_header(header) {
        Ok(user) => user,
        Err(unauthorized) => return rejected(unauthorized.rejection()),
    };
    match (requirement, route.org_id()) {
        (Some(requirement), Some(org_id)) => match auth.check_org(&user, org_id, requirement) {
            Ok(org) => json(200, serde_json::to_string(org).unwrap()),
            Err(forbidden) => rejected(forbidden.rejection()),
        },
        _ => json(200, serde_json::to_string(&user).unwrap()),
    }
}

#[test]
fn every_case_of_the_shared_table_passes_at_the_validation_level() {
    assert!(cases::all().len() > 80, "the table lost cases");
    let mut failures = Vec::new();
    for debug in [false, true] {
        let auth = auth(debug);
        failures.extend(cases::run(debug, |request| respond(&auth, request)));
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_table_catches_a_wrong_answer() {
    // Guard against a table whose `check` accepts anything.
    let auth = auth(false);
    let table = cases::all();
    let case = table
        .iter()
        .find(|case| case.expected.status() == 401)
        .unwrap();
    let mut response = respond(&auth, &case.request);
    assert!(case.check(false, &response).is_ok());
    response.www_authenticate.push("Bearer".to_owned());
    assert!(
        case.check(false, &response).is_err(),
        "duplicate WWW-Authenticate accepted"
    );
    response.www_authenticate.truncate(1);
    response.body = br#"{"detail":"Forbidden"}"#.to_vec();
    assert!(case.check(false, &response).is_err(), "wrong body accepted");
    assert!(
        case.check(true, &respond(&auth, &case.request)).is_err(),
        "default body accepted in debug mode"
    );
}
