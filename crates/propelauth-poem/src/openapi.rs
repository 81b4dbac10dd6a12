//! API docs with [poem-openapi](https://docs.rs/poem-openapi) (feature `openapi`): security
//! schemes that validate with PropelAuth and yield the [`User`].
//!
//! Take [`BearerUser`] (require_user) or [`OptionalBearerUser`] (optional_user) as an argument
//! of an `#[OpenApi]` operation. The generated document then registers the HTTP `bearer`
//! scheme (bearer format `JWT`) under the name [`SECURITY_SCHEME`], and lists it in the
//! operation's `security`: required for `BearerUser`; next to the empty alternative `{}` for
//! `OptionalBearerUser`, so the token may be sent or not. Swagger UI's **Authorize** button
//! then sends `Authorization: Bearer <token>` to those operations.
//!
//! ```
//! use poem::{EndpointExt, Route};
//! use poem_openapi::payload::PlainText;
//! use poem_openapi::{OpenApi, OpenApiService};
//! use propelauth_poem::PropelAuth;
//! use propelauth_poem::openapi::{BearerUser, OptionalBearerUser};
//!
//! struct Api;
//!
//! #[OpenApi]
//! impl Api {
//!     /// The signed-in user's id.
//!     #[oai(path = "/whoami", method = "get")]
//!     async fn whoami(&self, user: BearerUser) -> PlainText<String> {
//!         PlainText(user.user_id.clone())
//!     }
//!
//!     /// A greeting, personal when a valid token is sent.
//!     #[oai(path = "/greeting", method = "get")]
//!     async fn greeting(&self, OptionalBearerUser(user): OptionalBearerUser) -> PlainText<String> {
//!         PlainText(match user {
//!             Some(user) => format!("hello {}", user.user_id),
//!             None => "hello stranger".to_owned(),
//!         })
//!     }
//! }
//!
//! # fn main() -> Result<(), propelauth_poem::InitError> {
//! # let options = propelauth_testing::test_auth_options();
//! let auth = PropelAuth::from_options(options)?;
//! let api = OpenApiService::new(Api, "My API", "1.0");
//! let app = Route::new()
//!     .at("/openapi.json", api.spec_endpoint())
//!     .nest("/", api)
//!     .data(auth);
//! # Ok(()) }
//! ```
//!
//! [`AuthRejection`] is an [`ApiResponse`]: an operation returning
//! `Result<_, AuthRejection>` documents the 401 and 403 (body `{"detail": string}`), and the
//! org checks' errors convert into it with `?`, as with the plain handlers.
//!
//! The schemes behave exactly as the plain extractors: [`BearerUser`] answers the same 401
//! (body, `WWW-Authenticate`) as [`RequireUser`], both answer the same 500
//! when no handle was installed with `.data(auth)`.
//!
//! They implement [`ApiExtractor`] directly rather than through `#[derive(SecurityScheme)]`:
//! the derive parses the header with poem-openapi's own bearer parser first and, when the
//! header is missing or not `Bearer`, answers its own 401 (`authorization error`, no
//! `WWW-Authenticate`) before any checker runs. Here the whole header goes to core.

use std::ops::Deref;
use std::sync::Arc;

use poem::{FromRequest, Request, RequestBody};
use poem_openapi::registry::{
    MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef, MetaSecurityScheme,
    Registry,
};
use poem_openapi::{ApiExtractor, ApiExtractorType, ApiResponse, ExtractParamOptions};

use crate::{AuthRejection, OptionalUser, RequireUser, User};

/// The name of the security scheme in the document: what the operations' `security`
/// requirements refer to, and what Swagger UI shows in its **Authorize** dialog.
pub const SECURITY_SCHEME: &str = propelauth_core::openapi::SCHEME_NAME;

/// What the **Authorize** dialog says about the scheme.
pub const SCHEME_DESCRIPTION: &str = propelauth_core::openapi::SCHEME_DESCRIPTION;

fn register_scheme(registry: &mut Registry) {
    registry.create_security_scheme(
        SECURITY_SCHEME,
        MetaSecurityScheme {
            ty: "http",
            description: Some(SCHEME_DESCRIPTION),
            name: None,
            key_in: None,
            scheme: Some("bearer"),
            bearer_format: Some("JWT"),
            flows: None,
            openid_connect_url: None,
        },
    );
}

/// `require_user` as a poem-openapi security scheme: the [`User`], or 401.
///
/// Documents the operation as requiring the [`SECURITY_SCHEME`] bearer token.
#[derive(Debug, Clone)]
pub struct BearerUser(pub Arc<User>);

impl Deref for BearerUser {
    type Target = User;

    fn deref(&self) -> &User {
        &self.0
    }
}

impl<'a> ApiExtractor<'a> for BearerUser {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::SecurityScheme];

    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        register_scheme(registry);
    }

    fn security_schemes() -> Vec<&'static str> {
        vec![SECURITY_SCHEME]
    }

    async fn from_request(
        request: &'a Request,
        body: &mut RequestBody,
        _: ExtractParamOptions<()>,
    ) -> poem::Result<Self> {
        let RequireUser(user) = <RequireUser as FromRequest>::from_request(request, body).await?;
        Ok(Self(user))
    }
}

/// `optional_user` as a poem-openapi security scheme: the [`User`] when the request carries a
/// valid token, `None` otherwise. Never a 401; a 500 only when PropelAuth is not installed.
///
/// Documents the operation as accepting the [`SECURITY_SCHEME`] bearer token or none.
#[derive(Debug, Clone)]
pub struct OptionalBearerUser(pub Option<Arc<User>>);

impl<'a> ApiExtractor<'a> for OptionalBearerUser {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::SecurityScheme];

    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        register_scheme(registry);
    }

    fn security_schemes() -> Vec<&'static str> {
        vec![SECURITY_SCHEME]
    }

    /// The empty requirement `{}`: no token is an accepted alternative.
    fn has_security_fallback() -> bool {
        true
    }

    async fn from_request(
        request: &'a Request,
        body: &mut RequestBody,
        _: ExtractParamOptions<()>,
    ) -> poem::Result<Self> {
        let OptionalUser(user) = <OptionalUser as FromRequest>::from_request(request, body).await?;
        Ok(Self(user))
    }
}

/// The 401 and 403 of the org checks, with the body `{"detail": string}`.
impl ApiResponse for AuthRejection {
    fn meta() -> MetaResponses {
        let detail = MetaSchema {
            required: vec!["detail"],
            properties: vec![(
                "detail",
                MetaSchemaRef::Inline(Box::new(MetaSchema::new("string"))),
            )],
            ..MetaSchema::new("object")
        };
        let response = |status, description| MetaResponse {
            description,
            status: Some(status),
            status_range: None,
            content: vec![MetaMediaType {
                content_type: crate::Rejection::CONTENT_TYPE,
                schema: MetaSchemaRef::Inline(Box::new(detail.clone())),
            }],
            headers: vec![],
        };
        MetaResponses {
            responses: vec![
                response(401, "No valid access token"),
                response(
                    403,
                    "The user does not meet the operation's org requirement",
                ),
            ],
        }
    }

    fn register(_: &mut Registry) {}
}
