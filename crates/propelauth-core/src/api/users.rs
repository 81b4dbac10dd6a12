//! User calls of the backend API.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::answer::{self, RecordList, RecordsByKey, required};
use super::call::{Answer, Call, falsy, route};
use super::{ApiError, Page, is_uuid};
use crate::Auth;
use crate::org::OrgMemberInfo;

/// A user as the backend API describes them.
///
/// `user_id` is required (an answer without it is [`ApiError::MalformedResponse`]); every other
/// field may be absent (the service adds fields over time) and unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct UserMetadata {
    /// The user's id.
    #[serde(default = "required::user_id", deserialize_with = "answer::id")]
    pub user_id: String,
    /// Email address.
    pub email: Option<String>,
    /// Whether the email address is confirmed.
    pub email_confirmed: Option<bool>,
    /// Whether the user has a password.
    pub has_password: Option<bool>,
    /// Username.
    pub username: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Profile picture URL.
    pub picture_url: Option<String>,
    /// Whether the account is locked.
    pub locked: Option<bool>,
    /// Whether the account is enabled.
    pub enabled: Option<bool>,
    /// Whether MFA is on.
    pub mfa_enabled: Option<bool>,
    /// Whether the user may create orgs.
    pub can_create_orgs: Option<bool>,
    /// Creation time, seconds since the Unix epoch.
    pub created_at: Option<i64>,
    /// Last activity, seconds since the Unix epoch.
    pub last_active_at: Option<i64>,
    /// The user's orgs (with `include_orgs`), by org id. Each entry reads like the token's
    /// member info, with every key optional (a missing one takes its default); an org whose
    /// role is missing or `null` is dropped.
    #[serde(deserialize_with = "answer::memberships")]
    pub org_id_to_org_info: BTreeMap<String, OrgMemberInfo>,
    /// The user's id in a system migrated from.
    pub legacy_user_id: Option<String>,
    /// Set while an employee impersonates the user.
    pub impersonator_user_id: Option<String>,
    /// Custom metadata.
    pub metadata: Option<Map<String, Value>>,
    /// Custom user properties.
    pub properties: Option<Map<String, Value>>,
    /// Whether the user must choose a new password at their next login.
    pub update_password_required: Option<bool>,
    /// The isolated org the user belongs to, for users of isolated orgs.
    pub isolated_org_id: Option<String>,
    /// In org listings: the user's role in that org.
    pub role_in_org: Option<String>,
    /// In org listings: the user's additional roles in that org.
    pub additional_roles_in_org: Option<Vec<String>>,
}

/// How [`Auth::fetch_users_by_query`] orders its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum UserOrderBy {
    /// Oldest first (`CREATED_AT_ASC`, the default).
    #[default]
    CreatedAtAsc,
    /// Newest first (`CREATED_AT_DESC`).
    CreatedAtDesc,
    /// Least recently active first (`LAST_ACTIVE_AT_ASC`).
    LastActiveAtAsc,
    /// Most recently active first (`LAST_ACTIVE_AT_DESC`).
    LastActiveAtDesc,
    /// By email address (`EMAIL`).
    Email,
    /// By username (`USERNAME`).
    Username,
}

impl UserOrderBy {
    /// The value sent on the wire (`CREATED_AT_ASC`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CreatedAtAsc => "CREATED_AT_ASC",
            Self::CreatedAtDesc => "CREATED_AT_DESC",
            Self::LastActiveAtAsc => "LAST_ACTIVE_AT_ASC",
            Self::LastActiveAtDesc => "LAST_ACTIVE_AT_DESC",
            Self::Email => "EMAIL",
            Self::Username => "USERNAME",
        }
    }
}

impl fmt::Display for UserOrderBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Options of [`Auth::fetch_users_by_query`]. The paging values, `order_by` and
/// `include_orgs` are always sent; the filters only when set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchUsersByQueryOptions {
    /// Users per page (default 10).
    pub page_size: u64,
    /// Page to fetch, from 0 (default 0).
    pub page_number: u64,
    /// Sort order (default [`UserOrderBy::CreatedAtAsc`]).
    pub order_by: UserOrderBy,
    /// Only users whose email or username matches this text.
    pub email_or_username: Option<String>,
    /// Include each user's orgs (default `false`).
    pub include_orgs: bool,
    /// Only the user with this id in a system migrated from.
    pub legacy_user_id: Option<String>,
}

impl Default for FetchUsersByQueryOptions {
    fn default() -> Self {
        Self {
            page_size: 10,
            page_number: 0,
            order_by: UserOrderBy::default(),
            email_or_username: None,
            include_orgs: false,
            legacy_user_id: None,
        }
    }
}

/// Options of [`Auth::fetch_users_in_org`]. The paging values and `include_orgs` are always
/// sent; `role` only when set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchUsersInOrgOptions {
    /// Users per page (default 10).
    pub page_size: u64,
    /// Page to fetch, from 0 (default 0).
    pub page_number: u64,
    /// Include each user's orgs (default `false`).
    pub include_orgs: bool,
    /// Only members with this role.
    pub role: Option<String>,
}

impl Default for FetchUsersInOrgOptions {
    fn default() -> Self {
        Self {
            page_size: 10,
            page_number: 0,
            include_orgs: false,
            role: None,
        }
    }
}

/// Options of [`Auth::create_user`]. The four booleans are always sent; the other fields only
/// when set. `Debug` does not show the password.
#[derive(Clone, PartialEq)]
pub struct CreateUserOptions {
    /// Mark the email address as already confirmed (default `false`).
    pub email_confirmed: bool,
    /// Email the user a confirmation link (default `true`).
    pub send_email_to_confirm_email_address: bool,
    /// Make the user choose a new password at their first login (default `false`).
    pub ask_user_to_update_password_on_login: bool,
    /// Initial password.
    pub password: Option<String>,
    /// Username.
    pub username: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Custom user properties.
    pub properties: Option<Map<String, Value>>,
    /// Create the user even if their email domain is restricted (default `false`).
    pub ignore_domain_restrictions: bool,
}

impl Default for CreateUserOptions {
    fn default() -> Self {
        Self {
            email_confirmed: false,
            send_email_to_confirm_email_address: true,
            ask_user_to_update_password_on_login: false,
            password: None,
            username: None,
            first_name: None,
            last_name: None,
            properties: None,
            ignore_domain_restrictions: false,
        }
    }
}

impl fmt::Debug for CreateUserOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateUserOptions")
            .field("email_confirmed", &self.email_confirmed)
            .field(
                "send_email_to_confirm_email_address",
                &self.send_email_to_confirm_email_address,
            )
            .field(
                "ask_user_to_update_password_on_login",
                &self.ask_user_to_update_password_on_login,
            )
            .field("password", &redacted(self.password.as_ref()))
            .field("username", &self.username)
            .field("first_name", &self.first_name)
            .field("last_name", &self.last_name)
            .field("properties", &self.properties)
            .field(
                "ignore_domain_restrictions",
                &self.ignore_domain_restrictions,
            )
            .finish()
    }
}

/// The fields [`Auth::update_user_metadata`] changes: only the set ones are sent (nothing set
/// sends `{}`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateUserMetadataOptions {
    /// New username.
    pub username: Option<String>,
    /// New first name.
    pub first_name: Option<String>,
    /// New last name.
    pub last_name: Option<String>,
    /// New custom metadata.
    pub metadata: Option<Map<String, Value>>,
    /// New custom user properties.
    pub properties: Option<Map<String, Value>>,
    /// New profile picture URL.
    pub picture_url: Option<String>,
    /// Whether the user must choose a new password at their next login.
    pub update_password_required: Option<bool>,
    /// New id in a system migrated from.
    pub legacy_user_id: Option<String>,
}

/// Options of [`Auth::update_user_password`] (always sent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateUserPasswordOptions {
    /// Make the user choose a new password at their next login (default `false`).
    pub ask_user_to_update_password_on_login: bool,
}

/// Options of [`Auth::invite_user_to_org`] and [`Auth::invite_user_to_org_by_user_id`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InviteUserToOrgOptions {
    /// Roles given besides `role` (multi-role projects; default none, always sent).
    pub additional_roles: Vec<String>,
}

/// Options of [`Auth::create_magic_link`]: only the set ones are sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateMagicLinkOptions {
    /// Where the user lands after logging in.
    pub redirect_to_url: Option<String>,
    /// How long the link is valid.
    pub expires_in_hours: Option<u64>,
    /// Create the user when no user has this email address.
    pub create_new_user_if_one_doesnt_exist: Option<bool>,
    /// Query parameters recorded as the new user's signup parameters.
    pub user_signup_query_parameters: Option<BTreeMap<String, String>>,
    /// Make the link single-use.
    pub expire_after_first_use: Option<bool>,
    /// Show a page with a button before logging in (stops mail scanners from using the link).
    pub requires_interstitial: Option<bool>,
}

/// Options of [`Auth::create_access_token`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateAccessTokenOptions {
    /// Mint the token for this active org (left out when unset or empty).
    pub active_org_id: Option<String>,
}

/// Options of [`Auth::migrate_user_from_external_source`]. Unset values are sent as `null`
/// (`properties` is left out); `ask_user_to_update_password_on_login` travels as
/// `update_password_required`. `Debug` does not show the password hash or the MFA secret.
#[derive(Clone, Default, PartialEq)]
pub struct MigrateUserOptions {
    /// The user's id in the system migrated from.
    pub existing_user_id: Option<String>,
    /// The user's password hash from the system migrated from.
    pub existing_password_hash: Option<String>,
    /// The user's TOTP secret, base32-encoded.
    pub existing_mfa_base32_encoded_secret: Option<String>,
    /// Make the user choose a new password at their first login (default `false`).
    pub ask_user_to_update_password_on_login: bool,
    /// Whether the account is enabled.
    pub enabled: Option<bool>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Username.
    pub username: Option<String>,
    /// Profile picture URL.
    pub picture_url: Option<String>,
    /// Custom user properties.
    pub properties: Option<Map<String, Value>>,
}

impl fmt::Debug for MigrateUserOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MigrateUserOptions")
            .field("existing_user_id", &self.existing_user_id)
            .field(
                "existing_password_hash",
                &redacted(self.existing_password_hash.as_ref()),
            )
            .field(
                "existing_mfa_base32_encoded_secret",
                &redacted(self.existing_mfa_base32_encoded_secret.as_ref()),
            )
            .field(
                "ask_user_to_update_password_on_login",
                &self.ask_user_to_update_password_on_login,
            )
            .field("enabled", &self.enabled)
            .field("first_name", &self.first_name)
            .field("last_name", &self.last_name)
            .field("username", &self.username)
            .field("picture_url", &self.picture_url)
            .field("properties", &self.properties)
            .finish()
    }
}

/// `Some("<redacted>")` for a set secret, `None` otherwise.
fn redacted<T>(secret: Option<&T>) -> Option<&'static str> {
    secret.map(|_| "<redacted>")
}

/// The user [`Auth::create_user`] or [`Auth::migrate_user_from_external_source`] created.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct CreatedUser {
    /// The new user's id (required).
    #[serde(default = "required::user_id", deserialize_with = "answer::id")]
    pub user_id: String,
}

/// The link [`Auth::create_magic_link`] created.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct CreatedMagicLink {
    /// The URL that logs the user in (required).
    #[serde(default = "required::url", deserialize_with = "answer::id")]
    pub url: String,
}

/// The token [`Auth::create_access_token`] minted. `Debug` does not show it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct CreatedAccessToken {
    /// The access token (a JWT the `validate_*` methods accept; required).
    #[serde(default = "required::access_token", deserialize_with = "answer::id")]
    pub access_token: String,
}

impl fmt::Debug for CreatedAccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreatedAccessToken")
            .field("access_token", &"<redacted>")
            .finish()
    }
}

/// The query parameters a user signed up with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct UserSignupQueryParams {
    /// Parameter name → value.
    #[serde(deserialize_with = "answer::null_as_default")]
    pub user_signup_query_parameters: BTreeMap<String, String>,
}

/// A user's MFA setup, from [`Auth::fetch_user_mfa_methods`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct UserMfaMethods {
    /// The MFA method, `None` when the user has none.
    pub mfa_setup: Option<MfaSetup>,
}

/// An MFA method (`type` on the wire). An unknown type makes the answer malformed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
#[non_exhaustive]
pub enum MfaSetup {
    /// An authenticator app (`"Totp"`).
    Totp,
    /// Codes by SMS (`"Phone"`).
    Phone {
        /// The registered phone numbers.
        #[serde(default, deserialize_with = "answer::records")]
        phone_numbers: Vec<MfaPhoneNumber>,
    },
}

/// A phone number registered for SMS MFA.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct MfaPhoneNumber {
    /// The last digits of the number.
    pub mfa_phone_number_suffix: String,
    /// The id to pass to step-up MFA calls (`send_sms_mfa_code`; required).
    #[serde(default = "required::mfa_phone_id", deserialize_with = "answer::id")]
    pub mfa_phone_id: String,
}

/// An OAuth token a user got from a social login provider. `Debug` does not show the tokens.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct OAuthToken {
    /// The provider's access token (required).
    #[serde(default = "required::access_token", deserialize_with = "answer::id")]
    pub access_token: String,
    /// The provider that issued it, as PropelAuth names it (`google`, ...).
    pub token_provider: Option<String>,
    /// The provider's refresh token, when it gave one.
    pub refresh_token: Option<String>,
    /// When the access token expires, seconds since the Unix epoch, when the provider says.
    pub token_expiration: Option<i64>,
    /// The scopes the user granted.
    #[serde(deserialize_with = "answer::null_as_default")]
    pub authorized_scopes: Vec<String>,
}

impl fmt::Debug for OAuthToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthToken")
            .field("access_token", &"<redacted>")
            .field("token_provider", &self.token_provider)
            .field("refresh_token", &redacted(self.refresh_token.as_ref()))
            .field("token_expiration", &self.token_expiration)
            .field("authorized_scopes", &self.authorized_scopes)
            .finish()
    }
}

/// `{"user_ids": [...]}` and the like: the values of a batch fetch.
#[derive(Serialize)]
struct BatchBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    user_ids: Option<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    emails: Option<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    usernames: Option<Vec<&'a str>>,
}

fn strs(items: &[impl AsRef<str>]) -> Option<Vec<&str>> {
    Some(items.iter().map(AsRef::as_ref).collect())
}

/// A batch answer (a JSON array of users) keyed by `key`; users without that key are left out.
fn keyed_users(
    answer: Answer,
    key: fn(&UserMetadata) -> Option<String>,
) -> Result<BTreeMap<String, UserMetadata>, ApiError> {
    let RecordList(users) = answer.into_json()?;
    Ok(users
        .into_iter()
        .filter_map(|user: UserMetadata| Some((key(&user)?, user)))
        .collect())
}

#[derive(Serialize)]
struct CreateUserBody<'a> {
    email: &'a str,
    email_confirmed: bool,
    send_email_to_confirm_email_address: bool,
    ask_user_to_update_password_on_login: bool,
    ignore_domain_restrictions: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<&'a Map<String, Value>>,
}

#[derive(Serialize)]
struct UpdateUserMetadataBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<&'a Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<&'a Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    picture_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    update_password_required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    legacy_user_id: Option<&'a str>,
}

#[derive(Serialize)]
struct UpdateEmailBody<'a> {
    new_email: &'a str,
    require_email_confirmation: bool,
}

#[derive(Serialize)]
struct UpdatePasswordBody<'a> {
    password: &'a str,
    ask_user_to_update_password_on_login: bool,
}

#[derive(Serialize)]
struct UserIdBody<'a> {
    user_id: &'a str,
}

#[derive(Serialize)]
struct InviteBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
    org_id: &'a str,
    role: &'a str,
    additional_roles: &'a [String],
}

#[derive(Serialize)]
struct MagicLinkBody<'a> {
    email: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_to_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_in_hours: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    create_new_user_if_one_doesnt_exist: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_signup_query_parameters: Option<&'a BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_after_first_use: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    requires_interstitial: Option<bool>,
}

#[derive(Serialize)]
struct AccessTokenBody<'a> {
    user_id: &'a str,
    duration_in_minutes: u64,
    #[serde(skip_serializing_if = "falsy")]
    active_org_id: Option<&'a str>,
}

/// Unset values travel as `null` here (the reference sends them so), `properties` aside.
#[derive(Serialize)]
struct MigrateUserBody<'a> {
    email: &'a str,
    email_confirmed: bool,
    existing_user_id: Option<&'a str>,
    existing_password_hash: Option<&'a str>,
    existing_mfa_base32_encoded_secret: Option<&'a str>,
    update_password_required: bool,
    enabled: Option<bool>,
    first_name: Option<&'a str>,
    last_name: Option<&'a str>,
    username: Option<&'a str>,
    picture_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<&'a Map<String, Value>>,
}

#[derive(Serialize)]
struct MigratePasswordBody<'a> {
    user_id: &'a str,
    password_hash: &'a str,
}

impl Auth {
    /// The user with id `user_id`, or `None` when there is none (an id that is not a UUID makes
    /// no request). `include_orgs` adds their orgs.
    pub fn fetch_user_metadata_by_user_id(
        &self,
        user_id: &str,
        include_orgs: bool,
    ) -> Result<Option<UserMetadata>, ApiError> {
        if !is_uuid(user_id) {
            return Ok(None);
        }
        let call =
            Call::get(route!("/user/{user_id}"), &[user_id]).query("include_orgs", include_orgs);
        self.send(call)?.into_optional()
    }

    /// The user with email address `email`, or `None` when there is none. `include_orgs` adds
    /// their orgs.
    pub fn fetch_user_metadata_by_email(
        &self,
        email: &str,
        include_orgs: bool,
    ) -> Result<Option<UserMetadata>, ApiError> {
        let call = Call::get(route!("/user/email"), &[])
            .query("email", email)
            .query("include_orgs", include_orgs);
        self.send(call)?.into_optional()
    }

    /// The user with username `username`, or `None` when there is none. `include_orgs` adds
    /// their orgs.
    pub fn fetch_user_metadata_by_username(
        &self,
        username: &str,
        include_orgs: bool,
    ) -> Result<Option<UserMetadata>, ApiError> {
        let call = Call::get(route!("/user/username"), &[])
            .query("username", username)
            .query("include_orgs", include_orgs);
        self.send(call)?.into_optional()
    }

    /// The users with these ids, keyed by user id (ids without a user are absent).
    pub fn fetch_batch_user_metadata_by_user_ids(
        &self,
        user_ids: &[impl AsRef<str>],
        include_orgs: bool,
    ) -> Result<BTreeMap<String, UserMetadata>, ApiError> {
        let body = BatchBody {
            user_ids: strs(user_ids),
            emails: None,
            usernames: None,
        };
        let call = Call::post(route!("/user/user_ids"), &[])
            .query("include_orgs", include_orgs)
            .json(&body);
        keyed_users(self.send(call)?, |user| Some(user.user_id.clone()))
    }

    /// The users with these email addresses, keyed by email address as the service returns it
    /// (addresses without a user are absent).
    pub fn fetch_batch_user_metadata_by_emails(
        &self,
        emails: &[impl AsRef<str>],
        include_orgs: bool,
    ) -> Result<BTreeMap<String, UserMetadata>, ApiError> {
        let body = BatchBody {
            user_ids: None,
            emails: strs(emails),
            usernames: None,
        };
        let call = Call::post(route!("/user/emails"), &[])
            .query("include_orgs", include_orgs)
            .json(&body);
        keyed_users(self.send(call)?, |user| user.email.clone())
    }

    /// The users with these usernames, keyed by username (usernames without a user are
    /// absent).
    pub fn fetch_batch_user_metadata_by_usernames(
        &self,
        usernames: &[impl AsRef<str>],
        include_orgs: bool,
    ) -> Result<BTreeMap<String, UserMetadata>, ApiError> {
        let body = BatchBody {
            user_ids: None,
            emails: None,
            usernames: strs(usernames),
        };
        let call = Call::post(route!("/user/usernames"), &[])
            .query("include_orgs", include_orgs)
            .json(&body);
        keyed_users(self.send(call)?, |user| user.username.clone())
    }

    /// One page of the project's users, filtered and ordered by `options`.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use propelauth_core::api::{FetchUsersByQueryOptions, UserOrderBy};
    ///
    /// let auth = propelauth_core::init_auth("https://auth.example.com", "api-key")?;
    /// let page = auth.fetch_users_by_query(&FetchUsersByQueryOptions {
    ///     email_or_username: Some("@example.com".to_owned()),
    ///     order_by: UserOrderBy::LastActiveAtDesc,
    ///     ..Default::default()
    /// })?;
    /// println!("{} of {} users", page.items.len(), page.total);
    /// # Ok(()) }
    /// ```
    pub fn fetch_users_by_query(
        &self,
        options: &FetchUsersByQueryOptions,
    ) -> Result<Page<UserMetadata>, ApiError> {
        let call = Call::get(route!("/user/query"), &[])
            .query("page_size", options.page_size)
            .query("page_number", options.page_number)
            .query("order_by", options.order_by)
            .query_opt("email_or_username", options.email_or_username.as_deref())
            .query("include_orgs", options.include_orgs)
            .query_opt("legacy_user_id", options.legacy_user_id.as_deref());
        self.send(call)?.into_json()
    }

    /// One page of the members of org `org_id`, each with `role_in_org` and
    /// `additional_roles_in_org`. An org id that is not a UUID gets an empty page (echoing
    /// the page number and size) without any request.
    pub fn fetch_users_in_org(
        &self,
        org_id: &str,
        options: &FetchUsersInOrgOptions,
    ) -> Result<Page<UserMetadata>, ApiError> {
        if !is_uuid(org_id) {
            return Ok(Page::empty(options.page_number, options.page_size));
        }
        let call = Call::get(route!("/user/org/{org_id}"), &[org_id])
            .query("page_size", options.page_size)
            .query("page_number", options.page_number)
            .query("include_orgs", options.include_orgs)
            .query_opt("role", options.role.as_deref());
        self.send(call)?.into_json()
    }

    /// Creates a user with email address `email`.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use propelauth_core::api::CreateUserOptions;
    ///
    /// let auth = propelauth_core::init_auth("https://auth.example.com", "api-key")?;
    /// let created = auth.create_user(
    ///     "ada@example.com",
    ///     &CreateUserOptions {
    ///         first_name: Some("Ada".to_owned()),
    ///         send_email_to_confirm_email_address: false,
    ///         ..Default::default()
    ///     },
    /// )?;
    /// println!("created {}", created.user_id);
    /// # Ok(()) }
    /// ```
    pub fn create_user(
        &self,
        email: &str,
        options: &CreateUserOptions,
    ) -> Result<CreatedUser, ApiError> {
        let body = CreateUserBody {
            email,
            email_confirmed: options.email_confirmed,
            send_email_to_confirm_email_address: options.send_email_to_confirm_email_address,
            ask_user_to_update_password_on_login: options.ask_user_to_update_password_on_login,
            ignore_domain_restrictions: options.ignore_domain_restrictions,
            password: options.password.as_deref(),
            username: options.username.as_deref(),
            first_name: options.first_name.as_deref(),
            last_name: options.last_name.as_deref(),
            properties: options.properties.as_ref(),
        };
        self.send(Call::post(route!("/user/"), &[]).json(&body))?
            .into_json()
    }

    /// Changes the set fields of user `user_id`; `false` when there is no such user.
    pub fn update_user_metadata(
        &self,
        user_id: &str,
        options: &UpdateUserMetadataOptions,
    ) -> Result<bool, ApiError> {
        let body = UpdateUserMetadataBody {
            username: options.username.as_deref(),
            first_name: options.first_name.as_deref(),
            last_name: options.last_name.as_deref(),
            metadata: options.metadata.as_ref(),
            properties: options.properties.as_ref(),
            picture_url: options.picture_url.as_deref(),
            update_password_required: options.update_password_required,
            legacy_user_id: options.legacy_user_id.as_deref(),
        };
        self.checked_mutation(user_id, || {
            Call::put(route!("/user/{user_id}"), &[user_id]).json(&body)
        })
    }

    /// Changes the email address of user `user_id` (with `require_email_confirmation`, the
    /// user must confirm it first); `false` when there is no such user.
    pub fn update_user_email(
        &self,
        user_id: &str,
        new_email: &str,
        require_email_confirmation: bool,
    ) -> Result<bool, ApiError> {
        let body = UpdateEmailBody {
            new_email,
            require_email_confirmation,
        };
        self.checked_mutation(user_id, || {
            Call::put(route!("/user/{user_id}/email"), &[user_id]).json(&body)
        })
    }

    /// Sets the password of user `user_id`; `false` when there is no such user.
    pub fn update_user_password(
        &self,
        user_id: &str,
        password: &str,
        options: &UpdateUserPasswordOptions,
    ) -> Result<bool, ApiError> {
        let body = UpdatePasswordBody {
            password,
            ask_user_to_update_password_on_login: options.ask_user_to_update_password_on_login,
        };
        self.checked_mutation(user_id, || {
            Call::put(route!("/user/{user_id}/password"), &[user_id]).json(&body)
        })
    }

    /// Removes the password of user `user_id`; `false` when there is no such user.
    pub fn clear_user_password(&self, user_id: &str) -> Result<bool, ApiError> {
        self.checked_mutation(user_id, || {
            Call::put(route!("/user/{user_id}/clear_password"), &[user_id])
        })
    }

    /// Deletes user `user_id`; `false` when there is no such user.
    pub fn delete_user(&self, user_id: &str) -> Result<bool, ApiError> {
        self.checked_mutation(user_id, || {
            Call::delete(route!("/user/{user_id}"), &[user_id])
        })
    }

    /// Disables user `user_id` (they can no longer log in); `false` when there is no such
    /// user.
    pub fn disable_user(&self, user_id: &str) -> Result<bool, ApiError> {
        self.checked_mutation(user_id, || {
            Call::post(route!("/user/{user_id}/disable"), &[user_id])
        })
    }

    /// Enables user `user_id` again; `false` when there is no such user.
    pub fn enable_user(&self, user_id: &str) -> Result<bool, ApiError> {
        self.checked_mutation(user_id, || {
            Call::post(route!("/user/{user_id}/enable"), &[user_id])
        })
    }

    /// Turns off MFA for user `user_id`; `false` when there is no such user.
    pub fn disable_user_2fa(&self, user_id: &str) -> Result<bool, ApiError> {
        self.checked_mutation(user_id, || {
            Call::post(route!("/user/{user_id}/disable_2fa"), &[user_id])
        })
    }

    /// Ends every session of user `user_id`; `false` when there is no such user.
    pub fn logout_all_user_sessions(&self, user_id: &str) -> Result<bool, ApiError> {
        self.checked_mutation(user_id, || {
            Call::post(route!("/user/{user_id}/logout_all_sessions"), &[user_id])
        })
    }

    /// Lets user `user_id` create orgs; `false` when there is no such user.
    pub fn enable_user_can_create_orgs(&self, user_id: &str) -> Result<bool, ApiError> {
        self.checked_mutation(user_id, || {
            Call::put(route!("/user/{user_id}/can_create_orgs/enable"), &[user_id])
        })
    }

    /// Stops user `user_id` from creating orgs; `false` when there is no such user.
    pub fn disable_user_can_create_orgs(&self, user_id: &str) -> Result<bool, ApiError> {
        self.checked_mutation(user_id, || {
            Call::put(
                route!("/user/{user_id}/can_create_orgs/disable"),
                &[user_id],
            )
        })
    }

    /// Sends user `user_id` a new email confirmation link; `false` when there is no such
    /// user. Asking again too soon is [`ApiError::RateLimited`] with the service's text.
    pub fn resend_email_confirmation(&self, user_id: &str) -> Result<bool, ApiError> {
        self.checked_mutation(user_id, || {
            Call::post(route!("/resend_email_confirmation"), &[]).json(&UserIdBody { user_id })
        })
    }

    /// Invites `email` to org `org_id` with `role`; `false` when there is no such org (an org
    /// id that is not a UUID makes no request).
    pub fn invite_user_to_org(
        &self,
        email: &str,
        org_id: &str,
        role: &str,
        options: &InviteUserToOrgOptions,
    ) -> Result<bool, ApiError> {
        let body = InviteBody {
            email: Some(email),
            user_id: None,
            org_id,
            role,
            additional_roles: &options.additional_roles,
        };
        self.checked_mutation(org_id, || {
            Call::post(route!("/invite_user"), &[]).json(&body)
        })
    }

    /// Invites the existing user `user_id` to org `org_id` with `role`; `false` when there is
    /// no such org or user (an org id that is not a UUID makes no request).
    pub fn invite_user_to_org_by_user_id(
        &self,
        user_id: &str,
        org_id: &str,
        role: &str,
        options: &InviteUserToOrgOptions,
    ) -> Result<bool, ApiError> {
        let body = InviteBody {
            email: None,
            user_id: Some(user_id),
            org_id,
            role,
            additional_roles: &options.additional_roles,
        };
        self.checked_mutation(org_id, || {
            Call::post(route!("/invite_user_by_id"), &[]).json(&body)
        })
    }

    /// The query parameters user `user_id` signed up with, or `None` when there is no such
    /// user (an id that is not a UUID makes no request).
    pub fn fetch_user_signup_query_params_by_user_id(
        &self,
        user_id: &str,
    ) -> Result<Option<UserSignupQueryParams>, ApiError> {
        if !is_uuid(user_id) {
            return Ok(None);
        }
        let call = Call::get(
            route!("/user/{user_id}/signup_query_parameters"),
            &[user_id],
        );
        self.send(call)?.into_optional()
    }

    /// The MFA setup of user `user_id`, or `None` when there is no such user.
    pub fn fetch_user_mfa_methods(
        &self,
        user_id: &str,
    ) -> Result<Option<UserMfaMethods>, ApiError> {
        let call = Call::get(route!("/user/{user_id}/mfa"), &[user_id]);
        self.send(call)?.into_optional()
    }

    /// The OAuth tokens of user `user_id` by provider name, or `None` when there is no such
    /// user.
    pub fn fetch_user_oauth_tokens(
        &self,
        user_id: &str,
    ) -> Result<Option<BTreeMap<String, OAuthToken>>, ApiError> {
        let call = Call::get(route!("/user/{user_id}/oauth_token"), &[user_id]);
        let tokens: Option<RecordsByKey<OAuthToken>> = self.send(call)?.into_optional()?;
        Ok(tokens.map(|RecordsByKey(tokens)| tokens))
    }

    /// A fresh OAuth token of user `user_id` from `provider` (refreshed by PropelAuth when
    /// needed), or `None` when there is none.
    pub fn fetch_fresh_token_from_provider(
        &self,
        user_id: &str,
        provider: &str,
    ) -> Result<Option<OAuthToken>, ApiError> {
        let call = Call::get(
            route!("/user/{user_id}/{provider}/fresh_token"),
            &[user_id, provider],
        );
        self.send(call)?.into_optional()
    }

    /// A link that logs in the user with email address `email`.
    pub fn create_magic_link(
        &self,
        email: &str,
        options: &CreateMagicLinkOptions,
    ) -> Result<CreatedMagicLink, ApiError> {
        let body = MagicLinkBody {
            email,
            redirect_to_url: options.redirect_to_url.as_deref(),
            expires_in_hours: options.expires_in_hours,
            create_new_user_if_one_doesnt_exist: options.create_new_user_if_one_doesnt_exist,
            user_signup_query_parameters: options.user_signup_query_parameters.as_ref(),
            expire_after_first_use: options.expire_after_first_use,
            requires_interstitial: options.requires_interstitial,
        };
        self.send(Call::post(route!("/magic_link"), &[]).json(&body))?
            .into_json()
    }

    /// An access token for user `user_id`, valid `duration_in_minutes`.
    ///
    /// Errors: [`ApiError::UserNotFound`] when there is no such user (an id that is not a
    /// UUID makes no request), [`ApiError::AccessTokenCreationNotEnabled`] when the feature is
    /// off for the project.
    pub fn create_access_token(
        &self,
        user_id: &str,
        duration_in_minutes: u64,
        options: &CreateAccessTokenOptions,
    ) -> Result<CreatedAccessToken, ApiError> {
        if !is_uuid(user_id) {
            return Err(ApiError::UserNotFound);
        }
        let body = AccessTokenBody {
            user_id,
            duration_in_minutes,
            active_org_id: options.active_org_id.as_deref(),
        };
        let answer = self.send(Call::post(route!("/access_token"), &[]).json(&body))?;
        match answer.status() {
            403 => Err(ApiError::UserNotFound),
            404 => Err(ApiError::AccessTokenCreationNotEnabled),
            _ => answer.into_json(),
        }
    }

    /// Creates a user moved from another system, keeping their id there, password hash and
    /// MFA secret when given.
    pub fn migrate_user_from_external_source(
        &self,
        email: &str,
        email_confirmed: bool,
        options: &MigrateUserOptions,
    ) -> Result<CreatedUser, ApiError> {
        let body = MigrateUserBody {
            email,
            email_confirmed,
            existing_user_id: options.existing_user_id.as_deref(),
            existing_password_hash: options.existing_password_hash.as_deref(),
            existing_mfa_base32_encoded_secret: options
                .existing_mfa_base32_encoded_secret
                .as_deref(),
            update_password_required: options.ask_user_to_update_password_on_login,
            enabled: options.enabled,
            first_name: options.first_name.as_deref(),
            last_name: options.last_name.as_deref(),
            username: options.username.as_deref(),
            picture_url: options.picture_url.as_deref(),
            properties: options.properties.as_ref(),
        };
        self.send(Call::post(route!("/migrate_user/"), &[]).json(&body))?
            .into_json()
    }

    /// Sets the password hash of user `user_id` (a hash from the system migrated from).
    /// `false` without a request when the id is not a UUID; an unknown user (404) is an
    /// unexpected-status error, as in PropelAuth's library.
    pub fn migrate_user_password(
        &self,
        user_id: &str,
        password_hash: &str,
    ) -> Result<bool, ApiError> {
        if !is_uuid(user_id) {
            return Ok(false);
        }
        let body = MigratePasswordBody {
            user_id,
            password_hash,
        };
        self.send(Call::post(route!("/migrate_user/password"), &[]).json(&body))?
            .into_done()
            .map(|()| true)
    }
}
