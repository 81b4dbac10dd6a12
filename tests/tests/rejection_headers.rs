//! Every adapter sends all of a rejection's headers ([`Rejection::headers`]): for a 429 of an
//! API key over its rate limit that includes `Retry-After`, next to the content type, and
//! the bodies are core's bytes.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use propelauth_core::{
    AuthError, AuthOptions, Rejection, RequestCredentials, TokenSources, TokenVerificationMetadata,
};
use propelauth_testing::samples::PERSONAL_API_KEY;
use propelauth_testing::{CannedResponse, StandIn, TEST_PUBLIC_KEY_PEM};
use serde_json::json;

/// What a client sees of a rejection: status, the headers that matter, body.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    status: u16,
    content_type: Option<String>,
    www_authenticate: Option<String>,
    retry_after: Option<String>,
    body: String,
}

/// A 429 from core: PropelAuth says the personal API key is over its rate limit for 12.5 s.
fn rate_limited() -> AuthError {
    let stand_in = StandIn::start().unwrap();
    let auth = AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
        .backend_base_url(stand_in.base_url())
        .metadata(TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM))
        .timeout(Duration::from_secs(2))
        .accept_personal_api_keys(true)
        .init()
        .unwrap();
    stand_in.respond_once(
        "POST",
        "/api/backend/v1/end_user_api_keys/validate",
        CannedResponse::json(429, &json!({"wait_seconds": 12.5})),
    );
    let header = format!("Bearer {PERSONAL_API_KEY}");
    auth.validate_request(
        &TokenSources::header_only(),
        RequestCredentials::new(Some(header.as_bytes())),
    )
    .unwrap_err()
}

fn expected(error: &AuthError) -> Seen {
    let rejection = error.rejection();
    assert_eq!(rejection.retry_after_secs, Some(13));
    Seen {
        status: 429,
        content_type: Some(Rejection::CONTENT_TYPE.to_owned()),
        www_authenticate: None,
        retry_after: Some("13".to_owned()),
        body: Rejection::TOO_MANY_REQUESTS_BODY.to_owned(),
    }
}

fn axum_sees(error: AuthError) -> Seen {
    use axum::response::IntoResponse;
    let response = propelauth_axum::AuthRejection::from(error).into_response();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().unwrap().to_owned())
    };
    let seen = Seen {
        status: response.status().as_u16(),
        content_type: header("content-type"),
        www_authenticate: header("www-authenticate"),
        retry_after: header("retry-after"),
        body: String::new(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let body = runtime
        .block_on(axum::body::to_bytes(response.into_body(), 1 << 16))
        .unwrap();
    Seen {
        body: String::from_utf8(body.to_vec()).unwrap(),
        ..seen
    }
}

fn actix_sees(error: AuthError) -> Seen {
    use actix_web::ResponseError;
    let response = propelauth_actix::AuthRejection::from(error).error_response();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().unwrap().to_owned())
    };
    let seen = Seen {
        status: response.status().as_u16(),
        content_type: header("content-type"),
        www_authenticate: header("www-authenticate"),
        retry_after: header("retry-after"),
        body: String::new(),
    };
    let body = actix_web::body::to_bytes(response.into_body());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let body = runtime.block_on(body).unwrap();
    Seen {
        body: String::from_utf8(body.to_vec()).unwrap(),
        ..seen
    }
}

fn rocket_sees(error: AuthError) -> Seen {
    use rocket::response::Responder;
    let client = rocket::local::blocking::Client::untracked(rocket::build()).unwrap();
    let request = client.get("/");
    let mut response = propelauth_rocket::AuthRejection::from(error)
        .respond_to(&request)
        .unwrap();
    let header = |name: &str| response.headers().get_one(name).map(str::to_owned);
    let seen = Seen {
        status: response.status().code,
        content_type: header("content-type"),
        www_authenticate: header("www-authenticate"),
        retry_after: header("retry-after"),
        body: String::new(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let body = runtime.block_on(response.body_mut().to_string()).unwrap();
    Seen { body, ..seen }
}

fn poem_sees(error: AuthError) -> Seen {
    use poem::error::ResponseError;
    let response = propelauth_poem::AuthRejection::from(error).as_response();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().unwrap().to_owned())
    };
    let seen = Seen {
        status: response.status().as_u16(),
        content_type: header("content-type"),
        www_authenticate: header("www-authenticate"),
        retry_after: header("retry-after"),
        body: String::new(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let body = runtime
        .block_on(response.into_body().into_string())
        .unwrap();
    Seen { body, ..seen }
}

#[test]
fn every_adapter_sends_retry_after_with_a_429() {
    let error = rate_limited();
    let wanted = expected(&error);
    assert_eq!(axum_sees(error.clone()), wanted, "axum");
    assert_eq!(actix_sees(error.clone()), wanted, "actix");
    assert_eq!(rocket_sees(error.clone()), wanted, "rocket");
    assert_eq!(poem_sees(error), wanted, "poem");
}
