//! Each adapter is a complete facade: an app depends on its framework's adapter alone, so
//! every public item of `propelauth-core` must be reachable through each adapter.
//!
//! [`core_items!`] lists core's public items by hand. The compiler checks that each adapter
//! names every one of them (the `use` lists generated below), and
//! `the_list_is_every_public_item_of_core` checks the list against core's source, so a new
//! public item in core fails this test until it is listed here, and then fails to compile
//! until every adapter re-exports it.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::Path;

/// Every public item of `propelauth-core`, by module: the crate root, `api` and `env`, and
/// `openapi` (whose constants the adapters' own `openapi` modules carry under the names on
/// the right).
macro_rules! core_items {
    ($then:ident) => {
        $then! {
            root: [
                api, env, openapi,
                ApiKeyError, CredentialError, DEFAULT_API_KEY_CACHE_CAPACITY,
                DEFAULT_API_KEY_CACHE_TTL, DEFAULT_API_KEY_INVALID_CACHE_TTL, OrgApiKey,
                PendingApiKeyCheck, RequestCredentials, RequestValidation,
                ServiceUnavailableError, ServiceUnavailableReason, TokenSource, TokenSources,
                TooManyRequestsError, ACCESS_TOKEN_QUERY_PARAMETER, AccessTokenQuery,
                RouteTokenSources,
                Auth, AuthError, AuthMetrics, AuthOptions, Clock, DEFAULT_BACKEND_BASE_URL,
                DEFAULT_KEY_REFRESH_MIN_INTERVAL, DEFAULT_LEEWAY, DEFAULT_TOKEN_CACHE_CAPACITY,
                ForbiddenError, ForbiddenReason, InitError, LoginMethod,
                MAX_AUTHORIZATION_HEADER_LEN, ManualClock, OrgMemberInfo, OrgRequirement,
                OrgRoleStructure, Rejection, SamlProvider, SocialProvider, SystemClock,
                TokenError, TokenVerificationMetadata, TransportError, UnauthorizedError,
                UnauthorizedReason, User, WWW_AUTHENTICATE_BEARER,
                WWW_AUTHENTICATE_INVALID_TOKEN, bearer_token, detail_body, init_auth,
                init_auth_async, init_auth_from_env, init_auth_with_metadata,
                install_jsonwebtoken_crypto_provider, tenant_host,
            ],
            api: [
                AddUserToOrgOptions, ApiError, ApiKey, ApiKeyOrg, ApiKeyType, ApiKeyUsage,
                ApiKeyUsageOptions, BadRequest, ChangeUserRoleInOrgOptions, ChartData,
                ChartDataPoint, ChartMetric, ChartMetricCadence, ChartMetricOptions,
                CreateAccessTokenOptions, CreateApiKeyOptions, CreateMagicLinkOptions,
                CreateOrgOptions, CreateOrgSamlConnectionLinkOptions, CreateUserOptions,
                CreatedAccessToken, CreatedMagicLink, CreatedOrg, CreatedUser, CustomRoleMapping,
                CustomRoleMappings, Employee, FetchApiKeysOptions, FetchOrgByQueryOptions,
                FetchOrgScimGroupsOptions, FetchPendingInvitesOptions, FetchScimGroupOptions,
                FetchUsersByQueryOptions, FetchUsersInOrgOptions, ImportApiKeyOptions,
                ImportedApiKey, InviteUserToOrgOptions, MAX_ANSWER_RECORDS, MfaPhoneNumber,
                MfaSetup, MigrateUserOptions, NewApiKey, NonBlocking, OAuthToken,
                OidcIdpMetadataOptions, OidcIdpType, OrgApiKeyValidation, OrgOrderBy, OrgReport,
                OrgReportRecord, Organization, Page, PendingInvite, PersonalApiKeyValidation,
                RateLimit, ReportInterval, ReportOptions, ReportOrgMembership,
                SamlConnectionLink, SamlSpMetadata, ScimGroup, ScimGroupMember,
                ScimGroupSummary, StepUpError, StepUpGrantType, UpdateApiKeyOptions,
                UpdateOrgMetadataOptions, UpdateUserMetadataOptions, UpdateUserPasswordOptions,
                UserMetadata, UserMfaMethods, UserOrderBy, UserReport, UserReportRecord,
                UserSignupQueryParams, ValidatedApiKey,
            ],
            env: [
                API_BASE_URL, API_KEY, AUTH_URL, DEBUG, KEY_REFRESH_MIN_INTERVAL_SECS,
                ACCEPT_API_KEYS, auth_url_is_set,
            ],
            openapi: [
                SCHEME_NAME => SECURITY_SCHEME, SCHEME_DESCRIPTION => SCHEME_DESCRIPTION,
                UNAUTHORIZED_DESCRIPTION => UNAUTHORIZED_DESCRIPTION,
                FORBIDDEN_DESCRIPTION => FORBIDDEN_DESCRIPTION,
                WWW_AUTHENTICATE_DESCRIPTION => WWW_AUTHENTICATE_DESCRIPTION,
                UNAUTHORIZED_RESPONSE => UNAUTHORIZED_RESPONSE,
                FORBIDDEN_RESPONSE => FORBIDDEN_RESPONSE,
                SWAGGER_UI_SCRIPT => SWAGGER_UI_SCRIPT, swagger_ui_page => swagger_ui_page,
                // Each adapter's takes its OpenAPI library's document.
                SecurityCheckError => SecurityCheckError, check_security => check_security,
            ],
            // `openapi::utoipa`: carried by the two utoipa adapters (axum, actix-web) in their
            // own `openapi` modules, under the same names.
            utoipa: [
                BearerAuth, Forbidden, SCHEME_DESCRIPTION, SECURITY_SCHEME, Unauthorized,
                check_security, security_scheme,
            ],
        }
    };
}

/// For each adapter, a module that imports every listed item through it: compiles only if the
/// adapter re-exports them all.
macro_rules! imports_through_adapters {
    (
        root: [$($root:ident),* $(,)?],
        api: [$($api:ident),* $(,)?],
        env: [$($env:ident),* $(,)?],
        openapi: [$($core_name:ident => $adapter_name:ident),* $(,)?],
        utoipa: [$($utoipa:ident),* $(,)?],
    ) => {
        mod utoipa_adapters {
            imports_through_adapters!(@utoipa propelauth_axum; $($utoipa),*);
            imports_through_adapters!(@utoipa propelauth_actix; $($utoipa),*);
        }
        imports_through_adapters!(@adapter propelauth_axum; $($root),*; $($api),*; $($env),*; $($adapter_name),*);
        imports_through_adapters!(@adapter propelauth_actix; $($root),*; $($api),*; $($env),*; $($adapter_name),*);
        imports_through_adapters!(@adapter propelauth_rocket; $($root),*; $($api),*; $($env),*; $($adapter_name),*);
        imports_through_adapters!(@adapter propelauth_poem; $($root),*; $($api),*; $($env),*; $($adapter_name),*);
    };
    (@utoipa $adapter:ident; $($utoipa:ident),*) => {
        #[allow(unused_imports)]
        mod $adapter {
            use ::$adapter::openapi::{$($utoipa),*};
        }
    };
    (@adapter $adapter:ident; $($root:ident),*; $($api:ident),*; $($env:ident),*; $($openapi:ident),*) => {
        #[allow(unused_imports)]
        mod $adapter {
            mod root {
                use ::$adapter::{$($root),*};
            }
            mod api {
                use ::$adapter::api::{$($api),*};
            }
            mod env {
                use ::$adapter::env::{$($env),*};
            }
            // Feature `openapi` (on here: the example packages enable it).
            mod openapi {
                use ::$adapter::openapi::{$($openapi),*};
            }
        }
    };
}

/// The generated modules, apart from the crates they are named after.
mod through {
    core_items!(imports_through_adapters);
}

/// The hand list as `module::name` strings (`openapi` items by core's names).
macro_rules! listed_names {
    (
        root: [$($root:ident),* $(,)?],
        api: [$($api:ident),* $(,)?],
        env: [$($env:ident),* $(,)?],
        openapi: [$($core_name:ident => $adapter_name:ident),* $(,)?],
        utoipa: [$($utoipa:ident),* $(,)?],
    ) => {
        [
            "openapi::utoipa".to_owned(),
            $(stringify!($root).to_owned(),)*
            $(format!("api::{}", stringify!($api)),)*
            $(format!("env::{}", stringify!($env)),)*
            $(format!("openapi::{}", stringify!($core_name)),)*
            $(format!("openapi::utoipa::{}", stringify!($utoipa)),)*
        ]
    };
}

/// The names a file's public items and re-exports bring into its module (with `prefix`),
/// inline public modules included; `#[doc(hidden)]` items left out. Glob re-exports are
/// refused: they would hide which names exist.
fn public_names(items: &[syn::Item], prefix: &str, names: &mut BTreeSet<String>) {
    for item in items {
        let (attrs, vis, ident) = match item {
            syn::Item::Const(item) => (&item.attrs, &item.vis, &item.ident),
            syn::Item::Enum(item) => (&item.attrs, &item.vis, &item.ident),
            syn::Item::Fn(item) => (&item.attrs, &item.vis, &item.sig.ident),
            syn::Item::Static(item) => (&item.attrs, &item.vis, &item.ident),
            syn::Item::Struct(item) => (&item.attrs, &item.vis, &item.ident),
            syn::Item::Trait(item) => (&item.attrs, &item.vis, &item.ident),
            syn::Item::Type(item) => (&item.attrs, &item.vis, &item.ident),
            syn::Item::Union(item) => (&item.attrs, &item.vis, &item.ident),
            syn::Item::Mod(item) => {
                if is_public(&item.vis) && !is_hidden(&item.attrs) {
                    names.insert(format!("{prefix}{}", item.ident));
                    if let Some((_, inline)) = &item.content {
                        public_names(inline, &format!("{prefix}{}::", item.ident), names);
                    }
                }
                continue;
            }
            syn::Item::Use(item) => {
                if is_public(&item.vis) && !is_hidden(&item.attrs) {
                    use_names(&item.tree, prefix, names);
                }
                continue;
            }
            syn::Item::Macro(item) => {
                let exported = item
                    .attrs
                    .iter()
                    .any(|attr| attr.path().is_ident("macro_export"));
                assert!(
                    !exported,
                    "core exports a macro: list it and extend this test"
                );
                continue;
            }
            _ => continue,
        };
        if is_public(vis) && !is_hidden(attrs) {
            names.insert(format!("{prefix}{ident}"));
        }
    }
}

fn use_names(tree: &syn::UseTree, prefix: &str, names: &mut BTreeSet<String>) {
    match tree {
        syn::UseTree::Path(path) => use_names(&path.tree, prefix, names),
        syn::UseTree::Name(name) => {
            names.insert(format!("{prefix}{}", name.ident));
        }
        syn::UseTree::Rename(rename) => {
            names.insert(format!("{prefix}{}", rename.rename));
        }
        syn::UseTree::Group(group) => {
            for tree in &group.items {
                use_names(tree, prefix, names);
            }
        }
        syn::UseTree::Glob(_) => panic!("a glob re-export in core: name the items instead"),
    }
}

fn is_public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn is_hidden(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| match &attr.meta {
        syn::Meta::List(list) => {
            list.path.is_ident("doc") && list.tokens.to_string().trim() == "hidden"
        }
        _ => false,
    })
}

fn parse(file: &Path) -> syn::File {
    let source = std::fs::read_to_string(file).unwrap();
    syn::parse_file(&source).unwrap_or_else(|error| panic!("{}: {error}", file.display()))
}

#[test]
fn the_list_is_every_public_item_of_core() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/propelauth-core/src");
    let lib = parse(&src.join("lib.rs"));
    // Public modules in their own files are read below; a new one needs its own list.
    let file_modules: Vec<String> = lib
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(module) if is_public(&module.vis) && module.content.is_none() => {
                Some(module.ident.to_string())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        file_modules,
        ["api", "env"],
        "a new public module of core: list its items"
    );
    let mut in_core = BTreeSet::new();
    public_names(&lib.items, "", &mut in_core);
    public_names(&parse(&src.join("api/mod.rs")).items, "api::", &mut in_core);
    public_names(&parse(&src.join("env.rs")).items, "env::", &mut in_core);
    public_names(
        &parse(&src.join("openapi/utoipa.rs")).items,
        "openapi::utoipa::",
        &mut in_core,
    );

    let listed: BTreeSet<String> = core_items!(listed_names).into_iter().collect();
    let missing: Vec<_> = in_core.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&in_core).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "public in core but not listed (add them here and re-export them from every adapter): \
         {missing:?}; listed but not public in core: {stale:?}"
    );
}

#[test]
fn the_adapters_carry_cores_openapi_constants() {
    for (security_scheme, description) in [
        (
            propelauth_axum::openapi::SECURITY_SCHEME,
            propelauth_axum::openapi::SCHEME_DESCRIPTION,
        ),
        (
            propelauth_actix::openapi::SECURITY_SCHEME,
            propelauth_actix::openapi::SCHEME_DESCRIPTION,
        ),
        (
            propelauth_rocket::openapi::SECURITY_SCHEME,
            propelauth_rocket::openapi::SCHEME_DESCRIPTION,
        ),
        (
            propelauth_poem::openapi::SECURITY_SCHEME,
            propelauth_poem::openapi::SCHEME_DESCRIPTION,
        ),
    ] {
        assert_eq!(security_scheme, propelauth_core::openapi::SCHEME_NAME);
        assert_eq!(description, propelauth_core::openapi::SCHEME_DESCRIPTION);
    }
}

/// The workspace's packages as `cargo metadata` reports them (no dependency resolution).
fn workspace_packages() -> Vec<serde_json::Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    metadata["packages"].as_array().unwrap().clone()
}

#[test]
fn each_example_server_depends_on_its_adapter_alone() {
    let packages = workspace_packages();
    let examples: Vec<_> = packages
        .iter()
        .filter(|package| {
            let manifest = package["manifest_path"]
                .as_str()
                .unwrap()
                .replace('\\', "/");
            manifest.contains("/examples/")
        })
        .collect();
    let names: BTreeSet<&str> = examples
        .iter()
        .map(|package| package["name"].as_str().unwrap())
        .collect();
    for framework in ["axum", "actix", "rocket", "poem"] {
        assert!(
            names.contains(format!("propelauth-example-{framework}").as_str()),
            "{names:?}"
        );
    }
    for package in examples {
        let name = package["name"].as_str().unwrap();
        let dependencies = package["dependencies"].as_array().unwrap();
        // The one example without an adapter: core alone, and the test kit for development
        // mode (what the adapters' `development` feature wraps).
        let core_alone = name == CORE_ALONE_EXAMPLE;
        let propelauth: Vec<(&str, &str)> = dependencies
            .iter()
            .map(|dependency| {
                let kind = dependency["kind"].as_str().unwrap_or("normal");
                (dependency["name"].as_str().unwrap(), kind)
            })
            .filter(|(dependency, _)| {
                dependency.starts_with("propelauth-")
                    && !dependency.starts_with("propelauth-example")
            })
            .collect();
        if core_alone {
            assert_eq!(
                propelauth,
                [
                    ("propelauth-core", "normal"),
                    ("propelauth-testing", "normal")
                ],
                "{name}: core and the test kit, no adapter"
            );
            continue;
        }
        assert!(
            propelauth
                .iter()
                .all(|(dependency, _)| *dependency != "propelauth-core"),
            "{name} depends on propelauth-core: {propelauth:?}"
        );
        if let Some(framework) = name.strip_prefix("propelauth-example-")
            && ["axum", "actix", "rocket", "poem"].contains(&framework)
        {
            let adapter = format!("propelauth-{framework}");
            assert_eq!(
                propelauth,
                [(adapter.as_str(), "normal")],
                "{name}: one PropelAuth dependency, its adapter"
            );
        }
    }
}

/// The example server that shows a server without an adapter (`examples/hyper`).
const CORE_ALONE_EXAMPLE: &str = "propelauth-example-hyper";

#[test]
fn no_example_code_names_core() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let core_alone = examples.join("hyper");
    let mut pending = vec![examples];
    let mut files = 0;
    while let Some(directory) = pending.pop() {
        for entry in std::fs::read_dir(&directory).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path != core_alone {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                files += 1;
                let source = std::fs::read_to_string(&path).unwrap();
                assert!(
                    !source.contains("propelauth_core"),
                    "{} names propelauth_core: use the adapter's re-export",
                    path.display()
                );
            }
        }
    }
    assert!(files >= 10, "only {files} files found");
}
