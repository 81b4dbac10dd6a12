//! What the framework adapters add on top of core's token validation, per request, in
//! process (no sockets).
//!
//! Measured, with the same ~1.4 KB token (`realistic_token(1)`) and an auth handle from
//! `test_auth_options()` (validated-token cache on, its default; the token is validated once
//! before measuring, so every measured request is a cache hit, as for a single-page app that
//! sends one token for its whole lifetime):
//!
//! - `core_validation`: `Auth::validate_authorization_header` alone (a cache hit).
//! - `core_validation_uncached`: the same on a handle without the cache
//!   (`token_cache_capacity(0)`): the full validation, RSA check included.
//! - `user_clone`: a clone of that `User`, dropped: what handing the user over would cost
//!   without the `Arc`.
//! - `<framework>/unprotected`: `GET /unprotected` through a small dedicated app, whose
//!   handler answers `Json` of the fixture's `Arc<User>` (validated beforehand: the same JSON
//!   the protected route answers). The request carries the same `Authorization` header, which
//!   the handler ignores: this is the framework's own cost plus the serialization of the user.
//! - `<framework>/protected`: `GET /protected`, whose handler takes `RequireUser` and answers
//!   `Json(user)`.
//!
//! `<framework>` is
//!
//! - `axum`: the router called with `tower::ServiceExt::oneshot` on a current-thread tokio
//!   runtime, body read with `axum::body::to_bytes`;
//! - `actix-web`: `actix_web::test::init_service` / `call_service` / `read_body` in one
//!   actix `System`;
//! - `rocket`: the handle managed, PropelAuth's catchers registered, quiet config, driven by
//!   `rocket::local::asynchronous::Client::untracked` on a current-thread tokio runtime, body
//!   read with `LocalResponse::into_bytes`. The unprotected handler takes the fixture's user
//!   from managed state (`&State<FixtureUser>`), Rocket's handlers being plain functions;
//! - `poem`: a `Route` with `.data(PropelAuth)`, driven by `poem::test::TestClient` on a
//!   current-thread tokio runtime, body read with `Body::into_vec`. The unprotected handler
//!   takes the fixture's user as request data (`Data<&FixtureUser>`), so both handlers go
//!   through one extractor.
//!
//! Every iteration builds its request, routes it, runs the handler and reads the whole
//! response body; both routes of a framework do exactly the same apart from where the user
//! comes from (the extractor, or the fixture).
//!
//! Target: `protected ≤ 1.15 × unprotected` for every framework (a protected route with a
//! cached token within 15 % of the unprotected one). Besides criterion's medians, each
//! framework prints `protected ÷ unprotected` measured in interleaved pairs (see
//! `paired_ratio`), the figure the target is checked against. Figures and method:
//! `docs/performance.md`, "Framework adapters".
//!
//! Run with `cargo bench -p propelauth-conformance --bench adapter_overhead`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use propelauth_core::{Auth, User};

/// Long enough for the whole run: the token minted at setup must not expire while measured.
const TOKEN_LIFETIME_SECS: i64 = 86_400;

/// What both routes of every app need.
struct Fixture {
    auth: Auth,
    /// `Bearer <token>`.
    header: Vec<u8>,
    /// The user the token validates to, for the unprotected routes.
    user: Arc<User>,
}

impl Fixture {
    fn new() -> Self {
        let auth = propelauth_testing::test_auth_options()
            .init()
            .expect("the test auth handle initializes");
        let token = propelauth_testing::realistic_token(1)
            .expires_in(TOKEN_LIFETIME_SECS)
            .sign();
        assert!(
            (1300..=1500).contains(&token.len()),
            "the typical token should be about 1.4 KB, it is {} bytes",
            token.len()
        );
        let header = format!("Bearer {token}").into_bytes();
        let user = auth
            .validate_authorization_header(Some(&header))
            .expect("the typical token validates");
        Self { auth, header, user }
    }
}

/// Rounds of [`paired_ratio`].
const PAIRED_ROUNDS: usize = 31;
/// Requests per route and round of [`paired_ratio`].
const PAIRED_REQUESTS: u32 = 2_000;

/// `protected ÷ unprotected`, measured in pairs: each round times a batch of requests on one
/// route, then on the other (alternating which goes first), so that both see the same
/// background load; prints the median ratio and its quartiles. On a shared machine this is
/// far steadier than the ratio of two criterion medians taken seconds apart.
fn paired_ratio(framework: &str, mut request: impl FnMut(&str)) {
    let mut batch = |path: &str| {
        let started = Instant::now();
        for _ in 0..PAIRED_REQUESTS {
            request(black_box(path));
        }
        started.elapsed().as_secs_f64()
    };
    let mut ratios: Vec<f64> = (0..PAIRED_ROUNDS)
        .map(|round| {
            let (unprotected, protected) = if round % 2 == 0 {
                let unprotected = batch("/unprotected");
                (unprotected, batch("/protected"))
            } else {
                let protected = batch("/protected");
                (batch("/unprotected"), protected)
            };
            protected / unprotected
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    println!(
        "{framework}: protected / unprotected, median of {PAIRED_ROUNDS} paired rounds of \
         {PAIRED_REQUESTS} requests: {:.3} (quartiles {:.3} to {:.3})",
        ratios[PAIRED_ROUNDS / 2],
        ratios[PAIRED_ROUNDS / 4],
        ratios[3 * PAIRED_ROUNDS / 4]
    );
}

fn bench_core(c: &mut Criterion, fixture: &Fixture) {
    let Fixture { auth, header, user } = fixture;
    c.bench_function("core_validation", |b| {
        b.iter(|| auth.validate_authorization_header(Some(black_box(header.as_slice()))))
    });
    let uncached = propelauth_testing::test_auth_options()
        .token_cache_capacity(0)
        .init()
        .expect("the test auth handle initializes");
    c.bench_function("core_validation_uncached", |b| {
        b.iter(|| uncached.validate_authorization_header(Some(black_box(header.as_slice()))))
    });
    // What handing the user over would cost without the `Arc`: a clone, then its drop.
    c.bench_function("user_clone", |b| b.iter(|| User::clone(black_box(user))));
}

mod axum_app {
    use std::sync::Arc;

    use axum::body::{Body, Bytes};
    use axum::http::header::AUTHORIZATION;
    use axum::http::{HeaderValue, Request, StatusCode};
    use axum::routing::get;
    use axum::{Json, Router};
    use criterion::Criterion;
    use propelauth_axum::{PropelAuth, RequireUser, User};
    use tower::ServiceExt;

    use crate::Fixture;

    async fn protected(RequireUser(user): RequireUser) -> Json<Arc<User>> {
        Json(user)
    }

    fn router(fixture: &Fixture) -> Router {
        let user = Arc::clone(&fixture.user);
        Router::new()
            .route(
                "/unprotected",
                get(move || {
                    let user = Arc::clone(&user);
                    async move { Json(user) }
                }),
            )
            .route("/protected", get(protected))
            .with_state(PropelAuth::from(fixture.auth.clone()))
    }

    /// One request, answered and read whole.
    async fn answer(
        router: &Router,
        path: &str,
        authorization: Option<&HeaderValue>,
    ) -> (StatusCode, Bytes) {
        let mut request = Request::get(path);
        if let Some(value) = authorization {
            request = request.header(AUTHORIZATION, value.clone());
        }
        let request = request.body(Body::empty()).unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, body)
    }

    pub(crate) fn bench(c: &mut Criterion, fixture: &Fixture) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let router = router(fixture);
        let header = HeaderValue::from_bytes(&fixture.header).unwrap();

        let (status, protected) = runtime.block_on(answer(&router, "/protected", Some(&header)));
        assert_eq!(status, StatusCode::OK, "axum: protected answers 200");
        let (status, unprotected) =
            runtime.block_on(answer(&router, "/unprotected", Some(&header)));
        assert_eq!(status, StatusCode::OK, "axum: unprotected answers 200");
        assert_eq!(
            protected, unprotected,
            "axum: both routes answer the same JSON"
        );
        let (status, _) = runtime.block_on(answer(&router, "/protected", None));
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "axum: no header answers 401"
        );

        let mut group = c.benchmark_group("axum");
        for route in ["unprotected", "protected"] {
            let path = format!("/{route}");
            group.bench_function(route, |b| {
                b.iter(|| runtime.block_on(answer(&router, &path, Some(&header))))
            });
        }
        group.finish();
        crate::paired_ratio("axum", |path| {
            std::hint::black_box(runtime.block_on(answer(&router, path, Some(&header))));
        });
    }
}

mod actix_app {
    use std::sync::Arc;

    use actix_web::http::StatusCode;
    use actix_web::http::header::{AUTHORIZATION, HeaderValue};
    use actix_web::test as actix_test;
    use actix_web::web::{self, Bytes};
    use actix_web::{App, dev};
    use criterion::Criterion;
    use propelauth_actix::{PropelAuth, RequireUser, User};

    use crate::Fixture;

    async fn protected(RequireUser(user): RequireUser) -> web::Json<Arc<User>> {
        web::Json(user)
    }

    /// One request, answered and read whole.
    async fn answer<S>(
        service: &S,
        path: &str,
        authorization: Option<&HeaderValue>,
    ) -> (StatusCode, Bytes)
    where
        S: dev::Service<
                actix_http::Request,
                Response = dev::ServiceResponse,
                Error = actix_web::Error,
            >,
    {
        let mut request = actix_test::TestRequest::get().uri(path);
        if let Some(value) = authorization {
            request = request.insert_header((AUTHORIZATION, value.clone()));
        }
        let response = actix_test::call_service(service, request.to_request()).await;
        let status = response.status();
        (status, actix_test::read_body(response).await)
    }

    pub(crate) fn bench(c: &mut Criterion, fixture: &Fixture) {
        let system = actix_web::rt::System::new();
        let user = Arc::clone(&fixture.user);
        let app = App::new()
            .app_data(web::Data::new(PropelAuth::from(fixture.auth.clone())))
            .route(
                "/unprotected",
                web::get().to(move || {
                    let user = Arc::clone(&user);
                    async move { web::Json(user) }
                }),
            )
            .route("/protected", web::get().to(protected));
        let service = system.block_on(actix_test::init_service(app));
        let header = HeaderValue::from_bytes(&fixture.header).unwrap();

        let (status, protected) = system.block_on(answer(&service, "/protected", Some(&header)));
        assert_eq!(status, StatusCode::OK, "actix-web: protected answers 200");
        let (status, unprotected) =
            system.block_on(answer(&service, "/unprotected", Some(&header)));
        assert_eq!(status, StatusCode::OK, "actix-web: unprotected answers 200");
        assert_eq!(
            protected, unprotected,
            "actix-web: both routes answer the same JSON"
        );
        let (status, _) = system.block_on(answer(&service, "/protected", None));
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "actix-web: no header answers 401"
        );

        let mut group = c.benchmark_group("actix-web");
        for route in ["unprotected", "protected"] {
            let path = format!("/{route}");
            group.bench_function(route, |b| {
                b.iter(|| system.block_on(answer(&service, &path, Some(&header))))
            });
        }
        group.finish();
        crate::paired_ratio("actix-web", |path| {
            std::hint::black_box(system.block_on(answer(&service, path, Some(&header))));
        });
    }
}

mod rocket_app {
    use std::sync::Arc;

    use criterion::Criterion;
    use propelauth_rocket::{PropelAuth, RequireUser, User};
    use rocket::http::{Header, Status};
    use rocket::local::asynchronous::Client;
    use rocket::serde::json::Json;
    use rocket::{State, get, routes};

    use crate::Fixture;

    /// The fixture's user, managed for the unprotected route: Rocket's handlers are plain
    /// functions, so the user comes from managed state.
    struct FixtureUser(Arc<User>);

    #[get("/unprotected")]
    fn unprotected(user: &State<FixtureUser>) -> Json<Arc<User>> {
        Json(Arc::clone(&user.0))
    }

    #[get("/protected")]
    fn protected(user: RequireUser) -> Json<Arc<User>> {
        Json(user.0)
    }

    /// One request, answered and read whole.
    async fn answer(
        client: &Client,
        path: &str,
        authorization: Option<&'static str>,
    ) -> (Status, Vec<u8>) {
        let mut request = client.get(path);
        if let Some(value) = authorization {
            request = request.header(Header::new("Authorization", value));
        }
        let response = request.dispatch().await;
        let status = response.status();
        (status, response.into_bytes().await.unwrap())
    }

    pub(crate) fn bench(c: &mut Criterion, fixture: &Fixture) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let rocket = propelauth_conformance::rocket_driver::quiet_rocket()
            .manage(PropelAuth::from(fixture.auth.clone()))
            .manage(FixtureUser(fixture.user.clone()))
            .register("/", propelauth_rocket::catchers())
            .mount("/", routes![unprotected, protected]);
        let client = runtime.block_on(Client::untracked(rocket)).unwrap();
        // `'static`, so that `Header::new` borrows it instead of copying 1.4 KB per request.
        let header: &'static str = String::from_utf8(fixture.header.clone()).unwrap().leak();

        let (status, protected_body) =
            runtime.block_on(answer(&client, "/protected", Some(header)));
        assert_eq!(status, Status::Ok, "rocket: protected answers 200");
        let (status, unprotected_body) =
            runtime.block_on(answer(&client, "/unprotected", Some(header)));
        assert_eq!(status, Status::Ok, "rocket: unprotected answers 200");
        assert_eq!(
            protected_body, unprotected_body,
            "rocket: both routes answer the same JSON"
        );
        let (status, _) = runtime.block_on(answer(&client, "/protected", None));
        assert_eq!(
            status,
            Status::Unauthorized,
            "rocket: no header answers 401"
        );

        let mut group = c.benchmark_group("rocket");
        for route in ["unprotected", "protected"] {
            let path = format!("/{route}");
            group.bench_function(route, |b| {
                b.iter(|| runtime.block_on(answer(&client, &path, Some(header))))
            });
        }
        group.finish();
        crate::paired_ratio("rocket", |path| {
            std::hint::black_box(runtime.block_on(answer(&client, path, Some(header))));
        });
    }
}

mod poem_app {
    use std::sync::Arc;

    use criterion::Criterion;
    use poem::endpoint::BoxEndpoint;
    use poem::http::header::AUTHORIZATION;
    use poem::http::{HeaderValue, StatusCode};
    use poem::test::TestClient;
    use poem::web::{Data, Json};
    use poem::{EndpointExt, Response, Route, get, handler};
    use propelauth_poem::{PropelAuth, RequireUser, User};

    use crate::Fixture;

    /// The fixture's user, as request data: both handlers take one extractor.
    #[derive(Clone)]
    struct FixtureUser(Arc<User>);

    #[handler]
    fn unprotected(Data(user): Data<&FixtureUser>) -> Json<Arc<User>> {
        Json(Arc::clone(&user.0))
    }

    #[handler]
    fn protected(RequireUser(user): RequireUser) -> Json<Arc<User>> {
        Json(user)
    }

    fn app(fixture: &Fixture) -> BoxEndpoint<'static, Response> {
        Route::new()
            .at("/unprotected", get(unprotected))
            .at("/protected", get(protected))
            .data(PropelAuth::from(fixture.auth.clone()))
            .data(FixtureUser(Arc::clone(&fixture.user)))
            .map_to_response()
            .boxed()
    }

    type Client = TestClient<BoxEndpoint<'static, Response>>;

    /// One request, answered and read whole.
    async fn answer(
        client: &Client,
        path: &str,
        authorization: Option<&HeaderValue>,
    ) -> (StatusCode, Vec<u8>) {
        let mut request = client.get(path);
        if let Some(value) = authorization {
            request = request.header(AUTHORIZATION, value.clone());
        }
        let response = request.send().await;
        let status = response.0.status();
        (status, response.0.into_body().into_vec().await.unwrap())
    }

    pub(crate) fn bench(c: &mut Criterion, fixture: &Fixture) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let client = TestClient::new(app(fixture));
        let header = HeaderValue::from_bytes(&fixture.header).unwrap();

        let (status, protected_body) =
            runtime.block_on(answer(&client, "/protected", Some(&header)));
        assert_eq!(status, StatusCode::OK, "poem: protected answers 200");
        let (status, unprotected_body) =
            runtime.block_on(answer(&client, "/unprotected", Some(&header)));
        assert_eq!(status, StatusCode::OK, "poem: unprotected answers 200");
        assert_eq!(
            protected_body, unprotected_body,
            "poem: both routes answer the same JSON"
        );
        let (status, _) = runtime.block_on(answer(&client, "/protected", None));
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "poem: no header answers 401"
        );

        let mut group = c.benchmark_group("poem");
        for route in ["unprotected", "protected"] {
            let path = format!("/{route}");
            group.bench_function(route, |b| {
                b.iter(|| runtime.block_on(answer(&client, &path, Some(&header))))
            });
        }
        group.finish();
        crate::paired_ratio("poem", |path| {
            std::hint::black_box(runtime.block_on(answer(&client, path, Some(&header))));
        });
    }
}

fn bench_adapters(c: &mut Criterion) {
    let fixture = Fixture::new();
    bench_core(c, &fixture);
    axum_app::bench(c, &fixture);
    actix_app::bench(c, &fixture);
    rocket_app::bench(c, &fixture);
    poem_app::bench(c, &fixture);
    let metrics = fixture.auth.metrics();
    assert_eq!(
        metrics.cache_misses, 1,
        "every protected request was a cache hit: {metrics:?}"
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(2))
        .sample_size(50);
    targets = bench_adapters
}
criterion_main!(benches);
