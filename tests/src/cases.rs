//! The conformance table: one list of requests with their expected answers, covering every
//! header, token, claims and role rule of docs/reference.md and every route of the example
//! servers.
//!
//! Every adapter runs the same table through its framework (a *driver* answers each
//! [`Case::request`], and [`run`] checks the answers with [`Case::check`]);
//! `tests/case_table.rs` runs it at the validation level, with core alone. The users and orgs
//! are the test kit's [`samples`](propelauth_testing::samples). The expected bodies are written out literally here, independently of
//! core's constants, so the table is an oracle and not a mirror.
//!
//! ```
//! let cases = propelauth_conformance::cases::all();
//! assert!(cases.iter().any(|case| case.expected.status() == 403));
//! let names: std::collections::HashSet<_> = cases.iter().map(|case| &case.name).collect();
//! assert_eq!(names.len(), cases.len(), "case names are unique");
//! ```

use serde_json::{Value, json};

// Every sample user, org and token builder: the table is written in their terms.
use propelauth_testing::samples::*;
use propelauth_testing::{OrgClaim, TEST_ISSUER, TokenBuilder, TokenVariant, unix_now};

/// A route of the example servers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `GET /healthz`: no protection, body `ok`.
    Healthz,
    /// `GET /api/whoami`: require_user, body the `User`.
    WhoAmI,
    /// `GET /api/whoami_optional`: optional_user, body `{"user_id": ...}` or `{}`.
    WhoAmIOptional,
    /// `GET /api/org/{org_id}/check`: require_org_member.
    OrgCheck(String),
    /// `GET /api/org/{org_id}/admin_or_owner`: minimum role "Admin".
    AdminOrOwner(String),
    /// `GET /api/org/{org_id}/admin_only`: exact role "Admin".
    AdminOnly(String),
    /// `GET /api/org/{org_id}/billing`: permission "can_view_billing".
    Billing(String),
    /// `GET /api/org/{org_id}/billing_and_reports`: permissions "can_view_billing" and
    /// "can_view_reports".
    BillingAndReports(String),
    /// `GET /api/group/ping`: protected by the route group alone, body `pong`.
    GroupPing,
    /// `GET /api/ws` (the WebSocket route) without upgrade headers, with this raw query
    /// string (`access_token=...`) when given: the handshake is checked before the upgrade,
    /// so a refused one is the usual 401.
    WebSocket(Option<String>),
    /// `GET /api/whoami?<query>`: a route that reads the header only, with a query string.
    WhoAmIWithQuery(String),
    /// `GET /api/group/ping?<query>`: the group reads the header only.
    GroupPingWithQuery(String),
}

impl Route {
    /// The request path.
    pub fn path(&self) -> String {
        match self {
            Self::Healthz => "/healthz".to_owned(),
            Self::WhoAmI => "/api/whoami".to_owned(),
            Self::WhoAmIOptional => "/api/whoami_optional".to_owned(),
            Self::OrgCheck(org) => format!("/api/org/{org}/check"),
            Self::AdminOrOwner(org) => format!("/api/org/{org}/admin_or_owner"),
            Self::AdminOnly(org) => format!("/api/org/{org}/admin_only"),
            Self::Billing(org) => format!("/api/org/{org}/billing"),
            Self::BillingAndReports(org) => format!("/api/org/{org}/billing_and_reports"),
            Self::GroupPing => "/api/group/ping".to_owned(),
            Self::WebSocket(None) => "/api/ws".to_owned(),
            Self::WebSocket(Some(query)) => format!("/api/ws?{query}"),
            Self::WhoAmIWithQuery(query) => format!("/api/whoami?{query}"),
            Self::GroupPingWithQuery(query) => format!("/api/group/ping?{query}"),
        }
    }

    /// The org id in the path, for org routes.
    pub fn org_id(&self) -> Option<&str> {
        match self {
            Self::OrgCheck(org)
            | Self::AdminOrOwner(org)
            | Self::AdminOnly(org)
            | Self::Billing(org)
            | Self::BillingAndReports(org) => Some(org),
            Self::Healthz
            | Self::WhoAmI
            | Self::WhoAmIOptional
            | Self::GroupPing
            | Self::WebSocket(_)
            | Self::WhoAmIWithQuery(_)
            | Self::GroupPingWithQuery(_) => None,
        }
    }
}

/// The request of a case: a route and the raw `Authorization` header value, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRequest {
    /// Which route is called.
    pub route: Route,
    /// The `Authorization` header's raw bytes; `None` sends no header.
    pub authorization: Option<Vec<u8>>,
}

/// What the answer must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// 200 with body `ok`.
    Healthy,
    /// 200 with the `User` as JSON.
    User {
        /// Its `user_id`.
        user_id: String,
    },
    /// 200 with `{"user_id": ...}` for `Some`, `{}` for `None`.
    OptionalUser(Option<String>),
    /// 200 with the `OrgMemberInfo` as JSON.
    Member {
        /// Its `org_id`.
        org_id: String,
        /// Its `user_assigned_role`.
        role: String,
    },
    /// 401.
    Unauthorized {
        /// The debug-mode detail. For invalid tokens it may be followed by `: <reason>`.
        debug_detail: &'static str,
        /// Whether a token was sent (then `WWW-Authenticate: Bearer error="invalid_token"`).
        token_sent: bool,
    },
    /// 403.
    Forbidden {
        /// The debug-mode detail.
        debug_detail: String,
    },
    /// 200 with body `pong` (the route group's route).
    Pong,
    /// The framework's own refusal of a WebSocket route's request that passed the user check
    /// but has no upgrade headers: a 4xx other than 401, 403 and 404. Its bytes are the
    /// framework's (all four answer 400, with different bodies), so the byte-identity
    /// comparison across adapters leaves these cases out.
    NotAWebSocket,
    /// 503 `{"detail":"Service Unavailable"}` (an API key PropelAuth could not check).
    ServiceUnavailable,
}

impl Expected {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            Self::Healthy
            | Self::User { .. }
            | Self::OptionalUser(_)
            | Self::Member { .. }
            | Self::Pong => 200,
            Self::Unauthorized { .. } => 401,
            Self::Forbidden { .. } => 403,
            Self::NotAWebSocket => 400,
            Self::ServiceUnavailable => 503,
        }
    }

    /// The `WWW-Authenticate` header value, if one is expected.
    pub fn www_authenticate(&self) -> Option<&'static str> {
        match self {
            Self::Unauthorized {
                token_sent: true, ..
            } => Some(r#"Bearer error="invalid_token""#),
            Self::Unauthorized {
                token_sent: false, ..
            } => Some("Bearer"),
            _ => None,
        }
    }
}

/// A response as a driver saw it.
#[derive(Clone, PartialEq, Eq)]
pub struct ObservedResponse {
    /// Status code.
    pub status: u16,
    /// Every `WWW-Authenticate` header value (so a duplicate is caught).
    pub www_authenticate: Vec<String>,
    /// The `Content-Type` header value, if any.
    pub content_type: Option<String>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl std::fmt::Debug for ObservedResponse {
    /// Shows the body as text, so a failed comparison is readable.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObservedResponse")
            .field("status", &self.status)
            .field("www_authenticate", &self.www_authenticate)
            .field("content_type", &self.content_type)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Unique, descriptive name (shown when the case fails).
    pub name: String,
    /// What to send.
    pub request: CaseRequest,
    /// What must come back.
    pub expected: Expected,
}

impl Case {
    /// Checks a response against the expectation; `debug` says whether the app runs in
    /// debug mode. The error names the case and what differs.
    pub fn check(&self, debug: bool, response: &ObservedResponse) -> Result<(), String> {
        let fail = |what: String| Err(format!("case `{}` (debug: {debug}): {what}", self.name));
        let expected = &self.expected;
        if let Expected::NotAWebSocket = expected {
            let refused = (400..500).contains(&response.status)
                && ![401, 403, 404].contains(&response.status);
            return if refused {
                Ok(())
            } else {
                fail(format!(
                    "status {} instead of the framework's refusal of a request without upgrade \
                     headers; body {}",
                    response.status,
                    String::from_utf8_lossy(&response.body)
                ))
            };
        }
        if response.status != expected.status() {
            return fail(format!(
                "status {} instead of {}; body {}",
                response.status,
                expected.status(),
                String::from_utf8_lossy(&response.body)
            ));
        }
        let www: Vec<&str> = expected.www_authenticate().into_iter().collect();
        if response.www_authenticate != www {
            return fail(format!(
                "WWW-Authenticate {:?} instead of {www:?}",
                response.www_authenticate
            ));
        }
        let body = String::from_utf8_lossy(&response.body);
        if let Expected::Healthy = expected {
            return if body == "ok" {
                Ok(())
            } else {
                fail(format!("body {body:?} instead of \"ok\""))
            };
        }
        if let Expected::Pong = expected {
            return if body == "pong" {
                Ok(())
            } else {
                fail(format!("body {body:?} instead of \"pong\""))
            };
        }
        if !response
            .content_type
            .as_deref()
            .is_some_and(|content_type| content_type.starts_with("application/json"))
        {
            return fail(format!(
                "content type {:?}, not JSON",
                response.content_type
            ));
        }
        let json: Value = match serde_json::from_slice(&response.body) {
            Ok(json) => json,
            Err(error) => return fail(format!("body is not JSON ({error}): {body}")),
        };
        match check_body(expected, debug, &body, &json) {
            Ok(()) => Ok(()),
            Err(what) => fail(what),
        }
    }
}

fn check_body(expected: &Expected, debug: bool, body: &str, json: &Value) -> Result<(), String> {
    let field = |name: &str| json.get(name).and_then(Value::as_str).map(str::to_owned);
    match expected {
        Expected::Healthy | Expected::Pong | Expected::NotAWebSocket => Ok(()),
        Expected::ServiceUnavailable => {
            let default = r#"{"detail":"Service Unavailable"}"#;
            let detail = json
                .get("detail")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let matches = if debug {
                detail.starts_with("Service Unavailable")
            } else {
                body == default
            };
            matches
                .then_some(())
                .ok_or_else(|| format!("body {body} is not the 503"))
        }
        Expected::User { user_id } => (field("user_id").as_deref() == Some(user_id.as_str()))
            .then_some(())
            .ok_or_else(|| format!("body {body} is not user {user_id}")),
        Expected::OptionalUser(user_id) => {
            let wanted = match user_id {
                Some(user_id) => json!({ "user_id": user_id }),
                None => json!({}),
            };
            (*json == wanted)
                .then_some(())
                .ok_or_else(|| format!("body {body} instead of {wanted}"))
        }
        Expected::Member { org_id, role } => (field("org_id").as_deref() == Some(org_id.as_str())
            && field("user_assigned_role").as_deref() == Some(role.as_str()))
        .then_some(())
        .ok_or_else(|| format!("body {body} is not org {org_id} with role {role}")),
        Expected::Unauthorized { debug_detail, .. } => {
            check_detail(body, json, debug, "Unauthorized", debug_detail, true)
        }
        Expected::Forbidden { debug_detail } => {
            check_detail(body, json, debug, "Forbidden", debug_detail, false)
        }
    }
}

/// The body must be exactly `{"detail":"<default>"}` outside debug mode; in debug mode the
/// detail must be `debug_detail`, or (when `reason_allowed`) start with `debug_detail: `.
fn check_detail(
    body: &str,
    json: &Value,
    debug: bool,
    default: &str,
    debug_detail: &str,
    reason_allowed: bool,
) -> Result<(), String> {
    if !debug {
        let wanted = format!(r#"{{"detail":"{default}"}}"#);
        return (body == wanted)
            .then_some(())
            .ok_or_else(|| format!("body {body} instead of {wanted}"));
    }
    let detail = json
        .get("detail")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let only_detail = json.as_object().is_some_and(|object| object.len() == 1);
    let matches = detail == debug_detail
        || (reason_allowed
            && debug_detail == "Invalid access token"
            && detail.starts_with("Invalid access token: "));
    (only_detail && matches)
        .then_some(())
        .ok_or_else(|| format!("debug body {body}, expected detail {debug_detail:?}"))
}

/// Runs the whole table through `send`, which answers one request the way the app under test
/// does (running with debug mode `debug`). Returns every failure, one line each.
///
/// A driver for a framework is a few lines: build the app with an auth handle from
/// [`test_auth_options`](propelauth_testing::test_auth_options) (with `.debug(debug)`), then turn each
/// [`CaseRequest`] into a request and the response into an [`ObservedResponse`].
pub fn run(debug: bool, mut send: impl FnMut(&CaseRequest) -> ObservedResponse) -> Vec<String> {
    all()
        .iter()
        .filter_map(|case| case.check(debug, &send(&case.request)).err())
        .collect()
}

fn bearer(token: &str) -> Vec<u8> {
    format!("Bearer {token}").into_bytes()
}

struct Table(Vec<Case>);

impl Table {
    fn add(
        &mut self,
        name: &str,
        route: Route,
        authorization: Option<Vec<u8>>,
        expected: Expected,
    ) {
        self.0.push(Case {
            name: name.to_owned(),
            request: CaseRequest {
                route,
                authorization,
            },
            expected,
        });
    }

    /// A token case on `/api/whoami`.
    fn whoami(&mut self, name: &str, token: &str, expected: Expected) {
        self.add(name, Route::WhoAmI, Some(bearer(token)), expected);
    }
}

fn user(user_id: &str) -> Expected {
    Expected::User {
        user_id: user_id.to_owned(),
    }
}

const NO_HEADER: Expected = Expected::Unauthorized {
    debug_detail: "No authorization header found",
    token_sent: false,
};
const MALFORMED_HEADER: Expected = Expected::Unauthorized {
    debug_detail: "Invalid authorization header. Expected: Bearer {accessToken}",
    token_sent: false,
};
const INVALID_TOKEN: Expected = Expected::Unauthorized {
    debug_detail: "Invalid access token",
    token_sent: true,
};
const INVALID_PAYLOAD: Expected = Expected::Unauthorized {
    debug_detail: "Invalid payload in token",
    token_sent: true,
};

fn member(org_id: &str, role: &str) -> Expected {
    Expected::Member {
        org_id: org_id.to_owned(),
        role: role.to_owned(),
    }
}

fn forbidden(detail: &str) -> Expected {
    Expected::Forbidden {
        debug_detail: detail.to_owned(),
    }
}

/// The whole table. Tokens are minted now, with times relative to now.
pub fn all() -> Vec<Case> {
    let mut table = Table(Vec::new());
    header_cases(&mut table);
    token_cases(&mut table);
    claims_cases(&mut table);
    route_cases(&mut table);
    ways_in_cases(&mut table);
    table.0
}

/// The route group and the WebSocket route's handshake (as plain GETs without upgrade
/// headers), through the example routes.
fn ways_in_cases(table: &mut Table) {
    let member = member_token().sign();
    let expired = member_token().expires_in(-3600).sign();
    let query = |token: &str| Some(format!("access_token={token}"));
    let rows: Vec<(&str, Route, Option<Vec<u8>>, Expected)> = vec![
        ("group: no token", Route::GroupPing, None, NO_HEADER),
        (
            "group: malformed header",
            Route::GroupPing,
            Some(b"Token abc".to_vec()),
            MALFORMED_HEADER,
        ),
        (
            "group: bad token",
            Route::GroupPing,
            Some(b"Bearer abc.def.ghi".to_vec()),
            INVALID_TOKEN,
        ),
        (
            "group: expired token",
            Route::GroupPing,
            Some(bearer(&expired)),
            INVALID_TOKEN,
        ),
        (
            "group: good token",
            Route::GroupPing,
            Some(bearer(&member)),
            Expected::Pong,
        ),
        (
            "websocket: no token, no upgrade",
            Route::WebSocket(None),
            None,
            NO_HEADER,
        ),
        (
            "websocket: bad query token",
            Route::WebSocket(query("abc.def.ghi")),
            None,
            INVALID_TOKEN,
        ),
        (
            "websocket: expired query token",
            Route::WebSocket(query(&expired)),
            None,
            INVALID_TOKEN,
        ),
        (
            "websocket: query parameter given twice",
            Route::WebSocket(Some(format!("access_token={member}&access_token={member}"))),
            None,
            INVALID_TOKEN,
        ),
        (
            "websocket: another query parameter is not read",
            Route::WebSocket(Some(format!("token={member}"))),
            None,
            NO_HEADER,
        ),
        (
            "websocket: a bad header wins over a good query token",
            Route::WebSocket(query(&member)),
            Some(b"Bearer abc.def.ghi".to_vec()),
            INVALID_TOKEN,
        ),
        (
            "websocket: a malformed header wins over a good query token",
            Route::WebSocket(query(&member)),
            Some(b"Token abc".to_vec()),
            MALFORMED_HEADER,
        ),
        (
            "websocket: good query token, no upgrade",
            Route::WebSocket(query(&member)),
            None,
            Expected::NotAWebSocket,
        ),
        (
            "websocket: good header token, no upgrade",
            Route::WebSocket(None),
            Some(bearer(&member)),
            Expected::NotAWebSocket,
        ),
        (
            "whoami: the query parameter is not read elsewhere",
            Route::WhoAmIWithQuery(format!("access_token={member}")),
            None,
            NO_HEADER,
        ),
        (
            "group: the query parameter is not read there",
            Route::GroupPingWithQuery(format!("access_token={member}")),
            None,
            NO_HEADER,
        ),
    ];
    for (name, route, authorization, expected) in rows {
        table.add(name, route, authorization, expected);
    }
}

/// End-user API keys, for an app whose handle accepts personal keys and asks the test kit's
/// [`StandIn`](propelauth_testing::StandIn) (its sample keys): run by every driver with such
/// a handle. The whole table above passes with personal keys on too, outside debug mode
/// (where a non-JWT bearer's detail names the API key instead of the token).
pub fn api_key_cases() -> Vec<Case> {
    let mut table = Table(Vec::new());
    let key = |key: &str| Some(bearer(key));
    let invalid_key = |debug_detail| Expected::Unauthorized {
        debug_detail,
        token_sent: true,
    };
    let rows: Vec<(&str, Route, Option<Vec<u8>>, Expected)> = vec![
        (
            "api key: personal key is the user",
            Route::WhoAmI,
            key(PERSONAL_API_KEY),
            user(OWNER_USER_ID),
        ),
        (
            "api key: personal key with its orgs",
            Route::OrgCheck(ACME_ORG_ID.to_owned()),
            key(PERSONAL_API_KEY),
            member(ACME_ORG_ID, "Owner"),
        ),
        (
            "api key: personal key in the group",
            Route::GroupPing,
            key(PERSONAL_API_KEY),
            Expected::Pong,
        ),
        (
            "api key: personal key, optional",
            Route::WhoAmIOptional,
            key(PERSONAL_API_KEY),
            Expected::OptionalUser(Some(OWNER_USER_ID.to_owned())),
        ),
        (
            "api key: org key is not a user",
            Route::WhoAmI,
            key(ORG_API_KEY),
            invalid_key("Invalid API key: not a personal API key"),
        ),
        (
            "api key: org key in the group",
            Route::GroupPing,
            key(ORG_API_KEY),
            invalid_key("Invalid API key: not a personal API key"),
        ),
        (
            "api key: generic key is not a user",
            Route::WhoAmI,
            key(GENERIC_API_KEY),
            invalid_key("Invalid API key: not a personal API key"),
        ),
        (
            "api key: unknown key",
            Route::WhoAmI,
            key("unknown-key"),
            invalid_key("Invalid API key: the key is unknown, expired or revoked"),
        ),
        (
            "api key: unknown key, optional",
            Route::WhoAmIOptional,
            key("unknown-key"),
            Expected::OptionalUser(None),
        ),
        (
            "api key: never read from the query",
            Route::WebSocket(Some(format!("access_token={PERSONAL_API_KEY}"))),
            None,
            INVALID_TOKEN,
        ),
        (
            "api key: access tokens work as before",
            Route::WhoAmI,
            Some(bearer(&member_token().sign())),
            user(MEMBER_USER_ID),
        ),
    ];
    for (name, route, authorization, expected) in rows {
        table.add(name, route, authorization, expected);
    }
    table.0
}

/// For an app that accepts personal keys while PropelAuth cannot be reached: a key is a 503
/// (never a 401 that would make a client drop a good key), `optional_user` is no user, and
/// access tokens are not affected.
pub fn unavailable_cases() -> Vec<Case> {
    let mut table = Table(Vec::new());
    let key = || Some(bearer(PERSONAL_API_KEY));
    table.add(
        "unavailable: personal key",
        Route::WhoAmI,
        key(),
        Expected::ServiceUnavailable,
    );
    table.add(
        "unavailable: personal key in the group",
        Route::GroupPing,
        key(),
        Expected::ServiceUnavailable,
    );
    table.add(
        "unavailable: personal key, optional",
        Route::WhoAmIOptional,
        key(),
        Expected::OptionalUser(None),
    );
    table.add(
        "unavailable: access token",
        Route::WhoAmI,
        Some(bearer(&owner_token().sign())),
        user(OWNER_USER_ID),
    );
    table.0
}

/// Reading the header.
fn header_cases(table: &mut Table) {
    let token = owner_token().sign();
    let owner = || user(OWNER_USER_ID);
    for (name, scheme_and_spacing) in [
        ("header: Bearer", format!("Bearer {token}")),
        ("header: lower-case bearer", format!("bearer {token}")),
        ("header: upper-case BEARER", format!("BEARER {token}")),
        ("header: two spaces", format!("Bearer  {token}")),
        ("header: trailing space", format!("Bearer {token} ")),
    ] {
        table.add(
            name,
            Route::WhoAmI,
            Some(scheme_and_spacing.into_bytes()),
            owner(),
        );
    }
    table.add("header: missing", Route::WhoAmI, None, NO_HEADER);
    table.add("header: empty", Route::WhoAmI, Some(Vec::new()), NO_HEADER);
    for (name, header) in [
        (
            "header: Token scheme",
            format!("Token {token}").into_bytes(),
        ),
        ("header: Basic scheme", b"Basic dXNlcjpwYXNz".to_vec()),
        ("header: token without scheme", token.clone().into_bytes()),
        ("header: Bearer alone", b"Bearer".to_vec()),
        ("header: Bearer and spaces", b"Bearer   ".to_vec()),
        (
            "header: non-ASCII byte",
            format!("Bearer {token}\u{e9}").into_bytes(),
        ),
        (
            "header: longer than 16 KiB",
            format!("Bearer {}", "a".repeat(16 * 1024)).into_bytes(),
        ),
    ] {
        table.add(name, Route::WhoAmI, Some(header), MALFORMED_HEADER);
    }
    table.add(
        "header: token containing a space",
        Route::WhoAmI,
        Some(b"Bearer a b".to_vec()),
        INVALID_TOKEN,
    );
}

/// Signature, algorithm, time and issuer.
fn token_cases(table: &mut Table) {
    let owner = owner_token();
    for variant in TokenVariant::HOSTILE {
        let name = format!("token: {variant:?}");
        table.whoami(&name, &owner.sign_variant(variant), INVALID_TOKEN);
    }
    for (name, token) in [
        ("token: garbage", "garbage".to_owned()),
        ("token: three empty segments", "..".to_owned()),
        ("token: not base64", "a$.b$.c$".to_owned()),
        ("token: four segments", format!("{}.x", owner.sign())),
    ] {
        table.whoami(name, &token, INVALID_TOKEN);
    }
    let accepted = [
        (
            "time: expired 30 s ago, inside the leeway",
            owner.clone().expires_in(-30),
        ),
        (
            "time: iat 30 s ahead, inside the leeway",
            owner.clone().issued_at_offset(30),
        ),
        (
            "time: nbf 30 s ahead, inside the leeway",
            owner.clone().not_before_offset(30),
        ),
        (
            "time: nbf in the past",
            owner.clone().not_before_offset(-600),
        ),
        (
            "time: fractional exp",
            owner.clone().claim("exp", json!(unix_now() as f64 + 600.5)),
        ),
        (
            "claims: aud is ignored",
            owner.clone().claim("aud", json!(["x", "y"])),
        ),
        (
            "claims: odd aud is ignored",
            owner.clone().claim("aud", json!(42)),
        ),
    ];
    for (name, builder) in accepted {
        table.whoami(name, &builder.sign(), user(OWNER_USER_ID));
    }
    let rejected = [
        ("time: expired 90 s ago", owner.clone().expires_in(-90)),
        ("time: iat 90 s ahead", owner.clone().issued_at_offset(90)),
        ("time: nbf 90 s ahead", owner.clone().not_before_offset(90)),
        (
            "time: string exp",
            owner
                .clone()
                .claim("exp", json!((unix_now() + 600).to_string())),
        ),
        ("time: missing exp", owner.clone().without_claim("exp")),
        ("time: missing iat", owner.clone().without_claim("iat")),
        ("issuer: missing", owner.clone().without_claim("iss")),
        (
            "issuer: other host",
            owner.clone().issuer("https://evil.test"),
        ),
        (
            "issuer: trailing slash",
            owner.clone().issuer(&format!("{}/", TEST_ISSUER)),
        ),
        (
            "issuer: http variant",
            owner
                .clone()
                .issuer(&TEST_ISSUER.replace("https://", "http://")),
        ),
        ("issuer: not a string", owner.clone().claim("iss", json!(1))),
        (
            "time: expired and no user_id",
            owner.clone().expires_in(-90).without_claim("user_id"),
        ),
    ];
    for (name, builder) in rejected {
        table.whoami(name, &builder.sign(), INVALID_TOKEN);
    }
}

/// Claims → User.
fn claims_cases(table: &mut Table) {
    let owner = owner_token();
    table.whoami(
        "claims: no user_id",
        &owner.clone().without_claim("user_id").sign(),
        INVALID_PAYLOAD,
    );
    table.whoami(
        "claims: null user_id",
        &owner.clone().claim("user_id", Value::Null).sign(),
        INVALID_PAYLOAD,
    );
    // Only a token that names no user is an invalid payload; every other claim the user
    // cannot be built from makes it an invalid token.
    table.whoami(
        "claims: user_id not a string",
        &owner.clone().claim("user_id", json!(7)).sign(),
        INVALID_TOKEN,
    );
    let acme = || OrgClaim::new(ACME_ORG_ID, "Acme", "Owner");
    for key in [
        "org_id",
        "org_name",
        "url_safe_org_name",
        "org_metadata",
        "user_role",
        "inherited_user_roles_plus_current_role",
        "user_permissions",
    ] {
        let token = no_org_token().org(acme().without_field(key)).sign();
        table.whoami(&format!("claims: org without {key}"), &token, INVALID_TOKEN);
        let token = no_org_token().active_org(acme().without_field(key)).sign();
        table.whoami(
            &format!("claims: active org without {key}"),
            &token,
            INVALID_TOKEN,
        );
    }
    table.whoami(
        "claims: unknown role structure",
        &no_org_token()
            .org(acme().field("org_role_structure", json!("flat")))
            .sign(),
        INVALID_TOKEN,
    );
    table.whoami(
        "claims: org permissions not a list",
        &no_org_token()
            .org(acme().field("user_permissions", json!("can_view_billing")))
            .sign(),
        INVALID_TOKEN,
    );
    table.whoami(
        "claims: org entry not an object",
        &no_org_token()
            .claim("org_id_to_org_member_info", json!({ ACME_ORG_ID: "Owner" }))
            .sign(),
        INVALID_TOKEN,
    );
    table.whoami(
        "claims: org without org_name and no user_id",
        &no_org_token()
            .org(acme().without_field("org_name"))
            .without_claim("user_id")
            .sign(),
        INVALID_PAYLOAD,
    );
    let minimal = TokenBuilder::new(NO_ORG_USER_ID).without_claim("login_method");
    table.whoami("claims: minimal", &minimal.sign(), user(NO_ORG_USER_ID));
    for (name, login_method) in [
        (
            "claims: unknown login method",
            json!({"login_method": "carrier_pigeon"}),
        ),
        (
            "claims: unknown social provider",
            json!({"login_method": "social_sso", "provider": "MySpace"}),
        ),
        ("claims: login method not an object", json!(12)),
        (
            "claims: SAML login",
            json!({"login_method": "saml_sso", "provider": "Okta", "org_id": ACME_ORG_ID}),
        ),
    ] {
        let token = no_org_token().login_method(login_method).sign();
        table.whoami(name, &token, user(NO_ORG_USER_ID));
    }
    table.whoami(
        "claims: null values for optional fields",
        &no_org_token()
            .claim("email", Value::Null)
            .claim("properties", Value::Null)
            .claim("org_id_to_org_member_info", Value::Null)
            .sign(),
        user(NO_ORG_USER_ID),
    );
    table.whoami(
        "claims: properties and metadata of any shape",
        &no_org_token()
            .properties(json!({"plan": "pro", "seats": 3, "nested": {"a": [1, 2]}}))
            .metadata(json!(["any", "json"]))
            .sign(),
        user(NO_ORG_USER_ID),
    );

    let null_role = no_org_token()
        .org(acme().field("user_role", Value::Null))
        .sign();
    table.add(
        "claims: org with null role is dropped",
        Route::OrgCheck(ACME_ORG_ID.to_owned()),
        Some(bearer(&null_role)),
        forbidden(&format!("User is not a member of org {ACME_ORG_ID}")),
    );
    let active = no_org_token()
        .active_org(
            OrgClaim::new(ACME_ORG_ID, "Acme", "Admin").inherited_roles(["Admin", "Member"]),
        )
        .org(OrgClaim::new(GLOBEX_ORG_ID, "Globex", "Owner"))
        .sign();
    table.add(
        "claims: active org form",
        Route::AdminOrOwner(ACME_ORG_ID.to_owned()),
        Some(bearer(&active)),
        member(ACME_ORG_ID, "Admin"),
    );
    table.add(
        "claims: active org wins over the map",
        Route::OrgCheck(GLOBEX_ORG_ID.to_owned()),
        Some(bearer(&active)),
        forbidden(&format!("User is not a member of org {GLOBEX_ORG_ID}")),
    );
}

/// Roles, permissions and the org checks through the example routes.
fn route_cases(table: &mut Table) {
    let owner = bearer(&owner_token().sign());
    let member_header = bearer(&member_token().sign());
    let solo = bearer(&no_org_token().sign());
    let lower_case_admin = bearer(
        &no_org_token()
            .org(OrgClaim::new(ACME_ORG_ID, "Acme", "admin").inherited_roles(["admin", "member"]))
            .sign(),
    );
    let acme = || ACME_ORG_ID.to_owned();
    let globex = || GLOBEX_ORG_ID.to_owned();
    let not_member = |org: &str| forbidden(&format!("User is not a member of org {org}"));
    let no_role = || forbidden("User doesn't have required role");
    let no_permission = || forbidden("User doesn't have required permission");

    let rows: Vec<(&str, Route, Option<Vec<u8>>, Expected)> = vec![
        (
            "route: healthz without a token",
            Route::Healthz,
            None,
            Expected::Healthy,
        ),
        (
            "route: healthz ignores a bad token",
            Route::Healthz,
            Some(b"Bearer x".to_vec()),
            Expected::Healthy,
        ),
        (
            "route: whoami",
            Route::WhoAmI,
            Some(owner.clone()),
            user(OWNER_USER_ID),
        ),
        (
            "route: optional with a user",
            Route::WhoAmIOptional,
            Some(owner.clone()),
            Expected::OptionalUser(Some(OWNER_USER_ID.to_owned())),
        ),
        (
            "route: optional without a header",
            Route::WhoAmIOptional,
            None,
            Expected::OptionalUser(None),
        ),
        (
            "route: optional with a malformed header",
            Route::WhoAmIOptional,
            Some(b"Token abc".to_vec()),
            Expected::OptionalUser(None),
        ),
        (
            "route: optional with an invalid token",
            Route::WhoAmIOptional,
            Some(b"Bearer abc.def.ghi".to_vec()),
            Expected::OptionalUser(None),
        ),
        (
            "route: optional with an expired token",
            Route::WhoAmIOptional,
            Some(bearer(&owner_token().expires_in(-3600).sign())),
            Expected::OptionalUser(None),
        ),
        (
            "route: check without a header",
            Route::OrgCheck(acme()),
            None,
            NO_HEADER,
        ),
        (
            "route: check with an invalid token",
            Route::OrgCheck(acme()),
            Some(b"Bearer abc".to_vec()),
            INVALID_TOKEN,
        ),
        (
            "route: check, member",
            Route::OrgCheck(acme()),
            Some(member_header.clone()),
            member(ACME_ORG_ID, "Member"),
        ),
        (
            "route: check, not a member",
            Route::OrgCheck(UNKNOWN_ORG_ID.to_owned()),
            Some(owner.clone()),
            not_member(UNKNOWN_ORG_ID),
        ),
        (
            "route: check, user in no org",
            Route::OrgCheck(acme()),
            Some(solo.clone()),
            not_member(ACME_ORG_ID),
        ),
        (
            "route: check, org id is case-sensitive",
            Route::OrgCheck(ACME_ORG_ID.to_uppercase()),
            Some(owner.clone()),
            not_member(&ACME_ORG_ID.to_uppercase()),
        ),
        (
            "route: admin_or_owner, Owner",
            Route::AdminOrOwner(acme()),
            Some(owner.clone()),
            member(ACME_ORG_ID, "Owner"),
        ),
        (
            "route: admin_or_owner, Member",
            Route::AdminOrOwner(acme()),
            Some(member_header.clone()),
            no_role(),
        ),
        (
            "route: admin_or_owner, multi-role Admin",
            Route::AdminOrOwner(globex()),
            Some(owner.clone()),
            member(GLOBEX_ORG_ID, "Admin"),
        ),
        (
            "route: admin_or_owner, lower-case admin",
            Route::AdminOrOwner(acme()),
            Some(lower_case_admin.clone()),
            no_role(),
        ),
        (
            "route: admin_or_owner, not a member",
            Route::AdminOrOwner(UNKNOWN_ORG_ID.to_owned()),
            Some(owner.clone()),
            not_member(UNKNOWN_ORG_ID),
        ),
        (
            "route: admin_only, Owner is not exactly Admin",
            Route::AdminOnly(acme()),
            Some(owner.clone()),
            no_role(),
        ),
        (
            "route: admin_only, multi-role Admin",
            Route::AdminOnly(globex()),
            Some(owner.clone()),
            member(GLOBEX_ORG_ID, "Admin"),
        ),
        (
            "route: admin_only, Member",
            Route::AdminOnly(acme()),
            Some(member_header.clone()),
            no_role(),
        ),
        (
            "route: billing, Owner with permission",
            Route::Billing(acme()),
            Some(owner.clone()),
            member(ACME_ORG_ID, "Owner"),
        ),
        (
            "route: billing, Member without permission",
            Route::Billing(acme()),
            Some(member_header.clone()),
            no_permission(),
        ),
        (
            "route: billing, not a member",
            Route::Billing(UNKNOWN_ORG_ID.to_owned()),
            Some(member_header.clone()),
            not_member(UNKNOWN_ORG_ID),
        ),
        (
            "route: billing_and_reports, both",
            Route::BillingAndReports(acme()),
            Some(owner.clone()),
            member(ACME_ORG_ID, "Owner"),
        ),
        (
            "route: billing_and_reports, billing only",
            Route::BillingAndReports(globex()),
            Some(owner.clone()),
            no_permission(),
        ),
        (
            "route: billing_and_reports, reports only",
            Route::BillingAndReports(acme()),
            Some(member_header),
            no_permission(),
        ),
        (
            "route: billing_and_reports, no header",
            Route::BillingAndReports(acme()),
            None,
            NO_HEADER,
        ),
    ];
    for (name, route, authorization, expected) in rows {
        table.add(name, route, authorization, expected);
    }
}
