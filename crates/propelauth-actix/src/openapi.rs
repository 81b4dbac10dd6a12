//! API docs with [utoipa](https://docs.rs/utoipa) (feature `openapi`): the bearer (JWT)
//! security scheme that Swagger UI's **Authorize** button fills in.
//!
//! Add [`BearerAuth`] to your document's modifiers, and mark each route that takes the user
//! with `security(("propelauth" = []))` ([`SECURITY_SCHEME`]). A route with an optional user
//! lists the empty requirement too, `security(("propelauth" = []), ())`: the token may be sent
//! or not.
//!
//! ```
//! use propelauth_actix::openapi::{BearerAuth, SECURITY_SCHEME};
//! use utoipa::OpenApi;
//!
//! /// The signed-in user.
//! #[utoipa::path(get, path = "/api/whoami", security(("propelauth" = [])),
//!     responses((status = 200, description = "The user"), (status = 401, description = "No valid token")))]
//! async fn whoami() {}
//!
//! /// Greets the user if there is one.
//! #[utoipa::path(get, path = "/api/greeting", security(("propelauth" = []), ()),
//!     responses((status = 200, description = "A greeting")))]
//! async fn greeting() {}
//!
//! #[derive(OpenApi)]
//! #[openapi(paths(whoami, greeting), modifiers(&BearerAuth))]
//! struct ApiDoc;
//!
//! let doc = ApiDoc::openapi();
//! let components = doc.components.as_ref().unwrap();
//! assert!(components.security_schemes.contains_key(SECURITY_SCHEME));
//! ```
//!
//! The scheme name in the attribute must be a string literal (utoipa's macro reads it as
//! written), so it is spelled `"propelauth"` there; [`SECURITY_SCHEME`] is the same name for
//! code, and tests can check every protected operation against it.

use utoipa::Modify;
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// The name under which [`BearerAuth`] registers the scheme: what the operations' `security`
/// requirements refer to, and what Swagger UI shows in its **Authorize** dialog.
pub const SECURITY_SCHEME: &str = propelauth_core::openapi::SCHEME_NAME;

/// What the **Authorize** dialog says about the scheme.
pub const SCHEME_DESCRIPTION: &str = propelauth_core::openapi::SCHEME_DESCRIPTION;

/// A [`Modify`] that adds the [`security_scheme`] under [`SECURITY_SCHEME`] to the document's
/// components: `#[openapi(modifiers(&BearerAuth))]`.
#[derive(Debug, Clone, Copy, Default)]
pub struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApi) {
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(SECURITY_SCHEME, security_scheme());
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
