//! The `hyper` binary, run as a newcomer would: development mode, the backend call, debug
//! mode, a key rotation while running, and refused configurations. (It serves no API docs,
//! so the API-docs check of the other examples does not apply.)

use propelauth_example_harness as harness;

const BINARY: &str = env!("CARGO_BIN_EXE_hyper");

#[test]
fn runs_in_development_mode() {
    harness::check_development_mode(BINARY);
}

#[test]
fn serves_the_orgs_users_from_the_backend_api() {
    harness::check_org_users(BINARY);
}

#[test]
fn debug_mode_shows_the_reason() {
    harness::check_debug_mode(BINARY);
}

#[test]
fn picks_up_a_rotated_key() {
    harness::check_key_rotation(BINARY);
}

#[test]
fn refuses_a_bad_configuration_with_a_sentence() {
    harness::check_bad_configuration(BINARY);
}

#[test]
fn prints_no_api_docs_line() {
    let server = harness::Server::development(BINARY);
    assert!(!server.output.contains("/docs"), "{}", server.output);
    assert_eq!(server.get("/docs", None).0, 404);
}
