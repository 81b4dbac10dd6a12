//! Set-up shared by the example servers: read the configuration from the environment, or
//! start in development mode against the embedded stand-in of the auth service.
//!
//! Not a library to depend on: it exists so that each example binary stays short.
#![deny(missing_docs)]

use std::env;
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

pub mod actix_app;
pub mod axum_app;
pub mod poem_app;
pub mod rocket_app;

use propelauth_core::{Auth, AuthOptions, InitError};
use propelauth_testing::StandIn;
use propelauth_testing::samples::{ACME_ORG_ID, member_token, no_org_token, owner_token};

/// How long the sample tokens printed in development mode stay valid.
const SAMPLE_TOKEN_LIFETIME_SECS: i64 = 24 * 3600;

/// A ready-made access token for one sample user (development mode only).
#[derive(Debug, Clone)]
pub struct SampleToken {
    /// Who the token is for.
    pub description: &'static str,
    /// The signed token.
    pub token: String,
}

/// The initialized auth handle, and the stand-in it talks to in development mode.
#[derive(Debug)]
pub struct Setup {
    /// The PropelAuth handle.
    pub auth: Auth,
    /// `Some` in development mode: keep it alive as long as the server runs.
    pub stand_in: Option<StandIn>,
}

impl Setup {
    /// Whether the server runs against the embedded stand-in.
    pub fn is_development(&self) -> bool {
        self.stand_in.is_some()
    }
}

/// Errors of [`setup_from_env`].
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// `HOST` or `PORT` does not parse.
    #[error(
        "invalid listen address: {0} (HOST must be an IP address, PORT a number from 0 to 65535)"
    )]
    ListenAddress(String),
    /// `PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS` is not a whole number of seconds.
    #[error(
        "invalid PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS={0:?}: expected a whole number of seconds, e.g. 60"
    )]
    KeyRefreshMinInterval(String),
    /// `PROPELAUTH_AUTH_URL` is set but `PROPELAUTH_API_KEY` is not.
    #[error(
        "PROPELAUTH_AUTH_URL is set but PROPELAUTH_API_KEY is not: set both, or neither for development mode"
    )]
    MissingApiKey,
    /// The embedded stand-in could not start.
    #[error("could not start the local stand-in of the auth service: {0}")]
    StandIn(#[from] std::io::Error),
    /// `init_auth` failed.
    #[error(transparent)]
    Init(#[from] InitError),
}

/// Reads `PROPELAUTH_AUTH_URL`, `PROPELAUTH_API_KEY`, `PROPELAUTH_API_BASE_URL`,
/// `PROPELAUTH_DEBUG` and `PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS` (default 60). Without an
/// auth URL, starts the embedded stand-in on a loopback port and initializes against it
/// through the normal `init_auth` path (a real HTTP fetch).
pub fn setup_from_env() -> Result<Setup, SetupError> {
    let debug = env::var("PROPELAUTH_DEBUG").is_ok_and(|value| value == "1");
    let min_interval = key_refresh_min_interval_from_env()?;
    let configured = |name: &str| env::var(name).ok().filter(|value| !value.trim().is_empty());
    let (options, stand_in) = match configured("PROPELAUTH_AUTH_URL") {
        Some(auth_url) => {
            let api_key = configured("PROPELAUTH_API_KEY").ok_or(SetupError::MissingApiKey)?;
            let mut options = AuthOptions::new(auth_url, api_key);
            if let Some(base_url) = configured("PROPELAUTH_API_BASE_URL") {
                options = options.backend_base_url(base_url);
            }
            (options, None)
        }
        None => {
            let stand_in = StandIn::start()?;
            let options = AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
                .backend_base_url(stand_in.base_url());
            (options, Some(stand_in))
        }
    };
    let auth = options
        .debug(debug)
        .key_refresh_min_interval(min_interval)
        .init()?;
    Ok(Setup { auth, stand_in })
}

/// `PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS`: how soon after the previous attempt a token
/// signed by an unknown key may trigger a new fetch of the verification key (default 60 s;
/// tests use 1).
fn key_refresh_min_interval_from_env() -> Result<Duration, SetupError> {
    match env::var("PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS") {
        Err(_) => Ok(propelauth_core::DEFAULT_KEY_REFRESH_MIN_INTERVAL),
        Ok(value) => value
            .trim()
            .parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| SetupError::KeyRefreshMinInterval(value)),
    }
}

/// Tokens for the sample users of development mode: an Owner of the Acme org, a Member
/// without the billing permission, and a user in no org.
pub fn sample_tokens() -> Vec<SampleToken> {
    vec![
        SampleToken {
            description: "Owner of org Acme (every permission)",
            token: owner_token().expires_in(SAMPLE_TOKEN_LIFETIME_SECS).sign(),
        },
        SampleToken {
            description: "Member of org Acme, without can_view_billing",
            token: member_token().expires_in(SAMPLE_TOKEN_LIFETIME_SECS).sign(),
        },
        SampleToken {
            description: "User in no org",
            token: no_org_token().expires_in(SAMPLE_TOKEN_LIFETIME_SECS).sign(),
        },
    ]
}

/// The body the examples answer (with 502) when a backend API call fails; the error itself
/// goes to the log, not to the client.
pub const BACKEND_FAILURE_DETAIL: &str = "The call to PropelAuth's backend API failed";

/// Options of the examples' `fetch_users_in_org` call (the first page, 10 users).
pub fn org_users_options() -> propelauth_core::api::FetchUsersInOrgOptions {
    propelauth_core::api::FetchUsersInOrgOptions::default()
}

/// The sample org's id, for the curl lines.
pub const SAMPLE_ORG_ID: &str = ACME_ORG_ID;

/// The warning printed first in development mode.
pub const DEVELOPMENT_WARNING: &str = "DEVELOPMENT MODE: no PROPELAUTH_AUTH_URL is set, so tokens are checked against an \
embedded stand-in of the auth service with a committed test signing key. Never use this in \
production: set PROPELAUTH_AUTH_URL and PROPELAUTH_API_KEY.";

/// Where to listen: `HOST` (default `127.0.0.1`) and `PORT` (default `3000`).
pub fn listen_address_from_env() -> Result<SocketAddr, SetupError> {
    let host = match env::var("HOST") {
        Ok(host) => host
            .parse::<IpAddr>()
            .map_err(|_| SetupError::ListenAddress(format!("HOST={host}")))?,
        Err(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
    };
    let port = match env::var("PORT") {
        Ok(port) => port
            .parse::<u16>()
            .map_err(|_| SetupError::ListenAddress(format!("PORT={port}")))?,
        Err(_) => 3000,
    };
    Ok(SocketAddr::new(host, port))
}

/// What a server prints before serving in development mode: the warning, a token per sample
/// user (as shell `export` lines), `curl` lines for every route, pointing at `base_url`, and
/// where the API docs are.
pub fn development_banner(base_url: &str) -> String {
    let samples = sample_tokens();
    let mut banner = format!("{DEVELOPMENT_WARNING}\n\nSample users (tokens valid 24 h):\n");
    let variables = ["OWNER", "MEMBER", "NO_ORG"];
    for (variable, sample) in variables.iter().zip(&samples) {
        let _ = writeln!(
            banner,
            "  # {}\n  export {variable}={}",
            sample.description, sample.token
        );
    }
    let org = SAMPLE_ORG_ID;
    let lines = [
        ("", "/healthz".to_owned(), "200 ok"),
        ("", "/api/whoami".to_owned(), "401: no token"),
        ("OWNER", "/api/whoami".to_owned(), "200: the user"),
        ("", "/api/whoami_optional".to_owned(), "200: {}"),
        (
            "MEMBER",
            "/api/whoami_optional".to_owned(),
            "200: the user id",
        ),
        (
            "MEMBER",
            format!("/api/org/{org}/check"),
            "200: the membership",
        ),
        (
            "NO_ORG",
            format!("/api/org/{org}/check"),
            "403: not a member",
        ),
        (
            "OWNER",
            format!("/api/org/{org}/admin_or_owner"),
            "200: Owner is at least Admin",
        ),
        (
            "MEMBER",
            format!("/api/org/{org}/admin_or_owner"),
            "403: Member is below Admin",
        ),
        (
            "OWNER",
            format!("/api/org/{org}/admin_only"),
            "403: Owner is not exactly Admin",
        ),
        (
            "OWNER",
            format!("/api/org/{org}/billing"),
            "200: has can_view_billing",
        ),
        (
            "MEMBER",
            format!("/api/org/{org}/billing"),
            "403: lacks can_view_billing",
        ),
        (
            "OWNER",
            format!("/api/org/{org}/billing_and_reports"),
            "200: has both permissions",
        ),
    ];
    banner.push_str("\nTry:\n");
    for (variable, path, outcome) in lines {
        let header = if variable.is_empty() {
            String::new()
        } else {
            format!("-H \"Authorization: Bearer ${variable}\" ")
        };
        let _ = writeln!(banner, "  curl -i {header}{base_url}{path}   # {outcome}");
    }
    let _ = writeln!(
        banner,
        "\nAPI docs: {base_url}/docs (Swagger UI; document at {base_url}/openapi.json).\n  \
         Click Authorize, paste a token above (the eyJ... string alone, without `Bearer`), \
         then Try it out on GET /api/whoami."
    );
    banner
}

/// The examples of `docs/api-docs.md` (all four frameworks), compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/api-docs.md")]
struct ApiDocsDoctests;
