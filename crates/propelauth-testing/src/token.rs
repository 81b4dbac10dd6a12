//! Minting access tokens: real RS256 tokens signed with the committed test key, and the
//! hostile variants an application must reject.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Map, Value, json};

use crate::{OTHER_PRIVATE_KEY_PEM, TEST_ISSUER, TEST_PRIVATE_KEY_PEM, TEST_PUBLIC_KEY_PEM};

/// Seconds since the Unix epoch, now.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}

/// One organization entry of a token (the claim names PropelAuth uses).
///
/// ```
/// use propelauth_testing::OrgClaim;
/// let org = OrgClaim::new("org-1", "Acme", "Owner")
///     .inherited_roles(["Owner", "Admin", "Member"])
///     .permissions(["can_view_billing"]);
/// assert_eq!(org.to_json()["user_role"], "Owner");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct OrgClaim {
    claim: Map<String, Value>,
}

impl OrgClaim {
    /// Membership of org `org_id` (named `org_name`) with role `role`. The inherited roles
    /// default to `[role]`, the permissions to none, the URL-safe name to the lower-cased
    /// name, the metadata to `{}`.
    pub fn new(org_id: &str, org_name: &str, role: &str) -> Self {
        let claim = json!({
            "org_id": org_id,
            "org_name": org_name,
            "url_safe_org_name": org_name.to_lowercase().replace(' ', "-"),
            "org_metadata": {},
            "user_role": role,
            "inherited_user_roles_plus_current_role": [role],
            "user_permissions": [],
        });
        Self {
            claim: as_object(claim),
        }
    }

    /// The id of the org.
    pub fn org_id(&self) -> &str {
        self.claim
            .get("org_id")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The assigned role and every role below it (`inherited_user_roles_plus_current_role`).
    pub fn inherited_roles<'a>(self, roles: impl IntoIterator<Item = &'a str>) -> Self {
        self.field(
            "inherited_user_roles_plus_current_role",
            string_array(roles),
        )
    }

    /// The user's permissions in the org.
    pub fn permissions<'a>(self, permissions: impl IntoIterator<Item = &'a str>) -> Self {
        self.field("user_permissions", string_array(permissions))
    }

    /// Makes the org multi-role, with these additional roles.
    pub fn multi_role<'a>(self, additional_roles: impl IntoIterator<Item = &'a str>) -> Self {
        self.field("org_role_structure", json!("multi_role"))
            .field("additional_roles", string_array(additional_roles))
    }

    /// Sets `url_safe_org_name`.
    pub fn url_safe_name(self, name: &str) -> Self {
        self.field("url_safe_org_name", json!(name))
    }

    /// Sets `org_metadata`.
    pub fn metadata(self, metadata: Value) -> Self {
        self.field("org_metadata", metadata)
    }

    /// Sets `legacy_org_id`.
    pub fn legacy_org_id(self, legacy_org_id: &str) -> Self {
        self.field("legacy_org_id", json!(legacy_org_id))
    }

    /// Sets any key of the entry to any JSON value (`null` included).
    pub fn field(mut self, name: &str, value: Value) -> Self {
        self.claim.insert(name.to_owned(), value);
        self
    }

    /// Removes a key of the entry (to build payloads missing a required key).
    pub fn without_field(mut self, name: &str) -> Self {
        self.claim.remove(name);
        self
    }

    /// The entry as JSON.
    pub fn to_json(&self) -> Value {
        Value::Object(self.claim.clone())
    }
}

/// A hostile or broken form of a token, each of which a correct validator rejects with 401
/// (except [`TokenVariant::Valid`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenVariant {
    /// RS256, signed with the test key.
    Valid,
    /// RS256, signed with an unrelated RSA key.
    WrongKey,
    /// HS256 whose HMAC secret is the public key PEM (the classic algorithm-confusion attack).
    Hs256WithPublicPem,
    /// `alg: none` with an empty signature.
    AlgNone,
    /// RS512, signed with the test key: right key, wrong algorithm.
    Rs512,
    /// Header says ES256; the signature is a valid RS256 one.
    Es256Header,
    /// A valid token whose payload was replaced afterwards (another user id).
    TamperedPayload,
    /// A valid token with the last characters of its signature cut off.
    TruncatedSignature,
}

impl TokenVariant {
    /// Every variant but `Valid`.
    pub const HOSTILE: [TokenVariant; 7] = [
        TokenVariant::WrongKey,
        TokenVariant::Hs256WithPublicPem,
        TokenVariant::AlgNone,
        TokenVariant::Rs512,
        TokenVariant::Es256Header,
        TokenVariant::TamperedPayload,
        TokenVariant::TruncatedSignature,
    ];
}

/// Builds access tokens with PropelAuth's claims.
///
/// Defaults: `iss` = [`TEST_ISSUER`], `iat` = now, `exp` = now + 1 hour, no orgs.
///
/// ```
/// use propelauth_testing::{TokenBuilder, TokenVariant};
/// let token = TokenBuilder::new("user-1").email("ada@example.com").expires_in(-90).sign();
/// assert_eq!(token.split('.').count(), 3);
/// let forged = TokenBuilder::new("user-1").sign_variant(TokenVariant::AlgNone);
/// assert!(forged.ends_with('.'));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TokenBuilder {
    claims: Map<String, Value>,
}

impl TokenBuilder {
    /// A token for user `user_id`.
    pub fn new(user_id: &str) -> Self {
        let now = unix_now();
        let claims = json!({
            "user_id": user_id,
            "iss": TEST_ISSUER,
            "iat": now,
            "exp": now + 3600,
            "login_method": {"login_method": "password"},
        });
        Self {
            claims: as_object(claims),
        }
    }

    /// Sets `email`.
    pub fn email(self, email: &str) -> Self {
        self.claim("email", json!(email))
    }

    /// Sets `first_name`.
    pub fn first_name(self, first_name: &str) -> Self {
        self.claim("first_name", json!(first_name))
    }

    /// Sets `last_name`.
    pub fn last_name(self, last_name: &str) -> Self {
        self.claim("last_name", json!(last_name))
    }

    /// Sets `username`.
    pub fn username(self, username: &str) -> Self {
        self.claim("username", json!(username))
    }

    /// Sets `legacy_user_id`.
    pub fn legacy_user_id(self, legacy_user_id: &str) -> Self {
        self.claim("legacy_user_id", json!(legacy_user_id))
    }

    /// Sets `impersonator_user_id` (the token then belongs to an impersonation session).
    pub fn impersonator_user_id(self, impersonator_user_id: &str) -> Self {
        self.claim("impersonator_user_id", json!(impersonator_user_id))
    }

    /// Adds an org to `org_id_to_org_member_info`.
    pub fn org(mut self, org: OrgClaim) -> Self {
        let orgs = self
            .claims
            .entry("org_id_to_org_member_info")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(orgs) = orgs {
            orgs.insert(org.org_id().to_owned(), org.to_json());
        }
        self
    }

    /// Makes the token one minted for a single active org (`org_member_info` claim).
    pub fn active_org(self, org: OrgClaim) -> Self {
        self.claim("org_member_info", org.to_json())
    }

    /// Sets `login_method`, e.g. `json!({"login_method": "social_sso", "provider": "Google"})`.
    pub fn login_method(self, login_method: Value) -> Self {
        self.claim("login_method", login_method)
    }

    /// Sets `properties`.
    pub fn properties(self, properties: Value) -> Self {
        self.claim("properties", properties)
    }

    /// Sets `metadata`.
    pub fn metadata(self, metadata: Value) -> Self {
        self.claim("metadata", metadata)
    }

    /// `exp` = now + `seconds` (negative: already expired).
    pub fn expires_in(self, seconds: i64) -> Self {
        self.claim("exp", json!(unix_now() + seconds))
    }

    /// `iat` = now + `seconds` (positive: issued in the future).
    pub fn issued_at_offset(self, seconds: i64) -> Self {
        self.claim("iat", json!(unix_now() + seconds))
    }

    /// `nbf` = now + `seconds`.
    pub fn not_before_offset(self, seconds: i64) -> Self {
        self.claim("nbf", json!(unix_now() + seconds))
    }

    /// Sets `iss`.
    pub fn issuer(self, issuer: &str) -> Self {
        self.claim("iss", json!(issuer))
    }

    /// Sets any claim to any JSON value.
    pub fn claim(mut self, name: &str, value: Value) -> Self {
        self.claims.insert(name.to_owned(), value);
        self
    }

    /// Removes a claim.
    pub fn without_claim(mut self, name: &str) -> Self {
        self.claims.remove(name);
        self
    }

    /// The claims as they will be signed.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// A valid RS256 token signed with [`TEST_PRIVATE_KEY_PEM`].
    pub fn sign(&self) -> String {
        self.sign_variant(TokenVariant::Valid)
    }

    /// The token in form `variant`.
    pub fn sign_variant(&self, variant: TokenVariant) -> String {
        let payload = Value::Object(self.claims.clone());
        match variant {
            TokenVariant::Valid => signed(&payload, "RS256", Algorithm::RS256, test_key()),
            TokenVariant::WrongKey => signed(&payload, "RS256", Algorithm::RS256, other_key()),
            TokenVariant::Hs256WithPublicPem => {
                let secret = EncodingKey::from_secret(TEST_PUBLIC_KEY_PEM.as_bytes());
                signed(&payload, "HS256", Algorithm::HS256, &secret)
            }
            TokenVariant::AlgNone => format!("{}.", unsigned_message(&payload, "none")),
            TokenVariant::Rs512 => signed(&payload, "RS512", Algorithm::RS512, test_key()),
            TokenVariant::Es256Header => signed(&payload, "ES256", Algorithm::RS256, test_key()),
            TokenVariant::TamperedPayload => {
                let token = self.sign();
                let mut forged = self.claims.clone();
                forged.insert("user_id".to_owned(), json!("someone-else"));
                let forged_payload = encode_segment(&Value::Object(forged));
                let mut segments = token.split('.');
                let header = segments.next().unwrap_or_default();
                let signature = segments.nth(1).unwrap_or_default();
                format!("{header}.{forged_payload}.{signature}")
            }
            TokenVariant::TruncatedSignature => {
                let mut token = self.sign();
                token.truncate(token.len() - 10);
                token
            }
        }
    }
}

fn string_array<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    Value::Array(items.into_iter().map(|item| json!(item)).collect())
}

fn as_object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn encode_segment(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// `base64url(header).base64url(payload)` with header `{"alg": alg, "typ": "JWT"}`.
fn unsigned_message(payload: &Value, header_alg: &str) -> String {
    let header = json!({"alg": header_alg, "typ": "JWT"});
    format!("{}.{}", encode_segment(&header), encode_segment(payload))
}

/// Signs with `algorithm` under a header that claims `header_alg` (they differ only for
/// forgeries).
// The keys are committed constants: failing to sign with them is a bug in this kit, not a
// condition a test could handle, so a panic with a clear message is the right answer.
#[allow(clippy::expect_used)]
fn signed(payload: &Value, header_alg: &str, algorithm: Algorithm, key: &EncodingKey) -> String {
    propelauth_core::install_jsonwebtoken_crypto_provider();
    let message = unsigned_message(payload, header_alg);
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), key, algorithm)
        .expect("signing with the committed test key failed");
    format!("{message}.{signature}")
}

#[allow(clippy::expect_used)]
fn test_key() -> &'static EncodingKey {
    static KEY: OnceLock<EncodingKey> = OnceLock::new();
    KEY.get_or_init(|| {
        EncodingKey::from_rsa_pem(TEST_PRIVATE_KEY_PEM.as_bytes())
            .expect("the committed test private key parses")
    })
}

#[allow(clippy::expect_used)]
fn other_key() -> &'static EncodingKey {
    static KEY: OnceLock<EncodingKey> = OnceLock::new();
    KEY.get_or_init(|| {
        EncodingKey::from_rsa_pem(OTHER_PRIVATE_KEY_PEM.as_bytes())
            .expect("the committed second private key parses")
    })
}

/// A token shaped like the ones PropelAuth mints for a real user: names, email, custom
/// properties and `org_count` orgs, each with a role, inherited roles, six permissions and
/// metadata. With one org it is about 1.4 KB. The benchmarks of every crate use it, so their
/// figures compare.
///
/// ```
/// let token = propelauth_testing::realistic_token(1).sign();
/// assert!((1300..=1500).contains(&token.len()));
/// ```
pub fn realistic_token(org_count: usize) -> TokenBuilder {
    let mut builder = TokenBuilder::new("31c41c16-c281-44ae-9602-8a047e3bf33d")
        .email("ada@analytical-engines.example")
        .first_name("Ada")
        .last_name("Lovelace")
        .properties(json!({
            "favorite_language": "rust",
            "newsletter_opt_in": true,
            "signup_source": "referral",
        }));
    for index in 0..org_count {
        let org = OrgClaim::new(
            &format!("1189c444-8a2d-4c41-8b4b-ae43ce79a{index:03}"),
            &format!("Acme Corporation {index}"),
            "Admin",
        )
        .inherited_roles(["Admin", "Member"])
        .permissions([
            "can_view_billing",
            "can_edit_billing",
            "can_view_reports",
            "can_export_reports",
            "can_invite_members",
            "can_manage_api_keys",
        ])
        .metadata(json!({"plan": "enterprise", "seats": 250}));
        builder = builder.org(org);
    }
    builder
}
