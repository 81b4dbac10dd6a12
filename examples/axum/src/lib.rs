//! The example server's app on axum: the example routes, documented with utoipa
//! (`/openapi.json`, and Swagger UI at `/docs`). The binary `axum` serves it
//! (`cargo run --bin axum`); the conformance suite drives [`router`] in process.
#![deny(missing_docs)]

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use propelauth_axum::api::{ApiError, FetchUsersInOrgOptions, Page, UserMetadata};
use propelauth_axum::openapi::BearerAuth;
use propelauth_axum::{AuthRejection, OrgMemberInfo, PropelAuth, RequireUser, User};
use propelauth_example_support::BACKEND_FAILURE_DETAIL;
use serde_json::{Value, json};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

/// The OpenAPI document of the example routes: each route that takes the user lists the
/// `propelauth` bearer scheme (registered by [`BearerAuth`]) in its `security`.
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
        .merge(SwaggerUi::new("/docs").url("/openapi.json", ApiDoc::openapi()))
        .with_state(auth)
}

/// Liveness check, no token.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "`ok`", content_type = "text/plain")))]
async fn healthz() -> &'static str {
    "ok"
}

/// require_user: the signed-in user.
#[utoipa::path(
    get,
    path = "/api/whoami",
    security(("propelauth" = [])),
    responses(
        (status = 200, description = "The `User`", content_type = "application/json"),
        (status = 401, description = "No valid access token"),
    )
)]
async fn whoami(RequireUser(user): RequireUser) -> Json<Arc<User>> {
    Json(user)
}

/// optional_user: the user's id when a valid token is sent, `{}` otherwise.
#[utoipa::path(
    get,
    path = "/api/whoami_optional",
    security(("propelauth" = []), ()),
    responses((status = 200, description = "`{\"user_id\": ...}` or `{}`", content_type = "application/json"))
)]
async fn whoami_optional(user: Option<RequireUser>) -> Json<Value> {
    Json(match user {
        Some(user) => json!({ "user_id": user.user_id }),
        None => json!({}),
    })
}

type OrgResult = Result<Json<OrgMemberInfo>, AuthRejection>;

/// require_org_member.
#[utoipa::path(
    get,
    path = "/api/org/{org_id}/check",
    params(("org_id" = String, Path, description = "The org's id")),
    security(("propelauth" = [])),
    responses(
        (status = 200, description = "The user's membership in the org (`OrgMemberInfo`)", content_type = "application/json"),
        (status = 401, description = "No valid access token"),
        (status = 403, description = "Not a member of the org"),
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

/// require_org_member_with_minimum_role "Admin".
#[utoipa::path(
    get,
    path = "/api/org/{org_id}/admin_or_owner",
    params(("org_id" = String, Path, description = "The org's id")),
    security(("propelauth" = [])),
    responses(
        (status = 200, description = "The user's membership in the org (`OrgMemberInfo`)", content_type = "application/json"),
        (status = 401, description = "No valid access token"),
        (status = 403, description = "Not a member, or below Admin"),
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

/// require_org_member_with_exact_role "Admin".
#[utoipa::path(
    get,
    path = "/api/org/{org_id}/admin_only",
    params(("org_id" = String, Path, description = "The org's id")),
    security(("propelauth" = [])),
    responses(
        (status = 200, description = "The user's membership in the org (`OrgMemberInfo`)", content_type = "application/json"),
        (status = 401, description = "No valid access token"),
        (status = 403, description = "Not a member, or not exactly Admin"),
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

/// require_org_member_with_permission "can_view_billing".
#[utoipa::path(
    get,
    path = "/api/org/{org_id}/billing",
    params(("org_id" = String, Path, description = "The org's id")),
    security(("propelauth" = [])),
    responses(
        (status = 200, description = "The user's membership in the org (`OrgMemberInfo`)", content_type = "application/json"),
        (status = 401, description = "No valid access token"),
        (status = 403, description = "Not a member, or without can_view_billing"),
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

/// require_org_member_with_all_permissions ["can_view_billing", "can_view_reports"].
#[utoipa::path(
    get,
    path = "/api/org/{org_id}/billing_and_reports",
    params(("org_id" = String, Path, description = "The org's id")),
    security(("propelauth" = [])),
    responses(
        (status = 200, description = "The user's membership in the org (`OrgMemberInfo`)", content_type = "application/json"),
        (status = 401, description = "No valid access token"),
        (status = 403, description = "Not a member, or without both permissions"),
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

/// The org's users from the backend API, for its members: the async twin of the call
/// (`auth.nonblocking()`), so no async worker waits on the network.
#[utoipa::path(
    get,
    path = "/api/org/{org_id}/users",
    params(("org_id" = String, Path, description = "The org's id")),
    security(("propelauth" = [])),
    responses(
        (status = 200, description = "A page of the org's users (`fetch_users_in_org`)", content_type = "application/json"),
        (status = 401, description = "No valid access token"),
        (status = 403, description = "Not a member of the org"),
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
