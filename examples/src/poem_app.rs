//! The example routes (examples.md) on poem.

use poem::web::{Json, Path};
use poem::{Endpoint, EndpointExt, Route, get, handler};
use propelauth_poem::{AuthRejection, OptionalUser, OrgMemberInfo, PropelAuth, RequireUser, User};
use serde_json::{Value, json};

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
