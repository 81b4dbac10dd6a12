//! Token sources: the `Authorization` header always; a query parameter or a cookie only where
//! the route opts in by name; the header wins; named values are decoded, bounded and checked
//! like the header; the answers are the header path's bytes.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use propelauth_core::{
    Auth, AuthError, CredentialError, MAX_AUTHORIZATION_HEADER_LEN, Rejection, RequestCredentials,
    TokenError, TokenSource, TokenSources, UnauthorizedReason,
};
use propelauth_testing::{StandIn, TokenBuilder, TokenVariant, test_auth_options};

fn auth() -> Auth {
    test_auth_options().init().unwrap()
}

fn debug_auth() -> Auth {
    test_auth_options().debug(true).init().unwrap()
}

fn websocket() -> TokenSources {
    TokenSources::header_only().or_query("access_token")
}

fn cookie_route() -> TokenSources {
    TokenSources::header_only().or_cookie("pa_token")
}

/// The user id, or the reason of the 401.
fn outcome(
    auth: &Auth,
    sources: &TokenSources,
    credentials: RequestCredentials<'_>,
) -> Result<String, UnauthorizedReason> {
    match auth.validate_request(sources, credentials) {
        Ok(user) => Ok(user.user_id.clone()),
        Err(AuthError::Unauthorized(error)) => Err(error.reason().clone()),
        Err(other) => panic!("not a 401: {other:?}"),
    }
}

fn rejection(
    auth: &Auth,
    sources: &TokenSources,
    credentials: RequestCredentials<'_>,
) -> Rejection {
    auth.validate_request(sources, credentials)
        .unwrap_err()
        .rejection()
}

/// Every byte as `%XX`: the most encoded form of the token.
fn fully_encoded(token: &str) -> String {
    token.bytes().map(|byte| format!("%{byte:02X}")).collect()
}

#[test]
fn only_the_header_is_read_unless_the_route_opts_in() {
    let auth = debug_auth();
    let token = TokenBuilder::new("u1").sign();
    let query = format!("access_token={token}");
    let cookie = format!("pa_token={token}");
    let credentials = RequestCredentials::new(None)
        .query(Some(&query))
        .cookie_header(Some(cookie.as_bytes()));
    let header_only = TokenSources::header_only();
    assert_eq!(TokenSources::default(), header_only);
    assert_eq!(
        outcome(&auth, &header_only, credentials),
        Err(UnauthorizedReason::MissingHeader)
    );
    let refused = rejection(&auth, &header_only, credentials);
    assert_eq!(
        (
            refused.status,
            refused.body.as_ref(),
            refused.www_authenticate
        ),
        (
            401,
            r#"{"detail":"No authorization header found"}"#,
            Some("Bearer")
        )
    );
    // Opting in to the query does not read the cookie, and the other way round.
    assert_eq!(
        outcome(
            &auth,
            &websocket(),
            RequestCredentials::new(None).cookie_header(Some(cookie.as_bytes()))
        ),
        Err(UnauthorizedReason::MissingHeader)
    );
    assert_eq!(
        outcome(
            &auth,
            &cookie_route(),
            RequestCredentials::new(None).query(Some(&query))
        ),
        Err(UnauthorizedReason::MissingHeader)
    );
    // A parameter of another name is not read either.
    assert_eq!(
        outcome(
            &auth,
            &TokenSources::header_only().or_query("token"),
            credentials
        ),
        Err(UnauthorizedReason::MissingHeader)
    );
    assert_eq!(outcome(&auth, &websocket(), credentials), Ok("u1".into()));
    assert_eq!(
        outcome(&auth, &cookie_route(), credentials),
        Ok("u1".into())
    );
}

#[test]
fn the_query_parameter_is_percent_decoded() {
    let auth = auth();
    let token = TokenBuilder::new("u-query").sign();
    for query in [
        format!("access_token={token}"),
        format!("room=7&access_token={}&x", fully_encoded(&token)),
        format!("access%5Ftoken={token}"),
        format!("a=%zz&access_token={token}&b=%"),
    ] {
        let credentials = RequestCredentials::new(None).query(Some(&query));
        assert_eq!(
            outcome(&auth, &websocket(), credentials),
            Ok("u-query".into()),
            "{query}"
        );
    }
    // An encoded dot that is not a dot: the decoded token is another token, refused.
    let altered = token.replacen('.', "%2C", 1);
    let query = format!("access_token={altered}");
    assert!(matches!(
        outcome(
            &auth,
            &websocket(),
            RequestCredentials::new(None).query(Some(&query))
        ),
        Err(UnauthorizedReason::InvalidToken(_))
    ));
}

#[test]
fn cookies_are_found_among_several_and_unquoted() {
    let auth = auth();
    let token = TokenBuilder::new("u-cookie").sign();
    let quoted = format!("theme=dark; pa_token=\"{token}\"; lang=en");
    let headers: [&[u8]; 3] = [b"a=1", b"pa_tokens=x; xpa_token=y", quoted.as_bytes()];
    let credentials = RequestCredentials::new(None).cookie_headers(&headers);
    assert_eq!(
        outcome(&auth, &cookie_route(), credentials),
        Ok("u-cookie".into())
    );
    // Two cookies of the name (different paths): the first one sent is used.
    let expired = TokenBuilder::new("u-old").expires_in(-3600).sign();
    let both = format!("pa_token={token}; pa_token={expired}");
    let credentials = RequestCredentials::new(None).cookie_header(Some(both.as_bytes()));
    assert_eq!(
        outcome(&auth, &cookie_route(), credentials),
        Ok("u-cookie".into())
    );
    let both = format!("pa_token={expired};pa_token={token}");
    let credentials = RequestCredentials::new(None).cookie_header(Some(both.as_bytes()));
    assert_eq!(
        outcome(&auth, &cookie_route(), credentials),
        Err(UnauthorizedReason::InvalidToken(TokenError::Expired))
    );
    // An empty cookie counts as absent: a later header's cookie is used.
    let later = format!("pa_token={token}");
    let headers: [&[u8]; 2] = [b"pa_token=", later.as_bytes()];
    let credentials = RequestCredentials::new(None).cookie_headers(&headers);
    assert_eq!(
        outcome(&auth, &cookie_route(), credentials),
        Ok("u-cookie".into())
    );
}

#[test]
fn the_header_wins_even_when_it_is_malformed_or_invalid() {
    let auth = debug_auth();
    let in_header = TokenBuilder::new("from-header").sign();
    let in_query = TokenBuilder::new("from-query").sign();
    let query = format!("access_token={in_query}");
    let cookie = format!("pa_token={in_query}");
    let both = TokenSources::header_only()
        .or_query("access_token")
        .or_cookie("pa_token");
    let with = |header: &'static [u8]| {
        outcome(
            &auth,
            &both,
            RequestCredentials::new(Some(header))
                .query(Some(&query))
                .cookie_header(Some(cookie.as_bytes())),
        )
    };
    let header = format!("Bearer {in_header}");
    let header: &'static [u8] = Box::leak(header.into_bytes().into_boxed_slice());
    assert_eq!(with(header), Ok("from-header".into()));
    // Present but malformed: 401, though the query holds a valid token.
    assert_eq!(with(b"Token abc"), Err(UnauthorizedReason::MalformedHeader));
    assert_eq!(with(b"Bearer"), Err(UnauthorizedReason::MalformedHeader));
    // Well formed but invalid: 401 too.
    let expired = format!("Bearer {}", TokenBuilder::new("x").expires_in(-3600).sign());
    let expired: &'static [u8] = Box::leak(expired.into_bytes().into_boxed_slice());
    assert_eq!(
        with(expired),
        Err(UnauthorizedReason::InvalidToken(TokenError::Expired))
    );
    // An empty header counts as absent (as the header path's "missing or empty").
    assert_eq!(with(b""), Ok("from-query".into()));
    // With no header, the query parameter wins over the cookie.
    let expired_cookie = format!(
        "pa_token={}",
        TokenBuilder::new("c").expires_in(-3600).sign()
    );
    let credentials = RequestCredentials::new(None)
        .query(Some(&query))
        .cookie_header(Some(expired_cookie.as_bytes()));
    assert_eq!(outcome(&auth, &both, credentials), Ok("from-query".into()));
    // The rejection of the malformed header is the header path's, byte for byte.
    let refused = rejection(
        &auth,
        &both,
        RequestCredentials::new(Some(b"Token abc")).query(Some(&query)),
    );
    let header_path = auth
        .validate_authorization_header(Some(b"Token abc"))
        .unwrap_err()
        .rejection();
    assert_eq!(refused, header_path);
}

#[test]
fn named_values_are_bounded_like_the_header() {
    let auth = debug_auth();
    let too_long = "a".repeat(MAX_AUTHORIZATION_HEADER_LEN + 1);
    let query = format!("access_token={too_long}");
    assert_eq!(
        outcome(
            &auth,
            &websocket(),
            RequestCredentials::new(None).query(Some(&query))
        ),
        Err(UnauthorizedReason::InvalidCredential(
            CredentialError::TooLong(TokenSource::QueryParameter)
        ))
    );
    // The bound is on the decoded value: three times as many encoded bytes still fit.
    let at_bound = "%61".repeat(MAX_AUTHORIZATION_HEADER_LEN);
    let query = format!("access_token={at_bound}");
    assert_eq!(
        outcome(
            &auth,
            &websocket(),
            RequestCredentials::new(None).query(Some(&query))
        ),
        Err(UnauthorizedReason::InvalidToken(TokenError::Malformed))
    );
    let cookie = format!("pa_token={too_long}");
    let refused = rejection(
        &auth,
        &cookie_route(),
        RequestCredentials::new(None).cookie_header(Some(cookie.as_bytes())),
    );
    assert_eq!(refused.status, 401);
    assert_eq!(
        refused.www_authenticate,
        Some(r#"Bearer error="invalid_token""#)
    );
    assert_eq!(
        refused.body,
        r#"{"detail":"Invalid access token: the cookie holding the token is longer than 16384 bytes"}"#
    );
    assert!(!refused.body.contains("aaaa"));
}

#[test]
fn malformed_values_are_401_and_never_echoed() {
    let auth = debug_auth();
    let token = TokenBuilder::new("u1").sign();
    let invalid = |error| Err(UnauthorizedReason::InvalidCredential(error));
    let query_cases = [
        (
            format!("access_token={token}&access_token={token}"),
            invalid(CredentialError::Repeated(TokenSource::QueryParameter)),
        ),
        (
            format!("access_token={token}%0A"),
            invalid(CredentialError::InvalidCharacters(
                TokenSource::QueryParameter,
            )),
        ),
        (
            format!("access_token={token}+x"),
            invalid(CredentialError::InvalidCharacters(
                TokenSource::QueryParameter,
            )),
        ),
        (
            "access_token=%E2%80%AEevil".to_owned(),
            invalid(CredentialError::InvalidCharacters(
                TokenSource::QueryParameter,
            )),
        ),
        (
            "access_token=".to_owned(),
            Err(UnauthorizedReason::MissingHeader),
        ),
        (
            "access_token=not-a-token".to_owned(),
            Err(UnauthorizedReason::InvalidToken(TokenError::Malformed)),
        ),
    ];
    for (query, expected) in query_cases {
        let credentials = RequestCredentials::new(None).query(Some(&query));
        assert_eq!(
            outcome(&auth, &websocket(), credentials),
            expected,
            "{query}"
        );
        let refused = rejection(&auth, &websocket(), credentials);
        assert!(!refused.body.contains("evil"), "{}", refused.body);
        assert!(!refused.body.contains(&token[..20]), "{}", refused.body);
    }
    let cookie_cases: [(&[u8], _); 3] = [
        (
            b"pa_token=abc\x01def",
            invalid(CredentialError::InvalidCharacters(TokenSource::Cookie)),
        ),
        (
            b"pa_token=t\xc3\xa9",
            invalid(CredentialError::InvalidCharacters(TokenSource::Cookie)),
        ),
        (
            b"pa_token=a b",
            invalid(CredentialError::InvalidCharacters(TokenSource::Cookie)),
        ),
    ];
    for (cookie, expected) in cookie_cases {
        let credentials = RequestCredentials::new(None).cookie_header(Some(cookie));
        assert_eq!(outcome(&auth, &cookie_route(), credentials), expected);
    }
    // Non-ASCII in another cookie does not matter.
    let cookie = format!("other=\u{e9}t\u{e9}; pa_token={token}");
    let credentials = RequestCredentials::new(None).cookie_header(Some(cookie.as_bytes()));
    assert_eq!(
        outcome(&auth, &cookie_route(), credentials),
        Ok("u1".into())
    );
}

#[test]
fn a_token_from_a_named_source_is_answered_like_one_from_the_header() {
    let auth = debug_auth();
    let mut tokens: Vec<(String, String)> = TokenVariant::HOSTILE
        .iter()
        .map(|variant| {
            (
                format!("{variant:?}"),
                TokenBuilder::new("u1").sign_variant(*variant),
            )
        })
        .collect();
    tokens.push((
        "expired".into(),
        TokenBuilder::new("u1").expires_in(-3600).sign(),
    ));
    tokens.push((
        "wrong issuer".into(),
        TokenBuilder::new("u1").issuer("https://other.test").sign(),
    ));
    tokens.push((
        "no user id".into(),
        TokenBuilder::new("u1").without_claim("user_id").sign(),
    ));
    for (variant, token) in tokens {
        let header = format!("Bearer {token}");
        let from_header = auth
            .validate_authorization_header(Some(header.as_bytes()))
            .unwrap_err()
            .rejection();
        let query = format!("access_token={token}");
        let from_query = rejection(
            &auth,
            &websocket(),
            RequestCredentials::new(None).query(Some(&query)),
        );
        let cookie = format!("pa_token={token}");
        let from_cookie = rejection(
            &auth,
            &cookie_route(),
            RequestCredentials::new(None).cookie_header(Some(cookie.as_bytes())),
        );
        assert_eq!(from_query, from_header, "{variant:?}");
        assert_eq!(from_cookie, from_header, "{variant:?}");
    }
    // Accepted tokens share the validated-token cache with the header path.
    let token = TokenBuilder::new("u1").sign();
    let header = format!("Bearer {token}");
    let first = auth
        .validate_authorization_header(Some(header.as_bytes()))
        .unwrap();
    let query = format!("access_token={token}");
    let second = auth
        .validate_request(
            &websocket(),
            RequestCredentials::new(None).query(Some(&query)),
        )
        .unwrap();
    assert!(std::sync::Arc::ptr_eq(&first, &second));
}

#[test]
fn api_keys_are_never_read_from_a_query_or_a_cookie() {
    let stand_in = StandIn::start().unwrap();
    let auth = propelauth_core::AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
        .backend_base_url(stand_in.base_url())
        .metadata(propelauth_core::TokenVerificationMetadata::new(
            propelauth_testing::TEST_PUBLIC_KEY_PEM,
        ))
        .accept_personal_api_keys(true)
        .debug(true)
        .init()
        .unwrap();
    let key = propelauth_testing::samples::PERSONAL_API_KEY;
    let query = format!("access_token={key}");
    let cookie = format!("pa_token={key}");
    let sources = websocket().or_cookie("pa_token");
    for credentials in [
        RequestCredentials::new(None).query(Some(&query)),
        RequestCredentials::new(None).cookie_header(Some(cookie.as_bytes())),
    ] {
        assert_eq!(
            outcome(&auth, &sources, credentials),
            Err(UnauthorizedReason::InvalidToken(TokenError::Malformed))
        );
    }
    assert_eq!(stand_in.api_key_validations(), 0);
    // The same key in the header is checked.
    let header = format!("Bearer {key}");
    let credentials = RequestCredentials::new(Some(header.as_bytes())).query(Some(&query));
    assert!(outcome(&auth, &sources, credentials).is_ok());
    assert_eq!(stand_in.api_key_validations(), 1);
}

#[test]
fn debug_output_never_shows_a_credential() {
    let token = TokenBuilder::new("u1").sign();
    let header = format!("Bearer {token}");
    let query = format!("access_token={token}");
    let credentials = RequestCredentials::new(Some(header.as_bytes()))
        .query(Some(&query))
        .cookie_header(Some(query.as_bytes()));
    let shown = format!("{credentials:?}");
    assert!(!shown.contains(&token[..16]), "{shown}");
    assert!(shown.contains("authorization_len"), "{shown}");
    let sources = websocket().or_cookie("pa_token");
    assert_eq!(
        format!("{sources:?}"),
        r#"TokenSources { header: true, query: Some("access_token"), cookie: Some("pa_token") }"#
    );
}
