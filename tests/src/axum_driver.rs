//! axum: the example router called as a tower service.

use crate::cases::{CaseRequest, ObservedResponse};
use axum::Router;
use axum::body::Body;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, Request, Response};
use propelauth_axum::PropelAuth;
use propelauth_core::Auth;
use propelauth_example_axum as axum_app;
use tower::ServiceExt;

use crate::Driver;

/// Drives [`axum_app::router`] in process.
#[derive(Debug)]
pub struct AxumDriver {
    runtime: tokio::runtime::Runtime,
    router: Router,
}

impl Driver for AxumDriver {
    const NAME: &'static str = "axum";

    fn new(auth: Auth) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        Self {
            runtime,
            router: axum_app::router(PropelAuth::from(auth)),
        }
    }

    fn answer(&mut self, case: &CaseRequest) -> ObservedResponse {
        let mut request = Request::builder().uri(case.route.path());
        if let Some(value) = &case.authorization {
            request = request.header(AUTHORIZATION, HeaderValue::from_bytes(value).unwrap());
        }
        let request = request.body(Body::empty()).unwrap();
        let router = self.router.clone();
        self.runtime
            .block_on(async move { observe(router.oneshot(request).await.unwrap()).await })
    }
}

async fn observe(response: Response<Body>) -> ObservedResponse {
    let (parts, body) = response.into_parts();
    let text = |value: &HeaderValue| String::from_utf8_lossy(value.as_bytes()).into_owned();
    ObservedResponse {
        status: parts.status.as_u16(),
        www_authenticate: parts
            .headers
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .map(text)
            .collect(),
        content_type: parts.headers.get(CONTENT_TYPE).map(text),
        body: axum::body::to_bytes(body, 1 << 20).await.unwrap().to_vec(),
    }
}
