//! The example routes (examples.md) on actix-web.

use actix_web::{HttpResponse, ResponseError, get, web};
use propelauth_actix::{AuthRejection, OptionalUser, OrgMemberInfo, PropelAuth, RequireUser, User};
use serde_json::{Value, json};

use crate::{BACKEND_FAILURE_DETAIL, org_users_options};

/// Registers the example routes. The app must also hold the handle:
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
        .service(org_users);
}

#[get("/healthz")]
async fn healthz() -> &'static str {
    "ok"
}

#[get("/api/whoami")]
async fn whoami(RequireUser(user): RequireUser) -> web::Json<User> {
    web::Json(user)
}

#[get("/api/whoami_optional")]
async fn whoami_optional(OptionalUser(user): OptionalUser) -> web::Json<Value> {
    web::Json(match user {
        Some(user) => json!({ "user_id": user.user_id }),
        None => json!({}),
    })
}

type OrgId = web::Path<String>;
type OrgResult = Result<web::Json<OrgMemberInfo>, AuthRejection>;

#[get("/api/org/{org_id}/check")]
async fn check(auth: PropelAuth, user: RequireUser, org_id: OrgId) -> OrgResult {
    let org = auth.require_org_member(&user, &org_id)?;
    Ok(web::Json(org.clone()))
}

#[get("/api/org/{org_id}/admin_or_owner")]
async fn admin_or_owner(auth: PropelAuth, user: RequireUser, org_id: OrgId) -> OrgResult {
    let org = auth.require_org_member_with_minimum_role(&user, &org_id, "Admin")?;
    Ok(web::Json(org.clone()))
}

#[get("/api/org/{org_id}/admin_only")]
async fn admin_only(auth: PropelAuth, user: RequireUser, org_id: OrgId) -> OrgResult {
    let org = auth.require_org_member_with_exact_role(&user, &org_id, "Admin")?;
    Ok(web::Json(org.clone()))
}

#[get("/api/org/{org_id}/billing")]
async fn billing(auth: PropelAuth, user: RequireUser, org_id: OrgId) -> OrgResult {
    let org = auth.require_org_member_with_permission(&user, &org_id, "can_view_billing")?;
    Ok(web::Json(org.clone()))
}

#[get("/api/org/{org_id}/billing_and_reports")]
async fn billing_and_reports(auth: PropelAuth, user: RequireUser, org_id: OrgId) -> OrgResult {
    let permissions = ["can_view_billing", "can_view_reports"];
    let org = auth.require_org_member_with_all_permissions(&user, &org_id, &permissions)?;
    Ok(web::Json(org.clone()))
}

/// The org's users from the backend API, for its members. The blocking call runs on tokio's
/// blocking pool, never on the async workers.
#[get("/api/org/{org_id}/users")]
async fn org_users(auth: PropelAuth, user: RequireUser, org_id: OrgId) -> HttpResponse {
    if let Err(forbidden) = auth.require_org_member(&user, &org_id) {
        return AuthRejection::from(forbidden).error_response();
    }
    let org_id = org_id.into_inner();
    match auth
        .spawn_blocking(move |auth| auth.fetch_users_in_org(&org_id, &org_users_options()))
        .await
    {
        Ok(page) => HttpResponse::Ok().json(page),
        Err(error) => {
            eprintln!("backend API call failed: {error}");
            HttpResponse::BadGateway().json(json!({ "detail": BACKEND_FAILURE_DETAIL }))
        }
    }
}
