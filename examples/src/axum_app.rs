//! The example routes (examples.md) on axum.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use propelauth_axum::{AuthRejection, OrgMemberInfo, PropelAuth, RequireUser, User};
use propelauth_core::api::{ApiError, Page, UserMetadata};

use crate::{BACKEND_FAILURE_DETAIL, org_users_options};
use serde_json::{Value, json};

/// The example server's router, with `auth` as its state.
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
        .with_state(auth)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn whoami(RequireUser(user): RequireUser) -> Json<User> {
    Json(user)
}

async fn whoami_optional(user: Option<RequireUser>) -> Json<Value> {
    Json(match user {
        Some(user) => json!({ "user_id": user.user_id }),
        None => json!({}),
    })
}

type OrgResult = Result<Json<OrgMemberInfo>, AuthRejection>;

async fn check(
    State(auth): State<PropelAuth>,
    user: RequireUser,
    Path(org_id): Path<String>,
) -> OrgResult {
    let org = auth.require_org_member(&user, &org_id)?;
    Ok(Json(org.clone()))
}

async fn admin_or_owner(
    State(auth): State<PropelAuth>,
    user: RequireUser,
    Path(org_id): Path<String>,
) -> OrgResult {
    let org = auth.require_org_member_with_minimum_role(&user, &org_id, "Admin")?;
    Ok(Json(org.clone()))
}

async fn admin_only(
    State(auth): State<PropelAuth>,
    user: RequireUser,
    Path(org_id): Path<String>,
) -> OrgResult {
    let org = auth.require_org_member_with_exact_role(&user, &org_id, "Admin")?;
    Ok(Json(org.clone()))
}

async fn billing(
    State(auth): State<PropelAuth>,
    user: RequireUser,
    Path(org_id): Path<String>,
) -> OrgResult {
    let org = auth.require_org_member_with_permission(&user, &org_id, "can_view_billing")?;
    Ok(Json(org.clone()))
}

async fn billing_and_reports(
    State(auth): State<PropelAuth>,
    user: RequireUser,
    Path(org_id): Path<String>,
) -> OrgResult {
    let permissions = ["can_view_billing", "can_view_reports"];
    let org = auth.require_org_member_with_all_permissions(&user, &org_id, &permissions)?;
    Ok(Json(org.clone()))
}

/// The org's users from the backend API, for its members. The blocking call runs on tokio's
/// blocking pool, never on the async workers.
async fn org_users(
    State(auth): State<PropelAuth>,
    user: RequireUser,
    Path(org_id): Path<String>,
) -> Result<Json<Page<UserMetadata>>, Response> {
    auth.require_org_member(&user, &org_id)
        .map_err(|forbidden| AuthRejection::from(forbidden).into_response())?;
    let page = auth
        .spawn_blocking(move |auth| auth.fetch_users_in_org(&org_id, &org_users_options()))
        .await
        .map_err(backend_failure)?;
    Ok(Json(page))
}

fn backend_failure(error: ApiError) -> Response {
    eprintln!("backend API call failed: {error}");
    let body = Json(json!({ "detail": BACKEND_FAILURE_DETAIL }));
    (StatusCode::BAD_GATEWAY, body).into_response()
}
