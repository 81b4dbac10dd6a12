//! `init_auth` against the local stand-in of the auth service: every outcome of the metadata
//! fetch, every shape of its body, over real HTTP on 127.0.0.1.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpListener;
use std::time::{Duration, Instant};

use propelauth_core::{AuthOptions, InitError, TokenVerificationMetadata, init_auth_with_metadata};
use propelauth_testing::{
    CannedResponse, MetadataShape, OTHER_PUBLIC_KEY_PEM, StandIn, TEST_API_KEY, TEST_AUTH_URL,
    TEST_ISSUER, TEST_PUBLIC_KEY_PEM, TokenBuilder, TokenVariant,
};
use serde_json::json;

const METADATA: &str = "/api/v1/token_verification_metadata";

fn options(stand_in: &StandIn) -> AuthOptions {
    AuthOptions::new(stand_in.auth_url(), stand_in.api_key()).backend_base_url(stand_in.base_url())
}

fn init_error(stand_in: &StandIn) -> InitError {
    options(stand_in).init().unwrap_err()
}

fn bearer(token: &str) -> Vec<u8> {
    format!("Bearer {token}").into_bytes()
}

#[test]
fn fetches_metadata_with_the_api_key_and_tenant_header() {
    let stand_in = StandIn::start().unwrap();
    let auth = options(&stand_in).init().unwrap();
    assert_eq!(auth.issuer(), TEST_ISSUER);
    assert_eq!(auth.tenant_host(), "auth.propelauth.test");

    let requests = stand_in.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", METADATA)
    );
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {TEST_API_KEY}").as_str())
    );
    assert_eq!(
        request.header("x-propelauth-url"),
        Some("auth.propelauth.test")
    );
    let user_agent = request.header("user-agent").unwrap();
    assert!(user_agent.starts_with("propelauth-rs/"), "{user_agent}");

    let user = auth
        .validate_authorization_header(Some(&bearer(&TokenBuilder::new("u1").sign())))
        .unwrap();
    assert_eq!(user.user_id, "u1");
}

#[test]
fn tenant_host_keeps_an_explicit_port_and_ignores_path_and_scheme() {
    let stand_in = StandIn::builder()
        .auth_url("http://localhost:8443/some/path/")
        .start()
        .unwrap();
    let auth = options(&stand_in).init().unwrap();
    assert_eq!(auth.tenant_host(), "localhost:8443");
    assert_eq!(
        auth.issuer(),
        "https://localhost:8443",
        "the issuer is always https"
    );
    assert_eq!(
        stand_in.requests()[0].header("x-propelauth-url"),
        Some("localhost:8443")
    );
}

#[test]
fn every_metadata_shape_initializes() {
    for shape in [
        MetadataShape::BothKeys,
        MetadataShape::VerifierKeyPem,
        MetadataShape::PublicKeyPem,
    ] {
        let stand_in = StandIn::builder().metadata_shape(shape).start().unwrap();
        let auth = options(&stand_in)
            .init()
            .unwrap_or_else(|error| panic!("{shape:?}: {error}"));
        let token = TokenBuilder::new("u1").sign();
        assert_eq!(
            auth.validate_access_token(&token).unwrap().user_id,
            "u1",
            "{shape:?}"
        );
        auth.refresh_metadata()
            .unwrap_or_else(|error| panic!("{shape:?} refresh: {error}"));
        assert_eq!(stand_in.requests().len(), 2, "{shape:?}");
    }
}

#[test]
fn verifier_key_pem_wins_when_both_names_are_present() {
    let stand_in = StandIn::start().unwrap();
    stand_in.respond(
        "GET",
        METADATA,
        CannedResponse::json(
            200,
            &json!({
                "verifier_key_pem": TEST_PUBLIC_KEY_PEM,
                "public_key_pem": OTHER_PUBLIC_KEY_PEM,
                "roles": [{"name": "Owner"}],
                "anything_else": null,
            }),
        ),
    );
    let auth = options(&stand_in).init().unwrap();
    assert!(
        auth.validate_access_token(&TokenBuilder::new("u1").sign())
            .is_ok()
    );
    let other_key = TokenBuilder::new("u1").sign_variant(TokenVariant::WrongKey);
    assert!(auth.validate_access_token(&other_key).is_err());

    // A null `verifier_key_pem` counts as absent.
    stand_in.respond(
        "GET",
        METADATA,
        CannedResponse::json(
            200,
            &json!({"verifier_key_pem": null, "public_key_pem": TEST_PUBLIC_KEY_PEM}),
        ),
    );
    assert!(options(&stand_in).init().is_ok());
}

#[test]
fn an_issuer_in_fetched_metadata_is_ignored() {
    let stand_in = StandIn::start().unwrap();
    for issuer in [json!("https://evil.test"), json!(42)] {
        stand_in.respond(
            "GET",
            METADATA,
            CannedResponse::json(
                200,
                &json!({"verifier_key_pem": TEST_PUBLIC_KEY_PEM, "issuer": issuer}),
            ),
        );
        let auth = options(&stand_in).init().unwrap();
        assert_eq!(auth.issuer(), TEST_ISSUER, "{issuer}");
        assert!(
            auth.validate_access_token(&TokenBuilder::new("u1").sign())
                .is_ok()
        );
        let evil = TokenBuilder::new("u1").issuer("https://evil.test").sign();
        assert!(auth.validate_access_token(&evil).is_err(), "{issuer}");

        // The option still wins, and a refresh does not change the issuer either.
        let custom = options(&stand_in)
            .issuer("https://login.acme.test")
            .init()
            .unwrap();
        assert_eq!(custom.issuer(), "https://login.acme.test");
        auth.refresh_metadata().unwrap();
        assert_eq!(auth.issuer(), TEST_ISSUER);
    }
}

#[test]
fn metadata_passed_in_reads_both_names_and_keeps_its_issuer() {
    let metadata: TokenVerificationMetadata = serde_json::from_value(json!({
        "verifier_key_pem": TEST_PUBLIC_KEY_PEM,
        "public_key_pem": OTHER_PUBLIC_KEY_PEM,
        "issuer": "https://login.acme.test",
        "roles": [],
    }))
    .unwrap();
    assert_eq!(
        metadata,
        TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM).with_issuer("https://login.acme.test")
    );
    let public_only: TokenVerificationMetadata =
        serde_json::from_value(json!({"public_key_pem": TEST_PUBLIC_KEY_PEM})).unwrap();
    assert_eq!(
        public_only,
        TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM)
    );
    let error = serde_json::from_value::<TokenVerificationMetadata>(json!({"issuer": "x"}))
        .unwrap_err()
        .to_string();
    assert!(error.contains("verifier_key_pem"), "{error}");
    // Serialized, it reads back the same.
    let round_trip: TokenVerificationMetadata =
        serde_json::from_str(&serde_json::to_string(&metadata).unwrap()).unwrap();
    assert_eq!(round_trip, metadata);

    let auth = init_auth_with_metadata(TEST_AUTH_URL, TEST_API_KEY, metadata).unwrap();
    assert_eq!(auth.issuer(), "https://login.acme.test");
}

#[test]
fn a_wrong_api_key_is_an_invalid_api_key_error() {
    let stand_in = StandIn::start().unwrap();
    let error = AuthOptions::new(stand_in.auth_url(), "wrong-key-4242")
        .backend_base_url(stand_in.base_url())
        .init()
        .unwrap_err();
    assert!(matches!(error, InitError::InvalidApiKey), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("integration_api_key is incorrect"),
        "{message}"
    );
    assert!(
        !message.contains("wrong-key-4242") && !format!("{error:?}").contains("wrong-key-4242")
    );
}

#[test]
fn a_wrong_auth_url_is_an_invalid_auth_url_error() {
    let stand_in = StandIn::start().unwrap();
    let error = AuthOptions::new("https://other.example.com", stand_in.api_key())
        .backend_base_url(stand_in.base_url())
        .init()
        .unwrap_err();
    assert!(
        matches!(error, InitError::InvalidAuthUrl { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("auth_url is incorrect"),
        "{error}"
    );
    assert!(error.to_string().contains("other.example.com"), "{error}");
}

#[test]
fn error_statuses_map_to_typed_errors() {
    let stand_in = StandIn::start().unwrap();
    stand_in.respond("GET", METADATA, CannedResponse::text(400, "missing header"));
    assert!(
        matches!(init_error(&stand_in), InitError::BadRequest { body } if body == "missing header")
    );

    stand_in.respond(
        "GET",
        METADATA,
        CannedResponse::text(429, "slow down, retry in 30s"),
    );
    let error = init_error(&stand_in);
    assert!(
        matches!(&error, InitError::RateLimited { text } if text == "slow down, retry in 30s"),
        "{error:?}"
    );
    assert!(error.to_string().contains("slow down"));

    stand_in.respond("GET", METADATA, CannedResponse::text(500, "boom"));
    assert!(matches!(
        init_error(&stand_in),
        InitError::UnexpectedStatus { status: 500, .. }
    ));

    stand_in.respond(
        "GET",
        METADATA,
        CannedResponse::text(503, "x".repeat(10_000)),
    );
    match init_error(&stand_in) {
        InitError::UnexpectedStatus { status: 503, body } => assert!(body.len() <= 512),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_body_that_is_not_metadata_is_invalid_metadata() {
    let stand_in = StandIn::start().unwrap();
    stand_in.respond(
        "GET",
        METADATA,
        CannedResponse::text(200, "<html>hello</html>"),
    );
    assert!(matches!(
        init_error(&stand_in),
        InitError::InvalidMetadata { .. }
    ));
    stand_in.respond(
        "GET",
        METADATA,
        CannedResponse::json(200, &json!({"something": "else"})),
    );
    assert!(matches!(
        init_error(&stand_in),
        InitError::InvalidMetadata { .. }
    ));
    stand_in.respond(
        "GET",
        METADATA,
        CannedResponse::json(200, &json!({"verifier_key_pem": 5})),
    );
    assert!(matches!(
        init_error(&stand_in),
        InitError::InvalidMetadata { .. }
    ));
}

#[test]
fn a_pem_that_does_not_parse_fails_init() {
    let stand_in = StandIn::start().unwrap();
    for pem in [
        "not a pem".to_owned(),
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----".to_owned(),
        propelauth_testing::TEST_PRIVATE_KEY_PEM.replace("PRIVATE", "PUBLIC"),
        // Too short for RS256 on either backend, and not RSA at all.
        include_str!("data/rsa1024_public_key.pem").to_owned(),
        include_str!("data/ec_p256_public_key.pem").to_owned(),
    ] {
        stand_in.respond(
            "GET",
            METADATA,
            CannedResponse::json(200, &json!({"verifier_key_pem": pem})),
        );
        let error = init_error(&stand_in);
        assert!(
            matches!(error, InitError::InvalidPublicKey { .. }),
            "{error:?}"
        );
    }
}

#[test]
fn a_slow_server_hits_the_total_timeout() {
    let stand_in = StandIn::start().unwrap();
    stand_in.respond(
        "GET",
        METADATA,
        CannedResponse::json(200, &json!({"verifier_key_pem": TEST_PUBLIC_KEY_PEM}))
            .with_delay(Duration::from_secs(5)),
    );
    let started = Instant::now();
    let error = options(&stand_in)
        .timeout(Duration::from_millis(300))
        .init()
        .unwrap_err();
    assert!(matches!(error, InitError::Network { .. }), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    assert!(error.to_string().contains(METADATA), "{error}");
}

#[test]
fn a_refused_connection_is_a_network_error() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let error = AuthOptions::new(TEST_AUTH_URL, TEST_API_KEY)
        .backend_base_url(format!("http://127.0.0.1:{port}"))
        .init()
        .unwrap_err();
    assert!(matches!(error, InitError::Network { .. }), "{error:?}");
    assert!(!error.to_string().contains(TEST_API_KEY));
}

#[test]
fn an_auth_url_without_host_fails_before_any_request() {
    let stand_in = StandIn::start().unwrap();
    for url in [
        "auth.example.com",
        "",
        "https://",
        "not a url",
        "mailto:x@example.com",
    ] {
        let error = AuthOptions::new(url, TEST_API_KEY)
            .backend_base_url(stand_in.base_url())
            .init()
            .unwrap_err();
        assert!(
            matches!(error, InitError::InvalidUrl { .. }),
            "{url}: {error:?}"
        );
        assert!(error.to_string().starts_with("Invalid URL"), "{error}");
    }
    assert!(stand_in.requests().is_empty());
}

#[test]
fn a_backend_base_url_that_is_not_http_fails_before_any_request() {
    for url in ["ftp://example.com", "example.com", ""] {
        let error = AuthOptions::new(TEST_AUTH_URL, TEST_API_KEY)
            .backend_base_url(url)
            .init()
            .unwrap_err();
        assert!(
            matches!(error, InitError::InvalidBackendBaseUrl { .. }),
            "{url}: {error:?}"
        );
    }
}

#[test]
fn metadata_passed_in_makes_no_request() {
    let stand_in = StandIn::start().unwrap();
    let auth = options(&stand_in)
        .metadata(TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM))
        .init()
        .unwrap();
    assert!(stand_in.requests().is_empty());
    assert_eq!(auth.issuer(), TEST_ISSUER);
    let error = init_auth_with_metadata(
        TEST_AUTH_URL,
        TEST_API_KEY,
        TokenVerificationMetadata::new("bad"),
    );
    assert!(matches!(error, Err(InitError::InvalidPublicKey { .. })));
}

#[test]
fn issuer_comes_from_the_option_then_the_metadata_then_the_auth_url() {
    let metadata =
        TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM).with_issuer("https://login.acme.test");
    let from_metadata =
        init_auth_with_metadata(TEST_AUTH_URL, TEST_API_KEY, metadata.clone()).unwrap();
    assert_eq!(from_metadata.issuer(), "https://login.acme.test");
    let token = TokenBuilder::new("u1")
        .issuer("https://login.acme.test")
        .sign();
    assert!(from_metadata.validate_access_token(&token).is_ok());
    assert!(
        from_metadata
            .validate_access_token(&TokenBuilder::new("u1").sign())
            .is_err()
    );

    let overridden = AuthOptions::new(TEST_AUTH_URL, TEST_API_KEY)
        .metadata(metadata)
        .issuer("https://custom.acme.test")
        .init()
        .unwrap();
    assert_eq!(overridden.issuer(), "https://custom.acme.test");
}

#[test]
fn debug_output_never_shows_the_api_key() {
    let options = AuthOptions::new(TEST_AUTH_URL, "sk_live_secret_9f8e7d")
        .metadata(TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM));
    let options_debug = format!("{options:?}");
    let auth = options.init().unwrap();
    for shown in [options_debug, format!("{auth:?}"), format!("{auth:#?}")] {
        assert!(!shown.contains("sk_live_secret_9f8e7d"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
}

#[test]
fn refresh_swaps_the_key_and_a_failed_refresh_keeps_the_old_one() {
    let stand_in = StandIn::start().unwrap();
    let auth = options(&stand_in).init().unwrap();
    let token = TokenBuilder::new("u1").sign();
    assert!(auth.validate_access_token(&token).is_ok());

    // The service now fails: the refresh reports it and the old key keeps working.
    stand_in.respond("GET", METADATA, CannedResponse::text(500, "down"));
    assert!(matches!(
        auth.refresh_metadata(),
        Err(InitError::UnexpectedStatus { status: 500, .. })
    ));
    stand_in.respond(
        "GET",
        METADATA,
        CannedResponse::json(200, &json!({"verifier_key_pem": "garbage"})),
    );
    assert!(matches!(
        auth.refresh_metadata(),
        Err(InitError::InvalidPublicKey { .. })
    ));
    assert!(auth.validate_access_token(&token).is_ok());

    // The project rotated to another key: after the refresh, old tokens fail.
    let rotated = propelauth_testing::OTHER_PUBLIC_KEY_PEM;
    stand_in.respond(
        "GET",
        METADATA,
        CannedResponse::json(200, &json!({"verifier_key_pem": rotated})),
    );
    auth.refresh_metadata().unwrap();
    assert!(auth.validate_access_token(&token).is_err());
    let rotated_token =
        TokenBuilder::new("u1").sign_variant(propelauth_testing::TokenVariant::WrongKey);
    assert!(auth.validate_access_token(&rotated_token).is_ok());
    let clone = auth.clone();
    assert!(
        clone.validate_access_token(&token).is_err(),
        "clones share the key"
    );
}

#[test]
fn refresh_while_validating_on_other_threads() {
    let stand_in = StandIn::start().unwrap();
    let auth = options(&stand_in).init().unwrap();
    let token = TokenBuilder::new("u1").sign();
    std::thread::scope(|scope| {
        let validators: Vec<_> = (0..2)
            .map(|_| {
                let (auth, token) = (auth.clone(), token.clone());
                scope.spawn(move || (0..200).all(|_| auth.validate_access_token(&token).is_ok()))
            })
            .collect();
        for _ in 0..20 {
            auth.refresh_metadata().unwrap();
        }
        for validator in validators {
            assert!(validator.join().unwrap());
        }
    });
}
