//! Development mode: run your own app locally with no PropelAuth account.
//!
//! [`Development::start`] starts the [`StandIn`] on a loopback port, initializes an
//! [`Auth`] against it through the real initialization path (an HTTP fetch of the
//! verification metadata, exactly as `init_auth` does against PropelAuth), and mints
//! ready-made tokens for the [`samples`](crate::samples) users. Your handlers, extractors and
//! org checks then run unchanged; only the signing key is the test kit's.
//!
//! Each framework adapter has a feature `development` that re-exports this module with a
//! `start()` returning the adapter's handle and printing the [`banner`](Development::banner),
//! so an app still depends on its adapter alone:
//!
//! ```toml
//! propelauth-axum = { version = "0.1", features = ["development"] }
//! ```
//!
//! ```no_run
//! # fn main() -> Result<(), propelauth_testing::development::DevelopmentError> {
//! let development = propelauth_testing::development::Development::start()?;
//! println!("{}", development.banner());
//! let auth = development.auth().clone(); // the stand-in stops when `development` is dropped
//! # let _ = auth;
//! # Ok(()) }
//! ```
//!
//! # Never in production
//!
//! The test signing key is published with this crate: anyone can mint tokens the stand-in's
//! verification key accepts. So development mode
//!
//! - is opt-in at compile time (this crate, or an adapter's `development` feature, which a
//!   production build should not enable);
//! - refuses to start when `PROPELAUTH_AUTH_URL` is set ([`DevelopmentError::Configured`]):
//!   a process configured for a real project never falls back to it;
//! - says so loudly: the [`banner`](Development::banner) starts with `DEVELOPMENT MODE`.
//!
//! `PROPELAUTH_DEBUG` and `PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS` apply as in production
//! (`AuthOptions::settings_from_env`).

use std::fmt::{self, Write as _};
use std::io;

use propelauth_core::{Auth, AuthOptions, InitError};

use crate::StandIn;
use crate::samples::{ACME_ORG_ID, member_token, no_org_token, owner_token};

/// How long the sample tokens stay valid, in seconds (24 hours).
pub const SAMPLE_TOKEN_LIFETIME_SECS: i64 = 24 * 3600;

/// The first line of the [`banner`](Development::banner).
pub const WARNING: &str = "DEVELOPMENT MODE: never use this in production.";

/// A ready-made access token for one sample user.
#[derive(Clone)]
pub struct SampleToken {
    /// The shell variable the banner exports it as: `OWNER`, `MEMBER` or `NO_ORG`.
    pub variable: &'static str,
    /// Who the token is for.
    pub description: &'static str,
    /// The signed token (send it as `Authorization: Bearer <token>`).
    pub token: String,
}

impl fmt::Debug for SampleToken {
    /// Without the token: it is a credential for the development server.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SampleToken")
            .field("variable", &self.variable)
            .field("description", &self.description)
            .finish_non_exhaustive()
    }
}

/// Why development mode did not start.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum DevelopmentError {
    /// `PROPELAUTH_AUTH_URL` is set: the process is configured for a real project.
    #[error(
        "PROPELAUTH_AUTH_URL is set, so development mode refuses to start (it accepts tokens \
         signed with a published test key): initialize with init_auth_from_env() to use your \
         project, or unset PROPELAUTH_AUTH_URL to develop without one"
    )]
    Configured,
    /// The stand-in could not bind a loopback port.
    #[error("could not start the local stand-in of the auth service: {0}")]
    StandIn(#[source] io::Error),
    /// A setting from the environment is invalid (`PROPELAUTH_DEBUG`, ...), or initializing
    /// against the stand-in failed.
    #[error(transparent)]
    Init(#[from] InitError),
}

impl fmt::Debug for DevelopmentError {
    /// The message (and an [`InitError`]'s causes), as `main` shows it when it returns the
    /// error.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Init(error) => fmt::Debug::fmt(error, f),
            other => fmt::Display::fmt(other, f),
        }
    }
}

/// A running development mode: the stand-in, the handle initialized against it, and the
/// sample tokens. Dropping it stops the stand-in (the handle keeps validating tokens with
/// the key it fetched, but backend API calls and key refreshes then fail); a server that runs
/// until the process exits calls [`into_auth`](Self::into_auth) instead.
pub struct Development {
    auth: Auth,
    stand_in: StandIn,
    sample_tokens: Vec<SampleToken>,
}

impl fmt::Debug for Development {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Development")
            .field("auth", &self.auth)
            .field("stand_in", &self.stand_in)
            .field("sample_tokens", &self.sample_tokens)
            .finish()
    }
}

impl Development {
    /// Starts the stand-in, initializes against it, and mints the sample tokens. Blocking
    /// (a local HTTP fetch, a few milliseconds): call it at start-up.
    ///
    /// Refuses with [`DevelopmentError::Configured`] when `PROPELAUTH_AUTH_URL` is set.
    pub fn start() -> Result<Self, DevelopmentError> {
        if propelauth_core::env::auth_url_is_set() {
            return Err(DevelopmentError::Configured);
        }
        let stand_in = StandIn::start().map_err(DevelopmentError::StandIn)?;
        let auth = AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
            .backend_base_url(stand_in.base_url())
            .settings_from_env()?
            .init()?;
        let lifetime = SAMPLE_TOKEN_LIFETIME_SECS;
        let sample_tokens = vec![
            SampleToken {
                variable: "OWNER",
                description: "Owner of org Acme (every permission)",
                token: owner_token().expires_in(lifetime).sign(),
            },
            SampleToken {
                variable: "MEMBER",
                description: "Member of org Acme, without can_view_billing",
                token: member_token().expires_in(lifetime).sign(),
            },
            SampleToken {
                variable: "NO_ORG",
                description: "a user in no org",
                token: no_org_token().expires_in(lifetime).sign(),
            },
        ];
        Ok(Self {
            auth,
            stand_in,
            sample_tokens,
        })
    }

    /// The handle, initialized against the stand-in.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// The stand-in: its recorded requests, canned answers for the backend API, a key
    /// rotation ([`StandIn::set_verifier_key_pem`]).
    pub fn stand_in(&self) -> &StandIn {
        &self.stand_in
    }

    /// Tokens for the sample users, valid [`SAMPLE_TOKEN_LIFETIME_SECS`]: an Owner of org
    /// Acme, a Member of Acme without `can_view_billing`, a user in no org.
    pub fn sample_tokens(&self) -> &[SampleToken] {
        &self.sample_tokens
    }

    /// The token of the sample user exported as `variable` (`OWNER`, `MEMBER`, `NO_ORG`).
    pub fn sample_token(&self, variable: &str) -> Option<&str> {
        self.sample_tokens
            .iter()
            .find(|sample| sample.variable == variable)
            .map(|sample| sample.token.as_str())
    }

    /// What to print at start-up: the [`WARNING`], what development mode is, the sample
    /// users, and one `export` line per token, ready to paste into a shell.
    pub fn banner(&self) -> String {
        let line = "=".repeat(78);
        let mut banner = format!(
            "{WARNING}\n{line}\n\
             PropelAuth tokens are checked against a local stand-in of the auth service at\n\
             {}, which trusts a test signing key published with\n\
             propelauth-testing: anyone can mint tokens for it. In production, set\n\
             PROPELAUTH_AUTH_URL and PROPELAUTH_API_KEY and initialize with init_auth_from_env().\n\n\
             Sample users (tokens valid {} h; org Acme is {ACME_ORG_ID}):\n",
            self.stand_in.base_url(),
            SAMPLE_TOKEN_LIFETIME_SECS / 3600,
        );
        for sample in &self.sample_tokens {
            let _ = writeln!(banner, "  ${:<7} {}", sample.variable, sample.description);
        }
        for sample in &self.sample_tokens {
            let _ = writeln!(banner, "export {}={}", sample.variable, sample.token);
        }
        banner.push_str(&line);
        banner
    }

    /// The handle, with the stand-in left running until the process exits: what a
    /// development server wants. The stand-in's thread and memory are not reclaimed, so call
    /// this once per process, not in a loop.
    pub fn into_auth(self) -> Auth {
        let Self { auth, stand_in, .. } = self;
        // Deliberately never dropped: dropping would stop the stand-in that the handle's
        // backend calls and key refreshes talk to.
        Box::leak(Box::new(stand_in));
        auth
    }
}
