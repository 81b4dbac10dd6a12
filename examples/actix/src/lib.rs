//! The example server's app on actix-web: the example routes, documented with utoipa
//! (`/openapi.json`, and Swagger UI at `/docs`). The binary `actix` serves it
//! (`cargo run --bin actix`); the conformance suite drives [`routes`] in process.
#![deny(missing_docs)]

use std::sync::Arc;

use actix_web::http::header::CONTENT_ENCODING;
use actix_web::{HttpRequest, HttpResponse, ResponseError, get, web};
use propelauth_actix::api::FetchUsersInOrgOptions;
use propelauth_actix::openapi::{BearerAuth, Forbidden, Unauthorized, swagger_ui_page};
use propelauth_actix::{
    AuthRejection, OptionalUser, OrgMemberInfo, PropelAuth, RequireUser, RequireUserMiddleware,
    User, WebSocketUser,
};
use serde_json::{Value, json};
use utoipa::OpenApi;
use utoipa_swagger_ui::Config as SwaggerConfig;

use propelauth_example_support::{BACKEND_FAILURE_DETAIL, websocket_greeting};

/// The OpenAPI document of the example routes: each route that takes the user lists the
/// `propelauth` bearer scheme (registered by [`BearerAuth`]) in its `security` and documents
/// its 401 ([`Unauthorized`]) and, with an org check, its 403 ([`Forbidden`]);
/// `propelauth_actix::openapi::check_security` checks that in the tests.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "PropelAuth example (actix-web)"),
    paths(
        healthz,
        whoami,
        whoami_optional,
        check,
        admin_or_owner,
        admin_only,
        billing,
        billing_and_reports,
        org_users
    ),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// Registers the example routes, the OpenAPI document at `/openapi.json` and Swagger UI at
/// `/docs` (which redirects to `/docs/`). The app must also hold the handle:
/// `App::new().app_data(web::Data::new(auth)).configure(routes)`.
///
/// Handlers take the handle as an extractor (`auth: PropelAuth`) for the org checks.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(healthz)
        .service(whoami)
        .service(whoami_optional)
        .service(check)
        .service(admin_or_owner)
        .service(admin_only)
        .service(billing)
        .service(billing_and_reports)
        .service(org_users)
        .service(websocket)
        // The route group: every route in the scope requires a user (the middleware),
        // whether or not its handler takes one.
        .service(
            web::scope("/api/group")
                .wrap(RequireUserMiddleware)
                .route("/ping", web::get().to(ping)),
        )
        .service(openapi_json)
        .service(web::redirect("/docs", "/docs/"))
        .app_data(web::Data::new(Arc::new(SwaggerConfig::from(
            "/openapi.json",
        ))))
        .service(swagger_ui);
}

/// The OpenAPI document.
#[get("/openapi.json")]
async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

/// Swagger UI's files, reading the document at `/openapi.json`. Its page goes through
/// `swagger_ui_page`: titled after the document, and drawing the optional route's padlock open
/// until a token is authorized.
///
/// Served through utoipa-swagger-ui's framework-neutral `serve`, not its `actix-web` feature:
/// cargo unifies a dependency's features across the workspace, so that feature would make
/// `cargo run --bin axum` compile actix-web as well. In an app of your own, the feature and
/// `SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", ApiDoc::openapi())` do all of this
/// (docs/api-docs.md).
#[get("/docs/{file:.*}")]
async fn swagger_ui(
    file: web::Path<String>,
    config: web::Data<Arc<SwaggerConfig<'static>>>,
) -> HttpResponse {
    match utoipa_swagger_ui::serve(&file, Arc::clone(&config)) {
        Ok(Some(file)) if file.content_type.starts_with("text/html") && !file.gzpipped => {
            let title = ApiDoc::openapi().info.title;
            let page = swagger_ui_page(&String::from_utf8_lossy(&file.bytes), &title);
            HttpResponse::Ok()
                .content_type(file.content_type)
                .body(page)
        }
        Ok(Some(file)) => {
            let mut response = HttpResponse::Ok();
            response.content_type(file.content_type);
            if file.gzpipped {
                response.insert_header((CONTENT_ENCODING, "gzip"));
            }
            response.body(file.bytes.into_owned())
        }
        Ok(None) => HttpResponse::NotFound().finish(),
        Err(error) => HttpResponse::InternalServerError().body(error.to_string()),
    }
}

/// In the group: protected by the middleware alone.
async fn ping() -> &'static str {
    "pong"
}

/// A WebSocket for the user of the handshake: the token from `Authorization` or from
/// `?access_token=` (browsers cannot set headers on a WebSocket). The user is extracted
/// before `actix_ws::handle` runs, so a refused handshake is the usual 401 and never
/// upgrades.
#[get("/api/ws")]
async fn websocket(
    user: WebSocketUser,
    request: HttpRequest,
    body: web::Payload,
) -> actix_web::Result<HttpResponse> {
    let (response, session, messages) = actix_ws::handle(&request, body)?;
    let greeting = websocket_greeting(&user.user_id);
    actix_web::rt::spawn(greet_then_echo(session, messages, greeting));
    Ok(response)
}

/// Sends the greeting, then echoes text and binary messages until the client closes.
async fn greet_then_echo(
    mut session: actix_ws::Session,
    mut messages: actix_ws::MessageStream,
    greeting: String,
) {
    if session.text(greeting).await.is_err() {
        return;
    }
    while let Some(Ok(message)) = messages.recv().await {
        let sent = match message {
            actix_ws::Message::Text(text) => session.text(text).await,
            actix_ws::Message::Binary(bytes) => session.binary(bytes).await,
            actix_ws::Message::Ping(bytes) => session.pong(&bytes).await,
            actix_ws::Message::Close(reason) => {
                let _ = session.close(reason).await;
                return;
            }
            actix_ws::Message::Pong(_)
            | actix_ws::Message::Continuation(_)
            | actix_ws::Message::Nop => Ok(()),
        };
        if sent.is_err() {
            return;
        }
    }
}

/// Liveness check, no token.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "`ok`", content_type = "text/plain")))]
#[get("/healthz")]
async fn healthz() -> &'static str {
    "ok"
}

/// The signed-in user (require_user).
#[utoipa::path(
    get,
    path = "/api/whoami",
    security(("propelauth" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = User),
        (status = 401, response = Unauthorized),
    )
)]
#[get("/api/whoami")]
async fn whoami(RequireUser(user): RequireUser) -> web::Json<Arc<User>> {
    web::Json(user)
}

/// The user's id when a valid token is sent, `{}` otherwise (optional_user).
#[utoipa::path(
    get,
    path = "/api/whoami_optional",
    security((), ("propelauth" = [])),
    responses((status = 200, description = "`{\"user_id\": ...}` or `{}`", content_type = "application/json"))
)]
#[get("/api/whoami_optional")]
async fn whoami_optional(OptionalUser(user): OptionalUser) -> web::Json<Value> {
    web::Json(match user {
        Some(user) => json!({ "user_id": user.user_id }),
        None => json!({}),
    })
}

type OrgId = web::Path<String>;
type OrgResult = Result<web::Json<OrgMemberInfo>, AuthRejection>;

/// The user's membership of the org (require_org_member).
///
/// 403 when the user is not a member of the org.
#[utoipa::path(
    get,
    path = "/api/org/{org_id}/check",
    params(("org_id" = String, Path, description = "The org's id")),
    security(("propelauth" = [])),
    responses(
        (status = 200, description = "The user's membership of the org", body = OrgMemberInfo),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
#[get("/api/org/{org_id}/check")]
async fn check(auth: PropelAuth, user: RequireUser, org_id: OrgId) -> OrgResult {
    let org = auth.require_org_member(&user, &org_id)?;
    Ok(web::Json(org.clone()))
}

/// The membership, for Admin or above (require_org_member_with_minimum_role).
///
/// 403 when the user is not a member, or below Admin.
#[utoipa::path(
    get,
    path = "/api/org/{org_id}/admin_or_owner",
    params(("org_id" = String, Path, description = "The org's id")),
    security(("propelauth" = [])),
    responses(
        (status = 200, description = "The user's membership of the org", body = OrgMemberInfo),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
#[get("/api/org/{org_id}/admin_or_owner")]
async fn admin_or_owner(auth: PropelAuth, user: RequireUser, org_id: OrgId) -> OrgResult {
    let org = auth.require_org_member_with_minimum_role(&user, &org_id, "Admin")?;
    Ok(web::Json(org.clone()))
}

/// The membership, for exactly Admin (require_org_member_with_exact_role).
///
/// 403 when the user is not a member, or not exactly Admin.
#[utoipa::path(
    get,
    path = "/api/org/{org_id}/admin_only",
    params(("org_id" = String, Path, description = "The org's id")),
    security(("propelauth" = [])),
    responses(
        (status = 200, description = "The user's membership of the org", body = OrgMemberInfo),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
#[get("/api/org/{org_id}/admin_only")]
async fn admin_only(auth: PropelAuth, user: RequireUser, org_id: OrgId) -> OrgResult {
    let org = auth.require_org_member_with_exact_role(&user, &org_id, "Admin")?;
    Ok(web::Json(org.clone()))
}

/// The membership, with can_view_billing (require_org_member_with_permission).
///
/// 403 when the user is not a member, or lacks can_view_billing.
#[utoipa::path(
    get,
    path = "/api/org/{org_id}/billing",
    params(("org_id" = String, Path, description = "The org's id")),
    security(("propelauth" = [])),
    responses(
        (status = 200, description = "The user's membership of the org", body = OrgMemberInfo),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
#[get("/api/org/{org_id}/billing")]
async fn billing(auth: PropelAuth, user: RequireUser, org_id: OrgId) -> OrgResult {
    let org = auth.require_org_member_with_permission(&user, &org_id, "can_view_billing")?;
    Ok(web::Json(org.clone()))
}

/// The membership, with can_view_billing and can_view_reports (require_org_member_with_all_permissions).
///
/// 403 when the user is not a member, or lacks either permission.
#[utoipa::path(
    get,
    path = "/api/org/{org_id}/billing_and_reports",
    params(("org_id" = String, Path, description = "The org's id")),
    security(("propelauth" = [])),
    responses(
        (status = 200, description = "The user's membership of the org", body = OrgMemberInfo),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
#[get("/api/org/{org_id}/billing_and_reports")]
async fn billing_and_reports(auth: PropelAuth, user: RequireUser, org_id: OrgId) -> OrgResult {
    let permissions = ["can_view_billing", "can_view_reports"];
    let org = auth.require_org_member_with_all_permissions(&user, &org_id, &permissions)?;
    Ok(web::Json(org.clone()))
}

/// The org's users, for its members (backend API).
///
/// A page of `fetch_users_in_org`, fetched with the async client (`auth.nonblocking()`) so that no async worker waits on the network. 403 when the user is not a member of the org.
#[utoipa::path(
    get,
    path = "/api/org/{org_id}/users",
    params(("org_id" = String, Path, description = "The org's id")),
    security(("propelauth" = [])),
    responses(
        (status = 200, description = "A page of the org's users (`fetch_users_in_org`)", content_type = "application/json"),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 502, description = "The backend API call failed"),
    )
)]
#[get("/api/org/{org_id}/users")]
async fn org_users(auth: PropelAuth, user: RequireUser, org_id: OrgId) -> HttpResponse {
    if let Err(forbidden) = auth.require_org_member(&user, &org_id) {
        return AuthRejection::from(forbidden).error_response();
    }
    match auth
        .nonblocking()
        .fetch_users_in_org(&org_id, &FetchUsersInOrgOptions::default())
        .await
    {
        Ok(page) => HttpResponse::Ok().json(page),
        Err(error) => {
            eprintln!("backend API call failed: {error}");
            HttpResponse::BadGateway().json(json!({ "detail": BACKEND_FAILURE_DETAIL }))
        }
    }
}
