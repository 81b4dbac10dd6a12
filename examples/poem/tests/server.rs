//! The `poem` binary, run as a newcomer would: development mode, API docs, the backend
//! call, debug mode, a key rotation while running, and refused configurations.

use propelauth_example_harness as harness;

const BINARY: &str = env!("CARGO_BIN_EXE_poem");

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
fn serves_api_docs() {
    harness::check_api_docs(BINARY);
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
fn protects_a_route_group_and_a_websocket() {
    harness::check_group_and_websocket(BINARY);
}

#[test]
fn accepts_personal_api_keys_when_told_to() {
    harness::check_api_keys(BINARY);
}
