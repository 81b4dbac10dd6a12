//! poem: the example app through `poem::test::TestClient`.

use crate::cases::{CaseRequest, ObservedResponse};
use poem::endpoint::BoxEndpoint;
use poem::http::HeaderValue;
use poem::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use poem::test::TestClient;
use poem::{EndpointExt, Response};
use propelauth_core::Auth;
use propelauth_example_poem as poem_app;
use propelauth_poem::PropelAuth;

use crate::Driver;

/// Drives [`poem_app::app`] in process.
pub struct PoemDriver {
    runtime: tokio::runtime::Runtime,
    client: TestClient<BoxEndpoint<'static, Response>>,
}

impl std::fmt::Debug for PoemDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PoemDriver")
    }
}

impl PoemDriver {
    /// Drives any endpoint (for example the routes without the handle).
    pub fn with_endpoint(endpoint: BoxEndpoint<'static, Response>) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Self {
            runtime,
            client: TestClient::new(endpoint),
        }
    }
}

impl Driver for PoemDriver {
    const NAME: &'static str = "poem";

    fn new(auth: Auth) -> Self {
        Self::with_endpoint(
            poem_app::app(PropelAuth::from(auth))
                .map_to_response()
                .boxed(),
        )
    }

    fn answer(&mut self, case: &CaseRequest) -> ObservedResponse {
        let client = &self.client;
        self.runtime.block_on(async move {
            let mut request = client.get(case.route.path());
            if let Some(value) = &case.authorization {
                request = request.header(AUTHORIZATION, HeaderValue::from_bytes(value).unwrap());
            }
            let response = request.send().await.0;
            let text = |value: &HeaderValue| String::from_utf8_lossy(value.as_bytes()).into_owned();
            ObservedResponse {
                status: response.status().as_u16(),
                www_authenticate: response
                    .headers()
                    .get_all(WWW_AUTHENTICATE)
                    .iter()
                    .map(text)
                    .collect(),
                content_type: response.headers().get(CONTENT_TYPE).map(text),
                body: response.into_body().into_vec().await.unwrap(),
            }
        })
    }
}
