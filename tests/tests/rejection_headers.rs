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

impl Seen {
    /// What a response of any framework shows: its status, its headers through `header`, its
    /// body (a future of the framework's own body type, run to the end here).
    fn of<B: Future<Output = String>>(
        status: u16,
        header: impl Fn(&str) -> Option<String>,
        body: B,
    ) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        Seen {
            status,
            content_type: header("content-type"),
            www_authenticate: header("www-authenticate"),
            retry_after: header("retry-after"),
            body: runtime.block_on(body),
        }
    }
}

fn axum_sees(error: AuthError) -> Seen {
    use axum::response::IntoResponse;
    let (parts, body) = propelauth_axum::AuthRejection::from(error)
        .into_response()
        .into_parts();
    let header = |name: &str| {
        let value = parts.headers.get(name)?;
        Some(value.to_str().unwrap().to_owned())
    };
    Seen::of(parts.status.as_u16(), header, async {
        let bytes = axum::body::to_bytes(body, 1 << 16).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    })
}

fn actix_sees(error: AuthError) -> Seen {
    use actix_web::ResponseError;
    let response = propelauth_actix::AuthRejection::from(error).error_response();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let header = |name: &str| {
        let value = headers.get(name)?;
        Some(value.to_str().unwrap().to_owned())
    };
    Seen::of(status, header, async {
        let bytes = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    })
}

fn rocket_sees(error: AuthError) -> Seen {
    use rocket::response::Responder;
    let client = rocket::local::blocking::Client::untracked(rocket::build()).unwrap();
    let request = client.get("/");
    let mut response = propelauth_rocket::AuthRejection::from(error)
        .respond_to(&request)
        .unwrap();
    let status = response.status().code;
    let headers = response.headers().clone();
    let header = |name: &str| headers.get_one(name).map(str::to_owned);
    Seen::of(status, header, async {
        response.body_mut().to_string().await.unwrap()
    })
}

fn poem_sees(error: AuthError) -> Seen {
    use poem::error::ResponseError;
    let (parts, body) = propelauth_poem::AuthRejection::from(error)
        .as_response()
        .into_parts();
    let header = |name: &str| {
        let value = parts.headers.get(name)?;
        Some(value.to_str().unwrap().to_owned())
    };
    Seen::of(parts.status.as_u16(), header, async {
        body.into_string().await.unwrap()
    })
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
