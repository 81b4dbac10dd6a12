//! API docs with [utoipa](https://docs.rs/utoipa) (feature `openapi`): the bearer (JWT)
//! security scheme that Swagger UI's **Authorize** button fills in, the schemas of [`User`]
//! and [`OrgMemberInfo`], the rejections' 401 and 403, and a check that the document marks
//! every protected route.
//!
//! - Add [`BearerAuth`] to your document's modifiers: it registers the scheme
//!   ([`SECURITY_SCHEME`]) and the reusable responses [`Unauthorized`] and [`Forbidden`].
//! - Mark each route that takes the user with `security(("propelauth" = []))`, and document
//!   its 401 (`(status = 401, response = Unauthorized)`) and, with an org check, its 403
//!   (`(status = 403, response = Forbidden)`). A route with an optional user lists the empty
//!   requirement first, `security((), ("propelauth" = []))`: the token may be sent or not.
//! - [`User`] and [`OrgMemberInfo`] implement utoipa's `ToSchema`: `body = User`.
//! - utoipa cannot see which handlers take `RequireUser`, so the annotation is yours to write:
//!   [`check_security`] in a test catches a protected route documented without it.
//!
//! ```
//! use propelauth_axum::openapi::{BearerAuth, Forbidden, SECURITY_SCHEME, Unauthorized};
//! use propelauth_axum::{OrgMemberInfo, User};
//! use utoipa::OpenApi;
//!
//! /// The signed-in user.
//! #[utoipa::path(get, path = "/api/whoami", security(("propelauth" = [])),
//!     responses((status = 200, body = User), (status = 401, response = Unauthorized)))]
//! async fn whoami() {}
//!
//! /// The user's membership of the org.
//! #[utoipa::path(get, path = "/api/org/{org_id}/check", security(("propelauth" = [])),
//!     params(("org_id" = String, Path)),
//!     responses((status = 200, body = OrgMemberInfo), (status = 401, response = Unauthorized),
//!         (status = 403, response = Forbidden)))]
//! async fn check() {}
//!
//! /// Greets the user if there is one.
//! #[utoipa::path(get, path = "/api/greeting", security((), ("propelauth" = [])),
//!     responses((status = 200, description = "A greeting")))]
//! async fn greeting() {}
//!
//! #[derive(OpenApi)]
//! #[openapi(paths(whoami, check, greeting), modifiers(&BearerAuth))]
//! struct ApiDoc;
//!
//! let doc = ApiDoc::openapi();
//! let components = doc.components.as_ref().unwrap();
//! assert!(components.security_schemes.contains_key(SECURITY_SCHEME));
//! assert!(components.schemas.contains_key("User"));
//! // In a test: every route that takes the user requires the token and documents its 401.
//! propelauth_axum::openapi::check_security(&doc, &["/api/whoami", "/api/org/{org_id}/check"]).unwrap();
//! ```
//!
//! The scheme name in the attribute must be a string literal (utoipa's macro reads it as
//! written), so it is spelled `"propelauth"` there; [`SECURITY_SCHEME`] is the same name for
//! code.
//!
//! Swagger UI draws an optional route's padlock closed even before anyone authorizes (it counts
//! the `{}` alternative as met); serve its page through [`swagger_ui_page`], which also sets
//! the page title, to have it drawn open (see the example servers' `/docs`).
//!
//! Every item here is core's (`propelauth_core::openapi` and its `utoipa` module), re-exported
//! so that the two utoipa adapters document their routes the same way.

#[cfg(doc)]
use crate::{OrgMemberInfo, User};

pub use propelauth_core::openapi::utoipa::{
    BearerAuth, Forbidden, SCHEME_DESCRIPTION, SECURITY_SCHEME, Unauthorized, check_security,
    security_scheme,
};
pub use propelauth_core::openapi::{
    FORBIDDEN_DESCRIPTION, FORBIDDEN_RESPONSE, SWAGGER_UI_SCRIPT, SecurityCheckError,
    UNAUTHORIZED_DESCRIPTION, UNAUTHORIZED_RESPONSE, WWW_AUTHENTICATE_DESCRIPTION, swagger_ui_page,
};
