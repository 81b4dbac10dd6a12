//! The example server's app on poem, served through poem-openapi: the operations take the
//! user through propelauth-poem's security schemes, so the document at `/openapi.json` and
//! Swagger UI at `/docs` say which routes need a token. The binary `poem` serves it
//! (`cargo run --bin poem`); the conformance suite drives [`app`] in process.
#![deny(missing_docs)]

use std::sync::Arc;

use poem::error::ResponseError;
use poem::http::StatusCode;
use poem::{Endpoint, EndpointExt, IntoResponse, Route};
use poem_openapi::param::Path;
use poem_openapi::payload::PlainText;
use poem_openapi::registry::{
    MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef, Registry,
};
use poem_openapi::{ApiResponse, OpenApi, OpenApiService};
use propelauth_example_support::BACKEND_FAILURE_DETAIL;
use propelauth_poem::api::{FetchUsersInOrgOptions, Page, UserMetadata};
use propelauth_poem::openapi::{BearerUser, OptionalBearerUser};
use propelauth_poem::{AuthRejection, OrgMemberInfo, PropelAuth, User};
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
    Route::new()
        .at("/openapi.json", api.spec_endpoint())
        .nest("/docs", api.swagger_ui())
        .nest("/", api)
}

/// The poem-openapi service of the example routes.
pub fn api_service() -> OpenApiService<Api, ()> {
    OpenApiService::new(Api, "PropelAuth example (poem)", env!("CARGO_PKG_VERSION"))
}

/// The example routes, as poem-openapi operations.
#[derive(Debug)]
pub struct Api;

type OrgResult = Result<JsonBody<OrgMemberInfo>, AuthRejection>;

#[OpenApi]
impl Api {
    /// Liveness check, no token.
    #[oai(path = "/healthz", method = "get")]
    async fn healthz(&self) -> PlainText<&'static str> {
        PlainText("ok")
    }

    /// require_user: the signed-in user.
    #[oai(path = "/api/whoami", method = "get")]
    async fn whoami(&self, user: BearerUser) -> JsonBody<Arc<User>> {
        JsonBody(user.0)
    }

    /// optional_user: the user's id when a valid token is sent, `{}` otherwise.
    #[oai(path = "/api/whoami_optional", method = "get")]
    async fn whoami_optional(&self, user: OptionalBearerUser) -> JsonBody<Value> {
        JsonBody(match user.0 {
            Some(user) => json!({ "user_id": user.user_id }),
            None => json!({}),
        })
    }

    /// require_org_member.
    #[oai(path = "/api/org/:org_id/check", method = "get")]
    async fn check(&self, auth: PropelAuth, user: BearerUser, org_id: Path<String>) -> OrgResult {
        let org = auth.require_org_member(&user, &org_id)?;
        Ok(JsonBody(org.clone()))
    }

    /// require_org_member_with_minimum_role "Admin".
    #[oai(path = "/api/org/:org_id/admin_or_owner", method = "get")]
    async fn admin_or_owner(
        &self,
        auth: PropelAuth,
        user: BearerUser,
        org_id: Path<String>,
    ) -> OrgResult {
        let org = auth.require_org_member_with_minimum_role(&user, &org_id, "Admin")?;
        Ok(JsonBody(org.clone()))
    }

    /// require_org_member_with_exact_role "Admin".
    #[oai(path = "/api/org/:org_id/admin_only", method = "get")]
    async fn admin_only(
        &self,
        auth: PropelAuth,
        user: BearerUser,
        org_id: Path<String>,
    ) -> OrgResult {
        let org = auth.require_org_member_with_exact_role(&user, &org_id, "Admin")?;
        Ok(JsonBody(org.clone()))
    }

    /// require_org_member_with_permission "can_view_billing".
    #[oai(path = "/api/org/:org_id/billing", method = "get")]
    async fn billing(&self, auth: PropelAuth, user: BearerUser, org_id: Path<String>) -> OrgResult {
        let org = auth.require_org_member_with_permission(&user, &org_id, "can_view_billing")?;
        Ok(JsonBody(org.clone()))
    }

    /// require_org_member_with_all_permissions ["can_view_billing", "can_view_reports"].
    #[oai(path = "/api/org/:org_id/billing_and_reports", method = "get")]
    async fn billing_and_reports(
        &self,
        auth: PropelAuth,
        user: BearerUser,
        org_id: Path<String>,
    ) -> OrgResult {
        let permissions = ["can_view_billing", "can_view_reports"];
        let org = auth.require_org_member_with_all_permissions(&user, &org_id, &permissions)?;
        Ok(JsonBody(org.clone()))
    }

    /// The org's users from the backend API, for its members: the async twin of the call
    /// (`auth.nonblocking()`), so no async worker waits on the network.
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

/// A 200 JSON body written by serde as is, documented as a JSON object.
///
/// poem-openapi's own `Json` needs the poem-openapi `Type` trait, which core's `User` and
/// `OrgMemberInfo` do not implement, and goes through `serde_json::Value`, which would
/// reorder the keys: this keeps the bytes identical to the other frameworks' examples.
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
