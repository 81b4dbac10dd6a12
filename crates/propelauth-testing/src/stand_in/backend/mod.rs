//! The backend API of the stand-in: answers shaped like PropelAuth's service for every call
//! of the backend API client, one module per group of calls.
//!
//! A route is a method, a path pattern under `/api/backend/v1` (`{}` matches one segment) and
//! a function from the request and the captured segments to the answer. When two patterns
//! match, the one with more literal segments wins (`/user/email` over `/user/{}`).

use super::{CannedResponse, RecordedRequest};

pub(crate) mod api_keys;
mod employees;
pub(crate) mod fixtures;
mod orgs;
mod reports;
mod scim;
mod step_up;
mod users;

/// Prefix of every backend API path.
const API_PREFIX: &str = "/api/backend/v1";

/// What answers one route.
pub(crate) type Handler = fn(&RecordedRequest, &[&str]) -> CannedResponse;

/// One endpoint of the backend API.
pub(crate) struct Route {
    pub(crate) method: &'static str,
    pub(crate) pattern: &'static str,
    pub(crate) handler: Handler,
}

/// Every group's routes.
fn routes() -> impl Iterator<Item = &'static Route> {
    [
        users::ROUTES,
        orgs::ROUTES,
        api_keys::ROUTES,
        step_up::ROUTES,
        scim::ROUTES,
        employees::ROUTES,
        reports::ROUTES,
    ]
    .into_iter()
    .flatten()
}

/// The handler of `request` and the segments it captures, when it is a backend API call the
/// stand-in knows.
pub(crate) fn find(request: &RecordedRequest) -> Option<(Handler, Vec<&str>)> {
    let path = request.path.strip_prefix(API_PREFIX)?;
    let method = request.method.as_str();
    routes()
        .filter(|route| route.method == method)
        .filter_map(|route| Some((route, captures(route.pattern, path)?)))
        .max_by_key(|(route, _)| literal_segments(route.pattern))
        .map(|(route, captured)| (route.handler, captured))
}

/// The segments `{}` of `pattern` capture in `path`, when `path` matches.
fn captures<'p>(pattern: &str, path: &'p str) -> Option<Vec<&'p str>> {
    let mut pattern_segments = pattern.split('/');
    let mut path_segments = path.split('/');
    let mut captured = Vec::new();
    loop {
        match (pattern_segments.next(), path_segments.next()) {
            (None, None) => return Some(captured),
            (Some("{}"), Some(segment)) if !segment.is_empty() => captured.push(segment),
            (Some(expected), Some(segment)) if expected == segment => {}
            _ => return None,
        }
    }
}

fn literal_segments(pattern: &str) -> usize {
    pattern
        .split('/')
        .filter(|segment| *segment != "{}")
        .count()
}

/// A JSON body of 200.
pub(crate) fn ok(body: serde_json::Value) -> CannedResponse {
    CannedResponse::json(200, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_segments_and_prefers_literal_routes() {
        assert_eq!(captures("/user/{}", "/user/abc"), Some(vec!["abc"]));
        assert_eq!(captures("/user/{}", "/user/"), None);
        assert_eq!(captures("/user/{}", "/user/abc/def"), None);
        assert_eq!(captures("/user/", "/user/"), Some(vec![]));
        assert_eq!(
            captures("/scim/{}/groups/{}", "/scim/o/groups/g"),
            Some(vec!["o", "g"])
        );
        assert!(literal_segments("/user/email") > literal_segments("/user/{}"));
    }
}
