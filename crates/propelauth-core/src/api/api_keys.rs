//! End-user API key calls of the backend API (backend-api.md, "End-user API keys").
//!
//! These are the keys your own users and orgs hold, not your PropelAuth API key. Every
//! optional value of these calls is left out when falsy (unset, `false`, `0`, `""`, `{}`),
//! as PropelAuth's library does: `page_number: Some(0)` or `set_to_never_expire: false`
//! are never sent.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::call::{Answer, Body, Call, segment};
use super::{ApiError, Page, UserMetadata, is_hex};
use crate::Auth;
use crate::org::OrgMemberInfo;

/// Path of the end-user API key calls.
const API_KEYS: &str = "/end_user_api_keys";

/// What the not-found error of these calls names.
const API_KEY: &str = "API key";

/// An end-user API key (never its secret token).
///
/// Every field may be absent; unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiKey {
    /// The key's id (hex).
    #[serde(default)]
    pub api_key_id: String,
    /// Creation time, seconds since the Unix epoch.
    #[serde(default)]
    pub created_at: Option<i64>,
    /// Expiry, seconds since the Unix epoch; `None` for a key that never expires.
    #[serde(default)]
    pub expires_at_seconds: Option<i64>,
    /// Custom metadata attached to the key.
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    /// The user the key belongs to (personal keys, and org keys created by a user).
    #[serde(default)]
    pub user_id: Option<String>,
    /// The org the key belongs to (org keys).
    #[serde(default)]
    pub org_id: Option<String>,
    /// The key's display name.
    #[serde(default)]
    pub display_name: Option<String>,
}

/// A key just created: its id and its secret token, which is shown only this once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewApiKey {
    /// The key's id.
    #[serde(default)]
    pub api_key_id: String,
    /// The secret token to hand to the key's holder.
    #[serde(default)]
    pub api_key_token: String,
}

/// A key just imported: its id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImportedApiKey {
    /// The imported key's id.
    #[serde(default)]
    pub api_key_id: String,
}

/// How often keys were used on one day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiKeyUsage {
    /// Number of validations.
    #[serde(default)]
    pub count: Option<u64>,
}

/// The org an API key belongs to, as key validation describes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiKeyOrg {
    /// The org's id.
    #[serde(default)]
    pub org_id: String,
    /// The org's name.
    #[serde(default)]
    pub org_name: Option<String>,
    /// Most members the org may have.
    #[serde(default)]
    pub max_users: Option<i64>,
    /// Whether the org has a SAML connection.
    #[serde(default)]
    pub is_saml_configured: Option<bool>,
    /// The org's id in a system migrated from.
    #[serde(default)]
    pub legacy_org_id: Option<String>,
    /// The org's custom metadata.
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    /// The custom role mapping the org is subscribed to.
    #[serde(default)]
    pub custom_role_mapping_name: Option<String>,
}

/// What a valid API key stands for.
///
/// A personal key has a `user` and no `org`; an org key has an `org`, plus `user` and
/// `user_in_org` when it was created by a member; a generic key has neither.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ValidatedApiKey {
    /// Custom metadata attached to the key.
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    /// The user the key belongs to.
    #[serde(default)]
    pub user: Option<UserMetadata>,
    /// The org the key belongs to.
    #[serde(default)]
    pub org: Option<ApiKeyOrg>,
    /// The user's membership of the org (read like a token's member info; a membership
    /// whose role is `null` reads as none).
    #[serde(default, deserialize_with = "member_with_a_role")]
    pub user_in_org: Option<OrgMemberInfo>,
}

/// A valid personal API key.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PersonalApiKeyValidation {
    /// The user the key belongs to.
    pub user: UserMetadata,
    /// Custom metadata attached to the key.
    pub metadata: Option<Map<String, Value>>,
}

/// A valid org API key.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OrgApiKeyValidation {
    /// The org the key belongs to.
    pub org: ApiKeyOrg,
    /// Custom metadata attached to the key.
    pub metadata: Option<Map<String, Value>>,
    /// The member who created the key, when there is one.
    pub user: Option<UserMetadata>,
    /// That member's membership of the org.
    pub user_in_org: Option<OrgMemberInfo>,
}

/// Which keys a listing returns.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ApiKeyType {
    /// Keys of users (`personal`).
    Personal,
    /// Keys of orgs (`org`).
    Org,
    /// Keys of no one (`generic`).
    Generic,
    /// Every kind (`all`).
    All,
    /// Any other value, sent as given.
    Other(String),
}

impl ApiKeyType {
    /// The value sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Personal => "personal",
            Self::Org => "org",
            Self::Generic => "generic",
            Self::All => "all",
            Self::Other(value) => value,
        }
    }
}

impl fmt::Display for ApiKeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Filters and paging of [`Auth::fetch_current_api_keys`] and
/// [`Auth::fetch_archived_api_keys`]. Nothing is sent by default; falsy values (`""`, `0`)
/// are not sent either.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FetchApiKeysOptions {
    /// Only the keys of this org.
    pub org_id: Option<String>,
    /// Only the keys of this user.
    pub user_id: Option<String>,
    /// Only the keys of the user with this email.
    pub user_email: Option<String>,
    /// Page size (the service's default when unset).
    pub page_size: Option<u64>,
    /// Page number, from 0 (`0` is the service's default and is never sent).
    pub page_number: Option<u64>,
    /// Only keys of this kind.
    pub api_key_type: Option<ApiKeyType>,
}

/// Options of [`Auth::create_api_key`] and [`Auth::import_api_key`]. Falsy values are not
/// sent; with nothing set the body is `{}` (a generic key that never expires).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CreateApiKeyOptions {
    /// Make it a key of this org.
    pub org_id: Option<String>,
    /// Make it a key of this user.
    pub user_id: Option<String>,
    /// Expiry, seconds since the Unix epoch.
    pub expires_at_seconds: Option<i64>,
    /// Custom metadata attached to the key.
    pub metadata: Option<Map<String, Value>>,
    /// Display name.
    pub display_name: Option<String>,
}

/// Options of [`Auth::import_api_key`] (the same as for creation).
pub type ImportApiKeyOptions = CreateApiKeyOptions;

/// Changes of [`Auth::update_api_key`]. Falsy values are not sent (`set_to_never_expire:
/// false` never is); with nothing set the body is `{}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateApiKeyOptions {
    /// New expiry, seconds since the Unix epoch.
    pub expires_at_seconds: Option<i64>,
    /// New metadata (replaces the old).
    pub metadata: Option<Map<String, Value>>,
    /// Remove the expiry.
    pub set_to_never_expire: bool,
}

/// Filters of [`Auth::fetch_api_key_usage`]. Falsy values are not sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApiKeyUsageOptions {
    /// Only the keys of this org.
    pub org_id: Option<String>,
    /// Only the keys of this user.
    pub user_id: Option<String>,
    /// Only this key.
    pub api_key_id: Option<String>,
}

impl Auth {
    /// The API key with id `api_key_id`. An unknown key, or an id that is not hex (no
    /// request then), is [`ApiError::NotFound`].
    pub fn fetch_api_key(&self, api_key_id: &str) -> Result<ApiKey, ApiError> {
        if !is_hex(api_key_id) {
            return Err(ApiError::NotFound(API_KEY));
        }
        let call = Call::get(format!("{API_KEYS}/{}", segment(api_key_id)));
        not_found_is_error(self.backend().send(call)?)?.into_json()
    }

    /// One page of the keys in use (not expired, not deleted).
    pub fn fetch_current_api_keys(
        &self,
        options: &FetchApiKeysOptions,
    ) -> Result<Page<ApiKey>, ApiError> {
        self.backend()
            .send(listing(Call::get(API_KEYS), options))?
            .into_json()
    }

    /// One page of the expired and deleted keys.
    pub fn fetch_archived_api_keys(
        &self,
        options: &FetchApiKeysOptions,
    ) -> Result<Page<ApiKey>, ApiError> {
        self.backend()
            .send(listing(Call::get(format!("{API_KEYS}/archived")), options))?
            .into_json()
    }

    /// Creates a key; its token is in the answer and nowhere else.
    pub fn create_api_key(&self, options: &CreateApiKeyOptions) -> Result<NewApiKey, ApiError> {
        let body = key_fields(Body::new(), options).build();
        self.backend()
            .send(Call::post(API_KEYS).json(body))?
            .into_json()
    }

    /// Changes a key: `true` when done, `false` when there is no such key (an id that is not
    /// hex makes no request).
    pub fn update_api_key(
        &self,
        api_key_id: &str,
        options: &UpdateApiKeyOptions,
    ) -> Result<bool, ApiError> {
        if !is_hex(api_key_id) {
            return Ok(false);
        }
        let body = Body::new()
            .field_truthy("expires_at_seconds", options.expires_at_seconds)
            .field_truthy("metadata", options.metadata.clone())
            .field_truthy("set_to_never_expire", Some(options.set_to_never_expire))
            .build();
        let call = Call::patch(format!("{API_KEYS}/{}", segment(api_key_id))).json(body);
        self.backend().send(call)?.into_found()
    }

    /// Deletes (archives) a key: `true` when done, `false` when there is no such key (an id
    /// that is not hex makes no request).
    pub fn delete_api_key(&self, api_key_id: &str) -> Result<bool, ApiError> {
        if !is_hex(api_key_id) {
            return Ok(false);
        }
        let call = Call::delete(format!("{API_KEYS}/{}", segment(api_key_id)));
        self.backend().send(call)?.into_found()
    }

    /// What the token `api_key_token` stands for (a leading `Bearer `, in any case, is
    /// removed first). An invalid or expired token is [`ApiError::NotFound`]; too many
    /// attempts are [`ApiError::RateLimited`] with the seconds to wait.
    pub fn validate_api_key(&self, api_key_token: &str) -> Result<ValidatedApiKey, ApiError> {
        validate(self, format!("{API_KEYS}/validate"), api_key_token)
    }

    /// Like [`validate_api_key`](Self::validate_api_key), for a personal key:
    /// [`ApiError::WrongApiKeyKind`] when the key belongs to an org or to no user.
    pub fn validate_personal_api_key(
        &self,
        api_key_token: &str,
    ) -> Result<PersonalApiKeyValidation, ApiError> {
        let validated = self.validate_api_key(api_key_token)?;
        match (validated.user, validated.org) {
            (Some(user), None) => Ok(PersonalApiKeyValidation {
                user,
                metadata: validated.metadata,
            }),
            _ => Err(ApiError::WrongApiKeyKind("Not a personal API Key")),
        }
    }

    /// Like [`validate_api_key`](Self::validate_api_key), for an org key:
    /// [`ApiError::WrongApiKeyKind`] when the key belongs to no org.
    pub fn validate_org_api_key(
        &self,
        api_key_token: &str,
    ) -> Result<OrgApiKeyValidation, ApiError> {
        let validated = self.validate_api_key(api_key_token)?;
        match validated.org {
            Some(org) => Ok(OrgApiKeyValidation {
                org,
                metadata: validated.metadata,
                user: validated.user,
                user_in_org: validated.user_in_org,
            }),
            None => Err(ApiError::WrongApiKeyKind("Not an org API Key")),
        }
    }

    /// Like [`validate_api_key`](Self::validate_api_key), for a key imported with
    /// [`import_api_key`](Self::import_api_key).
    pub fn validate_imported_api_key(
        &self,
        api_key_token: &str,
    ) -> Result<ValidatedApiKey, ApiError> {
        validate(self, format!("{API_KEYS}/validate_imported"), api_key_token)
    }

    /// Imports a key issued by another system, so that its holders keep using it.
    pub fn import_api_key(
        &self,
        api_key_token: &str,
        options: &ImportApiKeyOptions,
    ) -> Result<ImportedApiKey, ApiError> {
        let body = Body::new().field_truthy("imported_api_key", Some(api_key_token));
        let body = key_fields(body, options).build();
        let call = Call::post(format!("{API_KEYS}/import")).json(body);
        self.backend().send(call)?.into_json()
    }

    /// How often keys were validated on `date` (ISO form, `2025-01-31`).
    pub fn fetch_api_key_usage(
        &self,
        date: &str,
        options: &ApiKeyUsageOptions,
    ) -> Result<ApiKeyUsage, ApiError> {
        let call = Call::get(format!("{API_KEYS}/usage"));
        let call = query_text(call, "date", Some(date));
        let call = query_text(call, "org_id", options.org_id.as_deref());
        let call = query_text(call, "user_id", options.user_id.as_deref());
        let call = query_text(call, "api_key_id", options.api_key_id.as_deref());
        self.backend().send(call)?.into_json()
    }
}

/// Validates `api_key_token` at `path`.
fn validate(auth: &Auth, path: String, api_key_token: &str) -> Result<ValidatedApiKey, ApiError> {
    let body = Body::new()
        .field("api_key_token", without_bearer(api_key_token))
        .build();
    not_found_is_error(auth.backend().send(Call::post(path).json(body))?)?.into_json()
}

/// 404 → [`ApiError::NotFound`]; any other answer as it is.
fn not_found_is_error(answer: Answer) -> Result<Answer, ApiError> {
    if answer.status == 404 {
        Err(ApiError::NotFound(API_KEY))
    } else {
        Ok(answer)
    }
}

/// `token` without a leading `Bearer ` (any case).
fn without_bearer(token: &str) -> &str {
    match token.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => &token[7..],
        _ => token,
    }
}

/// The query of the two listings, falsy values left out.
fn listing(call: Call, options: &FetchApiKeysOptions) -> Call {
    let call = query_text(call, "org_id", options.org_id.as_deref());
    let call = query_text(call, "user_id", options.user_id.as_deref());
    let call = query_text(call, "user_email", options.user_email.as_deref());
    let call = query_number(call, "page_size", options.page_size);
    let call = query_number(call, "page_number", options.page_number);
    query_text(
        call,
        "api_key_type",
        options.api_key_type.as_ref().map(ApiKeyType::as_str),
    )
}

/// The body fields shared by creation and import, falsy values left out.
fn key_fields(body: Body, options: &CreateApiKeyOptions) -> Body {
    body.field_truthy("org_id", options.org_id.as_deref())
        .field_truthy("user_id", options.user_id.as_deref())
        .field_truthy("expires_at_seconds", options.expires_at_seconds)
        .field_truthy("metadata", options.metadata.clone())
        .field_truthy("display_name", options.display_name.as_deref())
}

/// Adds `name` unless `value` is unset or empty.
fn query_text(call: Call, name: &'static str, value: Option<&str>) -> Call {
    call.query_opt(name, value.filter(|value| !value.is_empty()))
}

/// Adds `name` unless `value` is unset or zero.
fn query_number(call: Call, name: &'static str, value: Option<u64>) -> Call {
    call.query_opt(name, value.filter(|value| *value != 0))
}

/// Reads `user_in_org` (absent or `null`: none) as a member info, a membership whose role
/// is `null` reading as none.
fn member_with_a_role<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<OrgMemberInfo>, D::Error> {
    let Some(member) = Option::<Value>::deserialize(deserializer)? else {
        return Ok(None);
    };
    let role_is_null = ["user_role", "user_assigned_role"]
        .iter()
        .any(|name| member.get(name).is_some_and(Value::is_null));
    if member.is_null() || role_is_null {
        return Ok(None);
    }
    serde_json::from_value(member)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_is_stripped_in_any_case() {
        assert_eq!(without_bearer("Bearer abc"), "abc");
        assert_eq!(without_bearer("bEaReR abc"), "abc");
        assert_eq!(without_bearer("Bearerabc"), "Bearerabc");
        assert_eq!(without_bearer("abc"), "abc");
        assert_eq!(without_bearer(""), "");
        assert_eq!(without_bearer("Bearer "), "");
        assert_eq!(without_bearer("Béarer x"), "Béarer x");
    }
}
