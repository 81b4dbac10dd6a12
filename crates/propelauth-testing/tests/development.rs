//! Development mode: the stand-in, a handle initialized against it through the real fetch,
//! sample tokens and a banner; and its refusal when the process is configured for a real
//! project.
//!
//! The tests that need environment variables run this test binary again as a child process
//! with them set (changing the environment of a running test process is `unsafe`).
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use propelauth_core::api::FetchUsersInOrgOptions;
use propelauth_testing::development::{Development, DevelopmentError, WARNING};
use propelauth_testing::samples::{ACME_ORG_ID, MEMBER_USER_ID, OWNER_USER_ID};

/// Set in the child process.
const CHILD: &str = "PROPELAUTH_DEVELOPMENT_TEST_CHILD";

fn bearer(token: &str) -> Vec<u8> {
    format!("Bearer {token}").into_bytes()
}

#[test]
fn starts_against_the_stand_in_through_the_real_fetch() {
    let development = Development::start().unwrap();
    assert_eq!(development.stand_in().metadata_fetches(), 1);
    let auth = development.auth();
    assert!(!auth.is_debug());

    let owner = development.sample_token("OWNER").unwrap();
    let owner = auth
        .validate_authorization_header(Some(&bearer(owner)))
        .unwrap();
    assert_eq!(owner.user_id, OWNER_USER_ID);
    assert!(
        auth.require_org_member_with_permission(&owner, ACME_ORG_ID, "can_view_billing")
            .is_ok()
    );
    let member = development.sample_token("MEMBER").unwrap();
    let member = auth
        .validate_authorization_header(Some(&bearer(member)))
        .unwrap();
    assert_eq!(member.user_id, MEMBER_USER_ID);
    assert!(
        auth.require_org_member_with_permission(&member, ACME_ORG_ID, "can_view_billing")
            .is_err()
    );
    let no_org = development.sample_token("NO_ORG").unwrap();
    let no_org = auth
        .validate_authorization_header(Some(&bearer(no_org)))
        .unwrap();
    assert!(no_org.org_id_to_org_member_info.is_empty());

    // The backend API answers from the stand-in too.
    let page = auth
        .fetch_users_in_org(ACME_ORG_ID, &FetchUsersInOrgOptions::default())
        .unwrap();
    assert_eq!(page.total, 2);
}

#[test]
fn the_banner_warns_first_and_exports_one_line_per_token() {
    let development = Development::start().unwrap();
    let banner = development.banner();
    assert!(banner.starts_with(WARNING), "{banner}");
    assert!(WARNING.starts_with("DEVELOPMENT MODE"));
    assert!(
        banner.contains(&development.stand_in().base_url()),
        "{banner}"
    );
    assert!(banner.contains(ACME_ORG_ID), "{banner}");
    for sample in development.sample_tokens() {
        let line = format!("export {}={}", sample.variable, sample.token);
        assert!(banner.lines().any(|shown| shown == line), "{banner}");
    }
    // Short enough to read: the tokens are the only long lines.
    let long_lines = banner.lines().filter(|line| line.len() > 90).count();
    assert_eq!(long_lines, development.sample_tokens().len(), "{banner}");
}

#[test]
fn debug_output_never_shows_a_token() {
    let development = Development::start().unwrap();
    let shown = format!("{development:?}");
    for sample in development.sample_tokens() {
        assert!(!shown.contains(&sample.token), "{shown}");
        assert!(shown.contains(sample.variable), "{shown}");
    }
    assert!(!shown.contains(development.stand_in().api_key()), "{shown}");
}

#[test]
fn into_auth_keeps_the_stand_in_running() {
    let auth = Development::start().unwrap().into_auth();
    // The `Development` is gone; its stand-in still answers the backend API.
    let page = auth
        .fetch_users_in_org(ACME_ORG_ID, &FetchUsersInOrgOptions::default())
        .unwrap();
    assert_eq!(page.total, 2);
}

/// Runs [`child_start`] with `vars` set; returns what it reports.
fn child(vars: &[(&str, &str)]) -> String {
    let output = Command::new(std::env::current_exe().unwrap())
        .env_remove("PROPELAUTH_AUTH_URL")
        .env_remove("PROPELAUTH_DEBUG")
        .env_remove("PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS")
        .envs(vars.iter().copied())
        .env(CHILD, "1")
        .args(["--exact", "child_start", "--nocapture", "--test-threads=1"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    stdout
        .lines()
        .find_map(|line| {
            line.split_once("CHILD ")
                .map(|(_, report)| report.to_owned())
        })
        .unwrap_or_else(|| panic!("no report from the child: {stdout}"))
}

/// Not a test of its own: the child process's side of [`child`].
#[test]
fn child_start() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let report = match Development::start() {
        Ok(development) => format!("OK debug={}", development.auth().is_debug()),
        Err(error @ DevelopmentError::Configured) => format!("CONFIGURED {error:?}"),
        Err(error) => format!("ERR {error:?}"),
    };
    println!("CHILD {report}");
}

#[test]
fn refuses_to_start_when_the_auth_url_is_set() {
    let report = child(&[("PROPELAUTH_AUTH_URL", "https://auth.example.com")]);
    assert!(
        report.starts_with("CONFIGURED PROPELAUTH_AUTH_URL is set, so development mode refuses"),
        "{report}"
    );
    // A blank value is unset, as for init_auth_from_env.
    assert_eq!(child(&[("PROPELAUTH_AUTH_URL", " ")]), "OK debug=false");
}

#[test]
fn reads_the_settings_from_the_environment() {
    assert_eq!(child(&[("PROPELAUTH_DEBUG", "1")]), "OK debug=true");
    let report = child(&[("PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS", "soon")]);
    assert!(
        report.starts_with("ERR invalid PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS=\"soon\""),
        "{report}"
    );
}
