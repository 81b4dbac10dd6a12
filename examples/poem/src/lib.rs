//! The example server's app on poem, served through poem-openapi: the operations take the
//! user through propelauth-poem's security schemes, so the document at `/openapi.json` and
//! Swagger UI at `/docs` say which routes need a token. The binary `poem` serves it
//! (`cargo run --bin poem`); the conformance suite drives [`app`] in process.
#![deny(missing_docs)]

use futures_util::{SinkExt, StreamExt};
use poem::error::ResponseError;
use poem::http::StatusCode;
use poem::web::Html;
use poem::web::websocket::{Message, WebSocket, WebSocketStream};
use poem::{Endpoint, EndpointExt, IntoResponse, Route, get, handler};
use poem_openapi::param::Path;
use poem_openapi::payload::PlainText;
use poem_openapi::registry::{
    MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef, Registry,
};
use poem_openapi::{ApiResponse, OpenApi, OpenApiService};
use propelauth_example_support::{BACKEND_FAILURE_DETAIL, websocket_greeting};
use propelauth_poem::api::{FetchUsersInOrgOptions, Page, UserMetadata};
use propelauth_poem::openapi::{
    Authenticated, BearerUser, OptionalBearerUser, OrgMemberInfoJson, UserJson, swagger_ui_page,
};
use propelauth_poem::{AuthRejection, PropelAuth, RequireUserMiddleware, WebSocketUser};
use serde::Serialize;
use serde_json::{Value, json};

/// The example app, with `auth` installed as data.
pub fn app(auth: PropelAuth) -> impl Endpoint {
    routes().data(auth)
}

/// The example routes alone, without the handle (to show what a misconfigured app does),
/// with the OpenAPI document at `/openapi.json` and Swagger UI at `/docs`.
pub fn routes() -> Route {
    let api = api_service();
    // Swagger UI's page (poem-openapi's, with the document inline) through
    // `swagger_ui_page`: titled after the document, and drawing the optional route's padlock
    // open until a token is authorized.
    let page = swagger_ui_page(&api.swagger_ui_html(), TITLE);
    Route::new()
        // The route group: every route in it requires a user (the middleware), whether or
        // not its handler takes one.
        .nest(
            "/api/group",
            Route::new()
                .at("/ping", get(ping))
                .with(RequireUserMiddleware),
        )
        .at("/api/ws", get(websocket))
        .at("/openapi.json", api.spec_endpoint())
        .at(
            "/docs",
            poem::endpoint::make_sync(move |_| Html(page.clone())),
        )
        .nest("/", api)
}

/// The document's title, and the Swagger UI page's.
const TITLE: &str = "PropelAuth example (poem)";

/// In the group: protected by the middleware alone.
#[handler]
fn ping() -> &'static str {
    "pong"
}

/// A WebSocket for the user of the handshake: the token from `Authorization` or from
/// `?access_token=` (browsers cannot set headers on a WebSocket). The user is extracted
/// before the upgrade, so a refused handshake is the usual 401 and never upgrades.
#[handler]
fn websocket(user: WebSocketUser, socket: WebSocket) -> impl IntoResponse {
    let greeting = websocket_greeting(&user.user_id);
    socket.on_upgrade(move |stream| greet_then_echo(stream, greeting))
}

/// Sends the greeting, then echoes text and binary messages until the client closes.
async fn greet_then_echo(mut stream: WebSocketStream, greeting: String) {
    if stream.send(Message::Text(greeting)).await.is_err() {
        return;
    }
    while let Some(Ok(message)) = stream.next().await {
        let echo = match message {
            Message::Text(_) | Message::Binary(_) => message,
            Message::Close(_) => break,
            // Pings are answered by the WebSocket layer itself.
            Message::Ping(_) | Message::Pong(_) => continue,
        };
        if stream.send(echo).await.is_err() {
            break;
        }
    }
}

/// The poem-openapi service of the example routes.
pub fn api_service() -> OpenApiService<Api, ()> {
    OpenApiService::new(Api, TITLE, env!("CARGO_PKG_VERSION"))
}

/// The example routes, as poem-openapi operations.
#[derive(Debug)]
pub struct Api;

type OrgResult = Result<OrgMemberInfoJson, AuthRejection>;

#[OpenApi]
impl Api {
    /// Liveness check, no token.
    #[oai(path = "/healthz", method = "get")]
    async fn healthz(&self) -> PlainText<&'static str> {
        PlainText("ok")
    }

    /// The signed-in user (require_user).
    #[oai(path = "/api/whoami", method = "get")]
    async fn whoami(&self, user: BearerUser) -> Authenticated<UserJson> {
        Authenticated(UserJson(user.0))
    }

    /// The user's id when a valid token is sent, `{}` otherwise (optional_user).
    #[oai(path = "/api/whoami_optional", method = "get")]
    async fn whoami_optional(&self, user: OptionalBearerUser) -> JsonBody<Value> {
        JsonBody(match user.0 {
            Some(user) => json!({ "user_id": user.user_id }),
            None => json!({}),
        })
    }

    /// The user's membership of the org (require_org_member).
    ///
    /// 403 when the user is not a member of the org.
    #[oai(path = "/api/org/:org_id/check", method = "get")]
    async fn check(&self, auth: PropelAuth, user: BearerUser, org_id: Path<String>) -> OrgResult {
        let org = auth.require_org_member(&user, &org_id)?;
        Ok(OrgMemberInfoJson(org.clone()))
    }

    /// The membership, for Admin or above (require_org_member_with_minimum_role).
    ///
    /// 403 when the user is not a member, or below Admin.
    #[oai(path = "/api/org/:org_id/admin_or_owner", method = "get")]
    async fn admin_or_owner(
        &self,
        auth: PropelAuth,
        user: BearerUser,
        org_id: Path<String>,
    ) -> OrgResult {
        let org = auth.require_org_member_with_minimum_role(&user, &org_id, "Admin")?;
        Ok(OrgMemberInfoJson(org.clone()))
    }

    /// The membership, for exactly Admin (require_org_member_with_exact_role).
    ///
    /// 403 when the user is not a member, or not exactly Admin.
    #[oai(path = "/api/org/:org_id/admin_only", method = "get")]
    async fn admin_only(
        &self,
        auth: PropelAuth,
        user: BearerUser,
        org_id: Path<String>,
    ) -> OrgResult {
        let org = auth.require_org_member_with_exact_role(&user, &org_id, "Admin")?;
        Ok(OrgMemberInfoJson(org.clone()))
    }

    /// The membership, with can_view_billing (require_org_member_with_permission).
    ///
    /// 403 when the user is not a member, or lacks can_view_billing.
    #[oai(path = "/api/org/:org_id/billing", method = "get")]
    async fn billing(&self, auth: PropelAuth, user: BearerUser, org_id: Path<String>) -> OrgResult {
        let org = auth.require_org_member_with_permission(&user, &org_id, "can_view_billing")?;
        Ok(OrgMemberInfoJson(org.clone()))
    }

    /// The membership, with can_view_billing and can_view_reports (require_org_member_with_all_permissions).
    ///
    /// 403 when the user is not a member, or lacks either permission.
    #[oai(path = "/api/org/:org_id/billing_and_reports", method = "get")]
    async fn billing_and_reports(
        &self,
        auth: PropelAuth,
        user: BearerUser,
        org_id: Path<String>,
    ) -> OrgResult {
        let permissions = ["can_view_billing", "can_view_reports"];
        let org = auth.require_org_member_with_all_permissions(&user, &org_id, &permissions)?;
        Ok(OrgMemberInfoJson(org.clone()))
    }

    /// The org's users, for its members (backend API).
    ///
    /// A page of `fetch_users_in_org`, fetched with the async client (`auth.nonblocking()`) so that no async worker waits on the network. 403 when the user is not a member of the org.
    #[oai(path = "/api/org/:org_id/users", method = "get")]
    async fn org_users(
        &self,
        auth: PropelAuth,
        user: BearerUser,
        org_id: Path<String>,
    ) -> Result<JsonBody<Page<UserMetadata>>, OrgUsersError> {
        auth.require_org_member(&user, &org_id)
            .map_err(|forbidden| OrgUsersError::Refused(forbidden.into()))?;
        auth.nonblocking()
            .fetch_users_in_org(&org_id, &FetchUsersInOrgOptions::default())
            .await
            .map(JsonBody)
            .map_err(|error| {
                eprintln!("backend API call failed: {error}");
                OrgUsersError::BackendFailed
            })
    }
}

/// Why the users route refuses: PropelAuth's 401/403, or a failed backend call (502).
#[derive(Debug)]
pub enum OrgUsersError {
    /// Not a member (or no valid token).
    Refused(AuthRejection),
    /// The backend API call failed; the error went to the log.
    BackendFailed,
}

impl std::fmt::Display for OrgUsersError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused(rejection) => rejection.fmt(f),
            Self::BackendFailed => f.write_str(BACKEND_FAILURE_DETAIL),
        }
    }
}

impl std::error::Error for OrgUsersError {}

impl ResponseError for OrgUsersError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Refused(rejection) => rejection.status(),
            Self::BackendFailed => StatusCode::BAD_GATEWAY,
        }
    }

    fn as_response(&self) -> poem::Response {
        match self {
            Self::Refused(rejection) => rejection.as_response(),
            Self::BackendFailed => {
                let body = poem::web::Json(json!({ "detail": BACKEND_FAILURE_DETAIL }));
                (StatusCode::BAD_GATEWAY, body).into_response()
            }
        }
    }
}

impl ApiResponse for OrgUsersError {
    fn meta() -> MetaResponses {
        let mut meta = AuthRejection::meta();
        meta.responses.push(MetaResponse {
            description: "The backend API call failed",
            status: Some(502),
            status_range: None,
            content: vec![],
            headers: vec![],
        });
        meta
    }

    fn register(_: &mut Registry) {}
}

/// A 200 JSON body written by serde as is, documented as a JSON object: for the backend API's
/// `Page<UserMetadata>`, which has no poem-openapi schema (`User` and `OrgMemberInfo` have
/// one, through propelauth-poem's `UserJson` and `OrgMemberInfoJson`).
///
/// poem-openapi's own `Json` needs the poem-openapi `Type` trait and goes through
/// `serde_json::Value`, which would reorder the keys: this keeps the bytes identical to the
/// other frameworks' examples.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: Serialize + Send> poem::IntoResponse for JsonBody<T> {
    fn into_response(self) -> poem::Response {
        poem::web::Json(self.0).into_response()
    }
}

impl<T: Serialize + Send> ApiResponse for JsonBody<T> {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![MetaResponse {
                description: "",
                status: Some(200),
                status_range: None,
                content: vec![MetaMediaType {
                    content_type: "application/json; charset=utf-8",
                    schema: MetaSchemaRef::Inline(Box::new(MetaSchema::new("object"))),
                }],
                headers: vec![],
            }],
        }
    }

    fn register(_: &mut Registry) {}
}
