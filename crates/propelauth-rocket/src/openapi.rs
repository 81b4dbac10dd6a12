//! API docs with [rocket_okapi](https://docs.rs/rocket_okapi) (feature `openapi`): the
//! guards document the bearer (JWT) security scheme that Swagger UI's **Authorize** button
//! fills in.
//!
//! With this feature, [`RequireUser`], `Option<RequireUser>` and [`OptionalUser`] implement
//! [`OpenApiFromRequest`], and [`AuthRejection`] implements [`OpenApiResponderInner`], so
//! routes using them can carry `#[openapi]`:
//!
//! - a route taking [`RequireUser`] requires the [`SECURITY_SCHEME`] bearer token and
//!   documents the 401;
//! - a route taking `Option<RequireUser>` or [`OptionalUser`] accepts the token or none,
//!   once [`document_optional_users`] has run on the spec (see there why);
//! - a route returning `Result<_, AuthRejection>` documents the 401 and 403.
//!
//! ```
//! use propelauth_rocket::{PropelAuth, RequireUser};
//! use rocket::get;
//! use rocket_okapi::handlers::OpenApiHandler;
//! use rocket_okapi::{openapi, openapi_get_routes_spec};
//!
//! /// The signed-in user's id.
//! #[openapi]
//! #[get("/api/whoami")]
//! fn whoami(user: RequireUser) -> String {
//!     user.user_id.clone()
//! }
//!
//! /// A greeting, personal when a valid token is sent.
//! #[openapi]
//! #[get("/api/greeting")]
//! fn greeting(user: Option<RequireUser>) -> String {
//!     match user {
//!         Some(user) => format!("hello {}", user.user_id),
//!         None => "hello stranger".to_owned(),
//!     }
//! }
//!
//! # fn main() -> Result<(), propelauth_rocket::InitError> {
//! # let options = propelauth_testing::test_auth_options();
//! let auth = PropelAuth::from_options(options)?;
//! let (routes, mut spec) = openapi_get_routes_spec![whoami, greeting];
//! propelauth_rocket::openapi::document_optional_users(&mut spec);
//! let rocket = rocket::build()
//!     .manage(auth)
//!     .register("/", propelauth_rocket::catchers())
//!     .mount("/", routes)
//!     .mount("/", vec![OpenApiHandler::new(spec).into_route("/openapi.json")]);
//! # Ok(()) }
//! ```

use rocket_okapi::r#gen::OpenApiGenerator;
use rocket_okapi::okapi::Map;
use rocket_okapi::okapi::openapi3::{
    Header, MediaType, OpenApi, ParameterValue, RefOr, Response, Responses, SecurityRequirement,
    SecurityScheme, SecuritySchemeData,
};
use rocket_okapi::okapi::schemars::schema::{InstanceType, ObjectValidation, Schema, SchemaObject};
use rocket_okapi::request::{OpenApiFromRequest, RequestHeaderInput};
use rocket_okapi::response::OpenApiResponderInner;

use crate::{AuthRejection, OptionalUser, RequireUser};

pub use propelauth_core::openapi::{
    FORBIDDEN_DESCRIPTION, FORBIDDEN_RESPONSE, SWAGGER_UI_SCRIPT, SecurityCheckError,
    UNAUTHORIZED_DESCRIPTION, UNAUTHORIZED_RESPONSE, WWW_AUTHENTICATE_DESCRIPTION, swagger_ui_page,
};

/// The name of the security scheme in the document: what the operations' `security`
/// requirements refer to, and what Swagger UI shows in its **Authorize** dialog.
pub const SECURITY_SCHEME: &str = propelauth_core::openapi::SCHEME_NAME;

/// What the **Authorize** dialog says about the scheme.
pub const SCHEME_DESCRIPTION: &str = propelauth_core::openapi::SCHEME_DESCRIPTION;

/// The HTTP `bearer` scheme with bearer format `JWT`, as the guards read it.
pub fn security_scheme() -> SecurityScheme {
    SecurityScheme {
        description: Some(SCHEME_DESCRIPTION.to_owned()),
        data: SecuritySchemeData::Http {
            scheme: "bearer".to_owned(),
            bearer_format: Some("JWT".to_owned()),
        },
        extensions: Map::default(),
    }
}

fn token_required() -> SecurityRequirement {
    let mut requirement = SecurityRequirement::default();
    requirement.insert(SECURITY_SCHEME.to_owned(), Vec::new());
    requirement
}

/// The guard's input: the token, required or not. rocket_okapi takes one requirement per
/// guard, so an optional token is the empty requirement `{}` here, completed by
/// [`document_optional_users`].
fn bearer_input(required: bool) -> RequestHeaderInput {
    let requirement = if required {
        token_required()
    } else {
        SecurityRequirement::default()
    };
    RequestHeaderInput::Security(SECURITY_SCHEME.to_owned(), security_scheme(), requirement)
}

impl<'r> OpenApiFromRequest<'r> for RequireUser {
    /// Required, or optional as `Option<RequireUser>` (`required` is then `false`).
    fn from_request_input(
        _: &mut OpenApiGenerator,
        _: String,
        required: bool,
    ) -> rocket_okapi::Result<RequestHeaderInput> {
        Ok(bearer_input(required))
    }

    /// The 401. rocket_okapi does not ask `Option<RequireUser>` for it: that never answers 401.
    fn get_responses(_: &mut OpenApiGenerator) -> rocket_okapi::Result<Responses> {
        Ok(detail_responses(&[(401, UNAUTHORIZED)]))
    }
}

impl<'r> OpenApiFromRequest<'r> for OptionalUser {
    fn from_request_input(
        _: &mut OpenApiGenerator,
        _: String,
        _: bool,
    ) -> rocket_okapi::Result<RequestHeaderInput> {
        Ok(bearer_input(false))
    }
}

impl OpenApiResponderInner for AuthRejection {
    fn responses(_: &mut OpenApiGenerator) -> rocket_okapi::Result<Responses> {
        Ok(detail_responses(&[(401, UNAUTHORIZED), (403, FORBIDDEN)]))
    }
}

/// The 401's description. The guard and [`AuthRejection`] both document the 401 of a route
/// taking [`RequireUser`] and returning `Result<_, AuthRejection>`: rocket_okapi merges them,
/// and prints a warning to stdout when they differ, so they are the same.
const UNAUTHORIZED: &str = UNAUTHORIZED_DESCRIPTION;
/// The 403's description.
const FORBIDDEN: &str = FORBIDDEN_DESCRIPTION;

fn string_schema() -> SchemaObject {
    SchemaObject {
        instance_type: Some(InstanceType::String.into()),
        ..SchemaObject::default()
    }
}

/// Responses with the rejection body `{"detail": string}`.
fn detail_responses(statuses: &[(u16, &str)]) -> Responses {
    let mut detail = SchemaObject {
        instance_type: Some(InstanceType::Object.into()),
        ..SchemaObject::default()
    };
    let mut properties = ObjectValidation::default();
    properties
        .properties
        .insert("detail".to_owned(), Schema::Object(string_schema()));
    properties.required.insert("detail".to_owned());
    detail.object = Some(Box::new(properties));

    let mut responses = Responses::default();
    for &(status, description) in statuses {
        let mut content = Map::default();
        content.insert(
            "application/json".to_owned(),
            MediaType {
                schema: Some(detail.clone()),
                ..MediaType::default()
            },
        );
        let mut headers = Map::default();
        if status == 401 {
            let header = Header {
                description: Some(WWW_AUTHENTICATE_DESCRIPTION.to_owned()),
                required: true,
                deprecated: false,
                allow_empty_value: false,
                value: ParameterValue::Schema {
                    style: None,
                    explode: None,
                    allow_reserved: false,
                    schema: string_schema(),
                    example: None,
                    examples: None,
                },
                extensions: Map::default(),
            };
            headers.insert("WWW-Authenticate".to_owned(), RefOr::Object(header));
        }
        responses.responses.insert(
            status.to_string(),
            RefOr::Object(Response {
                description: description.to_owned(),
                content,
                headers,
                ..Response::default()
            }),
        );
    }
    responses
}

/// Completes the optional-user operations: `security: [{}]` becomes
/// `[{}, {"propelauth": []}]`, no token or the token. Call it on the spec from
/// `openapi_get_routes_spec!` (or `openapi_get_spec!`) before serving it.
///
/// rocket_okapi lets a guard add one requirement to an operation, and an optional token needs
/// two alternatives, so the guards of `Option<RequireUser>` and [`OptionalUser`] add the
/// empty one and this adds the other. Without it, those operations say that no token is needed
/// and Swagger UI sends none to them. It only touches operations whose whole `security` is
/// `[{}]`, and only when the spec registers the PropelAuth scheme.
pub fn document_optional_users(spec: &mut OpenApi) {
    let registered = spec
        .components
        .as_ref()
        .is_some_and(|components| components.security_schemes.contains_key(SECURITY_SCHEME));
    if !registered {
        return;
    }
    let anonymous_only = vec![SecurityRequirement::default()];
    for path in spec.paths.values_mut() {
        let operations = [
            &mut path.get,
            &mut path.put,
            &mut path.post,
            &mut path.delete,
            &mut path.options,
            &mut path.head,
            &mut path.patch,
            &mut path.trace,
        ];
        for operation in operations.into_iter().flatten() {
            if operation.security.as_ref() == Some(&anonymous_only) {
                operation.security = Some(vec![SecurityRequirement::default(), token_required()]);
            }
        }
    }
}

/// Checks a finished document against the routes that take the user: see
/// `propelauth_core::openapi::check_security`. The guards add the security requirement and
/// the 401 by themselves; this catches a path listed as protected whose route takes no
/// [`RequireUser`], or an optional route whose spec did not go through
/// [`document_optional_users`].
pub fn check_security(spec: &OpenApi, protected_paths: &[&str]) -> Result<(), SecurityCheckError> {
    let document = serde_json::to_value(spec).map_err(|error| SecurityCheckError {
        problems: vec![format!("the document does not serialize: {error}")],
    })?;
    propelauth_core::openapi::check_security(&document, protected_paths)
}

#[cfg(test)]
mod tests {
    use rocket_okapi::okapi::openapi3::{Components, Operation, PathItem};

    use super::*;

    fn spec(registered: bool, security: Vec<SecurityRequirement>) -> OpenApi {
        let mut spec = OpenApi::default();
        if registered {
            let mut components = Components::default();
            components
                .security_schemes
                .insert(SECURITY_SCHEME.to_owned(), RefOr::Object(security_scheme()));
            spec.components = Some(components);
        }
        let operation = Operation {
            security: Some(security),
            ..Operation::default()
        };
        let path = PathItem {
            get: Some(operation),
            ..PathItem::default()
        };
        spec.paths.insert("/route".to_owned(), path);
        spec
    }

    fn security_of(spec: &OpenApi) -> Option<Vec<SecurityRequirement>> {
        spec.paths["/route"].get.as_ref()?.security.clone()
    }

    #[test]
    fn optional_operations_accept_the_token_or_nothing() {
        let mut document = spec(true, vec![SecurityRequirement::default()]);
        document_optional_users(&mut document);
        assert_eq!(
            security_of(&document),
            Some(vec![SecurityRequirement::default(), token_required()])
        );
    }

    #[test]
    fn required_operations_and_foreign_specs_are_left_alone() {
        let mut required = spec(true, vec![token_required()]);
        document_optional_users(&mut required);
        assert_eq!(security_of(&required), Some(vec![token_required()]));

        let mut unregistered = spec(false, vec![SecurityRequirement::default()]);
        document_optional_users(&mut unregistered);
        assert_eq!(
            security_of(&unregistered),
            Some(vec![SecurityRequirement::default()])
        );
    }
}
