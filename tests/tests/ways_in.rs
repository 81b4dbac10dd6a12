//! The adapters' other ways in, on each framework's real pipeline, beyond the example routes:
//! a handler inside a route group that also takes the user validates once; the org API key
//! extractor; a cookie source through `RequireUserFrom`; a key over its rate limit is a 429
//! with `Retry-After`.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use propelauth_core::{Auth, RouteTokenSources, TokenSources};
use propelauth_testing::samples::{
    ACME_ORG_ID, GENERIC_API_KEY, ORG_API_KEY, OWNER_USER_ID, PERSONAL_API_KEY, member_token,
    owner_token,
};
use propelauth_testing::{CannedResponse, StandIn};
use serde_json::{Value, json};

/// The cookie source of the test apps.
struct SessionCookie;

impl RouteTokenSources for SessionCookie {
    fn token_sources() -> TokenSources {
        TokenSources::header_only().or_cookie("session")
    }
}

/// What an app answered.
#[derive(Debug)]
struct Answer {
    status: u16,
    retry_after: Option<String>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// One framework's test app: `/group/me` (a handler taking the user inside a route group),
/// `/machine` (the org API key extractor), `/cookie` (`RequireUserFrom<SessionCookie>`).
trait App {
    fn new(auth: Auth) -> Self;
    fn get(&mut self, path: &str, headers: &[(&str, String)]) -> Answer;
}

mod axum_app {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use axum::{Json, Router};
    use propelauth_axum::{
        PropelAuth, RequireOrgApiKey, RequireUser, RequireUserFrom, RequireUserLayer,
    };
    use tower::ServiceExt;

    pub struct AxumApp(tokio::runtime::Runtime, Router);

    impl App for AxumApp {
        fn new(auth: Auth) -> Self {
            let auth = PropelAuth::from(auth);
            let group: Router<PropelAuth> = Router::new()
                .route(
                    "/me",
                    get(|user: RequireUser| async move { user.user_id.clone() }),
                )
                .route_layer(RequireUserLayer::new(auth.clone()));
            let router = Router::new()
                .nest("/group", group)
                .route(
                    "/machine",
                    get(|key: RequireOrgApiKey| async move {
                        Json(json!({ "org_id": key.org_id, "metadata": key.metadata }))
                    }),
                )
                .route(
                    "/cookie",
                    get(|user: RequireUserFrom<SessionCookie>| async move { user.user_id.clone() }),
                )
                .with_state(auth);
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            Self(runtime, router)
        }

        fn get(&mut self, path: &str, headers: &[(&str, String)]) -> Answer {
            let mut request = axum::http::Request::get(path);
            for (name, value) in headers {
                request = request.header(*name, value);
            }
            let request = request.body(Body::empty()).unwrap();
            let router = self.1.clone();
            self.0.block_on(async move {
                let response = router.oneshot(request).await.unwrap();
                let status = response.status().as_u16();
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .map(|value| value.to_str().unwrap().to_owned());
                let body = axum::body::to_bytes(response.into_body(), 1 << 20)
                    .await
                    .unwrap();
                Answer {
                    status,
                    retry_after,
                    body: String::from_utf8(body.to_vec()).unwrap(),
                }
            })
        }
    }
}

mod actix_app {
    use super::*;
    use actix_service::boxed::{self, BoxService};
    use actix_web::body::BoxBody;
    use actix_web::dev::ServiceResponse;
    use actix_web::test as actix_test;
    use actix_web::{App as ActixApp, web};
    use propelauth_actix::{
        PropelAuth, RequireOrgApiKey, RequireUser, RequireUserFrom, RequireUserMiddleware,
    };

    type Service = BoxService<actix_http::Request, ServiceResponse<BoxBody>, actix_web::Error>;

    pub struct Actix(actix_web::rt::SystemRunner, Service);

    async fn me(user: RequireUser) -> String {
        user.user_id.clone()
    }

    async fn machine(key: RequireOrgApiKey) -> web::Json<Value> {
        web::Json(json!({ "org_id": key.org_id, "metadata": key.metadata }))
    }

    async fn cookie(user: RequireUserFrom<SessionCookie>) -> String {
        user.user_id.clone()
    }

    impl App for Actix {
        fn new(auth: Auth) -> Self {
            let system = actix_web::rt::System::new();
            let app = ActixApp::new()
                .app_data(web::Data::new(PropelAuth::from(auth)))
                .service(
                    web::scope("/group")
                        .wrap(RequireUserMiddleware)
                        .route("/me", web::get().to(me)),
                )
                .route("/machine", web::get().to(machine))
                .route("/cookie", web::get().to(cookie));
            let service = system.block_on(actix_test::init_service(app));
            Self(system, boxed::service(service))
        }

        fn get(&mut self, path: &str, headers: &[(&str, String)]) -> Answer {
            let mut request = actix_test::TestRequest::get().uri(path);
            for (name, value) in headers {
                request = request.insert_header((*name, value.as_str()));
            }
            let service = &self.1;
            self.0.block_on(async move {
                let response = actix_test::call_service(service, request.to_request()).await;
                let status = response.status().as_u16();
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .map(|value| value.to_str().unwrap().to_owned());
                let body = actix_test::read_body(response).await;
                Answer {
                    status,
                    retry_after,
                    body: String::from_utf8(body.to_vec()).unwrap(),
                }
            })
        }
    }
}

mod rocket_app {
    use super::*;
    use propelauth_conformance::rocket_driver::quiet_rocket;
    use propelauth_rocket::{PropelAuth, RequireOrgApiKey, RequireUser, RequireUserFrom};
    use rocket::get;
    use rocket::http::Header;
    use rocket::local::asynchronous::Client;

    pub struct RocketApp(tokio::runtime::Runtime, Client);

    /// Rocket has no route groups: the guard on each route, and a second guard on the same
    /// route (here `OptionalUser`) reuses the first one's validation.
    #[get("/group/me")]
    fn me(user: RequireUser, again: propelauth_rocket::OptionalUser) -> String {
        assert!(again.0.is_some());
        user.user_id.clone()
    }

    #[get("/machine")]
    fn machine(key: RequireOrgApiKey) -> rocket::serde::json::Value {
        json!({ "org_id": key.org_id, "metadata": key.metadata })
    }

    #[get("/cookie")]
    fn cookie(user: RequireUserFrom<SessionCookie>) -> String {
        user.user_id.clone()
    }

    impl App for RocketApp {
        fn new(auth: Auth) -> Self {
            let rocket = quiet_rocket()
                .manage(PropelAuth::from(auth))
                .register("/", propelauth_rocket::catchers())
                .mount("/", rocket::routes![me, machine, cookie]);
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            let client = runtime.block_on(Client::untracked(rocket)).unwrap();
            Self(runtime, client)
        }

        fn get(&mut self, path: &str, headers: &[(&str, String)]) -> Answer {
            let client = &self.1;
            self.0.block_on(async move {
                let mut request = client.get(path.to_owned());
                for (name, value) in headers {
                    request = request.header(Header::new(name.to_string(), value.clone()));
                }
                let response = request.dispatch().await;
                let status = response.status().code;
                let retry_after = response.headers().get_one("Retry-After").map(str::to_owned);
                let body = response.into_string().await.unwrap_or_default();
                Answer {
                    status,
                    retry_after,
                    body,
                }
            })
        }
    }
}

mod poem_app {
    use super::*;
    use poem::endpoint::BoxEndpoint;
    use poem::test::TestClient;
    use poem::web::Json;
    use poem::{EndpointExt, Response, Route, get, handler};
    use propelauth_poem::{
        PropelAuth, RequireOrgApiKey, RequireUser, RequireUserFrom, RequireUserMiddleware,
    };

    pub struct PoemApp(
        tokio::runtime::Runtime,
        TestClient<BoxEndpoint<'static, Response>>,
    );

    #[handler]
    fn me(user: RequireUser) -> String {
        user.user_id.clone()
    }

    #[handler]
    fn machine(key: RequireOrgApiKey) -> Json<Value> {
        Json(json!({ "org_id": key.org_id, "metadata": key.metadata }))
    }

    #[handler]
    fn cookie(user: RequireUserFrom<SessionCookie>) -> String {
        user.user_id.clone()
    }

    impl App for PoemApp {
        fn new(auth: Auth) -> Self {
            let app = Route::new()
                .nest(
                    "/group",
                    Route::new().at("/me", get(me)).with(RequireUserMiddleware),
                )
                .at("/machine", get(machine))
                .at("/cookie", get(cookie))
                .data(PropelAuth::from(auth))
                .map_to_response()
                .boxed();
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            Self(runtime, TestClient::new(app))
        }

        fn get(&mut self, path: &str, headers: &[(&str, String)]) -> Answer {
            let client = &self.1;
            self.0.block_on(async move {
                let mut request = client.get(path);
                for (name, value) in headers {
                    request = request.header(*name, value);
                }
                let response = request.send().await.0;
                let status = response.status().as_u16();
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .map(|value| value.to_str().unwrap().to_owned());
                let body = response.into_body().into_string().await.unwrap();
                Answer {
                    status,
                    retry_after,
                    body,
                }
            })
        }
    }
}

fn bearer(token: &str) -> Vec<(&'static str, String)> {
    vec![("Authorization", format!("Bearer {token}"))]
}

fn options(stand_in: &StandIn) -> propelauth_core::AuthOptions {
    propelauth_testing::test_auth_options().backend_base_url(stand_in.base_url())
}

/// A handler in a group that also takes the user: one validation per request, not two.
fn group_validates_once<A: App>() {
    let auth = propelauth_testing::test_auth_options().init().unwrap();
    let mut app = A::new(auth.clone());
    let token = owner_token().sign();
    let answer = app.get("/group/me", &bearer(&token));
    assert_eq!((answer.status, answer.body.as_str()), (200, OWNER_USER_ID));
    assert_eq!(auth.metrics().validations, 1, "{:?}", auth.metrics());
    let refused = app.get("/group/me", &[]);
    assert_eq!(refused.body, r#"{"detail":"Unauthorized"}"#);
    assert_eq!((refused.status, auth.metrics().validations), (401, 2));
}

/// The org API key extractor against the stand-in: the org and the key's metadata; 401 for a
/// personal key, a generic key or an access token; 503 when PropelAuth fails; cached.
fn org_api_keys<A: App>() {
    let stand_in = StandIn::start().unwrap();
    let mut app = A::new(options(&stand_in).init().unwrap());
    for _ in 0..2 {
        let answer = app.get("/machine", &bearer(ORG_API_KEY));
        assert_eq!(answer.status, 200, "{answer:?}");
        assert_eq!(
            answer.json(),
            json!({ "org_id": ACME_ORG_ID, "metadata": { "scope": "read" } })
        );
    }
    assert_eq!(
        stand_in.api_key_validations(),
        1,
        "the repeat came from the cache"
    );
    let unauthorized = r#"{"detail":"Unauthorized"}"#;
    for header in [
        bearer(PERSONAL_API_KEY),
        bearer(GENERIC_API_KEY),
        bearer(&member_token().sign()),
        vec![],
    ] {
        let answer = app.get("/machine", &header);
        assert_eq!(
            (answer.status, answer.body.as_str()),
            (401, unauthorized),
            "{header:?}"
        );
    }
    stand_in.respond(
        "POST",
        "/api/backend/v1/end_user_api_keys/validate",
        CannedResponse::json(502, &json!({})),
    );
    let answer = app.get("/machine", &bearer("another-org-key"));
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (503, r#"{"detail":"Service Unavailable"}"#)
    );
}

/// A personal key over its own rate limit: 429 with `Retry-After`, through every adapter.
fn rate_limited_keys<A: App>() {
    let stand_in = StandIn::start().unwrap();
    let auth = options(&stand_in)
        .accept_personal_api_keys(true)
        .init()
        .unwrap();
    let mut app = A::new(auth);
    stand_in.respond(
        "POST",
        "/api/backend/v1/end_user_api_keys/validate",
        CannedResponse::json(
            429,
            &json!({ "wait_seconds": 12.5, "error_code": "rate_limited" }),
        ),
    );
    let answer = app.get("/group/me", &bearer(PERSONAL_API_KEY));
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (429, r#"{"detail":"Too Many Requests"}"#)
    );
    let seconds: u64 = answer.retry_after.as_deref().unwrap().parse().unwrap();
    assert!((12..=13).contains(&seconds), "{answer:?}");
}

/// `RequireUserFrom<S>` reads the cookie `S` names; the header still wins; other routes
/// ignore the cookie.
fn cookie_source<A: App>() {
    let auth = propelauth_testing::test_auth_options().init().unwrap();
    let mut app = A::new(auth);
    let token = owner_token().sign();
    let cookie = vec![("Cookie", format!("theme=dark; session={token}"))];
    let answer = app.get("/cookie", &cookie);
    assert_eq!((answer.status, answer.body.as_str()), (200, OWNER_USER_ID));
    let mut both = cookie.clone();
    both.push(("Authorization", "Bearer abc.def.ghi".to_owned()));
    assert_eq!(app.get("/cookie", &both).status, 401, "the header wins");
    assert_eq!(
        app.get("/group/me", &cookie).status,
        401,
        "header only elsewhere"
    );
    assert_eq!(app.get("/cookie", &[]).status, 401);
}

fn all<A: App>() {
    group_validates_once::<A>();
    org_api_keys::<A>();
    rate_limited_keys::<A>();
    cookie_source::<A>();
}

#[test]
fn axum_other_ways_in() {
    all::<axum_app::AxumApp>();
}

#[test]
fn actix_other_ways_in() {
    all::<actix_app::Actix>();
}

#[test]
fn rocket_other_ways_in() {
    all::<rocket_app::RocketApp>();
}

#[test]
fn poem_other_ways_in() {
    all::<poem_app::PoemApp>();
}
