//! Validation details the case table does not spell out: the exact reason of each rejection,
//! the `User` built from each claims form, role semantics, rendering and logging.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod log_capture;

use std::time::Duration;

use propelauth_core::{
    Auth, AuthOptions, ForbiddenReason, LoginMethod, OrgMemberInfo, OrgRoleStructure, Rejection,
    SamlProvider, SocialProvider, TokenError, TokenVerificationMetadata, UnauthorizedReason, User,
    detail_body,
};
use propelauth_testing::{
    OrgClaim, TEST_API_KEY, TEST_AUTH_URL, TEST_PUBLIC_KEY_PEM, TokenBuilder, TokenVariant,
};
use serde_json::json;

fn auth_with(configure: impl FnOnce(AuthOptions) -> AuthOptions) -> Auth {
    // Every test's events go to the capturing subscriber from the start.
    log_capture::install();
    let options = AuthOptions::new(TEST_AUTH_URL, TEST_API_KEY)
        .metadata(TokenVerificationMetadata::new(TEST_PUBLIC_KEY_PEM));
    configure(options).init().unwrap()
}

fn auth() -> Auth {
    auth_with(|options| options)
}

fn reason(token: &str) -> UnauthorizedReason {
    auth()
        .validate_access_token(token)
        .unwrap_err()
        .reason()
        .clone()
}

fn invalid(error: TokenError) -> UnauthorizedReason {
    UnauthorizedReason::InvalidToken(error)
}

#[test]
fn each_hostile_token_is_rejected_for_its_own_reason() {
    let builder = TokenBuilder::new("u1");
    let expected = [
        (
            TokenVariant::WrongKey,
            invalid(TokenError::InvalidSignature),
        ),
        (
            TokenVariant::Hs256WithPublicPem,
            invalid(TokenError::UnsupportedAlgorithm("HS256".into())),
        ),
        (
            TokenVariant::AlgNone,
            invalid(TokenError::UnsupportedAlgorithm("none".into())),
        ),
        (
            TokenVariant::Rs512,
            invalid(TokenError::UnsupportedAlgorithm("RS512".into())),
        ),
        (
            TokenVariant::Es256Header,
            invalid(TokenError::UnsupportedAlgorithm("ES256".into())),
        ),
        (
            TokenVariant::TamperedPayload,
            invalid(TokenError::InvalidSignature),
        ),
        (
            TokenVariant::TruncatedSignature,
            invalid(TokenError::InvalidSignature),
        ),
    ];
    for (variant, wanted) in expected {
        assert_eq!(
            reason(&builder.sign_variant(variant)),
            wanted,
            "{variant:?}"
        );
    }
}

#[test]
fn time_and_issuer_failures_keep_their_reason() {
    let builder = TokenBuilder::new("u1");
    assert_eq!(
        reason(&builder.clone().expires_in(-90).sign()),
        invalid(TokenError::Expired)
    );
    assert_eq!(
        reason(&builder.clone().not_before_offset(90).sign()),
        invalid(TokenError::NotYetValid)
    );
    assert_eq!(
        reason(&builder.clone().issued_at_offset(90).sign()),
        invalid(TokenError::IssuedInFuture)
    );
    assert!(matches!(
        reason(&builder.clone().issuer("https://evil.test").sign()),
        UnauthorizedReason::InvalidToken(TokenError::WrongIssuer { .. })
    ));
    assert!(matches!(
        reason(&builder.clone().claim("exp", json!("4102444800")).sign()),
        UnauthorizedReason::InvalidToken(TokenError::InvalidClaims(message)) if message.contains("exp")
    ));
    assert!(matches!(
        reason(&builder.clone().without_claim("iss").sign()),
        UnauthorizedReason::InvalidToken(TokenError::InvalidClaims(message)) if message.contains("iss")
    ));
    assert!(matches!(
        reason(&builder.without_claim("user_id").sign()),
        UnauthorizedReason::InvalidPayload(message) if message.contains("user_id")
    ));
    assert!(matches!(
        reason(&TokenBuilder::new("u1").claim("exp", json!(null)).sign()),
        UnauthorizedReason::InvalidToken(TokenError::InvalidClaims(message)) if message == "`exp` is required"
    ));
    assert_eq!(reason("a.b"), invalid(TokenError::Malformed));
    let padded = TokenBuilder::new("u1").sign().replacen('.', "=.", 1);
    assert_eq!(
        reason(&padded),
        invalid(TokenError::Malformed),
        "padding is not base64url"
    );
    assert_eq!(reason(&"a".repeat(20_000)), invalid(TokenError::Malformed));
}

#[test]
fn leeway_is_configurable() {
    let token = TokenBuilder::new("u1").expires_in(-30).sign();
    assert!(auth().validate_access_token(&token).is_ok());
    let strict = auth_with(|options| options.leeway(Duration::ZERO));
    assert_eq!(
        strict.validate_access_token(&token).unwrap_err().reason(),
        &invalid(TokenError::Expired)
    );
    let lenient = auth_with(|options| options.leeway(Duration::from_secs(120)));
    let older = TokenBuilder::new("u1").expires_in(-90).sign();
    assert!(lenient.validate_access_token(&older).is_ok());
}

/// An RS256 token over an arbitrary payload, signed with the test key.
fn signed_payload(payload: &str) -> String {
    use base64::Engine;
    let encode = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let message = format!(
        "{}.{}",
        encode(br#"{"alg":"RS256","typ":"JWT"}"#),
        encode(payload.as_bytes())
    );
    propelauth_core::install_jsonwebtoken_crypto_provider();
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(
        propelauth_testing::TEST_PRIVATE_KEY_PEM.as_bytes(),
    )
    .unwrap();
    let signature =
        jsonwebtoken::crypto::sign(message.as_bytes(), &key, jsonwebtoken::Algorithm::RS256)
            .unwrap();
    format!("{message}.{signature}")
}

#[test]
fn authentic_payloads_that_are_not_claims_are_invalid_tokens() {
    for payload in ["[1,2]", "null", "not json", r#"{"user_id":"u1""#] {
        assert!(
            matches!(
                reason(&signed_payload(payload)),
                UnauthorizedReason::InvalidToken(TokenError::InvalidClaims(_))
            ),
            "{payload}"
        );
    }
    let valid = serde_json::to_string(TokenBuilder::new("u1").claims()).unwrap();
    assert!(
        auth()
            .validate_access_token(&signed_payload(&valid))
            .is_ok(),
        "the helper signs correctly"
    );
}

#[test]
fn a_critical_header_extension_is_rejected() {
    use base64::Engine;
    let token = TokenBuilder::new("u1").sign();
    let payload = token.split('.').nth(1).unwrap();
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(br#"{"alg":"RS256","crit":["exp"]}"#);
    // The signature no longer matches either way; the header is refused before it is checked.
    assert_eq!(
        reason(&format!("{header}.{payload}.AAAA")),
        invalid(TokenError::InvalidHeader)
    );
}

fn full_token() -> TokenBuilder {
    TokenBuilder::new("user-7")
        .email("ada@example.com")
        .first_name("Ada")
        .last_name("Lovelace")
        .username("ada")
        .legacy_user_id("legacy-7")
        .impersonator_user_id("employee-1")
        .properties(json!({"plan": "pro", "seats": 3}))
        .metadata(json!({"anything": [1, 2]}))
        .login_method(json!({"login_method": "social_sso", "provider": "GitHub"}))
        .org(
            OrgClaim::new("org-a", "Acme Inc", "Owner")
                .url_safe_name("acme")
                .inherited_roles(["Owner", "Admin", "Member"])
                .permissions(["can_view_billing"])
                .metadata(json!({"tier": "gold"}))
                .legacy_org_id("legacy-org-a"),
        )
        .org(OrgClaim::new("org-b", "Beta", "Member").multi_role(["Reviewer"]))
}

#[test]
fn claims_become_a_user_with_every_field() {
    let user = auth().validate_access_token(&full_token().sign()).unwrap();
    assert_eq!(user.user_id, "user-7");
    assert_eq!(user.email.as_deref(), Some("ada@example.com"));
    assert_eq!(user.first_name.as_deref(), Some("Ada"));
    assert_eq!(user.last_name.as_deref(), Some("Lovelace"));
    assert_eq!(user.username.as_deref(), Some("ada"));
    assert_eq!(user.legacy_user_id.as_deref(), Some("legacy-7"));
    assert!(user.is_impersonated());
    assert_eq!(user.get_user_property("plan"), Some(&json!("pro")));
    assert_eq!(user.get_user_property("missing"), None);
    assert_eq!(user.metadata, Some(json!({"anything": [1, 2]})));
    assert_eq!(
        user.login_method,
        LoginMethod::SocialSso {
            provider: SocialProvider::GitHub
        }
    );
    assert_eq!(user.get_active_org_id(), None);
    assert_eq!(user.get_orgs().len(), 2);

    let acme = user.get_org("org-a").unwrap();
    assert_eq!(acme.org_name, "Acme Inc");
    assert_eq!(acme.url_safe_org_name, "acme");
    assert_eq!(acme.org_metadata.get("tier"), Some(&json!("gold")));
    assert_eq!(acme.user_assigned_role, "Owner");
    assert_eq!(
        acme.user_inherited_roles_plus_current_role,
        ["Owner", "Admin", "Member"]
    );
    assert_eq!(
        acme.org_role_structure,
        OrgRoleStructure::SingleRoleInHierarchy
    );
    assert_eq!(acme.legacy_org_id.as_deref(), Some("legacy-org-a"));
    assert_eq!(
        user.get_org_by_name("Acme Inc").map(|org| &org.org_id),
        Some(&"org-a".to_owned())
    );
    assert_eq!(
        user.get_org_by_name("acme").map(|org| &org.org_id),
        Some(&"org-a".to_owned())
    );
    assert!(user.get_org_by_name("ACME").is_none());

    let beta = user.get_org("org-b").unwrap();
    assert_eq!(beta.org_role_structure, OrgRoleStructure::MultiRole);
    assert_eq!(beta.assigned_additional_roles, ["Reviewer"]);
}

#[test]
fn the_active_org_form_sets_the_active_org() {
    let token = TokenBuilder::new("u1")
        .active_org(OrgClaim::new("org-a", "Acme", "Admin"))
        .org(OrgClaim::new("org-b", "Beta", "Owner"))
        .sign();
    let user = auth().validate_access_token(&token).unwrap();
    assert_eq!(user.get_active_org_id(), Some("org-a"));
    assert_eq!(
        user.get_active_org()
            .map(|org| org.user_assigned_role.as_str()),
        Some("Admin")
    );
    assert_eq!(
        user.get_orgs().len(),
        1,
        "org_member_info wins over the map"
    );
}

#[test]
fn user_serializes_with_fastapi_names_and_reads_both_name_sets() {
    let user = auth().validate_access_token(&full_token().sign()).unwrap();
    let json = serde_json::to_value(&user).unwrap();
    let acme = &json["org_id_to_org_member_info"]["org-a"];
    assert_eq!(acme["user_assigned_role"], "Owner");
    assert_eq!(
        acme["user_inherited_roles_plus_current_role"],
        json!(["Owner", "Admin", "Member"])
    );
    assert_eq!(
        json["org_id_to_org_member_info"]["org-b"]["assigned_additional_roles"],
        json!(["Reviewer"])
    );
    assert_eq!(acme["org_role_structure"], "single_role_in_hierarchy");
    assert!(acme.get("user_role").is_none());
    assert_eq!(
        json["login_method"],
        json!({"login_method": "social_sso", "provider": "GitHub"})
    );
    assert_eq!(json["active_org_id"], serde_json::Value::Null);

    let round_trip: User = serde_json::from_value(json).unwrap();
    assert_eq!(round_trip, *user);

    let from_claims: User =
        serde_json::from_value(serde_json::Value::Object(full_token().claims().clone())).unwrap();
    assert_eq!(from_claims, *user);

    let member: OrgMemberInfo =
        serde_json::from_value(serde_json::to_value(user.get_org("org-a")).unwrap()).unwrap();
    assert_eq!(&member, user.get_org("org-a").unwrap());
}

#[test]
fn login_methods_parse_and_serialize_in_the_claim_form() {
    let cases = [
        (json!({"login_method": "password"}), LoginMethod::Password),
        (
            json!({"login_method": "magic_link"}),
            LoginMethod::MagicLink,
        ),
        (
            json!({"login_method": "email_confirmation_link"}),
            LoginMethod::EmailConfirmationLink,
        ),
        (
            json!({"login_method": "impersonation"}),
            LoginMethod::Impersonation,
        ),
        (
            json!({"login_method": "generated_from_backend_api"}),
            LoginMethod::GeneratedFromBackendApi,
        ),
        (
            json!({"login_method": "social_sso", "provider": "QuickBooks Online"}),
            LoginMethod::SocialSso {
                provider: SocialProvider::QuickBooksOnline,
            },
        ),
        (
            json!({"login_method": "saml_sso", "provider": "Azure", "org_id": "org-1"}),
            LoginMethod::SamlSso {
                provider: SamlProvider::Azure,
                org_id: "org-1".into(),
            },
        ),
    ];
    for (claim, method) in cases {
        assert_eq!(
            serde_json::from_value::<LoginMethod>(claim.clone()).unwrap(),
            method
        );
        assert_eq!(serde_json::to_value(&method).unwrap(), claim);
        assert_eq!(method.name(), claim["login_method"]);
    }
    // The list API docs use: every method without details, each once, each read back as
    // itself from its name alone.
    let plain = LoginMethod::WITHOUT_DETAILS;
    assert_eq!(plain.len(), 6);
    for method in plain {
        let claim = json!({ "login_method": method.name() });
        assert_eq!(serde_json::to_value(method).unwrap(), claim);
        assert_eq!(
            &serde_json::from_value::<LoginMethod>(claim).unwrap(),
            method
        );
        assert_eq!(plain.iter().filter(|other| *other == method).count(), 1);
    }
    for unknown in [
        json!({"login_method": "social_sso", "provider": "Myspace"}),
        json!({"login_method": "saml_sso", "provider": "Okta"}),
        json!({"login_method": "telepathy"}),
        json!({"provider": "Google"}),
        json!("password"),
        json!(null),
        json!([1]),
    ] {
        assert_eq!(
            serde_json::from_value::<LoginMethod>(unknown).unwrap(),
            LoginMethod::Unknown
        );
    }
    assert_eq!(
        serde_json::to_value(LoginMethod::Unknown).unwrap(),
        json!({"login_method": "unknown"})
    );
}

fn org(structure: OrgRoleStructure) -> OrgMemberInfo {
    OrgMemberInfo {
        org_id: "org-1".into(),
        org_name: "Acme".into(),
        url_safe_org_name: "acme".into(),
        org_metadata: Default::default(),
        user_assigned_role: "Admin".into(),
        user_inherited_roles_plus_current_role: vec!["Admin".into(), "Member".into()],
        user_permissions: vec!["read".into(), "write".into()],
        org_role_structure: structure,
        assigned_additional_roles: vec!["Billing".into()],
        legacy_org_id: None,
    }
}

#[test]
fn single_role_hierarchy_semantics() {
    let admin = org(OrgRoleStructure::SingleRoleInHierarchy);
    assert!(admin.user_is_role("Admin"));
    assert!(!admin.user_is_role("Member"));
    assert!(
        !admin.user_is_role("Billing"),
        "additional roles do not count in a hierarchy"
    );
    assert!(admin.user_is_at_least_role("Member"));
    assert!(admin.user_is_at_least_role("Admin"));
    assert!(!admin.user_is_at_least_role("Owner"));
    assert!(!admin.user_is_at_least_role("admin"), "case-sensitive");
    assert!(!admin.user_is_at_least_role("Unknown"));
}

#[test]
fn multi_role_semantics() {
    let multi = org(OrgRoleStructure::MultiRole);
    assert!(multi.user_is_role("Admin"));
    assert!(multi.user_is_role("Billing"));
    assert!(!multi.user_is_role("Member"), "no hierarchy in multi-role");
    assert!(multi.user_is_at_least_role("Billing"));
    assert!(!multi.user_is_at_least_role("Member"));
}

#[test]
fn permission_semantics() {
    let info = org(OrgRoleStructure::SingleRoleInHierarchy);
    assert!(info.user_has_permission("read"));
    assert!(!info.user_has_permission("Read"));
    assert!(info.user_has_all_permissions(&["read", "write"]));
    assert!(!info.user_has_all_permissions(&["read", "admin"]));
    assert!(info.user_has_all_permissions::<&str>(&[]));
}

#[test]
fn user_helpers_are_false_outside_the_org() {
    let user = auth().validate_access_token(&full_token().sign()).unwrap();
    assert!(user.is_role_in_org("org-a", "Owner"));
    assert!(user.is_at_least_role_in_org("org-a", "Member"));
    assert!(user.has_permission_in_org("org-a", "can_view_billing"));
    assert!(user.has_all_permissions_in_org::<&str>("org-a", &[]));
    assert!(!user.is_role_in_org("org-x", "Owner"));
    assert!(!user.is_at_least_role_in_org("org-x", "Member"));
    assert!(!user.has_permission_in_org("org-x", "can_view_billing"));
    assert!(!user.has_all_permissions_in_org::<&str>("org-x", &[]));
}

#[test]
fn org_checks_return_the_membership_or_the_exact_forbidden_reason() {
    let auth = auth();
    let user = auth.validate_access_token(&full_token().sign()).unwrap();
    assert_eq!(
        auth.require_org_member(&user, "org-a").unwrap().org_id,
        "org-a"
    );
    let forbidden = |result: Result<&OrgMemberInfo, propelauth_core::ForbiddenError>| {
        result.unwrap_err().reason().to_string()
    };
    assert_eq!(
        forbidden(auth.require_org_member(&user, "")),
        "Required org is unspecified"
    );
    assert_eq!(
        forbidden(auth.require_org_member(&user, "org-x")),
        "User is not a member of org org-x"
    );
    assert_eq!(
        forbidden(auth.require_org_member_with_minimum_role(&user, "org-b", "Owner")),
        "User doesn't have required role"
    );
    assert_eq!(
        forbidden(auth.require_org_member_with_exact_role(&user, "org-a", "Admin")),
        "User doesn't have required role"
    );
    assert_eq!(
        forbidden(auth.require_org_member_with_permission(&user, "org-b", "can_view_billing")),
        "User doesn't have required permission"
    );
    assert_eq!(
        forbidden(auth.require_org_member_with_all_permissions(
            &user,
            "org-a",
            &["can_view_billing", "x"]
        )),
        "User doesn't have required permission"
    );
    assert!(
        auth.require_org_member_with_minimum_role(&user, "org-a", "Admin")
            .is_ok()
    );
    assert!(
        auth.require_org_member_with_exact_role(&user, "org-b", "Reviewer")
            .is_ok()
    );
    assert!(
        auth.require_org_member_with_all_permissions(&user, "org-a", &[])
            .is_ok()
    );
    let not_member = auth.require_org_member_with_all_permissions(&user, "org-x", &[]);
    assert_eq!(
        not_member.unwrap_err().reason(),
        &ForbiddenReason::NotAMember {
            org_id: "org-x".into()
        }
    );
}

#[test]
fn rejections_render_as_the_spec_says() {
    let plain = auth();
    let debug = auth_with(|options| options.debug(true));
    let user = plain.validate_access_token(&full_token().sign()).unwrap();

    let missing = plain
        .validate_authorization_header(None)
        .unwrap_err()
        .rejection();
    assert_eq!(
        (
            missing.status,
            missing.body.as_ref(),
            missing.www_authenticate
        ),
        (401, r#"{"detail":"Unauthorized"}"#, Some("Bearer"))
    );
    let missing_debug = debug
        .validate_authorization_header(None)
        .unwrap_err()
        .rejection();
    assert_eq!(
        missing_debug.body,
        r#"{"detail":"No authorization header found"}"#
    );

    let expired = TokenBuilder::new("u1").expires_in(-3600).sign();
    let header = format!("Bearer {expired}");
    let invalid = plain
        .validate_authorization_header(Some(header.as_bytes()))
        .unwrap_err()
        .rejection();
    assert_eq!(
        invalid.www_authenticate,
        Some(r#"Bearer error="invalid_token""#)
    );
    assert_eq!(invalid.body, r#"{"detail":"Unauthorized"}"#);
    let invalid_debug = debug
        .validate_authorization_header(Some(header.as_bytes()))
        .unwrap_err()
        .rejection();
    assert_eq!(
        invalid_debug.body,
        r#"{"detail":"Invalid access token: the token has expired"}"#
    );

    let forbidden = plain
        .require_org_member(&user, "org-x")
        .unwrap_err()
        .rejection();
    assert_eq!(
        (
            forbidden.status,
            forbidden.body.as_ref(),
            forbidden.www_authenticate
        ),
        (403, r#"{"detail":"Forbidden"}"#, None)
    );
    let forbidden_debug = debug
        .require_org_member(&user, "org-\"x")
        .unwrap_err()
        .rejection();
    assert_eq!(
        forbidden_debug.body,
        r#"{"detail":"User is not a member of org org-\"x"}"#
    );

    assert_eq!(detail_body("line\nbreak"), r#"{"detail":"line\nbreak"}"#);
    let setup = Rejection::missing_setup("install the auth layer");
    assert_eq!(
        (setup.status, setup.body.as_ref()),
        (500, r#"{"detail":"install the auth layer"}"#)
    );
}

#[test]
fn rejection_reasons_are_logged_but_tokens_never_are() {
    let auth = auth();
    let builder = TokenBuilder::new("u1");
    let mut tokens: Vec<String> = TokenVariant::HOSTILE
        .iter()
        .map(|variant| builder.sign_variant(*variant))
        .collect();
    tokens.push(builder.clone().expires_in(-3600).sign());
    tokens.push(builder.clone().without_claim("user_id").sign());
    let logs = log_capture::captured_logs(|| {
        for token in &tokens {
            let header = format!("Bearer {token}");
            let _ = auth.validate_authorization_header(Some(header.as_bytes()));
            let _ = auth.validate_access_token(token);
        }
        let _ = auth.validate_authorization_header(Some(b"Token secret-token-value"));
    });
    assert!(logs.contains("the token has expired"), "{logs}");
    assert!(logs.contains("the signature does not match"), "{logs}");
    assert!(logs.contains("Invalid payload in token"), "{logs}");
    for token in &tokens {
        for segment in token.split('.').filter(|segment| segment.len() > 8) {
            assert!(
                !logs.contains(segment),
                "a token segment reached the logs:\n{logs}"
            );
        }
    }
    assert!(!logs.contains("secret-token-value"), "{logs}");
    assert!(!logs.contains(TEST_API_KEY), "{logs}");
}

#[test]
fn only_a_token_without_user_id_is_an_invalid_payload() {
    let acme = || OrgClaim::new("org-1", "Acme", "Owner");
    for token in [
        TokenBuilder::new("u1").without_claim("user_id").sign(),
        TokenBuilder::new("u1").claim("user_id", json!(null)).sign(),
    ] {
        assert_eq!(
            reason(&token),
            UnauthorizedReason::InvalidPayload("`user_id` is required".into())
        );
    }
    let not_a_user = [
        (
            "org entry without org_name",
            TokenBuilder::new("u1").org(acme().without_field("org_name")),
        ),
        (
            "active org without user_permissions",
            TokenBuilder::new("u1").active_org(acme().without_field("user_permissions")),
        ),
        (
            "unknown role structure",
            TokenBuilder::new("u1").org(acme().field("org_role_structure", json!("flat"))),
        ),
        (
            "user_id not a string",
            TokenBuilder::new("u1").claim("user_id", json!(7)),
        ),
        (
            "email not a string",
            TokenBuilder::new("u1").claim("email", json!(5)),
        ),
    ];
    let debug = auth_with(|options| options.debug(true));
    for (name, builder) in not_a_user {
        let token = builder.sign();
        assert!(
            matches!(
                reason(&token),
                UnauthorizedReason::InvalidToken(TokenError::InvalidClaims(_))
            ),
            "{name}: {:?}",
            reason(&token)
        );
        let rejection = debug.validate_access_token(&token).unwrap_err().rejection();
        let body: serde_json::Value = serde_json::from_str(&rejection.body).unwrap();
        let detail = body["detail"].as_str().unwrap();
        assert!(
            detail.starts_with("Invalid access token: invalid claims: "),
            "{name}: {detail}"
        );
        assert_eq!(
            rejection.www_authenticate,
            Some(r#"Bearer error="invalid_token""#)
        );
    }
}

/// A token whose unverified header carries `alg`; the signature is never checked.
fn token_with_alg(alg: &str) -> String {
    use base64::Engine;
    let encode = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let header = serde_json::to_vec(&json!({ "alg": alg })).unwrap();
    format!(
        "{}.{}.AAAA",
        encode(&header),
        encode(br#"{"user_id":"u1"}"#)
    )
}

#[test]
fn an_untrusted_alg_is_shown_escaped_and_bounded() {
    let alg = format!("\u{1b}[31mRS256\nERROR forged{}", "x".repeat(100));
    let token = token_with_alg(&alg);
    // The first 24 characters, escaped, and a mark that the value was cut.
    let shown = r#""\u{1b}[31mRS256\nERROR forgedx...""#;
    let expected =
        format!("Invalid access token: algorithm {shown} is not accepted; only RS256 is");

    match reason(&token) {
        UnauthorizedReason::InvalidToken(TokenError::UnsupportedAlgorithm(kept)) => {
            assert!(
                alg.starts_with(&kept) && kept.chars().count() == 25,
                "{kept:?}"
            );
        }
        other => panic!("{other:?}"),
    }

    let debug = auth_with(|options| options.debug(true));
    let header = format!("Bearer {token}");
    let mut rejection = None;
    let logs = log_capture::captured_logs(|| {
        rejection = Some(
            debug
                .validate_authorization_header(Some(header.as_bytes()))
                .unwrap_err()
                .rejection(),
        );
    });
    // The capture holds the rejection line (so the checks below are not vacuous)...
    let line = logs
        .lines()
        .find(|line| line.contains("rejected with 401"))
        .unwrap_or_else(|| panic!("no rejection line in {logs:?}"));
    assert!(line.contains(&expected), "{line}");
    // ...and the value could neither start a line of its own nor send a terminal escape.
    assert_eq!(logs.lines().count(), 1, "{logs:?}");
    assert!(!logs.contains('\u{1b}'), "{logs:?}");

    let body: serde_json::Value = serde_json::from_str(&rejection.unwrap().body).unwrap();
    let detail = body["detail"].as_str().unwrap();
    assert_eq!(detail, expected);
    assert!(!detail.chars().any(char::is_control), "{detail:?}");

    // Short values are shown whole; quotes and backslashes stay readable.
    let quoted = reason(&token_with_alg(r#"H"S\256"#)).to_string();
    assert!(
        quoted.contains(r#"algorithm "H\"S\\256" is not"#),
        "{quoted}"
    );
    let unicode = reason(&token_with_alg("RS\u{202e}652")).to_string();
    assert!(unicode.contains(r#""RS\u{202e}652""#), "{unicode}");
}

#[test]
fn a_claim_quoted_in_a_parser_message_is_escaped() {
    // serde quotes an unknown variant as it is: the message is escaped before it is kept.
    let structure = format!("\u{1b}[2J\nflat{}", "y".repeat(400));
    let token = TokenBuilder::new("u1")
        .org(OrgClaim::new("org-1", "Acme", "Owner").field("org_role_structure", json!(structure)))
        .sign();
    let UnauthorizedReason::InvalidToken(TokenError::InvalidClaims(message)) = reason(&token)
    else {
        panic!("{:?}", reason(&token));
    };
    assert!(
        message.contains(r"unknown variant `\u{1b}[2J\nflatyyy"),
        "{message}"
    );
    assert!(message.ends_with("..."), "{message}");
    assert!(
        message.matches('y').count() < 256,
        "cut after 256 characters: {message}"
    );
    let debug = auth_with(|options| options.debug(true));
    let body = debug
        .validate_access_token(&token)
        .unwrap_err()
        .rejection()
        .body;
    assert!(
        body.bytes().all(|byte| (b' '..=b'~').contains(&byte)),
        "{body}"
    );
}

#[test]
fn an_org_id_from_the_request_is_shown_escaped() {
    let debug = auth_with(|options| options.debug(true));
    let user = debug.validate_access_token(&full_token().sign()).unwrap();
    // Frameworks percent-decode path segments: `%0A`, `%1B` arrive as bytes.
    let org_id = "org\n2026-01-01 INFO forged\u{1b}[2J";
    let mut rejection = None;
    let logs = log_capture::captured_logs(|| {
        rejection = Some(
            debug
                .require_org_member(&user, org_id)
                .unwrap_err()
                .rejection(),
        );
    });
    let expected = r"User is not a member of org org\n2026-01-01 INFO forged\u{1b}[2J";
    let line = logs
        .lines()
        .find(|line| line.contains("rejected with 403"))
        .unwrap_or_else(|| panic!("no rejection line in {logs:?}"));
    assert!(line.contains(expected), "{line}");
    assert_eq!(logs.lines().count(), 1, "{logs:?}");
    assert!(!logs.contains('\u{1b}'), "{logs:?}");
    let body: serde_json::Value = serde_json::from_str(&rejection.unwrap().body).unwrap();
    assert_eq!(body["detail"], expected);
    // The reason keeps the id as it was, for code that reads it.
    let error = debug.require_org_member(&user, org_id).unwrap_err();
    assert_eq!(
        error.reason(),
        &ForbiddenReason::NotAMember {
            org_id: org_id.to_owned()
        }
    );
}
