//! The example server's app on Rocket: the example routes, documented with rocket_okapi
//! (`/openapi.json`, and Swagger UI at `/docs`). The binary `rocket` serves it
//! (`cargo run --bin rocket`); the conformance suite drives [`app`] in process.
#![deny(missing_docs)]

use std::sync::Arc;

use propelauth_example_support::BACKEND_FAILURE_DETAIL;
use propelauth_rocket::api::{FetchUsersInOrgOptions, Page, UserMetadata};
use propelauth_rocket::{AuthRejection, OrgMemberInfo, PropelAuth, RequireUser, User};
use rocket::response::{self, Responder};
use rocket::serde::Serialize;
use rocket::serde::json::{Value, json};
use rocket::{Build, Request, Rocket, State, get};
use rocket_okapi::handlers::OpenApiHandler;
use rocket_okapi::okapi::openapi3::{OpenApi, RefOr, Response as OpenApiResponse, Responses};
use rocket_okapi::response::OpenApiResponderInner;
use rocket_okapi::swagger_ui::{SwaggerUIConfig, make_swagger_ui};
use rocket_okapi::{openapi, openapi_get_routes_spec};

/// The example app around `auth`: the handle managed, PropelAuth's catchers registered, the
/// routes mounted, with the OpenAPI document at `/openapi.json` and Swagger UI at `/docs`.
/// Configure address and port with `rocket::custom` before calling this, or through
/// Rocket's usual `ROCKET_*` variables.
pub fn app(rocket: Rocket<Build>, auth: PropelAuth) -> Rocket<Build> {
    let (routes, spec) = routes_and_spec();
    let swagger_ui = SwaggerUIConfig {
        url: "/openapi.json".to_owned(),
        ..SwaggerUIConfig::default()
    };
    rocket
        .manage(auth)
        .register("/", propelauth_rocket::catchers())
        .mount("/", routes)
        .mount(
            "/",
            vec![OpenApiHandler::new(spec).into_route("/openapi.json")],
        )
        .mount("/docs", make_swagger_ui(&swagger_ui))
}

/// The example routes and their OpenAPI document.
pub fn routes_and_spec() -> (Vec<rocket::Route>, OpenApi) {
    let (routes, mut spec) = openapi_get_routes_spec![
        healthz,
        whoami,
        whoami_optional,
        check,
        admin_or_owner,
        admin_only,
        billing,
        billing_and_reports,
        org_users
    ];
    // rocket_okapi gives a guard one requirement: this adds the token to the optional ones.
    propelauth_rocket::openapi::document_optional_users(&mut spec);
    spec.info.title = "PropelAuth example (rocket)".to_owned();
    (routes, spec)
}

/// Liveness check, no token.
#[openapi]
#[get("/healthz")]
fn healthz() -> &'static str {
    "ok"
}

/// require_user: the signed-in user.
#[openapi]
#[get("/api/whoami")]
fn whoami(user: RequireUser) -> JsonBody<Arc<User>> {
    JsonBody(user.0)
}

/// optional_user: the user's id when a valid token is sent, `{}` otherwise.
#[openapi]
#[get("/api/whoami_optional")]
fn whoami_optional(user: Option<RequireUser>) -> Value {
    match user {
        Some(user) => json!({ "user_id": user.user_id }),
        None => json!({}),
    }
}

type Auth<'r> = &'r State<PropelAuth>;
type OrgResult = Result<JsonBody<OrgMemberInfo>, AuthRejection>;

/// require_org_member.
#[openapi]
#[get("/api/org/<org_id>/check")]
fn check(auth: Auth<'_>, user: RequireUser, org_id: &str) -> OrgResult {
    let org = auth.require_org_member(&user, org_id)?;
    Ok(JsonBody(org.clone()))
}

/// require_org_member_with_minimum_role "Admin".
#[openapi]
#[get("/api/org/<org_id>/admin_or_owner")]
fn admin_or_owner(auth: Auth<'_>, user: RequireUser, org_id: &str) -> OrgResult {
    let org = auth.require_org_member_with_minimum_role(&user, org_id, "Admin")?;
    Ok(JsonBody(org.clone()))
}

/// require_org_member_with_exact_role "Admin".
#[openapi]
#[get("/api/org/<org_id>/admin_only")]
fn admin_only(auth: Auth<'_>, user: RequireUser, org_id: &str) -> OrgResult {
    let org = auth.require_org_member_with_exact_role(&user, org_id, "Admin")?;
    Ok(JsonBody(org.clone()))
}

/// require_org_member_with_permission "can_view_billing".
#[openapi]
#[get("/api/org/<org_id>/billing")]
fn billing(auth: Auth<'_>, user: RequireUser, org_id: &str) -> OrgResult {
    let org = auth.require_org_member_with_permission(&user, org_id, "can_view_billing")?;
    Ok(JsonBody(org.clone()))
}

/// require_org_member_with_all_permissions ["can_view_billing", "can_view_reports"].
#[openapi]
#[get("/api/org/<org_id>/billing_and_reports")]
fn billing_and_reports(auth: Auth<'_>, user: RequireUser, org_id: &str) -> OrgResult {
    let permissions = ["can_view_billing", "can_view_reports"];
    let org = auth.require_org_member_with_all_permissions(&user, org_id, &permissions)?;
    Ok(JsonBody(org.clone()))
}

/// `Json<T>` documented as a JSON object: rocket_okapi's `Json` needs a schemars schema,
/// which core's `User` and `OrgMemberInfo` do not derive. Answers exactly what `Json` does.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<'r, T: Serialize> Responder<'r, 'static> for JsonBody<T> {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        rocket::serde::json::Json(self.0).respond_to(request)
    }
}

impl<T: Serialize> OpenApiResponderInner for JsonBody<T> {
    fn responses(
        generator: &mut rocket_okapi::r#gen::OpenApiGenerator,
    ) -> rocket_okapi::Result<Responses> {
        <Value as OpenApiResponderInner>::responses(generator)
    }
}

/// What the users route answers.
#[derive(Debug, rocket::Responder)]
pub enum OrgUsers {
    /// 200: a page of the org's users.
    Found(JsonBody<Page<UserMetadata>>),
    /// 401 or 403.
    Refused(AuthRejection),
    /// 502: the backend API call failed (the error went to the log).
    #[response(status = 502)]
    BackendFailed(Value),
}

impl OpenApiResponderInner for OrgUsers {
    fn responses(
        generator: &mut rocket_okapi::r#gen::OpenApiGenerator,
    ) -> rocket_okapi::Result<Responses> {
        let mut responses = <AuthRejection as OpenApiResponderInner>::responses(generator)?;
        let found = <JsonBody<Page<UserMetadata>> as OpenApiResponderInner>::responses(generator)?;
        responses.responses.extend(found.responses);
        responses.responses.insert(
            "502".to_owned(),
            RefOr::Object(OpenApiResponse {
                description: "The backend API call failed".to_owned(),
                ..OpenApiResponse::default()
            }),
        );
        Ok(responses)
    }
}

/// The org's users from the backend API, for its members: the async twin of the call
/// (`auth.nonblocking()`), so no async worker waits on the network.
#[openapi]
#[get("/api/org/<org_id>/users")]
async fn org_users(auth: Auth<'_>, user: RequireUser, org_id: &str) -> OrgUsers {
    if let Err(forbidden) = auth.require_org_member(&user, org_id) {
        return OrgUsers::Refused(forbidden.into());
    }
    match auth
        .nonblocking()
        .fetch_users_in_org(org_id, &FetchUsersInOrgOptions::default())
        .await
    {
        Ok(page) => OrgUsers::Found(JsonBody(page)),
        Err(error) => {
            eprintln!("backend API call failed: {error}");
            OrgUsers::BackendFailed(json!({ "detail": BACKEND_FAILURE_DETAIL }))
        }
    }
}
