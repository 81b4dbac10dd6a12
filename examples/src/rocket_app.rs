//! The example routes (examples.md) on Rocket.

use propelauth_rocket::{AuthRejection, OrgMemberInfo, PropelAuth, RequireUser, User};
use rocket::serde::json::{Json, Value, json};
use rocket::{Build, Rocket, State, get, routes};

/// The example app around `auth`: the handle managed, PropelAuth's catchers registered, the
/// routes mounted. Configure address and port with `rocket::custom` before calling this, or
/// through Rocket's usual `ROCKET_*` variables.
pub fn app(rocket: Rocket<Build>, auth: PropelAuth) -> Rocket<Build> {
    rocket
        .manage(auth)
        .register("/", propelauth_rocket::catchers())
        .mount(
            "/",
            routes![
                healthz,
                whoami,
                whoami_optional,
                check,
                admin_or_owner,
                admin_only,
                billing,
                billing_and_reports
            ],
        )
}

#[get("/healthz")]
fn healthz() -> &'static str {
    "ok"
}

#[get("/api/whoami")]
fn whoami(user: RequireUser) -> Json<User> {
    Json(user.0)
}

#[get("/api/whoami_optional")]
fn whoami_optional(user: Option<RequireUser>) -> Value {
    match user {
        Some(user) => json!({ "user_id": user.user_id }),
        None => json!({}),
    }
}

type Auth<'r> = &'r State<PropelAuth>;
type OrgResult = Result<Json<OrgMemberInfo>, AuthRejection>;

#[get("/api/org/<org_id>/check")]
fn check(auth: Auth<'_>, user: RequireUser, org_id: &str) -> OrgResult {
    let org = auth.require_org_member(&user, org_id)?;
    Ok(Json(org.clone()))
}

#[get("/api/org/<org_id>/admin_or_owner")]
fn admin_or_owner(auth: Auth<'_>, user: RequireUser, org_id: &str) -> OrgResult {
    let org = auth.require_org_member_with_minimum_role(&user, org_id, "Admin")?;
    Ok(Json(org.clone()))
}

#[get("/api/org/<org_id>/admin_only")]
fn admin_only(auth: Auth<'_>, user: RequireUser, org_id: &str) -> OrgResult {
    let org = auth.require_org_member_with_exact_role(&user, org_id, "Admin")?;
    Ok(Json(org.clone()))
}

#[get("/api/org/<org_id>/billing")]
fn billing(auth: Auth<'_>, user: RequireUser, org_id: &str) -> OrgResult {
    let org = auth.require_org_member_with_permission(&user, org_id, "can_view_billing")?;
    Ok(Json(org.clone()))
}

#[get("/api/org/<org_id>/billing_and_reports")]
fn billing_and_reports(auth: Auth<'_>, user: RequireUser, org_id: &str) -> OrgResult {
    let permissions = ["can_view_billing", "can_view_reports"];
    let org = auth.require_org_member_with_all_permissions(&user, org_id, &permissions)?;
    Ok(Json(org.clone()))
}
