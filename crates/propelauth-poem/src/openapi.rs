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
//! `Result<_, AuthRejection>` documents the 401 (with `WWW-Authenticate`) and 403 (body
//! `{"detail": string}`), and the org checks' errors convert into it with `?`, as with the
//! plain handlers. poem-openapi lets a security scheme add a requirement but no response, so an
//! operation taking [`BearerUser`] without an org check documents its 401 through
//! [`Authenticated<T>`](Authenticated). [`UserJson`] and [`OrgMemberInfoJson`] answer the user
//! and a membership with their `User` and `OrgMemberInfo` schemas. [`check_security`] checks a
//! finished document in a test, and [`swagger_ui_page`] gives Swagger UI's page a title and
//! open padlocks on optional operations (see docs/api-docs.md).
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

use poem::{FromRequest, IntoResponse, Request, RequestBody};
use poem_openapi::registry::{
    MetaHeader, MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef,
    MetaSecurityScheme, Registry,
};
use poem_openapi::{ApiExtractor, ApiExtractorType, ApiResponse, ExtractParamOptions};

use crate::{AuthRejection, OptionalUser, OrgMemberInfo, RequireUser, User};

pub use propelauth_core::openapi::{
    FORBIDDEN_DESCRIPTION, FORBIDDEN_RESPONSE, SWAGGER_UI_SCRIPT, SecurityCheckError,
    UNAUTHORIZED_DESCRIPTION, UNAUTHORIZED_RESPONSE, WWW_AUTHENTICATE_DESCRIPTION, swagger_ui_page,
};

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

/// The rejection body, `{"detail": string}`.
fn detail_schema() -> MetaSchemaRef {
    MetaSchemaRef::Inline(Box::new(MetaSchema {
        required: vec!["detail"],
        properties: vec![(
            "detail",
            MetaSchemaRef::Inline(Box::new(MetaSchema::new("string"))),
        )],
        ..MetaSchema::new("object")
    }))
}

/// The 401 of an operation that takes [`BearerUser`]: the `{"detail": ...}` body and the
/// `WWW-Authenticate` header.
fn unauthorized_response() -> MetaResponse {
    MetaResponse {
        description: UNAUTHORIZED_DESCRIPTION,
        status: Some(401),
        status_range: None,
        content: vec![MetaMediaType {
            content_type: crate::Rejection::CONTENT_TYPE,
            schema: detail_schema(),
        }],
        headers: vec![MetaHeader {
            name: "WWW-Authenticate".to_owned(),
            description: Some(WWW_AUTHENTICATE_DESCRIPTION.to_owned()),
            required: true,
            deprecated: false,
            schema: MetaSchemaRef::Inline(Box::new(MetaSchema::new("string"))),
        }],
    }
}

/// The 401 and 403 of the org checks, with the body `{"detail": string}` (and the 401's
/// `WWW-Authenticate` header).
impl ApiResponse for AuthRejection {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![
                unauthorized_response(),
                MetaResponse {
                    description: FORBIDDEN_DESCRIPTION,
                    status: Some(403),
                    status_range: None,
                    content: vec![MetaMediaType {
                        content_type: crate::Rejection::CONTENT_TYPE,
                        schema: detail_schema(),
                    }],
                    headers: vec![],
                },
            ],
        }
    }

    fn register(_: &mut Registry) {}
}

/// An operation's answer, documented with the 401 of [`BearerUser`] added.
///
/// poem-openapi lets a security scheme add its requirement to the operation, not its
/// responses, so an operation taking [`BearerUser`] documents the 401 through its return type:
/// `-> Authenticated<UserJson>`. It answers exactly what `T` answers (the 401 itself comes
/// from [`BearerUser`]). Not needed with `Result<_, AuthRejection>`, which documents the 401.
#[derive(Debug, Clone)]
pub struct Authenticated<T>(pub T);

impl<T: IntoResponse> IntoResponse for Authenticated<T> {
    fn into_response(self) -> poem::Response {
        self.0.into_response()
    }
}

impl<T: ApiResponse> ApiResponse for Authenticated<T> {
    fn meta() -> MetaResponses {
        let mut meta = T::meta();
        if !meta.responses.iter().any(|r| r.status == Some(401)) {
            meta.responses.push(unauthorized_response());
        }
        meta
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

/// A 200 answer with the [`User`] as JSON (serde's bytes, as the plain handlers write them),
/// documented with the `User` schema. Also a poem-openapi [`Type`](poem_openapi::types::Type)
/// and [`ToJSON`](poem_openapi::types::ToJSON), to nest in your own `Object`s.
///
/// core's `User` cannot implement poem-openapi's traits itself (the orphan rule; core knows no
/// web framework), hence this wrapper; its schema is checked against serde's output by the
/// conformance tests.
#[derive(Debug, Clone)]
pub struct UserJson(pub Arc<User>);

/// A 200 answer with an [`OrgMemberInfo`] as JSON, documented with the `OrgMemberInfo`
/// schema; also a [`Type`](poem_openapi::types::Type) and
/// [`ToJSON`](poem_openapi::types::ToJSON). See [`UserJson`].
#[derive(Debug, Clone)]
pub struct OrgMemberInfoJson(pub OrgMemberInfo);

macro_rules! json_wrapper {
    ($wrapper:ident, $name:literal, $description:literal) => {
        impl poem_openapi::types::Type for $wrapper {
            const IS_REQUIRED: bool = true;
            type RawValueType = Self;
            type RawElementValueType = Self;

            fn name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }

            fn schema_ref() -> MetaSchemaRef {
                MetaSchemaRef::Reference($name.to_owned())
            }

            fn register(registry: &mut Registry) {
                register_schemas(registry);
            }

            fn as_raw_value(&self) -> Option<&Self> {
                Some(self)
            }

            fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self> + 'a> {
                Box::new(std::iter::once(self))
            }
        }

        impl poem_openapi::types::ToJSON for $wrapper {
            fn to_json(&self) -> Option<serde_json::Value> {
                serde_json::to_value(&self.0).ok()
            }
        }

        impl IntoResponse for $wrapper {
            fn into_response(self) -> poem::Response {
                poem::web::Json(self.0).into_response()
            }
        }

        impl ApiResponse for $wrapper {
            fn meta() -> MetaResponses {
                MetaResponses {
                    responses: vec![MetaResponse {
                        description: $description,
                        status: Some(200),
                        status_range: None,
                        content: vec![MetaMediaType {
                            content_type: "application/json; charset=utf-8",
                            schema: <Self as poem_openapi::types::Type>::schema_ref(),
                        }],
                        headers: vec![],
                    }],
                }
            }

            fn register(registry: &mut Registry) {
                register_schemas(registry);
            }
        }
    };
}

json_wrapper!(UserJson, "User", "The signed-in user");
json_wrapper!(
    OrgMemberInfoJson,
    "OrgMemberInfo",
    "The user's membership of the org"
);

/// The `LoginMethod` schema's owner in the registry (poem-openapi names each schema's type).
struct LoginMethodSchema;

/// Registers `User`, `OrgMemberInfo` and `LoginMethod`: the shapes serde writes (see core's
/// `User`): every field of `User` but `metadata` always present, `null` when unset.
fn register_schemas(registry: &mut Registry) {
    registry.create_schema::<UserJson, _>("User".to_owned(), |_| user_schema());
    registry.create_schema::<OrgMemberInfoJson, _>("OrgMemberInfo".to_owned(), |_| {
        org_member_info_schema()
    });
    registry
        .create_schema::<LoginMethodSchema, _>("LoginMethod".to_owned(), |_| login_method_schema());
}

fn inline(schema: MetaSchema) -> MetaSchemaRef {
    MetaSchemaRef::Inline(Box::new(schema))
}

fn described(ty: &'static str, description: &'static str) -> MetaSchema {
    MetaSchema {
        description: Some(description),
        ..MetaSchema::new(ty)
    }
}

fn nullable_string(description: &'static str) -> MetaSchemaRef {
    inline(MetaSchema {
        nullable: true,
        ..described("string", description)
    })
}

fn strings(description: &'static str) -> MetaSchemaRef {
    inline(MetaSchema {
        items: Some(Box::new(inline(MetaSchema::new("string")))),
        ..described("array", description)
    })
}

/// An object whose values are anything.
fn any_map(description: &'static str, nullable: bool) -> MetaSchemaRef {
    inline(MetaSchema {
        additional_properties: Some(Box::new(inline(MetaSchema::ANY))),
        nullable,
        ..described("object", description)
    })
}

fn string_enum(values: &[&str], description: &'static str) -> MetaSchemaRef {
    inline(MetaSchema {
        enum_items: values.iter().map(|&value| value.into()).collect(),
        ..described("string", description)
    })
}

fn user_schema() -> MetaSchema {
    let string = |description| inline(described("string", description));
    MetaSchema {
        required: vec![
            "user_id",
            "org_id_to_org_member_info",
            "email",
            "first_name",
            "last_name",
            "username",
            "properties",
            "legacy_user_id",
            "impersonator_user_id",
            "login_method",
            "active_org_id",
        ],
        properties: vec![
            ("user_id", string("The user's id.")),
            (
                "org_id_to_org_member_info",
                inline(MetaSchema {
                    additional_properties: Some(Box::new(MetaSchemaRef::Reference(
                        "OrgMemberInfo".to_owned(),
                    ))),
                    ..described("object", "The user's organizations, by org id.")
                }),
            ),
            ("email", nullable_string("The user's email address.")),
            ("first_name", nullable_string("First name.")),
            ("last_name", nullable_string("Last name.")),
            ("username", nullable_string("Username.")),
            (
                "properties",
                any_map("Custom user properties configured in PropelAuth.", true),
            ),
            (
                "metadata",
                inline(MetaSchema {
                    description: Some(
                        "The token's `metadata` claim, as sent; left out when the token has none.",
                    ),
                    ..MetaSchema::ANY
                }),
            ),
            (
                "legacy_user_id",
                nullable_string("The user's id in a system migrated from."),
            ),
            (
                "impersonator_user_id",
                nullable_string("Set when an employee is impersonating this user."),
            ),
            (
                "login_method",
                MetaSchemaRef::Reference("LoginMethod".to_owned()),
            ),
            (
                "active_org_id",
                nullable_string("The org the token was minted for (tokens for one active org)."),
            ),
        ],
        ..described("object", "The user an access token was issued to.")
    }
}

fn org_member_info_schema() -> MetaSchema {
    let string = |description| inline(described("string", description));
    MetaSchema {
        required: vec![
            "org_id",
            "org_name",
            "url_safe_org_name",
            "org_metadata",
            "user_assigned_role",
            "user_inherited_roles_plus_current_role",
            "user_permissions",
            "org_role_structure",
            "assigned_additional_roles",
            "legacy_org_id",
        ],
        properties: vec![
            ("org_id", string("The org's id.")),
            ("org_name", string("The org's display name.")),
            ("url_safe_org_name", string("The org's URL-safe name.")),
            ("org_metadata", any_map("The org's metadata.", false)),
            (
                "user_assigned_role",
                string("The role assigned to the user in this org."),
            ),
            (
                "user_inherited_roles_plus_current_role",
                strings("The assigned role and every role below it in the hierarchy."),
            ),
            (
                "user_permissions",
                strings("The user's permissions in this org."),
            ),
            (
                "org_role_structure",
                string_enum(
                    &["single_role_in_hierarchy", "multi_role"],
                    "How roles are assigned in the project.",
                ),
            ),
            (
                "assigned_additional_roles",
                strings("Extra roles (multi-role projects only)."),
            ),
            (
                "legacy_org_id",
                nullable_string("The org's id in a system migrated from."),
            ),
        ],
        ..described("object", "A user's membership of one organization.")
    }
}

fn login_method_schema() -> MetaSchema {
    use propelauth_core::{LoginMethod, SamlProvider, SocialProvider};

    let method = |names: &[&str]| ("login_method", string_enum(names, "The method."));
    let object = |required: Vec<&'static str>, properties| {
        inline(MetaSchema {
            required,
            properties,
            ..MetaSchema::new("object")
        })
    };
    let social: Vec<&str> = SocialProvider::ALL
        .iter()
        .map(SocialProvider::as_str)
        .collect();
    let saml: Vec<&str> = SamlProvider::ALL.iter().map(SamlProvider::as_str).collect();
    let without_details: Vec<&str> = LoginMethod::WITHOUT_DETAILS
        .iter()
        .map(LoginMethod::name)
        .collect();
    MetaSchema {
        one_of: vec![
            object(vec!["login_method"], vec![method(&without_details)]),
            object(
                vec!["login_method", "provider"],
                vec![
                    method(&["social_sso"]),
                    ("provider", string_enum(&social, "The provider.")),
                ],
            ),
            object(
                vec!["login_method", "provider", "org_id"],
                vec![
                    method(&["saml_sso"]),
                    ("provider", string_enum(&saml, "The provider.")),
                    (
                        "org_id",
                        inline(described(
                            "string",
                            "The org whose SAML connection was used.",
                        )),
                    ),
                ],
            ),
            object(
                vec!["login_method"],
                vec![
                    method(&["personal_api_key"]),
                    (
                        "api_key_metadata",
                        any_map("The key's custom metadata, when it has some.", false),
                    ),
                ],
            ),
        ],
        description: Some(
            "How the user logged in: `login_method` names the method; `provider` (social and \
             SAML login), `org_id` (SAML) and `api_key_metadata` (personal API key, when the key \
             has metadata) complete it.",
        ),
        ..MetaSchema::ANY
    }
}

/// Checks a finished document (`OpenApiService::spec()`, JSON) against the routes that take
/// the user: see `propelauth_core::openapi::check_security`. [`BearerUser`] adds the security
/// requirement by itself; this catches an operation that documents no 401 (return it as
/// [`Authenticated`] or `Result<_, AuthRejection>`), or a path listed as protected that takes
/// no [`BearerUser`].
pub fn check_security(spec: &str, protected_paths: &[&str]) -> Result<(), SecurityCheckError> {
    let document = serde_json::from_str(spec).map_err(|error| SecurityCheckError {
        problems: vec![format!("the document is not JSON: {error}")],
    })?;
    propelauth_core::openapi::check_security(&document, protected_paths)
}
