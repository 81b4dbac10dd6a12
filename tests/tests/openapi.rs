//! API docs: every example app serves `/openapi.json` and an interactive UI at `/docs`, and the
//! document says which routes need a token.
//!
//! For each framework, in process (the drivers' way): the document registers the `propelauth`
//! bearer (JWT) scheme; every route that takes the user requires it and documents its 401
//! (with the `WWW-Authenticate` header) and, with an org check, its 403; the optional-user
//! route accepts the token without requiring it; `/healthz` requires nothing; the 200s of the
//! user and org routes reference the `User` and `OrgMemberInfo` schemas, which accept exactly
//! what the routes answer (real tokens through the real pipeline, validated against the
//! published schema); every operation has a summary and the document a title naming the
//! framework; `/docs` leads to an HTML page with that title, which loads the document and the
//! plugin that draws the optional route's padlock open; and a token sent the way the UI's
//! Authorize button sends it (`Authorization: Bearer <token>`) gets a 200 from `/api/whoami`.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use propelauth_conformance::cases::Route;
use propelauth_conformance::test_auth;
use propelauth_core::{LoginMethod, SamlProvider, SocialProvider, User};
use propelauth_testing::samples::{self, ACME_ORG_ID};
use propelauth_testing::{OrgClaim, TokenBuilder, realistic_token};
use serde_json::{Value, json};

/// The scheme name every adapter registers.
const SCHEME: &str = "propelauth";

/// An in-process `GET` without a token.
type Get<'a> = &'a mut dyn FnMut(&str) -> Answer;

/// Checks that the UI page (its path, its HTML) loads the document, fetching what it needs.
type SpecCheck = fn(&str, &str, &str, Get<'_>);

/// What an in-process request answered.
#[derive(Debug)]
struct Answer {
    status: u16,
    location: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The example routes that take the user (require_user and the five org checks), as
/// OpenAPI paths.
fn protected_paths() -> Vec<String> {
    let org = "{org_id}".to_owned();
    [
        Route::WhoAmI,
        Route::OrgCheck(org.clone()),
        Route::AdminOrOwner(org.clone()),
        Route::AdminOnly(org.clone()),
        Route::Billing(org.clone()),
        Route::BillingAndReports(org),
    ]
    .iter()
    .map(Route::path)
    .chain(["/api/org/{org_id}/users".to_owned()])
    .collect()
}

/// The example routes with an org check: they can answer 403.
fn org_paths() -> Vec<String> {
    protected_paths()
        .into_iter()
        .filter(|path| path.starts_with("/api/org/"))
        .collect()
}

/// The `security` of `GET path` in the document (`None` when the operation has none).
fn security<'d>(document: &'d Value, path: &str) -> Option<&'d Value> {
    let operation = &document["paths"][path]["get"];
    assert!(operation.is_object(), "no GET {path} in the document");
    operation.get("security")
}

/// The document describes the bearer scheme and which routes need it.
fn check_document(framework: &str, document: &Value) {
    let scheme = &document["components"]["securitySchemes"][SCHEME];
    assert_eq!(scheme["type"], "http", "{framework}: {scheme}");
    assert_eq!(scheme["scheme"], "bearer", "{framework}: {scheme}");
    assert_eq!(scheme["bearerFormat"], "JWT", "{framework}: {scheme}");
    // Name and description come from core, so the four documents agree.
    assert_eq!(SCHEME, propelauth_core::openapi::SCHEME_NAME);
    assert_eq!(
        scheme["description"],
        propelauth_core::openapi::SCHEME_DESCRIPTION,
        "{framework}: {scheme}"
    );
    assert!(
        document
            .get("security")
            .is_none_or(|global| global == &json!([])),
        "{framework}: a global security requirement would mark every route as protected"
    );

    let required = json!([{ SCHEME: [] }]);
    for path in protected_paths() {
        assert_eq!(
            security(document, &path),
            Some(&required),
            "{framework}: GET {path} must require the bearer token, and only it"
        );
    }

    // optional_user: no token (`{}`) is one alternative, the token the other, and nothing
    // else. (Swagger UI draws this locked in either order, counting `{}` as met; the page's
    // plugin, checked in `check_framework`, is what draws it open.)
    let optional = security(document, "/api/whoami_optional")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("{framework}: the optional-user route lists no security"));
    assert_eq!(
        optional.len(),
        2,
        "{framework}: the optional-user route: {optional:?}"
    );
    assert!(
        optional.contains(&json!({ SCHEME: [] })),
        "{framework}: the optional-user route must accept the token: {optional:?}"
    );
    assert!(
        optional.contains(&json!({})),
        "{framework}: the optional-user route must not require the token: {optional:?}"
    );
    let optional_answers = &document["paths"]["/api/whoami_optional"]["get"]["responses"];
    assert!(
        optional_answers.get("401").is_none(),
        "{framework}: an optional user is never refused: {optional_answers}"
    );

    // The 401 (with WWW-Authenticate) of every protected route, through the check the
    // adapters offer to their users.
    let protected = protected_paths();
    let protected: Vec<&str> = protected.iter().map(String::as_str).collect();
    if let Err(error) = propelauth_core::openapi::check_security(document, &protected) {
        panic!("{framework}: {error}");
    }
    for path in &protected {
        let unauthorized = response(document, path, "401")
            .unwrap_or_else(|| panic!("{framework}: GET {path} documents no 401"));
        assert_detail_body(framework, path, unauthorized);
        let header = unauthorized["headers"].as_object().and_then(|headers| {
            headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("WWW-Authenticate"))
        });
        assert!(
            header.is_some(),
            "{framework}: GET {path}: 401 without WWW-Authenticate"
        );
    }
    // The 403 where an org check can refuse, and only there.
    for path in &protected {
        let forbidden = response(document, path, "403");
        if path.starts_with("/api/org/") {
            let forbidden =
                forbidden.unwrap_or_else(|| panic!("{framework}: GET {path} documents no 403"));
            assert_detail_body(framework, path, forbidden);
        } else {
            assert!(
                forbidden.is_none(),
                "{framework}: GET {path} cannot answer 403"
            );
        }
    }

    // The 200s name their schemas.
    assert_eq!(
        schema_of_200(document, "/api/whoami").as_deref(),
        Some("User"),
        "{framework}: GET /api/whoami's 200"
    );
    for path in org_paths().iter().filter(|path| !path.ends_with("/users")) {
        assert_eq!(
            schema_of_200(document, path).as_deref(),
            Some("OrgMemberInfo"),
            "{framework}: GET {path}'s 200"
        );
    }

    // A title naming the framework, and a summary on every operation.
    let title = document["info"]["title"].as_str().unwrap_or_default();
    assert!(
        title.starts_with("PropelAuth example (") && title.contains(framework),
        "{framework}: title {title:?}"
    );
    for (path, item) in document["paths"].as_object().unwrap() {
        let summary = item["get"]["summary"].as_str().unwrap_or_default();
        assert!(
            !summary.trim().is_empty(),
            "{framework}: GET {path} has no summary"
        );
    }

    let healthz = security(document, "/healthz");
    assert!(
        healthz.is_none_or(|security| security == &json!([]) || security == &json!([{}])),
        "{framework}: /healthz needs no token, found {healthz:?}"
    );

    // Every example route is documented, and nothing else.
    let mut documented: Vec<&str> = document["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    documented.sort_unstable();
    let mut expected = protected_paths();
    expected.extend(["/healthz".to_owned(), "/api/whoami_optional".to_owned()]);
    expected.sort_unstable();
    assert_eq!(documented, expected, "{framework}: documented paths");
}

/// The response `status` of `GET path`, following a `$ref` into `components/responses`.
fn response<'d>(document: &'d Value, path: &str, status: &str) -> Option<&'d Value> {
    let response = document["paths"][path]["get"]["responses"].get(status)?;
    Some(match response.get("$ref").and_then(Value::as_str) {
        Some(reference) => document
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling reference {reference}")),
        None => response,
    })
}

/// A rejection's JSON body: `{"detail": string}`, required.
fn assert_detail_body(framework: &str, path: &str, response: &Value) {
    let content = response["content"].as_object();
    let schema = content
        .and_then(|content| {
            content
                .iter()
                .find(|(ty, _)| ty.starts_with("application/json"))
        })
        .map(|(_, media)| &media["schema"])
        .unwrap_or_else(|| panic!("{framework}: GET {path}: {response} has no JSON body"));
    assert_eq!(
        schema["properties"]["detail"]["type"], "string",
        "{framework}: {path}"
    );
    assert_eq!(schema["required"], json!(["detail"]), "{framework}: {path}");
}

/// The name of the component schema the 200 of `GET path` references.
fn schema_of_200(document: &Value, path: &str) -> Option<String> {
    let content = document["paths"][path]["get"]["responses"]["200"]["content"].as_object()?;
    let (_, media) = content
        .iter()
        .find(|(ty, _)| ty.starts_with("application/json"))?;
    let reference = media["schema"]["$ref"].as_str()?;
    reference
        .strip_prefix("#/components/schemas/")
        .map(str::to_owned)
}

/// Follows redirects from `/docs` to the page; checks it is HTML and returns it with its URL.
fn docs_page(framework: &str, get: &mut impl FnMut(&str) -> Answer) -> (String, String) {
    let mut path = "/docs".to_owned();
    for _ in 0..3 {
        let answer = get(&path);
        if (300..400).contains(&answer.status) {
            let location = answer.location.expect("a redirect names its target");
            path = if location.starts_with('/') {
                location
            } else {
                // Relative to the current path's directory.
                let base = path.rsplit_once('/').map_or("", |(base, _)| base);
                format!("{base}/{}", location.trim_start_matches("./"))
            };
            continue;
        }
        assert_eq!(answer.status, 200, "{framework}: GET {path}");
        let content_type = answer.content_type.clone().unwrap_or_default();
        assert!(
            content_type.starts_with("text/html"),
            "{framework}: GET {path} is {content_type}"
        );
        return (path, answer.text());
    }
    panic!("{framework}: /docs redirects too often");
}

/// Runs every check against one framework's app, given its in-process `GET` (with an
/// optional `Authorization` value).
fn check_framework(
    framework: &str,
    mut get: impl FnMut(&str, Option<&str>) -> Answer,
    spec_loaded_by: SpecCheck,
) {
    let answer = get("/openapi.json", None);
    assert_eq!(answer.status, 200, "{framework}: GET /openapi.json");
    let document: Value = serde_json::from_slice(&answer.body).unwrap();
    check_document(framework, &document);

    let (page_path, page) = docs_page(framework, &mut |path| get(path, None));
    spec_loaded_by(framework, &page_path, &page, &mut |path| get(path, None));
    // The page is titled after the document, and loads the padlock plugin before Swagger UI.
    let title = document["info"]["title"].as_str().unwrap();
    assert!(
        page.contains(&format!("<title>{title}</title>")),
        "{framework}: the page's title is not {title:?}"
    );
    let plugin = page
        .find(propelauth_core::openapi::SWAGGER_UI_SCRIPT)
        .unwrap_or_else(|| panic!("{framework}: the page does not load the padlock plugin"));
    let bundle = page
        .find("swagger-ui-bundle.js")
        .or_else(|| {
            page.find("SwaggerUIBundle=")
                .or_else(|| page.find("SwaggerUIBundle("))
        })
        .unwrap_or_else(|| panic!("{framework}: where does the page load Swagger UI?"));
    assert!(
        plugin < bundle,
        "{framework}: the plugin must load before Swagger UI"
    );

    // Real users, through the real pipeline, against the published schemas.
    for builder in sample_users() {
        let header = format!("Bearer {}", builder.sign());
        let answer = get("/api/whoami", Some(&header));
        assert_eq!(answer.status, 200, "{framework}: {}", answer.text());
        let user: Value = serde_json::from_slice(&answer.body).unwrap();
        if let Err(error) = validate(
            &document,
            &json!({"$ref": "#/components/schemas/User"}),
            &user,
            "$",
        ) {
            panic!(
                "{framework}: GET /api/whoami answered what its schema refuses: {error}\n{user:#}"
            );
        }
    }
    let header = format!("Bearer {}", realistic_token(3).sign());
    let org_id = "1189c444-8a2d-4c41-8b4b-ae43ce79a001";
    let answer = get(&format!("/api/org/{org_id}/check"), Some(&header));
    assert_eq!(answer.status, 200, "{framework}: {}", answer.text());
    let org: Value = serde_json::from_slice(&answer.body).unwrap();
    let org_schema = json!({"$ref": "#/components/schemas/OrgMemberInfo"});
    if let Err(error) = validate(&document, &org_schema, &org, "$") {
        panic!("{framework}: GET /api/org/{{org_id}}/check: {error}\n{org:#}");
    }
    // Users no token yields (a personal API key's), serialized as the routes would.
    for user in api_key_users() {
        let user = serde_json::to_value(user).unwrap();
        if let Err(error) = validate(
            &document,
            &json!({"$ref": "#/components/schemas/User"}),
            &user,
            "$",
        ) {
            panic!("{framework}: {error}\n{user:#}");
        }
    }
    // And the schema refuses what serde never writes.
    let user: Value = serde_json::from_slice(
        &get(
            "/api/whoami",
            Some(&format!("Bearer {}", samples::owner_token().sign())),
        )
        .body,
    )
    .unwrap();
    // poem-openapi's schemas cannot say `additionalProperties: false` (its `MetaSchema` has
    // no way to write it), so poem's `User` allows unknown fields; the others' do not.
    let closed = framework != "poem";
    for (wrong, why) in wrong_users(&user) {
        if why == UNKNOWN_FIELD && !closed {
            continue;
        }
        assert!(
            validate(
                &document,
                &json!({"$ref": "#/components/schemas/User"}),
                &wrong,
                "$"
            )
            .is_err(),
            "{framework}: the User schema accepts a user {why}"
        );
    }

    // The Authorize button: for an `http` `bearer` scheme, Swagger UI sends the pasted token
    // as `Authorization: Bearer <token>`; the extractors must accept exactly that.
    let scheme = &document["components"]["securitySchemes"][SCHEME];
    assert_eq!(
        (&scheme["type"], &scheme["scheme"]),
        (&json!("http"), &json!("bearer"))
    );
    let token = samples::owner_token().sign();
    let header = format!("Bearer {token}");
    let whoami = get("/api/whoami", Some(&header));
    assert_eq!(whoami.status, 200, "{framework}: {}", whoami.text());
    assert_eq!(get("/api/whoami", None).status, 401, "{framework}");
    let billing = format!("/api/org/{ACME_ORG_ID}/billing");
    assert_eq!(get(&billing, Some(&header)).status, 200, "{framework}");
}

/// Tokens covering every shape a user's JSON takes: names set and unset, orgs (one active,
/// several, multi-role, with legacy ids), properties, metadata, and every login method.
fn sample_users() -> Vec<TokenBuilder> {
    let mut users = vec![
        samples::owner_token(),
        samples::member_token(),
        samples::no_org_token(),
        realistic_token(3),
        TokenBuilder::new("user-bare").without_claim("login_method"),
        TokenBuilder::new("user-full")
            .email("ada@example.com")
            .first_name("Ada")
            .last_name("Lovelace")
            .username("ada")
            .legacy_user_id("legacy-1")
            .impersonator_user_id("employee-1")
            .properties(json!({"tier": "gold", "seats": 3, "flags": [true]}))
            .metadata(json!({"plan": {"name": "pro"}}))
            .login_method(json!({"login_method": "impersonation"}))
            .org(
                OrgClaim::new("org-multi", "Multi", "Editor")
                    .multi_role(["Viewer", "Billing"])
                    .permissions(["can_view_billing"])
                    .legacy_org_id("legacy-org")
                    .metadata(json!({"region": "eu"})),
            ),
        TokenBuilder::new("user-active").active_org(
            OrgClaim::new("org-active", "Active", "Member").inherited_roles(["Member"]),
        ),
        TokenBuilder::new("user-scalar-metadata").metadata(json!(42)),
    ];
    for method in [
        "password",
        "magic_link",
        "email_confirmation_link",
        "generated_from_backend_api",
        "something_new",
    ] {
        users
            .push(TokenBuilder::new("user-method").login_method(json!({ "login_method": method })));
    }
    for provider in SocialProvider::ALL {
        users
            .push(TokenBuilder::new("user-social").login_method(
                json!({"login_method": "social_sso", "provider": provider.as_str()}),
            ));
    }
    for provider in SamlProvider::ALL {
        users.push(TokenBuilder::new("user-saml").login_method(
            json!({"login_method": "saml_sso", "provider": provider.as_str(), "org_id": "org-1"}),
        ));
    }
    users
}

/// Users authenticated by a personal API key (no token carries that login method).
fn api_key_users() -> Vec<User> {
    let base: User = serde_json::from_value(json!({"user_id": "user-key"})).unwrap();
    let metadata = json!({"scopes": ["read"]}).as_object().cloned();
    [None, metadata]
        .into_iter()
        .map(|metadata| User {
            login_method: LoginMethod::PersonalApiKey { metadata },
            ..base.clone()
        })
        .collect()
}

/// The change a schema that lists its properties but allows others accepts.
const UNKNOWN_FIELD: &str = "with an unknown field";

/// A user's JSON changed in ways serde never writes, each with what is wrong with it.
fn wrong_users(user: &Value) -> Vec<(Value, &'static str)> {
    let changed = |change: &dyn Fn(&mut Value)| {
        let mut user = user.clone();
        change(&mut user);
        user
    };
    vec![
        (
            changed(&|u| drop(u.as_object_mut().unwrap().remove("email"))),
            "without `email`",
        ),
        (
            changed(&|u| u["user_id"] = json!(null)),
            "whose `user_id` is null",
        ),
        (changed(&|u| u["extra"] = json!(1)), UNKNOWN_FIELD),
        (
            changed(&|u| u["login_method"] = json!("password")),
            "whose login method is a string",
        ),
        (
            changed(&|u| u["login_method"] = json!({"login_method": "social_sso"})),
            "social login without a provider",
        ),
        (
            changed(&|u| {
                u["login_method"] = json!({"login_method": "saml_sso", "provider": "Okta"})
            }),
            "SAML login without an org",
        ),
        (
            changed(&|u| u["org_id_to_org_member_info"] = json!({"o": {"org_id": "o"}})),
            "with an incomplete org",
        ),
    ]
}

/// Validates `value` against `schema` (JSON Schema as OpenAPI 3.0 and 3.1 documents write it:
/// `type` (one or several, `null` included), `nullable`, `enum`, `properties`, `required`,
/// `additionalProperties`, `items`, `oneOf`, `anyOf`, `allOf` and `$ref` into the document).
/// Other keywords (descriptions, formats) do not constrain the shape. Errors name the place.
fn validate(document: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => document
            .pointer(reference.trim_start_matches('#'))
            .ok_or_else(|| format!("{at}: dangling reference {reference}"))?,
        None => schema,
    };
    if schema == &json!(true) {
        return Ok(());
    }
    if schema == &json!(false) {
        return Err(format!("{at}: nothing is allowed here"));
    }
    let nullable = schema["nullable"] == json!(true);
    if let Some(ty) = schema.get("type") {
        let types: Vec<&str> = match ty {
            Value::String(ty) => vec![ty.as_str()],
            Value::Array(types) => types.iter().filter_map(Value::as_str).collect(),
            other => return Err(format!("{at}: odd type {other}")),
        };
        let actual = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(number) if number.is_i64() || number.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let matches = types.contains(&actual)
            || (actual == "integer" && types.contains(&"number"))
            || (actual == "null" && nullable);
        if !matches {
            return Err(format!("{at}: {value} is not {types:?}"));
        }
        if value.is_null() {
            return Ok(());
        }
    } else if value.is_null() && nullable {
        return Ok(());
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array)
        && !values.contains(value)
    {
        return Err(format!("{at}: {value} is not one of {values:?}"));
    }
    for alternative in schema["allOf"].as_array().into_iter().flatten() {
        validate(document, alternative, value, at)?;
    }
    if let Some(alternatives) = schema.get("oneOf").and_then(Value::as_array) {
        let passing = alternatives
            .iter()
            .filter(|alternative| validate(document, alternative, value, at).is_ok())
            .count();
        if passing != 1 {
            return Err(format!(
                "{at}: {value} matches {passing} of oneOf's alternatives, not 1"
            ));
        }
    }
    if let Some(alternatives) = schema.get("anyOf").and_then(Value::as_array)
        && !alternatives
            .iter()
            .any(|alternative| validate(document, alternative, value, at).is_ok())
    {
        return Err(format!(
            "{at}: {value} matches none of anyOf's alternatives"
        ));
    }
    if let (Some(items), Some(elements)) = (schema.get("items"), value.as_array()) {
        for (index, element) in elements.iter().enumerate() {
            validate(document, items, element, &format!("{at}[{index}]"))?;
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                return Err(format!("{at}: required `{name}` is missing"));
            }
        }
        for (name, field) in object {
            let place = format!("{at}.{name}");
            match properties.and_then(|properties| properties.get(name)) {
                Some(property) => validate(document, property, field, &place)?,
                None => {
                    if let Some(additional) = schema.get("additionalProperties") {
                        validate(document, additional, field, &place)?;
                    }
                }
            }
        }
    }
    Ok(())
}

#[test]
fn the_validator_refuses_what_a_schema_does_not_allow() {
    let document = json!({"components": {"schemas": {"Named": {
        "type": "object", "required": ["id"], "additionalProperties": false,
        "properties": {"id": {"type": "string"}, "note": {"type": ["string", "null"]},
            "old": {"type": "string", "nullable": true},
            "kind": {"oneOf": [{"enum": ["a"]}, {"enum": ["b"]}]},
            "tags": {"type": "array", "items": {"type": "string"}},
            "map": {"type": "object", "additionalProperties": {"type": "integer"}}}
    }}}});
    let named = json!({"$ref": "#/components/schemas/Named"});
    let good =
        json!({"id": "x", "note": null, "old": null, "kind": "b", "tags": ["t"], "map": {"k": 1}});
    assert_eq!(validate(&document, &named, &good, "$"), Ok(()));
    for wrong in [
        json!({"note": "x"}),
        json!({"id": 1}),
        json!({"id": "x", "other": 1}),
        json!({"id": "x", "kind": "c"}),
        json!({"id": "x", "tags": [1]}),
        json!({"id": "x", "map": {"k": "v"}}),
        json!({"id": null}),
    ] {
        assert!(validate(&document, &named, &wrong, "$").is_err(), "{wrong}");
    }
}

/// utoipa-swagger-ui: the page loads `swagger-initializer.js`, whose configuration names
/// `/openapi.json`.
fn utoipa_swagger_ui_loads_the_spec(framework: &str, page_path: &str, page: &str, get: Get<'_>) {
    assert!(page.contains("swagger-ui"), "{framework}: {page}");
    assert!(
        page.contains("swagger-initializer.js"),
        "{framework}: {page}"
    );
    let directory = page_path.trim_end_matches("index.html");
    let initializer = get(&format!("{directory}swagger-initializer.js"));
    assert_eq!(initializer.status, 200, "{framework}");
    let script = initializer.text();
    assert!(
        script.contains("\"/openapi.json\""),
        "{framework}: {script}"
    );
}

mod axum {
    use ::axum::body::Body;
    use ::axum::http::Request;
    use ::axum::http::header::{AUTHORIZATION, CONTENT_TYPE, LOCATION};
    use propelauth_axum::PropelAuth;
    use propelauth_example_axum as axum_app;
    use tower::ServiceExt;

    use super::*;

    #[test]
    fn axum_documents_the_bearer_scheme_and_serves_swagger_ui() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let router = axum_app::router(PropelAuth::from(test_auth(false)));
        let get = |path: &str, authorization: Option<&str>| {
            let mut request = Request::builder().uri(path);
            if let Some(value) = authorization {
                request = request.header(AUTHORIZATION, value);
            }
            let request = request.body(Body::empty()).unwrap();
            let router = router.clone();
            runtime.block_on(async move {
                let response = router.oneshot(request).await.unwrap();
                let header = |name| {
                    response
                        .headers()
                        .get(name)
                        .map(|value: &::axum::http::HeaderValue| value.to_str().unwrap().to_owned())
                };
                let (status, location, content_type) = (
                    response.status().as_u16(),
                    header(LOCATION),
                    header(CONTENT_TYPE),
                );
                let body = ::axum::body::to_bytes(response.into_body(), 1 << 24)
                    .await
                    .unwrap()
                    .to_vec();
                Answer {
                    status,
                    location,
                    content_type,
                    body,
                }
            })
        };
        check_framework("axum", get, utoipa_swagger_ui_loads_the_spec);
    }
}

mod actix {
    use actix_web::http::header::{AUTHORIZATION, CONTENT_TYPE, LOCATION};
    use actix_web::test as actix_test;
    use actix_web::{App, web};
    use propelauth_actix::PropelAuth;
    use propelauth_example_actix as actix_app;

    use super::*;

    #[test]
    fn actix_documents_the_bearer_scheme_and_serves_swagger_ui() {
        let system = actix_web::rt::System::new();
        let app = App::new()
            .app_data(web::Data::new(PropelAuth::from(test_auth(false))))
            .configure(actix_app::routes);
        let service = system.block_on(actix_test::init_service(app));
        let get = |path: &str, authorization: Option<&str>| {
            let mut request = actix_test::TestRequest::get().uri(path);
            if let Some(value) = authorization {
                request = request.insert_header((AUTHORIZATION, value));
            }
            system.block_on(async {
                let response = actix_test::call_service(&service, request.to_request()).await;
                let header = |name| {
                    response.headers().get(name).map(
                        |value: &actix_web::http::header::HeaderValue| {
                            value.to_str().unwrap().to_owned()
                        },
                    )
                };
                let (status, location, content_type) = (
                    response.status().as_u16(),
                    header(LOCATION),
                    header(CONTENT_TYPE),
                );
                Answer {
                    status,
                    location,
                    content_type,
                    body: actix_test::read_body(response).await.to_vec(),
                }
            })
        };
        check_framework("actix-web", get, utoipa_swagger_ui_loads_the_spec);
    }
}

/// poem-openapi's Swagger UI: the page carries the document itself (`let spec = {...}`).
fn poem_swagger_ui_loads_the_spec(framework: &str, _: &str, page: &str, _: Get<'_>) {
    assert!(
        page.contains("SwaggerUIBundle"),
        "{framework}: not Swagger UI"
    );
    let spec = page
        .split_once("let spec = ")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("{framework}: the page holds no spec"));
    assert!(spec.contains("\"securitySchemes\""), "{framework}");
    assert!(spec.contains("\"propelauth\""), "{framework}");
    assert!(spec.contains("\"/api/whoami\""), "{framework}");
}

mod poem {
    use ::poem::http::header::{AUTHORIZATION, CONTENT_TYPE, LOCATION};
    use ::poem::test::TestClient;
    use propelauth_example_poem as poem_app;
    use propelauth_poem::PropelAuth;

    use super::*;

    #[test]
    fn poem_documents_the_bearer_scheme_and_serves_swagger_ui() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = TestClient::new(poem_app::app(PropelAuth::from(test_auth(false))));
        let get = |path: &str, authorization: Option<&str>| {
            runtime.block_on(async {
                let mut request = client.get(path);
                if let Some(value) = authorization {
                    request = request.header(AUTHORIZATION, value);
                }
                let response = request.send().await.0;
                let header = |name| {
                    response
                        .headers()
                        .get(name)
                        .map(|value: &::poem::http::HeaderValue| value.to_str().unwrap().to_owned())
                };
                let (status, location, content_type) = (
                    response.status().as_u16(),
                    header(LOCATION),
                    header(CONTENT_TYPE),
                );
                Answer {
                    status,
                    location,
                    content_type,
                    body: response.into_body().into_vec().await.unwrap(),
                }
            })
        };
        check_framework("poem", get, poem_swagger_ui_loads_the_spec);
    }
}

/// rocket_okapi's Swagger UI: the page loads `swagger-initializer.js`, which reads
/// `swagger-ui-config.json`, which names `/openapi.json`.
fn rocket_swagger_ui_loads_the_spec(framework: &str, page_path: &str, page: &str, get: Get<'_>) {
    assert!(page.contains("swagger-ui"), "{framework}: {page}");
    assert!(
        page.contains("swagger-initializer.js"),
        "{framework}: {page}"
    );
    let directory = page_path.trim_end_matches("index.html");
    let initializer = get(&format!("{directory}swagger-initializer.js")).text();
    assert!(
        initializer.contains("./swagger-ui-config.json"),
        "{framework}: {initializer}"
    );
    let config = get(&format!("{directory}swagger-ui-config.json"));
    assert_eq!(config.status, 200, "{framework}");
    let config: Value = serde_json::from_slice(&config.body).unwrap();
    assert_eq!(config["url"], "/openapi.json", "{framework}: {config}");
}

mod rocket {
    use ::rocket::http::Header;
    use ::rocket::local::asynchronous::Client;
    use propelauth_conformance::rocket_driver::quiet_rocket;
    use propelauth_example_rocket as rocket_app;
    use propelauth_rocket::PropelAuth;

    use super::*;

    #[test]
    fn rocket_documents_the_bearer_scheme_and_serves_swagger_ui() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let app = rocket_app::app(quiet_rocket(), PropelAuth::from(test_auth(false)));
        let client = runtime.block_on(Client::untracked(app)).unwrap();
        let get = |path: &str, authorization: Option<&str>| {
            runtime.block_on(async {
                let mut request = client.get(path.to_owned());
                if let Some(value) = authorization {
                    request = request.header(Header::new("Authorization", value.to_owned()));
                }
                let response = request.dispatch().await;
                let header = |name| response.headers().get_one(name).map(str::to_owned);
                let (status, location, content_type) = (
                    response.status().code,
                    header("Location"),
                    header("Content-Type"),
                );
                Answer {
                    status,
                    location,
                    content_type,
                    body: response.into_bytes().await.unwrap_or_default(),
                }
            })
        };
        check_framework("rocket", get, rocket_swagger_ui_loads_the_spec);
    }
}
