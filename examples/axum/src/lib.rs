//! The example server's app on axum: the example routes, documented with utoipa
//! (`/openapi.json`, and Swagger UI at `/docs`). The binary `axum` serves it
//! (`cargo run --bin axum`); the conformance suite drives [`router`] in process.
#![deny(missing_docs)]

use std::sync::Arc;

use axum::body::Body;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use propelauth_axum::api::{ApiError, FetchUsersInOrgOptions, Page, UserMetadata};
use propelauth_axum::openapi::{BearerAuth, Forbidden, Unauthorized, swagger_ui_page};
use propelauth_axum::{
    AuthRejection, OrgMemberInfo, PropelAuth, RequireUser, RequireUserLayer, User, WebSocketUser,
};
use propelauth_example_support::{BACKEND_FAILURE_DETAIL, websocket_greeting};
use serde_json::{Value, json};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

/// The OpenAPI document of the example routes: each route that takes the user lists the
/// `propelauth` bearer scheme (registered by [`BearerAuth`]) in its `security` and documents
/// its 401 ([`Unauthorized`]) and, with an org check, its 403 ([`Forbidden`]);
/// `propelauth_axum::openapi::check_security` checks that in the tests.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "PropelAuth example (axum)"),
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

/// The example server's router, with `auth` as its state: the example routes, the OpenAPI
/// document at `/openapi.json` and Swagger UI at `/docs`.
pub fn router(auth: PropelAuth) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/whoami", get(whoami))
        .route("/api/whoami_optional", get(whoami_optional))
        .route("/api/org/{org_id}/check", get(check))
        .route("/api/org/{org_id}/admin_or_owner", get(admin_or_owner))
        .route("/api/org/{org_id}/admin_only", get(admin_only))
        .route("/api/org/{org_id}/billing", get(billing))
        .route(
            "/api/org/{org_id}/billing_and_reports",
            get(billing_and_reports),
        )
        .route("/api/org/{org_id}/users", get(org_users))
        .route("/api/ws", get(websocket))
        .merge(group(auth.clone()))
        .merge(swagger_ui())
        .with_state(auth)
}

/// The route group: every route in it requires a user (the layer), whether or not its
/// handler takes one. `route_layer` keeps unknown paths a 404.
fn group(auth: PropelAuth) -> Router<PropelAuth> {
    Router::new()
        .route("/api/group/ping", get(ping))
        .route_layer(RequireUserLayer::new(auth))
}

/// In the group: protected by the layer alone.
async fn ping() -> &'static str {
    "pong"
}

/// A WebSocket for the user of the handshake: the token from `Authorization` or from
/// `?access_token=` (browsers cannot set headers on a WebSocket). The user is checked first,
/// so a refused handshake is the usual 401 and never upgrades.
async fn websocket(user: WebSocketUser, upgrade: WebSocketUpgrade) -> Response {
    let greeting = websocket_greeting(&user.user_id);
    upgrade.on_upgrade(move |socket| greet_then_echo(socket, greeting))
}

/// Sends the greeting, then echoes text and binary messages until the client closes.
async fn greet_then_echo(mut socket: WebSocket, greeting: String) {
    if socket.send(Message::Text(greeting.into())).await.is_err() {
        return;
    }
    while let Some(Ok(message)) = socket.recv().await {
        let echo = match message {
            Message::Text(_) | Message::Binary(_) => message,
            Message::Close(_) => break,
            // Pings are answered by the WebSocket layer itself.
            Message::Ping(_) | Message::Pong(_) => continue,
        };
        if socket.send(echo).await.is_err() {
            break;
        }
    }
}

/// Swagger UI at `/docs`, reading the document at `/openapi.json`. Its page goes through
/// `swagger_ui_page`: titled after the document, and drawing the optional route's padlock open
/// until a token is authorized.
fn swagger_ui() -> Router<PropelAuth> {
    let document = ApiDoc::openapi();
    let title: Arc<str> = document.info.title.clone().into();
    Router::from(SwaggerUi::new("/docs").url("/openapi.json", document)).layer(
        axum::middleware::map_response(move |response: Response| {
            let title = Arc::clone(&title);
            async move { with_page_fix(response, &title).await }
        }),
    )
}

/// The HTML page of Swagger UI through `swagger_ui_page`; its other files as they are.
async fn with_page_fix(response: Response, title: &str) -> Response {
    let is_page = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if !is_page {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    match axum::body::to_bytes(body, 1 << 20).await {
        Ok(html) => {
            let page = swagger_ui_page(&String::from_utf8_lossy(&html), title);
            parts.headers.remove(CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(page))
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Liveness check, no token.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "`ok`", content_type = "text/plain")))]
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
async fn whoami(RequireUser(user): RequireUser) -> Json<Arc<User>> {
    Json(user)
}

/// The user's id when a valid token is sent, `{}` otherwise (optional_user).
#[utoipa::path(
    get,
    path = "/api/whoami_optional",
    security((), ("propelauth" = [])),
    responses((status = 200, description = "`{\"user_id\": ...}` or `{}`", content_type = "application/json"))
)]
async fn whoami_optional(user: Option<RequireUser>) -> Json<Value> {
    Json(match user {
        Some(user) => json!({ "user_id": user.user_id }),
        None => json!({}),
    })
}

type OrgResult = Result<Json<OrgMemberInfo>, AuthRejection>;

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
async fn check(
    State(auth): State<PropelAuth>,
    user: RequireUser,
    Path(org_id): Path<String>,
) -> OrgResult {
    let org = auth.require_org_member(&user, &org_id)?;
    Ok(Json(org.clone()))
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
async fn admin_or_owner(
    State(auth): State<PropelAuth>,
    user: RequireUser,
    Path(org_id): Path<String>,
) -> OrgResult {
    let org = auth.require_org_member_with_minimum_role(&user, &org_id, "Admin")?;
    Ok(Json(org.clone()))
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
async fn admin_only(
    State(auth): State<PropelAuth>,
    user: RequireUser,
    Path(org_id): Path<String>,
) -> OrgResult {
    let org = auth.require_org_member_with_exact_role(&user, &org_id, "Admin")?;
    Ok(Json(org.clone()))
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
async fn billing(
    State(auth): State<PropelAuth>,
    user: RequireUser,
    Path(org_id): Path<String>,
) -> OrgResult {
    let org = auth.require_org_member_with_permission(&user, &org_id, "can_view_billing")?;
    Ok(Json(org.clone()))
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
async fn billing_and_reports(
    State(auth): State<PropelAuth>,
    user: RequireUser,
    Path(org_id): Path<String>,
) -> OrgResult {
    let permissions = ["can_view_billing", "can_view_reports"];
    let org = auth.require_org_member_with_all_permissions(&user, &org_id, &permissions)?;
    Ok(Json(org.clone()))
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
async fn org_users(
    State(auth): State<PropelAuth>,
    user: RequireUser,
    Path(org_id): Path<String>,
) -> Result<Json<Page<UserMetadata>>, Response> {
    auth.require_org_member(&user, &org_id)
        .map_err(|forbidden| AuthRejection::from(forbidden).into_response())?;
    let page = auth
        .nonblocking()
        .fetch_users_in_org(&org_id, &FetchUsersInOrgOptions::default())
        .await
        .map_err(backend_failure)?;
    Ok(Json(page))
}

fn backend_failure(error: ApiError) -> Response {
    eprintln!("backend API call failed: {error}");
    let body = Json(json!({ "detail": BACKEND_FAILURE_DETAIL }));
    (StatusCode::BAD_GATEWAY, body).into_response()
}
