//! Fuzzing the token path with proptest: raw header bytes, mutations of a signed token (bit
//! flips, segment swaps, truncation, base64 junk), and payloads re-signed with the test key
//! (random JSON in every claim position) so that claim parsing is reached.
//!
//! What must hold for every input:
//! - nothing panics;
//! - a token is accepted only when the harness signed it with claims that an independent
//!   oracle (written here from docs/reference.md §2-§4, not from core's code) calls valid, and every
//!   mutation of a signed token is rejected;
//! - every rejection is a 401 with one `WWW-Authenticate`, the default body outside debug
//!   mode, and in debug mode a JSON body whose detail is docs/reference.md §6's message for the
//!   input's kind of failure, in printable ASCII (nothing from the input can forge a log line
//!   or a terminal escape).
//!
//! Budget: a few thousand cases, fixed seed, a few seconds in a debug build. `just fuzz` runs
//! it longer (release build, `PROPTEST_CASES` cases per property, a fresh `PROPTEST_RNG_SEED`).
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use propelauth_core::{Auth, UnauthorizedReason};
use propelauth_testing::{OrgClaim, TEST_ISSUER, TokenBuilder, unix_now};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use serde_json::{Map, Value, json};

/// Seed of the default runs, so that the normal test suite is reproducible.
const DEFAULT_SEED: u64 = 0x5eed_70ce_2026;
/// Leeway of the auth handles (the default, 60 s).
const LEEWAY: f64 = 60.0;
/// Time values this close to a leeway boundary are not judged (the clock moves during a case).
const BOUNDARY_MARGIN: f64 = 10.0;

const NO_HEADER: &str = "No authorization header found";
const MALFORMED: &str = "Invalid authorization header. Expected: Bearer {accessToken}";
const INVALID_TOKEN: &str = "Invalid access token";
const INVALID_PAYLOAD: &str = "Invalid payload in token";

/// `cases` per property unless `PROPTEST_CASES` says otherwise; the fixed seed unless
/// `PROPTEST_RNG_SEED` says otherwise; no regression files.
fn config(cases: u32) -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(DEFAULT_SEED);
    }
    config.failure_persistence = None;
    config
}

/// The handles under test: (default mode, debug mode).
fn auths() -> &'static (Auth, Auth) {
    static AUTHS: OnceLock<(Auth, Auth)> = OnceLock::new();
    AUTHS.get_or_init(|| {
        let auth = |debug| {
            propelauth_testing::test_auth_options()
                .debug(debug)
                .init()
                .unwrap()
        };
        (auth(false), auth(true))
    })
}

/// What docs/reference.md §6 says a rejected input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    NoHeader,
    Malformed,
    InvalidToken,
    InvalidPayload,
}

impl Failure {
    fn detail_matches(self, detail: &str) -> bool {
        match self {
            Self::NoHeader => detail == NO_HEADER,
            Self::Malformed => detail == MALFORMED,
            Self::InvalidPayload => detail == INVALID_PAYLOAD,
            Self::InvalidToken => {
                detail == INVALID_TOKEN || detail.starts_with(&format!("{INVALID_TOKEN}: "))
            }
        }
    }

    fn www_authenticate(self) -> &'static str {
        match self {
            Self::NoHeader | Self::Malformed => "Bearer",
            Self::InvalidToken | Self::InvalidPayload => r#"Bearer error="invalid_token""#,
        }
    }
}

/// Validates `header` with both handles and checks the answer against `expected`
/// (`None`: must be accepted).
fn check_header(header: Option<&[u8]>, expected: Option<Failure>) -> Result<(), TestCaseError> {
    let (plain, debug) = auths();
    let plain_result = plain.validate_authorization_header(header);
    let debug_result = debug.validate_authorization_header(header);
    prop_assert_eq!(plain_result.is_ok(), debug_result.is_ok());
    prop_assert_eq!(plain.optional_user(header).is_some(), plain_result.is_ok());
    let (Err(plain_error), Err(debug_error)) = (plain_result, debug_result) else {
        prop_assert!(expected.is_none(), "accepted, expected {:?}", expected);
        return Ok(());
    };
    let Some(expected) = expected else {
        return Err(TestCaseError::fail(format!(
            "rejected ({}), expected acceptance",
            debug_error.reason()
        )));
    };
    let logged = debug_error.reason().to_string();
    prop_assert!(is_printable_ascii(&logged), "log line {:?}", logged);
    prop_assert_eq!(debug_error.status(), 401);

    let rejection = plain_error.rejection();
    prop_assert_eq!(rejection.status, 401);
    prop_assert_eq!(rejection.body.as_ref(), r#"{"detail":"Unauthorized"}"#);
    prop_assert_eq!(
        rejection.www_authenticate,
        Some(expected.www_authenticate())
    );

    let rejection = debug_error.rejection();
    prop_assert_eq!(
        rejection.www_authenticate,
        Some(expected.www_authenticate())
    );
    let body: Value = serde_json::from_str(&rejection.body)
        .map_err(|error| TestCaseError::fail(format!("debug body not JSON: {error}")))?;
    let detail = body
        .as_object()
        .filter(|object| object.len() == 1)
        .and_then(|object| object.get("detail"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    prop_assert!(
        expected.detail_matches(detail),
        "detail {:?}, expected {:?}",
        detail,
        expected
    );
    prop_assert!(is_printable_ascii(detail), "detail {:?}", detail);
    Ok(())
}

fn is_printable_ascii(text: &str) -> bool {
    text.bytes().all(|byte| (b' '..=b'~').contains(&byte))
}

/// The header rules, written from docs/reference.md §2: what a header that does not carry a valid
/// token must answer, given that it holds no token the harness signed.
fn header_failure(header: Option<&[u8]>) -> Failure {
    let header = match header {
        None | Some(b"") => return Failure::NoHeader,
        Some(header) => header,
    };
    if header.len() > 16 * 1024 || !header.iter().all(|byte| (b' '..=b'~').contains(byte)) {
        return Failure::Malformed;
    }
    let (scheme, credentials) = match header.iter().position(|&byte| byte == b' ') {
        Some(space) => (&header[..space], header[space + 1..].trim_ascii()),
        None => (header, &b""[..]),
    };
    if !scheme.eq_ignore_ascii_case(b"bearer") || credentials.is_empty() {
        return Failure::Malformed;
    }
    Failure::InvalidToken
}

/// A valid token the mutations start from (one org, an active org, every optional claim).
fn signed_token() -> &'static str {
    static TOKEN: OnceLock<String> = OnceLock::new();
    TOKEN.get_or_init(|| base_claims().expires_in(24 * 3600).sign())
}

fn acme() -> OrgClaim {
    OrgClaim::new("org-1", "Acme", "Admin")
        .inherited_roles(["Admin", "Member"])
        .permissions(["can_view_billing"])
        .legacy_org_id("legacy-1")
}

fn base_claims() -> TokenBuilder {
    TokenBuilder::new("fuzz-user")
        .email("ada@example.com")
        .first_name("Ada")
        .properties(json!({"plan": "pro"}))
        .org(acme())
        .org(OrgClaim::new("org-2", "Globex", "Owner").multi_role(["Billing"]))
        .active_org(acme())
}

// ---- Header bytes ----------------------------------------------------------------------

fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    let prefix = prop_oneof![
        Just(Vec::new()),
        Just(b"Bearer ".to_vec()),
        Just(b"bearer ".to_vec()),
        Just(b"BEARER  ".to_vec()),
        Just(b"Basic ".to_vec()),
    ];
    let junk = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..48),
        // Base64url-looking text with dots, so the token parser runs.
        "[A-Za-z0-9_=+/ .-]{0,64}".prop_map(String::into_bytes),
        "[A-Za-z0-9_-]{1,24}\\.[A-Za-z0-9_-]{0,24}\\.[A-Za-z0-9_-]{0,24}"
            .prop_map(String::into_bytes),
    ];
    (prefix, junk).prop_map(|(mut prefix, junk)| {
        prefix.extend(junk);
        prefix
    })
}

proptest! {
    #![proptest_config(config(2000))]

    #[test]
    fn random_headers_are_rejected_with_the_contract_answer(header in header_bytes()) {
        let header = Some(header.as_slice());
        check_header(header, Some(header_failure(header)))?;
    }
}

#[test]
fn missing_and_oversized_headers() {
    check_header(None, Some(Failure::NoHeader)).unwrap();
    let mut long = b"Bearer ".to_vec();
    long.resize(16 * 1024 + 1, b'a');
    check_header(Some(&long), Some(Failure::Malformed)).unwrap();
    let valid = format!("Bearer {}", signed_token());
    check_header(Some(valid.as_bytes()), None).unwrap();
}

// ---- Mutations of a signed token ------------------------------------------------------

#[derive(Debug, Clone)]
enum Mutation {
    /// Flips one bit of one byte.
    FlipBit { at: usize, bit: u8 },
    /// Keeps the first bytes only.
    Truncate { at: usize },
    /// Swaps two of the dot-separated segments.
    SwapSegments { first: usize, second: usize },
    /// Replaces one segment with base64url (or not quite base64url) junk.
    ReplaceSegment { segment: usize, junk: String },
    /// Inserts bytes somewhere.
    Insert { at: usize, bytes: Vec<u8> },
    /// Removes a run of bytes.
    Remove { at: usize, len: usize },
    /// Repeats one segment (four segments, or a segment in the wrong place).
    DuplicateSegment { segment: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0..8u8).prop_map(|(at, bit)| Mutation::FlipBit { at, bit }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (0..3usize, 0..3usize).prop_map(|(first, second)| Mutation::SwapSegments { first, second }),
        (0..3usize, "[A-Za-z0-9_=+/-]{0,40}")
            .prop_map(|(segment, junk)| Mutation::ReplaceSegment { segment, junk }),
        (
            any::<usize>(),
            prop_oneof![
                prop::collection::vec(any::<u8>(), 1..6),
                "[A-Za-z0-9_=. -]{1,6}".prop_map(String::into_bytes),
            ]
        )
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (any::<usize>(), 1..8usize).prop_map(|(at, len)| Mutation::Remove { at, len }),
        (0..3usize).prop_map(|segment| Mutation::DuplicateSegment { segment }),
    ]
}

fn apply(token: &mut Vec<u8>, mutation: &Mutation) {
    let segments = |token: &[u8]| -> Vec<Vec<u8>> {
        token
            .split(|&byte| byte == b'.')
            .map(<[u8]>::to_vec)
            .collect()
    };
    match mutation {
        Mutation::FlipBit { at, bit } => {
            if !token.is_empty() {
                let at = at % token.len();
                token[at] ^= 1 << bit;
            }
        }
        Mutation::Truncate { at } => token.truncate(at % (token.len() + 1)),
        Mutation::SwapSegments { first, second } => {
            let mut parts = segments(token);
            if *first < parts.len() && *second < parts.len() {
                parts.swap(*first, *second);
            }
            *token = parts.join(&b'.');
        }
        Mutation::ReplaceSegment { segment, junk } => {
            let mut parts = segments(token);
            if let Some(part) = parts.get_mut(*segment) {
                *part = junk.clone().into_bytes();
            }
            *token = parts.join(&b'.');
        }
        Mutation::Insert { at, bytes } => {
            let at = at % (token.len() + 1);
            token.splice(at..at, bytes.iter().copied());
        }
        Mutation::Remove { at, len } => {
            if !token.is_empty() {
                let at = at % token.len();
                let end = (at + len).min(token.len());
                token.drain(at..end);
            }
        }
        Mutation::DuplicateSegment { segment } => {
            let mut parts = segments(token);
            if let Some(part) = parts.get(*segment).cloned() {
                parts.insert(*segment, part);
            }
            *token = parts.join(&b'.');
        }
    }
}

proptest! {
    #![proptest_config(config(1500))]

    #[test]
    fn every_mutation_of_a_signed_token_is_rejected(
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let original = signed_token().as_bytes();
        let mut token = original.to_vec();
        for mutation in &mutations {
            apply(&mut token, mutation);
        }
        let mut header = b"Bearer ".to_vec();
        header.extend_from_slice(&token);
        // The header's credentials are trimmed: trailing spaces leave the token intact.
        let expected = if token.trim_ascii() == original {
            None
        } else {
            Some(header_failure(Some(&header)))
        };
        check_header(Some(&header), expected)?;
        if let Ok(text) = std::str::from_utf8(&token) {
            let accepted = auths().0.validate_access_token(text).is_ok();
            prop_assert_eq!(accepted, token == original);
        }
    }
}

// ---- Forged JOSE headers ----------------------------------------------------------------

proptest! {
    #![proptest_config(config(1000))]

    /// Any header (an `alg` of any value, `crit`, unknown fields) over the real payload and
    /// signature: only the untouched header is accepted, and whatever the header holds, the
    /// answer is printable (the `alg` is read before the signature is checked).
    #[test]
    fn forged_jose_headers_are_rejected_and_never_echoed_raw(
        alg in prop_oneof![
            any::<String>().prop_map(Value::from),
            "[ -~]{0,40}".prop_map(Value::from),
            Just(json!("RS256")),
            Just(json!("\u{1b}]0;owned\u{7}\nRS256")),
            json_value(),
        ],
        extra in prop::collection::btree_map(
            prop_oneof![Just("crit".to_owned()), Just("typ".to_owned()), Just("kid".to_owned()), "[a-z]{1,6}"],
            json_value(),
            0..3,
        ),
    ) {
        use base64::Engine;
        let mut header: Map<String, Value> = extra.into_iter().collect();
        header.insert("alg".to_owned(), alg);
        let header_json = serde_json::to_vec(&header).unwrap();
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&header_json);
        let original = signed_token();
        let (_, rest) = original.split_once('.').unwrap();
        let token = format!("{encoded}.{rest}");
        let expected = (token != original).then_some(Failure::InvalidToken);
        check_header(Some(format!("Bearer {token}").as_bytes()), expected)?;
    }
}

// ---- Payloads re-signed with the test key ----------------------------------------------

/// A claim or org-entry key the harness can put a value in.
const TOP_LEVEL_CLAIMS: &[&str] = &[
    "user_id",
    "iss",
    "exp",
    "iat",
    "nbf",
    "email",
    "first_name",
    "last_name",
    "username",
    "legacy_user_id",
    "impersonator_user_id",
    "active_org_id",
    "properties",
    "metadata",
    "login_method",
    "org_id_to_org_member_info",
    "org_member_info",
    "aud",
    "sub",
    "unknown_claim",
];
const ORG_KEYS: &[&str] = &[
    "org_id",
    "org_name",
    "url_safe_org_name",
    "org_metadata",
    "user_role",
    "inherited_user_roles_plus_current_role",
    "user_permissions",
    "org_role_structure",
    "additional_roles",
    "legacy_org_id",
    "user_assigned_role",
    "unknown_key",
];
const TIME_CLAIMS: &[&str] = &["exp", "iat", "nbf"];

#[derive(Debug, Clone)]
enum Place {
    /// A top-level claim.
    Claim(&'static str),
    /// A key of the `org-1` entry of `org_id_to_org_member_info`.
    Org(&'static str),
    /// A key of the `org_member_info` entry.
    ActiveOrg(&'static str),
}

#[derive(Debug, Clone)]
enum ClaimEdit {
    /// Puts a JSON value there.
    Set(Place, Value),
    /// Puts now + this many seconds there (a time claim near the leeway boundaries).
    SetTime(&'static str, i64),
    /// Removes the key.
    Remove(Place),
}

fn place() -> impl Strategy<Value = Place> {
    prop_oneof![
        prop::sample::select(TOP_LEVEL_CLAIMS).prop_map(Place::Claim),
        prop::sample::select(ORG_KEYS).prop_map(Place::Org),
        prop::sample::select(ORG_KEYS).prop_map(Place::ActiveOrg),
    ]
}

/// Any JSON, plus values of the right shape for some claim (so that random payloads are
/// sometimes valid, and each rule is reached with a value that passes the earlier ones).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        any::<String>().prop_map(Value::from),
        "[a-z_]{0,12}".prop_map(Value::from),
        Just(json!(TEST_ISSUER)),
        Just(json!(format!("{TEST_ISSUER}/"))),
        Just(json!("single_role_in_hierarchy")),
        Just(json!("multi_role")),
        Just(json!("\u{1b}[31m\nforged")),
        Just(json!({})),
        Just(json!(["Admin", "Member"])),
        Just(json!({"login_method": "saml_sso", "provider": "Okta", "org_id": "org-1"})),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
            Just(json!({"org-9": acme().to_json()})),
            Just(acme().to_json()),
        ]
    })
}

fn claim_edit() -> impl Strategy<Value = ClaimEdit> {
    prop_oneof![
        4 => (place(), json_value()).prop_map(|(place, value)| ClaimEdit::Set(place, value)),
        2 => (
            prop::sample::select(TIME_CLAIMS),
            prop::sample::select(&[-7200i64, -3600, -90, -30, 0, 30, 90, 3600, 7200][..]),
        )
            .prop_map(|(claim, offset)| ClaimEdit::SetTime(claim, offset)),
        1 => place().prop_map(ClaimEdit::Remove),
        1 => Just(ClaimEdit::Remove(Place::Claim("user_id"))),
    ]
}

fn apply_claim_edit(claims: &mut Map<String, Value>, edit: &ClaimEdit, now: i64) {
    match edit {
        ClaimEdit::Set(place, value) => {
            if let Some((map, key)) = slot(claims, place) {
                map.insert(key, value.clone());
            }
        }
        ClaimEdit::SetTime(name, offset) => {
            claims.insert((*name).to_owned(), json!(now + offset));
        }
        ClaimEdit::Remove(place) => {
            if let Some((map, key)) = slot(claims, place) {
                map.remove(&key);
            }
        }
    }
}

/// The object and key a place names, if the object is (still) there.
fn slot<'c>(
    claims: &'c mut Map<String, Value>,
    place: &Place,
) -> Option<(&'c mut Map<String, Value>, String)> {
    match place {
        Place::Claim(name) => Some((claims, (*name).to_owned())),
        Place::Org(key) => claims
            .get_mut("org_id_to_org_member_info")
            .and_then(Value::as_object_mut)
            .and_then(|orgs| orgs.get_mut("org-1"))
            .and_then(Value::as_object_mut)
            .map(|org| (org, (*key).to_owned())),
        Place::ActiveOrg(key) => claims
            .get_mut("org_member_info")
            .and_then(Value::as_object_mut)
            .map(|org| (org, (*key).to_owned())),
    }
}

/// The claims rules, written from docs/reference.md §3 and §4: `None` when a token with these claims must be
/// accepted at time `now`, else the kind of failure. `Err` when a time claim sits too close
/// to a leeway boundary to judge.
fn claims_verdict(claims: &Map<String, Value>, now: f64) -> Result<Option<Failure>, ()> {
    let number = |name: &str| claims.get(name).and_then(Value::as_f64);
    let near = |a: f64, b: f64| (a - b).abs() < BOUNDARY_MARGIN;
    // The time and issuer claims come first: a token failing them is an invalid token
    // whatever else it holds.
    let exp_ok = match claims.get("exp") {
        Some(Value::Number(_)) => {
            let exp = number("exp").unwrap_or_default();
            if near(exp + LEEWAY, now) {
                return Err(());
            }
            now <= exp + LEEWAY
        }
        _ => false,
    };
    let iat_ok = match claims.get("iat") {
        Some(Value::Number(_)) => {
            let iat = number("iat").unwrap_or_default();
            if near(iat, now + LEEWAY) {
                return Err(());
            }
            iat <= now + LEEWAY
        }
        _ => false,
    };
    let nbf_ok = match claims.get("nbf") {
        None | Some(Value::Null) => true,
        Some(Value::Number(_)) => {
            let nbf = number("nbf").unwrap_or_default();
            if near(nbf, now + LEEWAY) {
                return Err(());
            }
            nbf <= now + LEEWAY
        }
        Some(_) => false,
    };
    let iss_ok = claims.get("iss") == Some(&json!(TEST_ISSUER));
    if !(exp_ok && iat_ok && nbf_ok && iss_ok) {
        return Ok(Some(Failure::InvalidToken));
    }
    // Then the user: no user_id is an invalid payload; any other bad claim an invalid token.
    match claims.get("user_id") {
        None | Some(Value::Null) => return Ok(Some(Failure::InvalidPayload)),
        Some(Value::String(_)) => {}
        Some(_) => return Ok(Some(Failure::InvalidToken)),
    }
    let optional_text = |name: &str| {
        matches!(
            claims.get(name),
            None | Some(Value::Null | Value::String(_))
        )
    };
    let user_ok = [
        "email",
        "first_name",
        "last_name",
        "username",
        "legacy_user_id",
        "impersonator_user_id",
        "active_org_id",
    ]
    .iter()
    .all(|name| optional_text(name))
        && matches!(
            claims.get("properties"),
            None | Some(Value::Null | Value::Object(_))
        )
        && match claims.get("org_id_to_org_member_info") {
            None | Some(Value::Null) => true,
            Some(Value::Object(orgs)) => orgs.values().all(org_entry_ok),
            Some(_) => false,
        }
        && match claims.get("org_member_info") {
            None | Some(Value::Null) => true,
            Some(org) => org_entry_ok(org),
        };
    Ok((!user_ok).then_some(Failure::InvalidToken))
}

/// An org entry the user can be built from (its `user_role` may be null: the org is dropped).
fn org_entry_ok(entry: &Value) -> bool {
    let Some(entry) = entry.as_object() else {
        return false;
    };
    let text = |key: &str| matches!(entry.get(key), Some(Value::String(_)));
    let texts = |value: Option<&Value>| {
        value
            .and_then(Value::as_array)
            .is_some_and(|items| items.iter().all(Value::is_string))
    };
    // A key given under both of its names is ambiguous.
    let one_of = |name: &str, alias: &str| -> Option<Option<&Value>> {
        match (entry.get(name), entry.get(alias)) {
            (Some(_), Some(_)) => None,
            (value, None) | (None, value) => Some(value),
        }
    };
    let (Some(role), Some(inherited), Some(additional)) = (
        one_of("user_role", "user_assigned_role"),
        one_of(
            "inherited_user_roles_plus_current_role",
            "user_inherited_roles_plus_current_role",
        ),
        one_of("additional_roles", "assigned_additional_roles"),
    ) else {
        return false;
    };
    text("org_id")
        && text("org_name")
        && text("url_safe_org_name")
        && matches!(entry.get("org_metadata"), Some(Value::Object(_)))
        && matches!(role, Some(Value::Null | Value::String(_)))
        && texts(inherited)
        && texts(entry.get("user_permissions"))
        && match entry.get("org_role_structure") {
            None => true,
            Some(Value::String(structure)) => {
                structure == "single_role_in_hierarchy" || structure == "multi_role"
            }
            Some(_) => false,
        }
        && additional.is_none_or(|value| texts(Some(value)))
        && matches!(
            entry.get("legacy_org_id"),
            None | Some(Value::Null | Value::String(_))
        )
}

/// `claims` signed with the test key.
fn sign(claims: &Map<String, Value>) -> String {
    let mut builder = TokenBuilder::new("placeholder");
    let defaults: Vec<String> = builder.claims().keys().cloned().collect();
    for name in defaults {
        builder = builder.without_claim(&name);
    }
    for (name, value) in claims {
        builder = builder.claim(name, value.clone());
    }
    builder.sign()
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn re_signed_payloads_are_judged_by_the_claims_rules(
        edits in prop::collection::vec(claim_edit(), 0..4),
    ) {
        let now = unix_now();
        let mut claims = base_claims().claims().clone();
        for edit in &edits {
            apply_claim_edit(&mut claims, edit, now);
        }
        let Ok(verdict) = claims_verdict(&claims, now as f64) else {
            return Ok(());
        };
        let token = sign(&claims);
        let header = format!("Bearer {token}");
        check_header(Some(header.as_bytes()), verdict)?;
        if verdict.is_none() {
            let user = auths().0.validate_access_token(&token).unwrap();
            prop_assert_eq!(Some(&json!(user.user_id)), claims.get("user_id"));
        }
        if verdict == Some(Failure::InvalidPayload) {
            let error = auths().0.validate_access_token(&token).unwrap_err();
            prop_assert!(matches!(error.reason(), UnauthorizedReason::InvalidPayload(_)));
        }
    }
}

#[test]
fn the_oracles_accept_the_base_token_and_know_each_rule() {
    let now = unix_now() as f64;
    let claims = base_claims().claims().clone();
    assert_eq!(claims_verdict(&claims, now), Ok(None));
    check_header(Some(format!("Bearer {}", sign(&claims)).as_bytes()), None).unwrap();
    let with = |name: &str, value: Value| {
        let mut claims = claims.clone();
        claims.insert(name.to_owned(), value);
        claims_verdict(&claims, now)
    };
    assert_eq!(
        with("user_id", Value::Null),
        Ok(Some(Failure::InvalidPayload))
    );
    assert_eq!(with("user_id", json!(7)), Ok(Some(Failure::InvalidToken)));
    assert_eq!(
        with("iss", json!("https://evil.test")),
        Ok(Some(Failure::InvalidToken))
    );
    assert_eq!(
        with("exp", json!(now - 120.0)),
        Ok(Some(Failure::InvalidToken))
    );
    assert_eq!(with("exp", json!(now - 65.0)), Err(()));
    assert_eq!(
        with("org_member_info", json!({"org_id": "x"})),
        Ok(Some(Failure::InvalidToken))
    );
    assert_eq!(with("metadata", json!([1, {"a": null}])), Ok(None));
    assert_eq!(header_failure(Some(b"Bearer a b")), Failure::InvalidToken);
    assert_eq!(header_failure(Some(b"Bearer \xff")), Failure::Malformed);
    assert_eq!(header_failure(Some(b"Token x")), Failure::Malformed);
    // The mutation oracle's premise: every single-byte change of the token breaks it.
    let token = signed_token().as_bytes().to_vec();
    for at in [0, token.len() / 2, token.len() - 1] {
        let mut mutated = token.clone();
        apply(&mut mutated, &Mutation::FlipBit { at, bit: 0 });
        assert_ne!(mutated, token);
        let header = [b"Bearer ".as_slice(), &mutated].concat();
        check_header(Some(&header), Some(header_failure(Some(&header)))).unwrap();
    }
}
