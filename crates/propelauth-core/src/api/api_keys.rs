//! End-user API key calls of the backend API.
//!
//! These are the keys your own users and orgs hold, not your PropelAuth API key. Every
//! optional value of these calls is left out when falsy (unset, `false`, `0`, `""`, `{}`),
//! as PropelAuth's library does: `page_number: Some(0)` or `set_to_never_expire: false`
//! are never sent.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::answer::{self, required};
use super::call::{Call, falsy, route};
use super::{ApiError, Page, UserMetadata, is_hex};
use crate::Auth;
use crate::org::OrgMemberInfo;

/// What the not-found error of these calls names.
const API_KEY: &str = "API key";

/// An end-user API key (never its secret token).
///
/// `api_key_id` is required; every other field may be absent, unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ApiKey {
    /// The key's id (hex).
    #[serde(default = "required::api_key_id", deserialize_with = "answer::id")]
    pub api_key_id: String,
    /// Creation time, seconds since the Unix epoch.
    pub created_at: Option<i64>,
    /// Expiry, seconds since the Unix epoch; `None` for a key that never expires.
    pub expires_at_seconds: Option<i64>,
    /// Custom metadata attached to the key.
    pub metadata: Option<Map<String, Value>>,
    /// The user the key belongs to (personal keys, and org keys created by a user).
    pub user_id: Option<String>,
    /// The org the key belongs to (org keys).
    pub org_id: Option<String>,
    /// The key's display name.
    pub display_name: Option<String>,
}

/// A key just created: its id and its secret token, which is shown only this once. `Debug`
/// does not show the token.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct NewApiKey {
    /// The key's id (required).
    #[serde(default = "required::api_key_id", deserialize_with = "answer::id")]
    pub api_key_id: String,
    /// The secret token to hand to the key's holder (required).
    #[serde(default = "required::api_key_token", deserialize_with = "answer::id")]
    pub api_key_token: String,
}

impl fmt::Debug for NewApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewApiKey")
            .field("api_key_id", &self.api_key_id)
            .field("api_key_token", &"<redacted>")
            .finish()
    }
}

/// A key just imported: its id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ImportedApiKey {
    /// The imported key's id (required).
    #[serde(default = "required::api_key_id", deserialize_with = "answer::id")]
    pub api_key_id: String,
}

/// How often keys were used on one day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ApiKeyUsage {
    /// Number of validations.
    pub count: Option<u64>,
}

/// The org an API key belongs to, as key validation describes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ApiKeyOrg {
    /// The org's id (required).
    #[serde(default = "required::org_id", deserialize_with = "answer::id")]
    pub org_id: String,
    /// The org's name.
    pub name: Option<String>,
    /// The org's name (the service sends both).
    pub org_name: Option<String>,
    /// Most members the org may have.
    pub max_users: Option<i64>,
    /// Whether the org has a SAML connection.
    pub is_saml_configured: Option<bool>,
    /// The org's id in a system migrated from.
    pub legacy_org_id: Option<String>,
    /// The org's custom metadata.
    pub metadata: Option<Map<String, Value>>,
    /// The custom role mapping the org is subscribed to.
    pub custom_role_mapping_name: Option<String>,
}

/// What a valid API key stands for.
///
/// A personal key has a `user` and no `org`; an org key has an `org`, plus `user` and
/// `user_in_org` when it was created by a member; a generic key has neither.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ValidatedApiKey {
    /// Custom metadata attached to the key.
    pub metadata: Option<Map<String, Value>>,
    /// The user the key belongs to.
    pub user: Option<UserMetadata>,
    /// The org the key belongs to.
    pub org: Option<ApiKeyOrg>,
    /// The user's membership of the org (read like a membership of `org_id_to_org_info`:
    /// every key optional, one without a role reads as none).
    #[serde(deserialize_with = "answer::membership")]
    pub user_in_org: Option<OrgMemberInfo>,
}

/// A valid personal API key.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PersonalApiKeyValidation {
    /// The user the key belongs to.
    pub user: UserMetadata,
    /// Custom metadata attached to the key.
    pub metadata: Option<Map<String, Value>>,
}

/// A valid org API key.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[non_exhaustive]
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

/// The body shared by creation and import, falsy values left out.
#[derive(Serialize)]
struct KeyBody<'a> {
    #[serde(skip_serializing_if = "falsy")]
    imported_api_key: Option<&'a str>,
    #[serde(skip_serializing_if = "falsy")]
    org_id: Option<&'a str>,
    #[serde(skip_serializing_if = "falsy")]
    user_id: Option<&'a str>,
    #[serde(skip_serializing_if = "falsy")]
    expires_at_seconds: Option<i64>,
    #[serde(skip_serializing_if = "falsy")]
    metadata: Option<&'a Map<String, Value>>,
    #[serde(skip_serializing_if = "falsy")]
    display_name: Option<&'a str>,
}

impl<'a> KeyBody<'a> {
    fn new(imported_api_key: Option<&'a str>, options: &'a CreateApiKeyOptions) -> Self {
        Self {
            imported_api_key,
            org_id: options.org_id.as_deref(),
            user_id: options.user_id.as_deref(),
            expires_at_seconds: options.expires_at_seconds,
            metadata: options.metadata.as_ref(),
            display_name: options.display_name.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct UpdateKeyBody<'a> {
    #[serde(skip_serializing_if = "falsy")]
    expires_at_seconds: Option<i64>,
    #[serde(skip_serializing_if = "falsy")]
    metadata: Option<&'a Map<String, Value>>,
    #[serde(skip_serializing_if = "falsy")]
    set_to_never_expire: bool,
}

#[derive(Serialize)]
struct ValidateBody<'a> {
    api_key_token: &'a str,
}

impl Auth {
    /// The API key with id `api_key_id`. An unknown key, or an id that is not hex (no
    /// request then), is [`ApiError::NotFound`].
    pub fn fetch_api_key(&self, api_key_id: &str) -> Result<ApiKey, ApiError> {
        if !is_hex(api_key_id) {
            return Err(ApiError::NotFound(API_KEY));
        }
        self.send(Call::get(
            route!("/end_user_api_keys/{api_key_id}"),
            &[api_key_id],
        ))?
        .not_found_is_error(API_KEY)?
        .into_json()
    }

    /// One page of the keys in use (not expired, not deleted).
    pub fn fetch_current_api_keys(
        &self,
        options: &FetchApiKeysOptions,
    ) -> Result<Page<ApiKey>, ApiError> {
        let call = listing(Call::get(route!("/end_user_api_keys"), &[]), options);
        self.send(call)?.into_json()
    }

    /// One page of the expired and deleted keys.
    pub fn fetch_archived_api_keys(
        &self,
        options: &FetchApiKeysOptions,
    ) -> Result<Page<ApiKey>, ApiError> {
        let call = listing(
            Call::get(route!("/end_user_api_keys/archived"), &[]),
            options,
        );
        self.send(call)?.into_json()
    }

    /// Creates a key; its token is in the answer and nowhere else.
    pub fn create_api_key(&self, options: &CreateApiKeyOptions) -> Result<NewApiKey, ApiError> {
        let body = KeyBody::new(None, options);
        self.send(Call::post(route!("/end_user_api_keys"), &[]).json(&body))?
            .into_json()
    }

    /// Changes a key: `true` when done. An id that is not hex is `false` without a request;
    /// an unknown key (404) is [`ApiError::NotFound`].
    pub fn update_api_key(
        &self,
        api_key_id: &str,
        options: &UpdateApiKeyOptions,
    ) -> Result<bool, ApiError> {
        if !is_hex(api_key_id) {
            return Ok(false);
        }
        let body = UpdateKeyBody {
            expires_at_seconds: options.expires_at_seconds,
            metadata: options.metadata.as_ref(),
            set_to_never_expire: options.set_to_never_expire,
        };
        let call =
            Call::patch(route!("/end_user_api_keys/{api_key_id}"), &[api_key_id]).json(&body);
        self.send(call)?
            .not_found_is_error(API_KEY)?
            .into_done()
            .map(|()| true)
    }

    /// Deletes (archives) a key: `true` when done. An id that is not hex is `false` without a
    /// request; an unknown key (404) is [`ApiError::NotFound`].
    pub fn delete_api_key(&self, api_key_id: &str) -> Result<bool, ApiError> {
        if !is_hex(api_key_id) {
            return Ok(false);
        }
        self.send(Call::delete(
            route!("/end_user_api_keys/{api_key_id}"),
            &[api_key_id],
        ))?
        .not_found_is_error(API_KEY)?
        .into_done()
        .map(|()| true)
    }

    /// What the token `api_key_token` stands for (a leading `Bearer `, in any case, is
    /// removed first). An invalid or expired token is [`ApiError::NotFound`]; too many
    /// attempts are [`ApiError::RateLimited`] with the seconds to wait.
    pub fn validate_api_key(&self, api_key_token: &str) -> Result<ValidatedApiKey, ApiError> {
        self.validate(route!("/end_user_api_keys/validate"), api_key_token)
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
        self.validate(
            route!("/end_user_api_keys/validate_imported"),
            api_key_token,
        )
    }

    /// Imports a key issued by another system, so that its holders keep using it.
    pub fn import_api_key(
        &self,
        api_key_token: &str,
        options: &ImportApiKeyOptions,
    ) -> Result<ImportedApiKey, ApiError> {
        let body = KeyBody::new(Some(api_key_token), options);
        self.send(Call::post(route!("/end_user_api_keys/import"), &[]).json(&body))?
            .into_json()
    }

    /// How often keys were validated on `date` (ISO form, `2025-01-31`).
    pub fn fetch_api_key_usage(
        &self,
        date: &str,
        options: &ApiKeyUsageOptions,
    ) -> Result<ApiKeyUsage, ApiError> {
        let call = Call::get(route!("/end_user_api_keys/usage"), &[])
            .query_truthy("date", Some(date))
            .query_truthy("org_id", options.org_id.as_deref())
            .query_truthy("user_id", options.user_id.as_deref())
            .query_truthy("api_key_id", options.api_key_id.as_deref());
        self.send(call)?.into_json()
    }

    /// Validates `api_key_token` at `route`.
    fn validate(
        &self,
        route: &'static str,
        api_key_token: &str,
    ) -> Result<ValidatedApiKey, ApiError> {
        let body = ValidateBody {
            api_key_token: without_bearer(api_key_token),
        };
        self.send(Call::post(route, &[]).json(&body))?
            .not_found_is_error(API_KEY)?
            .into_json()
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
    call.query_truthy("org_id", options.org_id.as_deref())
        .query_truthy("user_id", options.user_id.as_deref())
        .query_truthy("user_email", options.user_email.as_deref())
        .query_truthy("page_size", options.page_size)
        .query_truthy("page_number", options.page_number)
        .query_truthy(
            "api_key_type",
            options.api_key_type.as_ref().map(ApiKeyType::as_str),
        )
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
