//! Configuration from environment variables: [`init_auth_from_env`](crate::init_auth_from_env),
//! [`AuthOptions::from_env`] and the names of the variables they read.
//!
//! | variable | meaning | when unset |
//! |---|---|---|
//! | [`PROPELAUTH_AUTH_URL`](AUTH_URL) | your project's auth URL | error [`InitError::MissingVariable`] |
//! | [`PROPELAUTH_API_KEY`](API_KEY) | the backend API key | error [`InitError::MissingVariable`] |
//! | [`PROPELAUTH_API_BASE_URL`](API_BASE_URL) | override of the backend base URL (a proxy) | [`DEFAULT_BACKEND_BASE_URL`](crate::DEFAULT_BACKEND_BASE_URL) |
//! | [`PROPELAUTH_DEBUG`](DEBUG) | `1` (or `true`): error bodies carry the detailed reason; `0` (or `false`): they do not | off |
//! | [`PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS`](KEY_REFRESH_MIN_INTERVAL_SECS) | whole seconds between two fetches of the verification key triggered by unknown keys | 60 |
//! | [`PROPELAUTH_ACCEPT_API_KEYS`](ACCEPT_API_KEYS) | `1` (or `true`): `require_user` also accepts personal end-user API keys ([`AuthOptions::accept_personal_api_keys`]); `0` (or `false`): it does not | off |
//!
//! A variable set to an empty (or blank) value counts as unset. A value that does not parse
//! is an [`InitError::InvalidVariable`] naming the variable and what it expects; a value that
//! is not UTF-8 is an [`InitError::VariableNotUnicode`]. The API key never appears in an error.

use std::env::VarError;
use std::time::Duration;

use crate::{AuthOptions, InitError};

/// `PROPELAUTH_AUTH_URL`: your project's auth URL, e.g. `https://auth.example.com`.
pub const AUTH_URL: &str = "PROPELAUTH_AUTH_URL";
/// `PROPELAUTH_API_KEY`: the backend API key.
pub const API_KEY: &str = "PROPELAUTH_API_KEY";
/// `PROPELAUTH_API_BASE_URL`: override of the backend base URL (a proxy, or a local stand-in
/// in tests).
pub const API_BASE_URL: &str = "PROPELAUTH_API_BASE_URL";
/// `PROPELAUTH_DEBUG`: `1` or `true` turns debug mode on (detailed error bodies; never in
/// production), `0` or `false` keeps it off.
pub const DEBUG: &str = "PROPELAUTH_DEBUG";
/// `PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS`: see
/// [`AuthOptions::key_refresh_min_interval`].
pub const KEY_REFRESH_MIN_INTERVAL_SECS: &str = "PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS";
/// `PROPELAUTH_ACCEPT_API_KEYS`: `1` or `true` makes `require_user` (and `optional_user`) also
/// accept a user's personal end-user API key, checked with PropelAuth
/// ([`AuthOptions::accept_personal_api_keys`]).
pub const ACCEPT_API_KEYS: &str = "PROPELAUTH_ACCEPT_API_KEYS";

/// Whether [`PROPELAUTH_AUTH_URL`](AUTH_URL) is set to a non-blank value: the process is
/// configured for a PropelAuth project. The test kit's development mode refuses to start when
/// it is.
pub fn auth_url_is_set() -> bool {
    matches!(read(&process_env, AUTH_URL), Ok(Some(_)) | Err(_))
}

impl AuthOptions {
    /// Options from the environment: the project from [`PROPELAUTH_AUTH_URL`](AUTH_URL) and
    /// [`PROPELAUTH_API_KEY`](API_KEY) (both required), the backend base URL from
    /// [`PROPELAUTH_API_BASE_URL`](API_BASE_URL), then
    /// [`settings_from_env`](Self::settings_from_env). Set more options on the result
    /// before `init()` or `init_async()`. See the [`env`](crate::env) module for the table.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), propelauth_core::InitError> {
    /// let auth = propelauth_core::AuthOptions::from_env()?
    ///     .token_cache_capacity(50_000)
    ///     .init()?;
    /// # Ok(()) }
    /// ```
    pub fn from_env() -> Result<Self, InitError> {
        options_from(&process_env)
    }

    /// Applies the settings that do not name a project: [`PROPELAUTH_DEBUG`](DEBUG),
    /// [`PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS`](KEY_REFRESH_MIN_INTERVAL_SECS) and
    /// [`PROPELAUTH_ACCEPT_API_KEYS`](ACCEPT_API_KEYS). An unset
    /// variable leaves the option as it is.
    pub fn settings_from_env(self) -> Result<Self, InitError> {
        settings_from(self, &process_env)
    }
}

/// Reads one variable of the process environment.
fn process_env(name: &'static str) -> Result<String, VarError> {
    std::env::var(name)
}

/// A variable's value: `None` when unset or blank.
fn read(
    lookup: &impl Fn(&'static str) -> Result<String, VarError>,
    name: &'static str,
) -> Result<Option<String>, InitError> {
    match lookup(name) {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => Ok(Some(value.trim().to_owned())),
        Err(VarError::NotPresent) => Ok(None),
        Err(VarError::NotUnicode(_)) => Err(InitError::VariableNotUnicode { name }),
    }
}

fn required(
    lookup: &impl Fn(&'static str) -> Result<String, VarError>,
    name: &'static str,
) -> Result<String, InitError> {
    read(lookup, name)?.ok_or(InitError::MissingVariable { name })
}

fn options_from(
    lookup: &impl Fn(&'static str) -> Result<String, VarError>,
) -> Result<AuthOptions, InitError> {
    let auth_url = required(lookup, AUTH_URL)?;
    let api_key = required(lookup, API_KEY)?;
    let mut options = AuthOptions::new(auth_url, api_key);
    if let Some(base_url) = read(lookup, API_BASE_URL)? {
        options = options.backend_base_url(base_url);
    }
    settings_from(options, lookup)
}

fn settings_from(
    mut options: AuthOptions,
    lookup: &impl Fn(&'static str) -> Result<String, VarError>,
) -> Result<AuthOptions, InitError> {
    if let Some(debug) = switch(
        lookup,
        DEBUG,
        "1 (or true) to turn debug mode on, 0 (or false) to keep it off",
    )? {
        options = options.debug(debug);
    }
    if let Some(accept) = switch(
        lookup,
        ACCEPT_API_KEYS,
        "1 (or true) to accept personal API keys, 0 (or false) to accept access tokens only",
    )? {
        options = options.accept_personal_api_keys(accept);
    }
    if let Some(value) = read(lookup, KEY_REFRESH_MIN_INTERVAL_SECS)? {
        let seconds = value
            .parse::<u64>()
            .map_err(|_| InitError::InvalidVariable {
                name: KEY_REFRESH_MIN_INTERVAL_SECS,
                value,
                expected: "a whole number of seconds, e.g. 60",
            })?;
        options = options.key_refresh_min_interval(Duration::from_secs(seconds));
    }
    Ok(options)
}

/// An on/off variable: `1`/`true` or `0`/`false` (any case); `None` when unset.
fn switch(
    lookup: &impl Fn(&'static str) -> Result<String, VarError>,
    name: &'static str,
    expected: &'static str,
) -> Result<Option<bool>, InitError> {
    let Some(value) = read(lookup, name)? else {
        return Ok(None);
    };
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" => Ok(Some(true)),
        "0" | "false" => Ok(Some(false)),
        _ => Err(InitError::InvalidVariable {
            name,
            value,
            expected,
        }),
    }
}

/// What to set a missing variable to, for [`InitError::MissingVariable`]'s message.
pub(crate) fn missing_variable_hint(name: &str) -> &'static str {
    match name {
        AUTH_URL => {
            "set it to your project's auth URL, e.g. https://auth.example.com (the Backend \
             Integration page of your PropelAuth dashboard shows it)"
        }
        API_KEY => {
            "set it to the backend API key from the Backend Integration page of your \
             PropelAuth dashboard"
        }
        _ => "set it",
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn lookup(vars: &[(&'static str, &str)]) -> impl Fn(&'static str) -> Result<String, VarError> {
        let vars: HashMap<&'static str, String> = vars
            .iter()
            .map(|(name, value)| (*name, (*value).to_owned()))
            .collect();
        move |name| vars.get(name).cloned().ok_or(VarError::NotPresent)
    }

    fn error(vars: &[(&'static str, &str)]) -> InitError {
        match options_from(&lookup(vars)) {
            Ok(options) => panic!("expected an error, got {options:?}"),
            Err(error) => error,
        }
    }

    #[test]
    fn the_project_variables_are_required_and_named_when_missing() {
        let missing = error(&[(API_KEY, "key")]);
        assert!(
            matches!(missing, InitError::MissingVariable { name: AUTH_URL }),
            "{missing}"
        );
        assert!(
            missing
                .to_string()
                .starts_with("PROPELAUTH_AUTH_URL is not set: set it to your project's auth URL"),
            "{missing}"
        );
        let missing = error(&[(AUTH_URL, "https://auth.example.com"), (API_KEY, "  ")]);
        assert!(
            matches!(missing, InitError::MissingVariable { name: API_KEY }),
            "a blank value counts as unset: {missing}"
        );
        assert!(missing.to_string().contains("backend API key"), "{missing}");
    }

    #[test]
    fn every_variable_is_read() {
        let options = options_from(&lookup(&[
            (AUTH_URL, " https://auth.example.com "),
            (API_KEY, "the-secret-key"),
            (API_BASE_URL, "http://127.0.0.1:9"),
            (DEBUG, "1"),
            (KEY_REFRESH_MIN_INTERVAL_SECS, "5"),
        ]))
        .unwrap();
        let shown = format!("{options:?}");
        assert!(
            shown.contains(r#"auth_url: "https://auth.example.com""#),
            "{shown}"
        );
        assert!(shown.contains("http://127.0.0.1:9"), "{shown}");
        assert!(shown.contains("debug: true"), "{shown}");
        assert!(shown.contains("key_refresh_min_interval: 5s"), "{shown}");
        assert!(!shown.contains("the-secret-key"), "{shown}");
    }

    #[test]
    fn unset_settings_leave_the_options_as_they_are() {
        let before = AuthOptions::new("https://auth.example.com", "key").debug(true);
        let after = settings_from(before, &lookup(&[(DEBUG, "")])).unwrap();
        assert!(format!("{after:?}").contains("debug: true"));
        let after = settings_from(after, &lookup(&[(DEBUG, "FALSE")])).unwrap();
        assert!(format!("{after:?}").contains("debug: false"));
    }

    #[test]
    fn personal_api_keys_are_switched_on_by_their_variable_only() {
        let project = AuthOptions::new("https://auth.example.com", "key");
        let shown = |vars: &[(&'static str, &str)]| {
            format!(
                "{:?}",
                settings_from(project.clone(), &lookup(vars)).unwrap()
            )
        };
        assert!(shown(&[]).contains("accept_personal_api_keys: false"));
        assert!(shown(&[(ACCEPT_API_KEYS, "1")]).contains("accept_personal_api_keys: true"));
        assert!(shown(&[(ACCEPT_API_KEYS, "True")]).contains("accept_personal_api_keys: true"));
        assert!(shown(&[(ACCEPT_API_KEYS, "0")]).contains("accept_personal_api_keys: false"));
        let invalid = settings_from(project, &lookup(&[(ACCEPT_API_KEYS, "yes")])).unwrap_err();
        assert!(
            invalid
                .to_string()
                .starts_with("invalid PROPELAUTH_ACCEPT_API_KEYS=\"yes\": expected 1 (or true)"),
            "{invalid}"
        );
    }

    #[test]
    fn a_value_that_does_not_parse_is_named_with_what_is_expected() {
        let project = [(AUTH_URL, "https://auth.example.com"), (API_KEY, "key")];
        let invalid = error(&[
            project[0],
            project[1],
            (KEY_REFRESH_MIN_INTERVAL_SECS, "soon"),
        ]);
        assert_eq!(
            invalid.to_string(),
            "invalid PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS=\"soon\": expected a whole number \
             of seconds, e.g. 60"
        );
        let invalid = error(&[project[0], project[1], (DEBUG, "yes")]);
        assert!(
            matches!(invalid, InitError::InvalidVariable { name: DEBUG, .. }),
            "{invalid}"
        );
    }

    #[test]
    fn a_value_that_is_not_unicode_is_named_without_its_bytes() {
        let lookup = |name: &'static str| match name {
            AUTH_URL => Ok("https://auth.example.com".to_owned()),
            _ => Err(VarError::NotUnicode(std::ffi::OsString::from("key"))),
        };
        let error = options_from(&lookup).unwrap_err();
        assert_eq!(
            error.to_string(),
            "PROPELAUTH_API_KEY is not valid UTF-8: set it to a plain text value"
        );
    }
}
