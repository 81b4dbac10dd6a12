//! The authenticated user (built from the token's claims) and how they logged in.

use std::collections::BTreeMap;

use std::fmt;

use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::org::{OrgMemberInfo, OrgRoleStructure};

/// The user an access token was issued to.
///
/// Serializes with the field names of PropelAuth's FastAPI library (`user_id`,
/// `org_id_to_org_member_info`, `active_org_id`, ...); deserializes from those and from the
/// token's claims (including the single-org `org_member_info` form).
///
/// ```
/// # use propelauth_core::User;
/// let user: User = serde_json::from_value(serde_json::json!({
///     "user_id": "3e2c0a53-1a2b-4c4d-8e8f-0a1b2c3d4e5f",
///     "email": "ada@example.com",
///     "org_id_to_org_member_info": {
///         "org-1": {
///             "org_id": "org-1", "org_name": "Acme", "url_safe_org_name": "acme",
///             "org_metadata": {}, "user_role": "Admin",
///             "inherited_user_roles_plus_current_role": ["Admin", "Member"],
///             "user_permissions": ["can_view_billing"]
///         }
///     }
/// }))?;
/// assert!(user.is_at_least_role_in_org("org-1", "Member"));
/// assert!(!user.is_role_in_org("org-1", "Member"));
/// assert!(user.has_permission_in_org("org-1", "can_view_billing"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "UserClaims")]
pub struct User {
    /// The user's id.
    pub user_id: String,
    /// The user's organizations, by org id.
    pub org_id_to_org_member_info: BTreeMap<String, OrgMemberInfo>,
    /// The user's email address.
    pub email: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Username.
    pub username: Option<String>,
    /// Custom user properties configured in PropelAuth.
    pub properties: Option<Map<String, Value>>,
    /// The `metadata` claim, kept as raw JSON (not part of the FastAPI library's model).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// The user's id in a system migrated from, if any.
    pub legacy_user_id: Option<String>,
    /// Set when an employee is impersonating this user.
    pub impersonator_user_id: Option<String>,
    /// How the user logged in.
    pub login_method: LoginMethod,
    /// The org the token was minted for (tokens with the `org_member_info` claim).
    pub active_org_id: Option<String>,
}

impl User {
    /// Whether an employee is impersonating this user.
    pub fn is_impersonated(&self) -> bool {
        self.impersonator_user_id.is_some()
    }

    /// The membership of the org the token was minted for, if any.
    pub fn get_active_org(&self) -> Option<&OrgMemberInfo> {
        self.active_org_id
            .as_deref()
            .and_then(|id| self.get_org(id))
    }

    /// The id of the org the token was minted for, if any.
    pub fn get_active_org_id(&self) -> Option<&str> {
        self.active_org_id.as_deref()
    }

    /// The user's membership of org `org_id`, if they are a member.
    pub fn get_org(&self, org_id: &str) -> Option<&OrgMemberInfo> {
        self.org_id_to_org_member_info.get(org_id)
    }

    /// The user's membership of the org named `name` (its `org_name` or `url_safe_org_name`).
    pub fn get_org_by_name(&self, name: &str) -> Option<&OrgMemberInfo> {
        self.org_id_to_org_member_info
            .values()
            .find(|org| org.org_name == name || org.url_safe_org_name == name)
    }

    /// The custom property `name`, if set.
    pub fn get_user_property(&self, name: &str) -> Option<&Value> {
        self.properties
            .as_ref()
            .and_then(|properties| properties.get(name))
    }

    /// Every org the user is a member of, ordered by org id.
    pub fn get_orgs(&self) -> Vec<&OrgMemberInfo> {
        self.org_id_to_org_member_info.values().collect()
    }

    /// Whether the user has exactly role `role` in org `org_id` (false when not a member).
    pub fn is_role_in_org(&self, org_id: &str, role: &str) -> bool {
        self.get_org(org_id)
            .is_some_and(|org| org.user_is_role(role))
    }

    /// Whether the user has at least role `role` in org `org_id` (false when not a member).
    pub fn is_at_least_role_in_org(&self, org_id: &str, role: &str) -> bool {
        self.get_org(org_id)
            .is_some_and(|org| org.user_is_at_least_role(role))
    }

    /// Whether the user has permission `permission` in org `org_id` (false when not a member).
    pub fn has_permission_in_org(&self, org_id: &str, permission: &str) -> bool {
        self.get_org(org_id)
            .is_some_and(|org| org.user_has_permission(permission))
    }

    /// Whether the user has every one of `permissions` in org `org_id` (false when not a
    /// member, true for an empty list when a member).
    pub fn has_all_permissions_in_org<S: AsRef<str>>(
        &self,
        org_id: &str,
        permissions: &[S],
    ) -> bool {
        self.get_org(org_id)
            .is_some_and(|org| org.user_has_all_permissions(permissions))
    }
}

/// The wire form of a user: the token's claims, or a serialized [`User`]. Both name sets are
/// accepted; the time claims are read too so that token validation parses the payload once.
#[derive(Deserialize)]
pub(crate) struct UserClaims {
    #[serde(default)]
    pub(crate) exp: Option<Value>,
    #[serde(default)]
    pub(crate) iat: Option<Value>,
    #[serde(default)]
    pub(crate) nbf: Option<Value>,
    #[serde(default)]
    pub(crate) iss: Option<Value>,
    user_id: String,
    #[serde(default, deserialize_with = "members_with_a_role")]
    org_id_to_org_member_info: BTreeMap<String, OrgMemberInfo>,
    #[serde(default)]
    org_member_info: Option<OrgMemberClaims>,
    #[serde(default)]
    active_org_id: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    properties: Option<Map<String, Value>>,
    #[serde(default)]
    metadata: Option<Value>,
    #[serde(default)]
    legacy_user_id: Option<String>,
    #[serde(default)]
    impersonator_user_id: Option<String>,
    #[serde(default)]
    login_method: LoginMethod,
}

/// An org entry of the claims. `user_role` must be present but may be null: such an org is
/// dropped from the user's orgs.
#[derive(Deserialize)]
struct OrgMemberClaims {
    org_id: String,
    org_name: String,
    url_safe_org_name: String,
    org_metadata: Map<String, Value>,
    #[serde(alias = "user_assigned_role", deserialize_with = "Option::deserialize")]
    user_role: Option<String>,
    #[serde(alias = "user_inherited_roles_plus_current_role")]
    inherited_user_roles_plus_current_role: Vec<String>,
    user_permissions: Vec<String>,
    #[serde(default)]
    org_role_structure: OrgRoleStructure,
    #[serde(default, alias = "assigned_additional_roles")]
    additional_roles: Vec<String>,
    #[serde(default)]
    legacy_org_id: Option<String>,
}

/// Reads `org_id_to_org_member_info` (absent or `null`: no orgs) straight into the final map,
/// dropping the orgs whose role is `null`.
pub(crate) fn members_with_a_role<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, OrgMemberInfo>, D::Error> {
    struct Members;

    impl<'de> Visitor<'de> for Members {
        type Value = BTreeMap<String, OrgMemberInfo>;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a map of org id to org member info, or null")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }

        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_map(self)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut members = BTreeMap::new();
            while let Some((org_id, org)) = map.next_entry::<String, OrgMemberClaims>()? {
                if let Some(member) = org.into_member_info() {
                    members.insert(org_id, member);
                }
            }
            Ok(members)
        }
    }

    deserializer.deserialize_option(Members)
}

impl OrgMemberClaims {
    fn into_member_info(self) -> Option<OrgMemberInfo> {
        Some(OrgMemberInfo {
            org_id: self.org_id,
            org_name: self.org_name,
            url_safe_org_name: self.url_safe_org_name,
            org_metadata: self.org_metadata,
            user_assigned_role: self.user_role?,
            user_inherited_roles_plus_current_role: self.inherited_user_roles_plus_current_role,
            user_permissions: self.user_permissions,
            org_role_structure: self.org_role_structure,
            assigned_additional_roles: self.additional_roles,
            legacy_org_id: self.legacy_org_id,
        })
    }
}

impl From<UserClaims> for User {
    fn from(claims: UserClaims) -> Self {
        // A token minted for one active org carries `org_member_info`, which wins over the map.
        let (org_id_to_org_member_info, active_org_id) = match claims.org_member_info {
            Some(active) => {
                let member = active.into_member_info();
                let active_org_id = member.as_ref().map(|org| org.org_id.clone());
                let orgs = member
                    .map(|org| (org.org_id.clone(), org))
                    .into_iter()
                    .collect();
                (orgs, active_org_id)
            }
            None => (claims.org_id_to_org_member_info, claims.active_org_id),
        };
        User {
            user_id: claims.user_id,
            org_id_to_org_member_info,
            email: claims.email,
            first_name: claims.first_name,
            last_name: claims.last_name,
            username: claims.username,
            properties: claims.properties,
            metadata: claims.metadata,
            legacy_user_id: claims.legacy_user_id,
            impersonator_user_id: claims.impersonator_user_id,
            login_method: claims.login_method,
            active_org_id,
        }
    }
}

macro_rules! provider_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$variant_meta:meta])* $variant:ident = $wire:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$variant_meta])* $variant,)+
        }

        impl $name {
            /// Every known provider, in declaration order (API docs list their names).
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The name PropelAuth uses for this provider in `login_method`.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)+
                }
            }

            /// The provider PropelAuth names `name`, if it is a known one.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($wire => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

provider_enum! {
    /// Social login providers PropelAuth reports in `login_method`.
    SocialProvider {
        /// Google.
        Google = "Google",
        /// GitHub.
        GitHub = "GitHub",
        /// Microsoft.
        Microsoft = "Microsoft",
        /// Slack.
        Slack = "Slack",
        /// LinkedIn.
        LinkedIn = "LinkedIn",
        /// Salesforce.
        Salesforce = "Salesforce",
        /// Xero.
        Xero = "Xero",
        /// QuickBooks Online.
        QuickBooksOnline = "QuickBooks Online",
    }
}

provider_enum! {
    /// SAML identity providers PropelAuth reports in `login_method`.
    SamlProvider {
        /// Google Workspace.
        Google = "Google",
        /// Rippling.
        Rippling = "Rippling",
        /// OneLogin.
        OneLogin = "OneLogin",
        /// JumpCloud.
        JumpCloud = "JumpCloud",
        /// Okta.
        Okta = "Okta",
        /// Microsoft Entra ID (Azure AD).
        Azure = "Azure",
        /// Duo.
        Duo = "Duo",
        /// Any other SAML provider.
        Generic = "Generic",
    }
}

/// How the user logged in (the `login_method` claim).
///
/// Anything unrecognized, including a provider outside the known lists, is
/// [`LoginMethod::Unknown`]: never an error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoginMethod {
    /// Email and password.
    Password,
    /// A magic link.
    MagicLink,
    /// The link of an email-confirmation message.
    EmailConfirmationLink,
    /// Social login.
    SocialSso {
        /// The provider.
        provider: SocialProvider,
    },
    /// Enterprise SAML SSO.
    SamlSso {
        /// The identity provider.
        provider: SamlProvider,
        /// The org whose SAML connection was used.
        org_id: String,
    },
    /// An employee impersonating the user.
    Impersonation,
    /// A token created with the backend API (`create_access_token`).
    GeneratedFromBackendApi,
    /// Not a token: the request carried the user's personal end-user API key, accepted
    /// because the handle was initialized with
    /// [`accept_personal_api_keys(true)`](crate::AuthOptions::accept_personal_api_keys).
    /// Serializes as `{"login_method": "personal_api_key", "api_key_metadata": {...}}`.
    PersonalApiKey {
        /// The custom metadata attached to the key (scopes, labels...), when it has some.
        metadata: Option<Map<String, Value>>,
    },
    /// Absent or not recognized.
    #[default]
    Unknown,
}

/// The claim's JSON shape: `{"login_method": "...", "provider": "...", "org_id": "..."}`.
#[derive(Serialize)]
struct LoginMethodClaim {
    login_method: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    org_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_key_metadata: Option<Map<String, Value>>,
}

impl LoginMethod {
    /// The methods that carry nothing but their name, in the order API docs list them (the
    /// other methods name a provider, an org or a key's metadata besides).
    ///
    /// ```
    /// use propelauth_core::LoginMethod;
    /// let names: Vec<&str> = LoginMethod::WITHOUT_DETAILS.iter().map(LoginMethod::name).collect();
    /// assert_eq!(names[0], "password");
    /// assert!(names.contains(&"unknown"));
    /// ```
    pub const WITHOUT_DETAILS: &'static [Self] = &[
        Self::Password,
        Self::MagicLink,
        Self::EmailConfirmationLink,
        Self::Impersonation,
        Self::GeneratedFromBackendApi,
        Self::Unknown,
    ];

    /// The method's name in the token's `login_method` claim: `"password"`, `"magic_link"`,
    /// `"social_sso"`, `"saml_sso"`, `"personal_api_key"`, ... (`"unknown"` for
    /// [`LoginMethod::Unknown`]). For logs and metrics, without the details.
    ///
    /// ```
    /// use propelauth_core::{LoginMethod, SocialProvider};
    /// let google = LoginMethod::SocialSso { provider: SocialProvider::Google };
    /// assert_eq!(google.name(), "social_sso");
    /// assert_eq!(LoginMethod::MagicLink.name(), "magic_link");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::MagicLink => "magic_link",
            Self::EmailConfirmationLink => "email_confirmation_link",
            Self::Impersonation => "impersonation",
            Self::GeneratedFromBackendApi => "generated_from_backend_api",
            Self::Unknown => "unknown",
            Self::SocialSso { .. } => "social_sso",
            Self::SamlSso { .. } => "saml_sso",
            Self::PersonalApiKey { .. } => "personal_api_key",
        }
    }

    fn from_claim(claim: LoginMethodClaim) -> Self {
        let name = claim.login_method.as_str();
        if let Some(method) = Self::WITHOUT_DETAILS
            .iter()
            .find(|plain| plain.name() == name)
        {
            return method.clone();
        }
        let provider = claim.provider.as_deref();
        match name {
            "personal_api_key" => Self::PersonalApiKey {
                metadata: claim.api_key_metadata,
            },
            "social_sso" => provider
                .and_then(SocialProvider::from_name)
                .map_or(Self::Unknown, |provider| Self::SocialSso { provider }),
            "saml_sso" => match (provider.and_then(SamlProvider::from_name), claim.org_id) {
                (Some(provider), Some(org_id)) => Self::SamlSso { provider, org_id },
                _ => Self::Unknown,
            },
            _ => Self::Unknown,
        }
    }

    fn to_claim(&self) -> LoginMethodClaim {
        let (provider, org_id, api_key_metadata) = match self {
            Self::SocialSso { provider } => (Some(provider.as_str()), None, None),
            Self::SamlSso { provider, org_id } => {
                (Some(provider.as_str()), Some(org_id.clone()), None)
            }
            Self::PersonalApiKey { metadata } => (None, None, metadata.clone()),
            _ => (None, None, None),
        };
        LoginMethodClaim {
            login_method: self.name().to_owned(),
            provider: provider.map(str::to_owned),
            org_id,
            api_key_metadata,
        }
    }
}

impl Serialize for LoginMethod {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_claim().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for LoginMethod {
    /// Never fails on well-formed JSON: anything unrecognized is `Unknown`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LoginMethodVisitor)
    }
}

/// Reads the claim without building a `serde_json::Value`; any shape but an object with
/// string fields is `Unknown`.
struct LoginMethodVisitor;

impl LoginMethodVisitor {
    fn unknown<E>(self) -> Result<LoginMethod, E> {
        Ok(LoginMethod::Unknown)
    }
}

impl<'de> Visitor<'de> for LoginMethodVisitor {
    type Value = LoginMethod;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a login method object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LoginMethod, A::Error> {
        let mut claim = LoginMethodClaim {
            login_method: String::new(),
            provider: None,
            org_id: None,
            api_key_metadata: None,
        };
        let mut named = false;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "api_key_metadata" {
                claim.api_key_metadata = map.next_value::<OptionalObject>()?.0;
                continue;
            }
            let text = map.next_value::<OptionalText>()?.0;
            match (key.as_ref(), text) {
                ("login_method", Some(text)) => {
                    claim.login_method = text;
                    named = true;
                }
                ("provider", text) => claim.provider = text,
                ("org_id", text) => claim.org_id = text,
                _ => {}
            }
        }
        Ok(if named {
            LoginMethod::from_claim(claim)
        } else {
            LoginMethod::Unknown
        })
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<LoginMethod, E> {
        self.unknown()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<LoginMethod, E> {
        self.unknown()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<LoginMethod, E> {
        self.unknown()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<LoginMethod, E> {
        self.unknown()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<LoginMethod, E> {
        self.unknown()
    }
    fn visit_unit<E: de::Error>(self) -> Result<LoginMethod, E> {
        self.unknown()
    }
    fn visit_none<E: de::Error>(self) -> Result<LoginMethod, E> {
        self.unknown()
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<LoginMethod, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<LoginMethod, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.unknown()
    }
}

/// A JSON value kept when it is an object; any other value is skipped and read as `None`.
struct OptionalObject(Option<Map<String, Value>>);

impl<'de> Deserialize<'de> for OptionalObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Object(object) => Ok(Self(Some(object))),
            _ => Ok(Self(None)),
        }
    }
}

/// A JSON value kept when it is a string; any other value is skipped and read as `None`.
struct OptionalText(Option<String>);

impl<'de> Deserialize<'de> for OptionalText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(text) => Ok(Self(Some(text))),
            _ => Ok(Self(None)),
        }
    }
}
