//! `init_auth_from_env` reading the real process environment, and what an `InitError` prints
//! when `main` returns it (its `Debug`).
//!
//! The environment tests run this test binary again as a child process with the variables
//! set (changing the environment of a running test process is `unsafe`), and read what the
//! child reports.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpListener;
use std::process::Command;

use propelauth_core::{AuthOptions, InitError, env, init_auth_from_env};
use propelauth_testing::StandIn;

/// Set in the child process: which child test to run.
const CHILD: &str = "PROPELAUTH_ENV_TEST_CHILD";

/// Runs the child test `name` with `vars` as its only PropelAuth variables; returns its
/// stdout. The child prints `OK <debug of the handle>` or `ERR <debug of the error>`.
fn child(vars: &[(&str, &str)]) -> String {
    let mut command = Command::new(std::env::current_exe().unwrap());
    for name in [
        env::AUTH_URL,
        env::API_KEY,
        env::API_BASE_URL,
        env::DEBUG,
        env::KEY_REFRESH_MIN_INTERVAL_SECS,
    ] {
        command.env_remove(name);
    }
    let output = command
        .envs(vars.iter().copied())
        .env(CHILD, "1")
        .args([
            "--exact",
            "child_init_from_env",
            "--nocapture",
            "--test-threads=1",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    stdout
        .lines()
        .find_map(|line| line.split_once("CHILD ").map(|(_, report)| report))
        .unwrap_or_else(|| panic!("no report from the child: {stdout}"))
        .replace("\\n", "\n")
}

/// Not a test of its own: the child process's side of [`child`].
#[test]
fn child_init_from_env() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let report = match init_auth_from_env() {
        Ok(auth) => format!("OK {auth:?} set={}", env::auth_url_is_set()),
        Err(error) => format!("ERR {error:?}"),
    };
    println!("CHILD {}", report.replace('\n', "\\n"));
}

#[test]
fn initializes_from_the_process_environment() {
    let stand_in = StandIn::start().unwrap();
    let report = child(&[
        (env::AUTH_URL, stand_in.auth_url()),
        (env::API_KEY, stand_in.api_key()),
        (env::API_BASE_URL, &stand_in.base_url()),
        (env::DEBUG, "1"),
        (env::KEY_REFRESH_MIN_INTERVAL_SECS, "7"),
    ]);
    assert!(report.starts_with("OK "), "{report}");
    assert!(report.contains("debug: true"), "{report}");
    assert!(report.contains("7s"), "{report}");
    assert!(report.ends_with("set=true"), "{report}");
    assert!(!report.contains(stand_in.api_key()), "{report}");
    assert_eq!(stand_in.metadata_fetches(), 1);
}

#[test]
fn a_missing_variable_is_named() {
    let report = child(&[(env::AUTH_URL, "https://auth.example.com")]);
    assert_eq!(
        report,
        "ERR PROPELAUTH_API_KEY is not set: set it to the backend API key from the Backend \
         Integration page of your PropelAuth dashboard"
    );
    let report = child(&[(env::API_KEY, "key"), (env::AUTH_URL, " ")]);
    assert!(
        report.starts_with("ERR PROPELAUTH_AUTH_URL is not set"),
        "{report}"
    );
}

#[test]
fn an_invalid_setting_is_named_with_what_it_expects() {
    let report = child(&[
        (env::AUTH_URL, "https://auth.example.com"),
        (env::API_KEY, "the-secret-key"),
        (env::DEBUG, "yes"),
    ]);
    assert!(
        report.starts_with("ERR invalid PROPELAUTH_DEBUG=\"yes\": expected 1 (or true)"),
        "{report}"
    );
    assert!(!report.contains("the-secret-key"), "{report}");
}

#[test]
fn debug_prints_the_message_and_the_causes_it_does_not_already_show() {
    // A closed loopback port: the metadata fetch cannot connect.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error = AuthOptions::new("https://auth.example.com", "the-secret-key")
        .backend_base_url(format!("http://127.0.0.1:{port}"))
        .init()
        .unwrap_err();
    assert!(matches!(error, InitError::Network { .. }), "{error}");
    let debug = format!("{error:?}");
    let message = error.to_string();
    assert!(debug.starts_with(&message), "{debug}");
    assert!(!debug.contains("Network {"), "no struct dump: {debug}");
    assert!(!debug.contains("the-secret-key"), "{debug}");
    // The transport error's text is in the message already; its cause (the refused
    // connection) is listed once below it.
    let (_, causes) = debug.split_once("\n\nCaused by:\n    ").expect(&debug);
    assert!(!message.contains(causes), "{debug}");
    assert_eq!(debug.matches(causes).count(), 1, "{debug}");

    let error = InitError::InvalidApiKey;
    assert_eq!(
        format!("{error:?}"),
        error.to_string(),
        "no cause, no section"
    );
}
