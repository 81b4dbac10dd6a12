//! The [utoipa](https://docs.rs/utoipa) side of the API docs (feature `utoipa`), shared by the
//! axum and actix-web adapters, whose `openapi` modules re-export every item here: the bearer
//! (JWT) security scheme that Swagger UI's **Authorize** button fills in, the rejections' 401
//! and 403 as reusable responses, and a check that a finished document marks every protected
//! route.
//!
//! - Add [`BearerAuth`] to the document's modifiers: it registers the scheme under
//!   [`SECURITY_SCHEME`] and the responses [`Unauthorized`] and [`Forbidden`].
//! - Mark each route that takes the user with `security(("propelauth" = []))` and document its
//!   401 (`(status = 401, response = Unauthorized)`) and, with an org check, its 403
//!   (`(status = 403, response = Forbidden)`). A route with an optional user lists the empty
//!   requirement first, `security((), ("propelauth" = []))`: the token may be sent or not.
//! - [`User`](crate::User) and [`OrgMemberInfo`](crate::OrgMemberInfo) implement utoipa's
//!   `ToSchema`: `body = User`.
//! - utoipa cannot see which handlers take the user, so the annotation is the app's to write:
//!   [`check_security`] in a test catches a protected route documented without it.
//!
//! ```
//! use propelauth_core::openapi::utoipa::{BearerAuth, SECURITY_SCHEME, Unauthorized};
//! use propelauth_core::User;
//! use utoipa::OpenApi;
//!
//! /// The signed-in user.
//! #[utoipa::path(get, path = "/api/whoami", security(("propelauth" = [])),
//!     responses((status = 200, body = User), (status = 401, response = Unauthorized)))]
//! async fn whoami() {}
//!
//! #[derive(OpenApi)]
//! #[openapi(paths(whoami), modifiers(&BearerAuth))]
//! struct ApiDoc;
//!
//! let doc = ApiDoc::openapi();
//! assert!(doc.components.as_ref().unwrap().security_schemes.contains_key(SECURITY_SCHEME));
//! propelauth_core::openapi::utoipa::check_security(&doc, &["/api/whoami"]).unwrap();
//! ```
//!
//! The scheme name in the attribute must be a string literal (utoipa's macro reads it as
//! written), so it is spelled `"propelauth"` there; [`SECURITY_SCHEME`] is the same name for
//! code.

use ::utoipa::openapi::header::HeaderBuilder;
use ::utoipa::openapi::response::{Response, ResponseBuilder};
use ::utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use ::utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use ::utoipa::openapi::{ContentBuilder, OpenApi, RefOr};
use ::utoipa::{Modify, ToResponse};

use super::{
    FORBIDDEN_DESCRIPTION, FORBIDDEN_RESPONSE, SecurityCheckError, UNAUTHORIZED_DESCRIPTION,
    UNAUTHORIZED_RESPONSE, WWW_AUTHENTICATE_DESCRIPTION,
};

/// The name under which [`BearerAuth`] registers the scheme: what the operations' `security`
/// requirements refer to, and what Swagger UI shows in its **Authorize** dialog (core's
/// [`SCHEME_NAME`](super::SCHEME_NAME)).
pub const SECURITY_SCHEME: &str = super::SCHEME_NAME;

/// What the **Authorize** dialog says about the scheme.
pub const SCHEME_DESCRIPTION: &str = super::SCHEME_DESCRIPTION;

/// A [`Modify`] that adds the [`security_scheme`] under [`SECURITY_SCHEME`], and the reusable
/// responses [`Unauthorized`] and [`Forbidden`], to the document's components:
/// `#[openapi(modifiers(&BearerAuth))]`.
#[derive(Debug, Clone, Copy, Default)]
pub struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(SECURITY_SCHEME, security_scheme());
        for (name, response) in [Unauthorized::response(), Forbidden::response()] {
            components.responses.insert(name.to_owned(), response);
        }
    }
}

/// The HTTP `bearer` scheme with bearer format `JWT`, as the user extractors read it.
pub fn security_scheme() -> SecurityScheme {
    SecurityScheme::Http(
        HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .description(Some(SCHEME_DESCRIPTION))
            .build(),
    )
}

/// The rejection body, `{"detail": string}`.
fn detail_schema() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("detail", ObjectBuilder::new().schema_type(Type::String))
        .required("detail")
        .into()
}

fn detail_response(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        crate::Rejection::CONTENT_TYPE,
        ContentBuilder::new().schema(Some(detail_schema())).build(),
    )
}

/// The 401 of a route that takes the user: `(status = 401, response = Unauthorized)`. A
/// reference to the response [`UNAUTHORIZED_RESPONSE`], which [`BearerAuth`] registers: the
/// `{"detail": ...}` body and the `WWW-Authenticate` header.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unauthorized;

impl<'r> ToResponse<'r> for Unauthorized {
    fn response() -> (&'r str, RefOr<Response>) {
        let header = HeaderBuilder::new()
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .description(Some(WWW_AUTHENTICATE_DESCRIPTION))
            .build();
        let response = detail_response(UNAUTHORIZED_DESCRIPTION)
            .header("WWW-Authenticate", header)
            .build();
        (UNAUTHORIZED_RESPONSE, RefOr::T(response))
    }
}

/// The 403 of an org check: `(status = 403, response = Forbidden)`. A reference to the
/// response [`FORBIDDEN_RESPONSE`], which [`BearerAuth`] registers: the `{"detail": ...}`
/// body.
#[derive(Debug, Clone, Copy, Default)]
pub struct Forbidden;

impl<'r> ToResponse<'r> for Forbidden {
    fn response() -> (&'r str, RefOr<Response>) {
        let response = detail_response(FORBIDDEN_DESCRIPTION).build();
        (FORBIDDEN_RESPONSE, RefOr::T(response))
    }
}

/// Checks a finished utoipa document against the routes that take the user, for a test of the
/// app: each of `protected_paths` (as written in the document, e.g. `/api/org/{org_id}/check`)
/// must require the [`SECURITY_SCHEME`] token, every operation requiring it must document its
/// 401 with `WWW-Authenticate`, and no operation may document a 401 without a security
/// requirement. The error lists every problem found. (The same check on a document as JSON is
/// [`super::check_security`].)
///
/// ```
/// use propelauth_core::openapi::utoipa::BearerAuth;
/// use utoipa::OpenApi;
///
/// /// Forgot `security(("propelauth" = []))`.
/// #[utoipa::path(get, path = "/api/whoami", responses((status = 200, description = "The user")))]
/// async fn whoami() {}
///
/// #[derive(OpenApi)]
/// #[openapi(paths(whoami), modifiers(&BearerAuth))]
/// struct ApiDoc;
///
/// let error = propelauth_core::openapi::utoipa::check_security(&ApiDoc::openapi(), &["/api/whoami"])
///     .unwrap_err();
/// assert!(error.to_string().contains("GET /api/whoami: takes the user"));
/// ```
pub fn check_security(
    document: &OpenApi,
    protected_paths: &[&str],
) -> Result<(), SecurityCheckError> {
    let document = serde_json::to_value(document).map_err(|error| SecurityCheckError {
        problems: vec![format!("the document does not serialize: {error}")],
    })?;
    super::check_security(&document, protected_paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_auth_registers_both_responses() {
        let mut document = OpenApi::default();
        BearerAuth.modify(&mut document);
        let components = document.components.unwrap_or_default();
        assert!(components.security_schemes.contains_key(SECURITY_SCHEME));
        let responses = components.responses;
        assert!(responses.contains_key(UNAUTHORIZED_RESPONSE));
        assert!(responses.contains_key(FORBIDDEN_RESPONSE));
        let RefOr::T(unauthorized) = &responses[UNAUTHORIZED_RESPONSE] else {
            panic!("inline response expected");
        };
        assert!(unauthorized.headers.contains_key("WWW-Authenticate"));
        let RefOr::T(forbidden) = &responses[FORBIDDEN_RESPONSE] else {
            panic!("inline response expected");
        };
        assert!(!forbidden.headers.contains_key("WWW-Authenticate"));
    }
}
