//! What the adapters' API docs need that no OpenAPI library gives: the Swagger UI page fix for
//! optional routes, and a check of a finished document (both on plain strings and JSON, so
//! they serve every framework's library). Re-exported by `crate::openapi`.

use serde_json::Value;

use crate::openapi::SCHEME_NAME;

/// A Swagger UI plugin, as a script to load before Swagger UI starts: it shows an **open**
/// padlock on an operation whose token is optional (`security: [{}, {"propelauth": []}]`)
/// until a token is authorized, as on a required one.
///
/// Swagger UI (5.x) counts the empty requirement `{}` as met by any visitor, so it draws
/// every optional operation locked, which reads as "already logged in". The plugin leaves the
/// `{}` out when it decides whether the operation's padlock is closed (the requests it sends
/// are unchanged). It registers itself by wrapping the `SwaggerUIBundle` constructor the
/// moment Swagger UI's bundle defines it, so the page's own start-up script needs no change:
/// [`swagger_ui_page`] puts it at the top of the page's `<head>`.
pub const SWAGGER_UI_SCRIPT: &str = r#"(function () {
  "use strict";
  // The padlock: `{}` (no token) is an accepted alternative, not a credential.
  function PropelAuthOptionalSecurity() {
    return { statePlugins: { auth: { wrapSelectors: {
      isAuthorized: function (original) {
        return function (state, requirements) {
          if (requirements && typeof requirements.filter === "function") {
            var named = requirements.filter(function (r) { return !(r && r.isEmpty && r.isEmpty()); });
            if (named.size > 0 && named.size < requirements.size) { return original(named); }
          }
          return original(requirements);
        };
      }
    } } } };
  }
  var bundle;
  Object.defineProperty(window, "SwaggerUIBundle", {
    configurable: true,
    get: function () { return bundle; },
    set: function (original) {
      if (typeof original !== "function") { bundle = original; return; }
      var wrapped = function (options) {
        var plugins = (options && options.plugins) || [];
        return original(Object.assign({}, options, { plugins: plugins.concat([PropelAuthOptionalSecurity]) }));
      };
      bundle = Object.assign(wrapped, original);
    }
  });
})();"#;

/// A Swagger UI page (the HTML a library serves) with its `<title>` set to `title` and
/// [`SWAGGER_UI_SCRIPT`] loaded first in its `<head>`.
///
/// ```
/// use propelauth_core::openapi::swagger_ui_page;
///
/// let page = swagger_ui_page("<html><head><title>Swagger UI</title></head></html>", "My API");
/// assert!(page.contains("<title>My API</title>"));
/// assert!(page.contains("PropelAuthOptionalSecurity"));
/// ```
pub fn swagger_ui_page(html: &str, title: &str) -> String {
    let script = format!("<script>{SWAGGER_UI_SCRIPT}</script>");
    let title = escape_html(title);
    let mut page = match html.find("<head>") {
        Some(at) => {
            let after = at + "<head>".len();
            format!("{}{script}{}", &html[..after], &html[after..])
        }
        None => format!("{script}{html}"),
    };
    let opened = page.find("<title>").map(|at| at + "<title>".len());
    let closed = opened.and_then(|from| page[from..].find("</title>").map(|to| from + to));
    match (opened, closed) {
        (Some(from), Some(to)) => page.replace_range(from..to, &title),
        _ => {
            let at = page.find("<head>").map_or(0, |at| at + "<head>".len());
            page.insert_str(at, &format!("<title>{title}</title>"));
        }
    }
    page
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The operations of an OpenAPI path item.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// What [`check_security`] found wrong in a document, one sentence per operation and problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the API document does not say which routes need a PropelAuth token:\n- {}", .problems.join("\n- "))]
pub struct SecurityCheckError {
    /// The problems, e.g. ``GET /api/whoami: takes the user but lists no `propelauth` security
    /// requirement``.
    pub problems: Vec<String>,
}

/// How an operation's `security` treats the PropelAuth token.
#[derive(Debug, PartialEq)]
enum TokenUse {
    /// `[{"propelauth": []}]`, with no `{}` alternative.
    Required,
    /// The token or nothing: `[{}, {"propelauth": []}]`.
    Optional,
    /// Not listed (other schemes, `{}` alone, or no security at all).
    NotListed,
    /// No security requirement at all (`[]`, `[{}]` or none).
    Anonymous,
}

fn token_use(security: Option<&Value>) -> TokenUse {
    let requirements = security
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let anonymous = requirements
        .iter()
        .any(|requirement| requirement.as_object().is_some_and(|r| r.is_empty()));
    let ours = requirements
        .iter()
        .any(|requirement| requirement.get(SCHEME_NAME).is_some());
    match (ours, anonymous) {
        (true, false) => TokenUse::Required,
        (true, true) => TokenUse::Optional,
        (false, _)
            if requirements
                .iter()
                .all(|r| r.as_object().is_some_and(|r| r.is_empty())) =>
        {
            TokenUse::Anonymous
        }
        (false, _) => TokenUse::NotListed,
    }
}

/// A response of the document, following a `$ref` into `components/responses`.
fn resolve<'d>(document: &'d Value, response: &'d Value) -> &'d Value {
    match response.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix("#/components/responses/")
            .and_then(|name| document.pointer(&format!("/components/responses/{name}")))
            .unwrap_or(response),
        None => response,
    }
}

fn has_header(response: &Value, name: &str) -> bool {
    response
        .get("headers")
        .and_then(Value::as_object)
        .is_some_and(|headers| headers.keys().any(|key| key.eq_ignore_ascii_case(name)))
}

/// Checks that a finished OpenAPI document (as JSON) says which routes need a PropelAuth
/// token, for the mistakes an annotation can make:
///
/// - each path in `protected_paths` (the routes that take `RequireUser` or an org check,
///   written as in the document, e.g. `/api/org/{org_id}/check`) is documented, and every
///   operation on it requires the [`SCHEME_NAME`] scheme (without the `{}` alternative);
/// - every operation that requires the scheme documents its 401 with the `WWW-Authenticate`
///   header;
/// - no operation documents a 401 while listing no security requirement at all (a route that
///   answers "no valid token" needs one), and no optional-token operation documents a 401 (an
///   optional user is never refused).
///
/// The adapters' `openapi::check_security` take their library's document type and call this.
///
/// ```
/// use propelauth_core::openapi::check_security;
/// use serde_json::json;
///
/// let document = json!({"paths": {"/api/whoami": {"get": {
///     "responses": {"200": {"description": "The user"}}
/// }}}});
/// let error = check_security(&document, &["/api/whoami"]).unwrap_err();
/// assert!(error.problems[0].contains("GET /api/whoami"));
/// ```
pub fn check_security(
    document: &Value,
    protected_paths: &[&str],
) -> Result<(), SecurityCheckError> {
    let mut problems = Vec::new();
    let global = document.get("security");
    let paths = document.get("paths").and_then(Value::as_object);
    for &path in protected_paths {
        let item = paths.and_then(|paths| paths.get(path));
        let operations: Vec<&str> = METHODS
            .into_iter()
            .filter(|method| item.and_then(|item| item.get(method)).is_some())
            .collect();
        if operations.is_empty() {
            problems.push(format!(
                "{path}: listed as protected but not in the document"
            ));
        }
        for method in operations {
            let operation = &item.map_or(&Value::Null, |item| &item[method]);
            let security = operation.get("security").or(global);
            if token_use(security) != TokenUse::Required {
                problems.push(format!(
                    "{} {path}: takes the user but does not require the `{SCHEME_NAME}` \
                     security requirement (found {})",
                    method.to_uppercase(),
                    security.map_or_else(|| "none".to_owned(), Value::to_string)
                ));
            }
        }
    }
    for (path, item) in paths.into_iter().flatten() {
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let name = format!("{} {path}", method.to_uppercase());
            let unauthorized = operation
                .pointer("/responses/401")
                .map(|response| resolve(document, response));
            match (
                token_use(operation.get("security").or(global)),
                unauthorized,
            ) {
                (TokenUse::Required, None) => problems.push(format!(
                    "{name}: requires the `{SCHEME_NAME}` token but does not document its 401"
                )),
                (TokenUse::Required, Some(response))
                    if !has_header(response, "WWW-Authenticate") =>
                {
                    problems.push(format!(
                        "{name}: its 401 does not document the `WWW-Authenticate` header"
                    ))
                }
                (TokenUse::Optional, Some(_)) => problems.push(format!(
                    "{name}: documents a 401, but an optional token is never refused"
                )),
                (TokenUse::Anonymous, Some(_)) => problems.push(format!(
                    "{name}: documents a 401 but lists no security requirement: add the \
                     `{SCHEME_NAME}` requirement"
                )),
                _ => {}
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(SecurityCheckError { problems })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn unauthorized() -> Value {
        json!({"description": "No token", "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}}})
    }

    fn document(security: Value, responses: Value) -> Value {
        json!({"paths": {"/api/whoami": {"get": {"security": security, "responses": responses}}}})
    }

    #[test]
    fn a_documented_protected_route_passes() {
        let good = document(json!([{"propelauth": []}]), json!({"401": unauthorized()}));
        assert_eq!(check_security(&good, &["/api/whoami"]), Ok(()));
    }

    #[test]
    fn a_protected_route_without_the_requirement_fails() {
        // The mistake: the route takes RequireUser, the annotation forgot `security`.
        let forgot = document(json!(null), json!({"200": {"description": "ok"}}));
        let error = check_security(&forgot, &["/api/whoami"]).unwrap_err();
        assert_eq!(error.problems.len(), 1, "{error}");
        assert!(
            error.problems[0].starts_with("GET /api/whoami: takes the user"),
            "{error}"
        );

        // Even without the list, a documented 401 with no requirement is caught.
        let forgot = document(json!(null), json!({"401": unauthorized()}));
        let error = check_security(&forgot, &[]).unwrap_err();
        assert!(
            error.problems[0].contains("lists no security requirement"),
            "{error}"
        );

        // The optional alternative is not "required".
        let optional = document(
            json!([{}, {"propelauth": []}]),
            json!({"401": unauthorized()}),
        );
        let error = check_security(&optional, &["/api/whoami"]).unwrap_err();
        assert_eq!(error.problems.len(), 2, "{error}");
    }

    #[test]
    fn a_required_token_needs_the_401_and_its_header() {
        let no_401 = document(
            json!([{"propelauth": []}]),
            json!({"200": {"description": "ok"}}),
        );
        let error = check_security(&no_401, &[]).unwrap_err();
        assert!(
            error.problems[0].contains("does not document its 401"),
            "{error}"
        );

        let no_header = document(
            json!([{"propelauth": []}]),
            json!({"401": {"description": "x"}}),
        );
        let error = check_security(&no_header, &[]).unwrap_err();
        assert!(error.problems[0].contains("WWW-Authenticate"), "{error}");
    }

    #[test]
    fn references_to_component_responses_are_followed() {
        let mut good = document(
            json!([{"propelauth": []}]),
            json!({"401": {"$ref": "#/components/responses/PropelAuthUnauthorized"}}),
        );
        good["components"] = json!({"responses": {"PropelAuthUnauthorized": unauthorized()}});
        assert_eq!(check_security(&good, &["/api/whoami"]), Ok(()));
    }

    #[test]
    fn an_unknown_protected_path_is_reported() {
        let good = document(json!([{"propelauth": []}]), json!({"401": unauthorized()}));
        let error = check_security(&good, &["/api/who"]).unwrap_err();
        assert_eq!(
            error.problems,
            ["/api/who: listed as protected but not in the document"]
        );
    }

    #[test]
    fn the_page_gets_the_title_and_the_script_first() {
        let page = swagger_ui_page(
            "<html><head><meta charset=\"UTF-8\"><title>Swagger UI</title></head><body><script src=\"b.js\"></script></body></html>",
            "Example <axum>",
        );
        assert!(
            page.contains("<title>Example &lt;axum&gt;</title>"),
            "{page}"
        );
        let script = page.find("PropelAuthOptionalSecurity").unwrap();
        assert!(script < page.find("b.js").unwrap());
        assert!(page.starts_with("<html><head><script>"));

        let bare = swagger_ui_page("<div></div>", "T");
        assert!(bare.starts_with("<title>T</title><script>"), "{bare}");
    }
}
