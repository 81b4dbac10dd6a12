//! actix-web: the example app through `actix_web::test`.

use crate::cases::{CaseRequest, ObservedResponse};
use actix_http::Request;
use actix_service::boxed::{self, BoxService};
use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, WWW_AUTHENTICATE};
use actix_web::test as actix_test;
use actix_web::{App, web};
use propelauth_actix::PropelAuth;
use propelauth_core::Auth;
use propelauth_example_actix as actix_app;

use crate::Driver;

type TestService = BoxService<Request, ServiceResponse<BoxBody>, actix_web::Error>;

/// How the app holds the auth handle.
#[derive(Debug)]
pub enum Registration {
    /// `app_data(web::Data::new(auth))`, the usual way.
    WebData(PropelAuth),
    /// `app_data(auth)`.
    Plain(PropelAuth),
    /// Not at all: a misconfigured app.
    Missing,
}

/// Drives [`actix_app::routes`] in process, with the handle registered as `web::Data`.
pub struct ActixDriver {
    system: actix_web::rt::SystemRunner,
    service: TestService,
}

impl std::fmt::Debug for ActixDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ActixDriver")
    }
}

impl ActixDriver {
    /// The example app, holding the handle as `registration` says.
    pub fn with_registration(registration: Registration) -> Self {
        let system = actix_web::rt::System::new();
        let app = App::new().configure(actix_app::routes);
        let service = match registration {
            Registration::WebData(auth) => {
                system.block_on(actix_test::init_service(app.app_data(web::Data::new(auth))))
            }
            Registration::Plain(auth) => {
                system.block_on(actix_test::init_service(app.app_data(auth)))
            }
            Registration::Missing => system.block_on(actix_test::init_service(app)),
        };
        Self {
            system,
            service: boxed::service(service),
        }
    }
}

impl Driver for ActixDriver {
    const NAME: &'static str = "actix-web";

    fn new(auth: Auth) -> Self {
        Self::with_registration(Registration::WebData(PropelAuth::from(auth)))
    }

    fn answer(&mut self, case: &CaseRequest) -> ObservedResponse {
        let mut request = actix_test::TestRequest::get().uri(&case.route.path());
        if let Some(value) = &case.authorization {
            request =
                request.insert_header((AUTHORIZATION, HeaderValue::from_bytes(value).unwrap()));
        }
        let service = &self.service;
        self.system.block_on(async move {
            observe(actix_test::call_service(service, request.to_request()).await).await
        })
    }
}

/// Reads a response into the driver-neutral form.
pub async fn observe(response: ServiceResponse) -> ObservedResponse {
    let text = |value: &HeaderValue| String::from_utf8_lossy(value.as_bytes()).into_owned();
    let status = response.status().as_u16();
    let www_authenticate = response
        .headers()
        .get_all(WWW_AUTHENTICATE)
        .map(text)
        .collect();
    let content_type = response.headers().get(CONTENT_TYPE).map(text);
    ObservedResponse {
        status,
        www_authenticate,
        content_type,
        body: actix_test::read_body(response).await.to_vec(),
    }
}
