//! API docs: every example app serves `/openapi.json` and an interactive UI at `/docs`, and the
//! document says which routes need a token.
//!
//! For each framework, in process (the drivers' way): the document registers the `propelauth`
//! bearer (JWT) scheme; every route that takes the user requires it; the optional-user route
//! accepts it without requiring it; `/healthz` requires nothing; `/docs` leads to an HTML page
//! that loads the document; and a token sent the way the UI's Authorize button sends it
//! (`Authorization: Bearer <token>`) gets a 200 from `/api/whoami`.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use propelauth_conformance::cases::Route;
use propelauth_conformance::test_auth;
use propelauth_testing::samples::{self, ACME_ORG_ID};
use serde_json::{Value, json};

/// The scheme name every adapter registers.
const SCHEME: &str = "propelauth";

/// An in-process `GET` without a token.
type Get<'a> = &'a mut dyn FnMut(&str) -> Answer;

/// Checks that the UI page (its path, its HTML) loads the document, fetching what it needs.
type SpecCheck = fn(&str, &str, &str, Get<'_>);

/// What an in-process request answered.
#[derive(Debug)]
struct Answer {
    status: u16,
    location: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The example routes that take the user (require_user and the five org checks), as
/// OpenAPI paths.
fn protected_paths() -> Vec<String> {
    let org = "{org_id}".to_owned();
    [
        Route::WhoAmI,
        Route::OrgCheck(org.clone()),
        Route::AdminOrOwner(org.clone()),
        Route::AdminOnly(org.clone()),
        Route::Billing(org.clone()),
        Route::BillingAndReports(org),
    ]
    .iter()
    .map(Route::path)
    .chain(["/api/org/{org_id}/users".to_owned()])
    .collect()
}

/// The `security` of `GET path` in the document (`None` when the operation has none).
fn security<'d>(document: &'d Value, path: &str) -> Option<&'d Value> {
    let operation = &document["paths"][path]["get"];
    assert!(operation.is_object(), "no GET {path} in the document");
    operation.get("security")
}

/// The document describes the bearer scheme and which routes need it.
fn check_document(framework: &str, document: &Value) {
    let scheme = &document["components"]["securitySchemes"][SCHEME];
    assert_eq!(scheme["type"], "http", "{framework}: {scheme}");
    assert_eq!(scheme["scheme"], "bearer", "{framework}: {scheme}");
    assert_eq!(scheme["bearerFormat"], "JWT", "{framework}: {scheme}");
    // Name and description come from core, so the four documents agree.
    assert_eq!(SCHEME, propelauth_core::openapi::SCHEME_NAME);
    assert_eq!(
        scheme["description"],
        propelauth_core::openapi::SCHEME_DESCRIPTION,
        "{framework}: {scheme}"
    );
    assert!(
        document
            .get("security")
            .is_none_or(|global| global == &json!([])),
        "{framework}: a global security requirement would mark every route as protected"
    );

    let required = json!([{ SCHEME: [] }]);
    for path in protected_paths() {
        assert_eq!(
            security(document, &path),
            Some(&required),
            "{framework}: GET {path} must require the bearer token, and only it"
        );
    }

    // optional_user: the token is one alternative, no token (`{}`) the other.
    let optional = security(document, "/api/whoami_optional")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("{framework}: the optional-user route lists no security"));
    assert!(
        optional.contains(&json!({ SCHEME: [] })),
        "{framework}: the optional-user route must accept the token: {optional:?}"
    );
    assert!(
        optional.contains(&json!({})),
        "{framework}: the optional-user route must not require the token: {optional:?}"
    );

    let healthz = security(document, "/healthz");
    assert!(
        healthz.is_none_or(|security| security == &json!([]) || security == &json!([{}])),
        "{framework}: /healthz needs no token, found {healthz:?}"
    );

    // Every example route is documented, and nothing else.
    let mut documented: Vec<&str> = document["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    documented.sort_unstable();
    let mut expected = protected_paths();
    expected.extend(["/healthz".to_owned(), "/api/whoami_optional".to_owned()]);
    expected.sort_unstable();
    assert_eq!(documented, expected, "{framework}: documented paths");
}

/// Follows redirects from `/docs` to the page; checks it is HTML and returns it with its URL.
fn docs_page(framework: &str, get: &mut impl FnMut(&str) -> Answer) -> (String, String) {
    let mut path = "/docs".to_owned();
    for _ in 0..3 {
        let answer = get(&path);
        if (300..400).contains(&answer.status) {
            let location = answer.location.expect("a redirect names its target");
            path = if location.starts_with('/') {
                location
            } else {
                // Relative to the current path's directory.
                let base = path.rsplit_once('/').map_or("", |(base, _)| base);
                format!("{base}/{}", location.trim_start_matches("./"))
            };
            continue;
        }
        assert_eq!(answer.status, 200, "{framework}: GET {path}");
        let content_type = answer.content_type.clone().unwrap_or_default();
        assert!(
            content_type.starts_with("text/html"),
            "{framework}: GET {path} is {content_type}"
        );
        return (path, answer.text());
    }
    panic!("{framework}: /docs redirects too often");
}

/// Runs every check against one framework's app, given its in-process `GET` (with an
/// optional `Authorization` value).
fn check_framework(
    framework: &str,
    mut get: impl FnMut(&str, Option<&str>) -> Answer,
    spec_loaded_by: SpecCheck,
) {
    let answer = get("/openapi.json", None);
    assert_eq!(answer.status, 200, "{framework}: GET /openapi.json");
    let document: Value = serde_json::from_slice(&answer.body).unwrap();
    check_document(framework, &document);

    let (page_path, page) = docs_page(framework, &mut |path| get(path, None));
    spec_loaded_by(framework, &page_path, &page, &mut |path| get(path, None));

    // The Authorize button: for an `http` `bearer` scheme, Swagger UI sends the pasted token
    // as `Authorization: Bearer <token>`; the extractors must accept exactly that.
    let scheme = &document["components"]["securitySchemes"][SCHEME];
    assert_eq!(
        (&scheme["type"], &scheme["scheme"]),
        (&json!("http"), &json!("bearer"))
    );
    let token = samples::owner_token().sign();
    let header = format!("Bearer {token}");
    let whoami = get("/api/whoami", Some(&header));
    assert_eq!(whoami.status, 200, "{framework}: {}", whoami.text());
    assert_eq!(get("/api/whoami", None).status, 401, "{framework}");
    let billing = format!("/api/org/{ACME_ORG_ID}/billing");
    assert_eq!(get(&billing, Some(&header)).status, 200, "{framework}");
}

/// utoipa-swagger-ui: the page loads `swagger-initializer.js`, whose configuration names
/// `/openapi.json`.
fn utoipa_swagger_ui_loads_the_spec(framework: &str, page_path: &str, page: &str, get: Get<'_>) {
    assert!(page.contains("swagger-ui"), "{framework}: {page}");
    assert!(
        page.contains("swagger-initializer.js"),
        "{framework}: {page}"
    );
    let directory = page_path.trim_end_matches("index.html");
    let initializer = get(&format!("{directory}swagger-initializer.js"));
    assert_eq!(initializer.status, 200, "{framework}");
    let script = initializer.text();
    assert!(
        script.contains("\"/openapi.json\""),
        "{framework}: {script}"
    );
}

mod axum {
    use ::axum::body::Body;
    use ::axum::http::Request;
    use ::axum::http::header::{AUTHORIZATION, CONTENT_TYPE, LOCATION};
    use propelauth_axum::PropelAuth;
    use propelauth_example_axum as axum_app;
    use tower::ServiceExt;

    use super::*;

    #[test]
    fn axum_documents_the_bearer_scheme_and_serves_swagger_ui() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let router = axum_app::router(PropelAuth::from(test_auth(false)));
        let get = |path: &str, authorization: Option<&str>| {
            let mut request = Request::builder().uri(path);
            if let Some(value) = authorization {
                request = request.header(AUTHORIZATION, value);
            }
            let request = request.body(Body::empty()).unwrap();
            let router = router.clone();
            runtime.block_on(async move {
                let response = router.oneshot(request).await.unwrap();
                let header = |name| {
                    response
                        .headers()
                        .get(name)
                        .map(|value: &::axum::http::HeaderValue| value.to_str().unwrap().to_owned())
                };
                let (status, location, content_type) = (
                    response.status().as_u16(),
                    header(LOCATION),
                    header(CONTENT_TYPE),
                );
                let body = ::axum::body::to_bytes(response.into_body(), 1 << 24)
                    .await
                    .unwrap()
                    .to_vec();
                Answer {
                    status,
                    location,
                    content_type,
                    body,
                }
            })
        };
        check_framework("axum", get, utoipa_swagger_ui_loads_the_spec);
    }
}

mod actix {
    use actix_web::http::header::{AUTHORIZATION, CONTENT_TYPE, LOCATION};
    use actix_web::test as actix_test;
    use actix_web::{App, web};
    use propelauth_actix::PropelAuth;
    use propelauth_example_actix as actix_app;

    use super::*;

    #[test]
    fn actix_documents_the_bearer_scheme_and_serves_swagger_ui() {
        let system = actix_web::rt::System::new();
        let app = App::new()
            .app_data(web::Data::new(PropelAuth::from(test_auth(false))))
            .configure(actix_app::routes);
        let service = system.block_on(actix_test::init_service(app));
        let get = |path: &str, authorization: Option<&str>| {
            let mut request = actix_test::TestRequest::get().uri(path);
            if let Some(value) = authorization {
                request = request.insert_header((AUTHORIZATION, value));
            }
            system.block_on(async {
                let response = actix_test::call_service(&service, request.to_request()).await;
                let header = |name| {
                    response.headers().get(name).map(
                        |value: &actix_web::http::header::HeaderValue| {
                            value.to_str().unwrap().to_owned()
                        },
                    )
                };
                let (status, location, content_type) = (
                    response.status().as_u16(),
                    header(LOCATION),
                    header(CONTENT_TYPE),
                );
                Answer {
                    status,
                    location,
                    content_type,
                    body: actix_test::read_body(response).await.to_vec(),
                }
            })
        };
        check_framework("actix-web", get, utoipa_swagger_ui_loads_the_spec);
    }
}

/// poem-openapi's Swagger UI: the page carries the document itself (`let spec = {...}`).
fn poem_swagger_ui_loads_the_spec(framework: &str, _: &str, page: &str, _: Get<'_>) {
    assert!(
        page.contains("SwaggerUIBundle"),
        "{framework}: not Swagger UI"
    );
    let spec = page
        .split_once("let spec = ")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("{framework}: the page holds no spec"));
    assert!(spec.contains("\"securitySchemes\""), "{framework}");
    assert!(spec.contains("\"propelauth\""), "{framework}");
    assert!(spec.contains("\"/api/whoami\""), "{framework}");
}

mod poem {
    use ::poem::http::header::{AUTHORIZATION, CONTENT_TYPE, LOCATION};
    use ::poem::test::TestClient;
    use propelauth_example_poem as poem_app;
    use propelauth_poem::PropelAuth;

    use super::*;

    #[test]
    fn poem_documents_the_bearer_scheme_and_serves_swagger_ui() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = TestClient::new(poem_app::app(PropelAuth::from(test_auth(false))));
        let get = |path: &str, authorization: Option<&str>| {
            runtime.block_on(async {
                let mut request = client.get(path);
                if let Some(value) = authorization {
                    request = request.header(AUTHORIZATION, value);
                }
                let response = request.send().await.0;
                let header = |name| {
                    response
                        .headers()
                        .get(name)
                        .map(|value: &::poem::http::HeaderValue| value.to_str().unwrap().to_owned())
                };
                let (status, location, content_type) = (
                    response.status().as_u16(),
                    header(LOCATION),
                    header(CONTENT_TYPE),
                );
                Answer {
                    status,
                    location,
                    content_type,
                    body: response.into_body().into_vec().await.unwrap(),
                }
            })
        };
        check_framework("poem", get, poem_swagger_ui_loads_the_spec);
    }
}

/// rocket_okapi's Swagger UI: the page loads `swagger-initializer.js`, which reads
/// `swagger-ui-config.json`, which names `/openapi.json`.
fn rocket_swagger_ui_loads_the_spec(framework: &str, page_path: &str, page: &str, get: Get<'_>) {
    assert!(page.contains("swagger-ui"), "{framework}: {page}");
    assert!(
        page.contains("swagger-initializer.js"),
        "{framework}: {page}"
    );
    let directory = page_path.trim_end_matches("index.html");
    let initializer = get(&format!("{directory}swagger-initializer.js")).text();
    assert!(
        initializer.contains("./swagger-ui-config.json"),
        "{framework}: {initializer}"
    );
    let config = get(&format!("{directory}swagger-ui-config.json"));
    assert_eq!(config.status, 200, "{framework}");
    let config: Value = serde_json::from_slice(&config.body).unwrap();
    assert_eq!(config["url"], "/openapi.json", "{framework}: {config}");
}

mod rocket {
    use ::rocket::http::Header;
    use ::rocket::local::asynchronous::Client;
    use propelauth_conformance::rocket_driver::quiet_rocket;
    use propelauth_example_rocket as rocket_app;
    use propelauth_rocket::PropelAuth;

    use super::*;

    #[test]
    fn rocket_documents_the_bearer_scheme_and_serves_swagger_ui() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let app = rocket_app::app(quiet_rocket(), PropelAuth::from(test_auth(false)));
        let client = runtime.block_on(Client::untracked(app)).unwrap();
        let get = |path: &str, authorization: Option<&str>| {
            runtime.block_on(async {
                let mut request = client.get(path.to_owned());
                if let Some(value) = authorization {
                    request = request.header(Header::new("Authorization", value.to_owned()));
                }
                let response = request.dispatch().await;
                let header = |name| response.headers().get_one(name).map(str::to_owned);
                let (status, location, content_type) = (
                    response.status().code,
                    header("Location"),
                    header("Content-Type"),
                );
                Answer {
                    status,
                    location,
                    content_type,
                    body: response.into_bytes().await.unwrap_or_default(),
                }
            })
        };
        check_framework("rocket", get, rocket_swagger_ui_loads_the_spec);
    }
}
