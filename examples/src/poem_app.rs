//! The example routes (examples.md) on poem.

use poem::error::ResponseError;
use poem::http::StatusCode;
use poem::web::{Json, Path};
use poem::{Endpoint, EndpointExt, IntoResponse, Response, Route, get, handler};
use propelauth_poem::{AuthRejection, OptionalUser, OrgMemberInfo, PropelAuth, RequireUser, User};
use serde_json::{Value, json};

use crate::{BACKEND_FAILURE_DETAIL, org_users_options};

/// The example app, with `auth` installed as data.
pub fn app(auth: PropelAuth) -> impl Endpoint {
    routes().data(auth)
}

/// The example routes alone, without the handle (to show what a misconfigured app does).
pub fn routes() -> Route {
    Route::new()
        .at("/healthz", get(healthz))
        .at("/api/whoami", get(whoami))
        .at("/api/whoami_optional", get(whoami_optional))
        .at("/api/org/:org_id/check", get(check))
        .at("/api/org/:org_id/admin_or_owner", get(admin_or_owner))
        .at("/api/org/:org_id/admin_only", get(admin_only))
        .at("/api/org/:org_id/billing", get(billing))
        .at(
            "/api/org/:org_id/billing_and_reports",
            get(billing_and_reports),
        )
        .at("/api/org/:org_id/users", get(org_users))
}

#[handler]
fn healthz() -> &'static str {
    "ok"
}

#[handler]
fn whoami(RequireUser(user): RequireUser) -> Json<User> {
    Json(user)
}

#[handler]
fn whoami_optional(OptionalUser(user): OptionalUser) -> Json<Value> {
    Json(match user {
        Some(user) => json!({ "user_id": user.user_id }),
        None => json!({}),
    })
}

type OrgId = Path<String>;
type OrgResult = Result<Json<OrgMemberInfo>, AuthRejection>;

#[handler]
fn check(auth: PropelAuth, user: RequireUser, Path(org_id): OrgId) -> OrgResult {
    let org = auth.require_org_member(&user, &org_id)?;
    Ok(Json(org.clone()))
}

#[handler]
fn admin_or_owner(auth: PropelAuth, user: RequireUser, Path(org_id): OrgId) -> OrgResult {
    let org = auth.require_org_member_with_minimum_role(&user, &org_id, "Admin")?;
    Ok(Json(org.clone()))
}

#[handler]
fn admin_only(auth: PropelAuth, user: RequireUser, Path(org_id): OrgId) -> OrgResult {
    let org = auth.require_org_member_with_exact_role(&user, &org_id, "Admin")?;
    Ok(Json(org.clone()))
}

#[handler]
fn billing(auth: PropelAuth, user: RequireUser, Path(org_id): OrgId) -> OrgResult {
    let org = auth.require_org_member_with_permission(&user, &org_id, "can_view_billing")?;
    Ok(Json(org.clone()))
}

#[handler]
fn billing_and_reports(auth: PropelAuth, user: RequireUser, Path(org_id): OrgId) -> OrgResult {
    let permissions = ["can_view_billing", "can_view_reports"];
    let org = auth.require_org_member_with_all_permissions(&user, &org_id, &permissions)?;
    Ok(Json(org.clone()))
}

/// The org's users from the backend API, for its members. The blocking call runs on tokio's
/// blocking pool, never on the async workers.
#[handler]
async fn org_users(auth: PropelAuth, user: RequireUser, Path(org_id): OrgId) -> Response {
    if let Err(forbidden) = auth.require_org_member(&user, &org_id) {
        return AuthRejection::from(forbidden).as_response();
    }
    match auth
        .spawn_blocking(move |auth| auth.fetch_users_in_org(&org_id, &org_users_options()))
        .await
    {
        Ok(page) => Json(page).into_response(),
        Err(error) => {
            eprintln!("backend API call failed: {error}");
            let body = Json(json!({ "detail": BACKEND_FAILURE_DETAIL }));
            (StatusCode::BAD_GATEWAY, body).into_response()
        }
    }
}
