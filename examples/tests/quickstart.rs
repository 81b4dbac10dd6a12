//! Runs the quickstart binary as a user would and checks what it prints.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use propelauth_testing::StandIn;

fn quickstart() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_quickstart"));
    for name in [
        "PROPELAUTH_AUTH_URL",
        "PROPELAUTH_API_KEY",
        "PROPELAUTH_API_BASE_URL",
        "PROPELAUTH_DEBUG",
    ] {
        command.env_remove(name);
    }
    command
}

#[test]
fn development_mode_prints_a_user_a_401_and_a_403() {
    let output = quickstart().output().unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.starts_with("DEVELOPMENT MODE"), "{stdout}");
    assert!(
        stdout.contains("require_user: user 31c41c16-c281-44ae-9602-8a047e3bf33d"),
        "{stdout}"
    );
    assert!(
        stdout.contains("billing of Acme: allowed as Owner"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            r#"403 {"detail":"Forbidden"}  (reason: User doesn't have required permission)"#
        ),
        "{stdout}"
    );
    assert!(stdout.contains(r#"401 {"detail":"Unauthorized"}  (reason: Invalid access token: the token has expired)"#), "{stdout}");
    assert!(
        stdout.contains(r#"WWW-Authenticate: Bearer error="invalid_token""#),
        "{stdout}"
    );
    assert!(stdout.contains("api_key: \"<redacted>\""), "{stdout}");
}

#[test]
fn debug_mode_shows_the_detail_in_bodies() {
    let output = quickstart().env("PROPELAUTH_DEBUG", "1").output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains(r#"401 {"detail":"No authorization header found"}"#),
        "{stdout}"
    );
}

#[test]
fn configured_mode_fetches_from_the_given_backend() {
    let stand_in = StandIn::start().unwrap();
    let output = quickstart()
        .env("PROPELAUTH_AUTH_URL", stand_in.auth_url())
        .env("PROPELAUTH_API_KEY", stand_in.api_key())
        .env("PROPELAUTH_API_BASE_URL", stand_in.base_url())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains("DEVELOPMENT MODE"), "{stdout}");
    assert_eq!(stand_in.requests().len(), 1, "one metadata fetch");
}

#[test]
fn configured_mode_reports_init_errors() {
    let stand_in = StandIn::start().unwrap();
    let output = quickstart()
        .env("PROPELAUTH_AUTH_URL", stand_in.auth_url())
        .env("PROPELAUTH_API_KEY", "wrong")
        .env("PROPELAUTH_API_BASE_URL", stand_in.base_url())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("integration_api_key is incorrect"),
        "{stderr}"
    );

    let output = quickstart()
        .env("PROPELAUTH_AUTH_URL", "https://auth.example.com")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("PROPELAUTH_API_KEY is not")
    );
}
