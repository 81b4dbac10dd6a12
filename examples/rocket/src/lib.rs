//! The example server's app on Rocket: the example routes, documented with rocket_okapi
//! (`/openapi.json`, and Swagger UI at `/docs`). The binary `rocket` serves it
//! (`cargo run --bin rocket`); the conformance suite drives [`app`] in process.
#![deny(missing_docs)]

use std::io::Cursor;
use std::sync::Arc;

use propelauth_example_support::{BACKEND_FAILURE_DETAIL, websocket_greeting};
use propelauth_rocket::api::{FetchUsersInOrgOptions, Page, UserMetadata};
use propelauth_rocket::openapi::swagger_ui_page;
use propelauth_rocket::{
    AuthRejection, OrgMemberInfo, PropelAuth, RequireUser, User, WebSocketUser,
};
use rocket::fairing::{Fairing, Info, Kind};
use rocket::futures::{SinkExt, StreamExt};
use rocket::http::{ContentType, Status};
use rocket::response::{self, Responder};
use rocket::serde::Serialize;
use rocket::serde::json::{Json, Value, json};
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
    let title = spec.info.title.clone();
    let swagger_ui = SwaggerUIConfig {
        url: "/openapi.json".to_owned(),
        ..SwaggerUIConfig::default()
    };
    rocket
        .manage(auth)
        .register("/", propelauth_rocket::catchers())
        .mount("/", routes)
        .mount("/", rocket::routes![ping, websocket])
        .mount(
            "/",
            vec![OpenApiHandler::new(spec).into_route("/openapi.json")],
        )
        .mount("/docs", make_swagger_ui(&swagger_ui))
        .attach(SwaggerUiPage { title })
}

/// Puts Swagger UI's page (`/docs/index.html`) through `swagger_ui_page`: titled after the
/// document, and drawing the optional route's padlock open until a token is authorized.
struct SwaggerUiPage {
    title: String,
}

#[rocket::async_trait]
impl Fairing for SwaggerUiPage {
    fn info(&self) -> Info {
        Info {
            name: "Swagger UI page",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, request: &'r Request<'_>, response: &mut rocket::Response<'r>) {
        let is_page = request.uri().path().starts_with("/docs/")
            && response.content_type() == Some(ContentType::HTML);
        if !is_page {
            return;
        }
        match response.body_mut().to_string().await {
            Ok(html) => {
                let page = swagger_ui_page(&html, &self.title);
                response.set_sized_body(page.len(), Cursor::new(page));
            }
            Err(_) => {
                response.set_status(Status::InternalServerError);
                response.set_sized_body(0, Cursor::new(String::new()));
            }
        }
    }
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

/// The "route group" of the other frameworks: Rocket has no per-group middleware, so each
/// route of the group takes the guard (here without using the user).
#[get("/api/group/ping")]
fn ping(_member: RequireUser) -> &'static str {
    "pong"
}

/// A WebSocket for the user of the handshake: the token from `Authorization` or from
/// `?access_token=` (browsers cannot set headers on a WebSocket). The user guard runs before
/// the WebSocket guard, so a refused handshake is the usual 401 and never upgrades.
#[get("/api/ws")]
fn websocket(user: WebSocketUser, socket: rocket_ws::WebSocket) -> rocket_ws::Channel<'static> {
    let greeting = websocket_greeting(&user.user_id);
    socket.channel(move |mut stream| {
        Box::pin(async move {
            stream.send(rocket_ws::Message::Text(greeting)).await?;
            while let Some(message) = stream.next().await {
                match message? {
                    message @ (rocket_ws::Message::Text(_) | rocket_ws::Message::Binary(_)) => {
                        stream.send(message).await?;
                    }
                    rocket_ws::Message::Close(_) => break,
                    // Pings are answered by the WebSocket layer itself.
                    _ => {}
                }
            }
            Ok(())
        })
    })
}

/// # Liveness check
///
/// No token.
#[openapi]
#[get("/healthz")]
fn healthz() -> &'static str {
    "ok"
}

/// # The signed-in user
///
/// require_user.
#[openapi]
#[get("/api/whoami")]
fn whoami(user: RequireUser) -> Json<Arc<User>> {
    Json(user.0)
}

/// # The user's id when a valid token is sent, `{}` otherwise
///
/// optional_user.
#[openapi]
#[get("/api/whoami_optional")]
fn whoami_optional(user: Option<RequireUser>) -> Value {
    match user {
        Some(user) => json!({ "user_id": user.user_id }),
        None => json!({}),
    }
}

type Auth<'r> = &'r State<PropelAuth>;
type OrgResult = Result<Json<OrgMemberInfo>, AuthRejection>;

/// # The user's membership of the org
///
/// require_org_member. 403 when the user is not a member of the org.
#[openapi]
#[get("/api/org/<org_id>/check")]
fn check(auth: Auth<'_>, user: RequireUser, org_id: &str) -> OrgResult {
    let org = auth.require_org_member(&user, org_id)?;
    Ok(Json(org.clone()))
}

/// # The membership, for Admin or above
///
/// require_org_member_with_minimum_role "Admin". 403 when the user is not a member, or below Admin.
#[openapi]
#[get("/api/org/<org_id>/admin_or_owner")]
fn admin_or_owner(auth: Auth<'_>, user: RequireUser, org_id: &str) -> OrgResult {
    let org = auth.require_org_member_with_minimum_role(&user, org_id, "Admin")?;
    Ok(Json(org.clone()))
}

/// # The membership, for exactly Admin
///
/// require_org_member_with_exact_role "Admin". 403 when the user is not a member, or not exactly Admin.
#[openapi]
#[get("/api/org/<org_id>/admin_only")]
fn admin_only(auth: Auth<'_>, user: RequireUser, org_id: &str) -> OrgResult {
    let org = auth.require_org_member_with_exact_role(&user, org_id, "Admin")?;
    Ok(Json(org.clone()))
}

/// # The membership, with can_view_billing
///
/// require_org_member_with_permission "can_view_billing". 403 when the user is not a member, or lacks the permission.
#[openapi]
#[get("/api/org/<org_id>/billing")]
fn billing(auth: Auth<'_>, user: RequireUser, org_id: &str) -> OrgResult {
    let org = auth.require_org_member_with_permission(&user, org_id, "can_view_billing")?;
    Ok(Json(org.clone()))
}

/// # The membership, with can_view_billing and can_view_reports
///
/// require_org_member_with_all_permissions. 403 when the user is not a member, or lacks either permission.
#[openapi]
#[get("/api/org/<org_id>/billing_and_reports")]
fn billing_and_reports(auth: Auth<'_>, user: RequireUser, org_id: &str) -> OrgResult {
    let permissions = ["can_view_billing", "can_view_reports"];
    let org = auth.require_org_member_with_all_permissions(&user, org_id, &permissions)?;
    Ok(Json(org.clone()))
}

/// `Json<T>` documented as a JSON object, for the backend API's `Page<UserMetadata>`, which
/// has no schemars schema (`User` and `OrgMemberInfo` have one: the routes returning them use
/// `Json`). Answers exactly what `Json` does.
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

/// # The org's users, for its members (backend API)
///
/// A page of `fetch_users_in_org`, fetched with the async client (`auth.nonblocking()`) so that no async worker waits on the network. 403 when the user is not a member of the org.
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
