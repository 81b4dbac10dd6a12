//! Runs each example server binary against a stand-in of the auth service, rotates the
//! stand-in's signing key while the server runs, and sees tokens of the new key accepted by
//! the running process: no restart, no manual refresh.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use propelauth_testing::{OTHER_PUBLIC_KEY_PEM, StandIn, TokenBuilder, TokenVariant};

/// A running example server; killed on drop.
struct Server {
    child: Child,
    base_url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `binary` in configured mode against `stand_in`, with a 1 s minimum refresh
/// interval, and waits for its "listening on" line.
fn start(binary: &str, stand_in: &StandIn) -> Server {
    let child = Command::new(binary)
        .env("PROPELAUTH_AUTH_URL", stand_in.auth_url())
        .env("PROPELAUTH_API_KEY", stand_in.api_key())
        .env("PROPELAUTH_API_BASE_URL", stand_in.base_url())
        .env("PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS", "1")
        .env_remove("PROPELAUTH_DEBUG")
        .env("HOST", "127.0.0.1")
        .env("PORT", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut server = Server {
        child,
        base_url: String::new(),
    };
    let stdout = server.child.stdout.take().unwrap();
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let _ = lines.send(line.unwrap_or_default());
        }
    });
    loop {
        let line = received
            .recv_timeout(Duration::from_secs(30))
            .expect("the server printed its address");
        if let Some((_, address)) = line.split_once(" listening on ") {
            server.base_url = address.trim().to_owned();
            return server;
        }
    }
}

fn whoami(server: &Server, token: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let mut response = agent
        .get(format!("{}/api/whoami", server.base_url))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    (
        response.status().as_u16(),
        response.body_mut().read_to_string().unwrap(),
    )
}

fn check_rotation(binary: &str) {
    let stand_in = StandIn::start().unwrap();
    let server = start(binary, &stand_in);
    let old = TokenBuilder::new("old-key-user").sign();
    assert_eq!(whoami(&server, &old).0, 200);
    assert_eq!(stand_in.metadata_fetches(), 1, "fetched once at start");

    stand_in.set_verifier_key_pem(OTHER_PUBLIC_KEY_PEM);
    let new = TokenBuilder::new("new-key-user").sign_variant(TokenVariant::WrongKey);
    let (status, body) = whoami(&server, &new);
    assert_eq!(
        (status, body.as_str()),
        (401, r#"{"detail":"Unauthorized"}"#)
    );

    // The 401 scheduled a refresh (at most 1 s after the start-up fetch); poll until the new
    // key is in, within a bounded time.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (status, body) = whoami(&server, &new);
        if status == 200 {
            assert!(body.contains("new-key-user"), "{body}");
            break;
        }
        assert!(Instant::now() < deadline, "the new key was never accepted");
        std::thread::sleep(Duration::from_millis(50));
    }
    // The rotated-out key no longer verifies.
    assert_eq!(whoami(&server, &old).0, 401);
    let fetches = stand_in.metadata_fetches();
    assert!((2..=3).contains(&fetches), "{fetches} metadata fetches");
}

#[test]
fn the_axum_example_picks_up_a_rotated_key() {
    check_rotation(env!("CARGO_BIN_EXE_axum"));
}

#[test]
fn the_actix_example_picks_up_a_rotated_key() {
    check_rotation(env!("CARGO_BIN_EXE_actix"));
}

#[test]
fn the_rocket_example_picks_up_a_rotated_key() {
    check_rotation(env!("CARGO_BIN_EXE_rocket"));
}

#[test]
fn the_poem_example_picks_up_a_rotated_key() {
    check_rotation(env!("CARGO_BIN_EXE_poem"));
}

#[test]
fn a_bad_refresh_interval_is_reported() {
    let output = Command::new(env!("CARGO_BIN_EXE_axum"))
        .env("PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS", "soon")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("PROPELAUTH_KEY_REFRESH_MIN_INTERVAL_SECS=\"soon\""),
        "{stderr}"
    );
}
