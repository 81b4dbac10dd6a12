//! The example routes (examples.md) on Rocket.

use propelauth_core::api::{Page, UserMetadata};
use propelauth_rocket::{AuthRejection, OrgMemberInfo, PropelAuth, RequireUser, User};

use crate::{BACKEND_FAILURE_DETAIL, org_users_options};
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
                billing_and_reports,
                org_users
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

/// What the users route answers.
#[derive(rocket::Responder)]
enum OrgUsers {
    Found(Json<Page<UserMetadata>>),
    Refused(AuthRejection),
    #[response(status = 502)]
    BackendFailed(Value),
}

/// The org's users from the backend API, for its members. The blocking call runs on tokio's
/// blocking pool, never on the async workers.
#[get("/api/org/<org_id>/users")]
async fn org_users(auth: Auth<'_>, user: RequireUser, org_id: &str) -> OrgUsers {
    if let Err(forbidden) = auth.require_org_member(&user, org_id) {
        return OrgUsers::Refused(forbidden.into());
    }
    let org_id = org_id.to_owned();
    match auth
        .spawn_blocking(move |auth| auth.fetch_users_in_org(&org_id, &org_users_options()))
        .await
    {
        Ok(page) => OrgUsers::Found(Json(page)),
        Err(error) => {
            eprintln!("backend API call failed: {error}");
            OrgUsers::BackendFailed(json!({ "detail": BACKEND_FAILURE_DETAIL }))
        }
    }
}
