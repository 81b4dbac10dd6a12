//! User calls of the backend API (backend-api.md, "Users").

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::call::{Answer, Body, Call, segment};
use super::{ApiError, Page, checked_mutation, is_uuid};
use crate::Auth;
use crate::org::OrgMemberInfo;

/// A user as the backend API describes them.
///
/// Every field may be absent (the service adds fields over time); unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserMetadata {
    /// The user's id.
    #[serde(default)]
    pub user_id: String,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the email address is confirmed.
    #[serde(default)]
    pub email_confirmed: Option<bool>,
    /// Whether the user has a password.
    #[serde(default)]
    pub has_password: Option<bool>,
    /// Username.
    #[serde(default)]
    pub username: Option<String>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Profile picture URL.
    #[serde(default)]
    pub picture_url: Option<String>,
    /// Whether the account is locked.
    #[serde(default)]
    pub locked: Option<bool>,
    /// Whether the account is enabled.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Whether MFA is on.
    #[serde(default)]
    pub mfa_enabled: Option<bool>,
    /// Whether the user may create orgs.
    #[serde(default)]
    pub can_create_orgs: Option<bool>,
    /// Creation time, seconds since the Unix epoch.
    #[serde(default)]
    pub created_at: Option<i64>,
    /// Last activity, seconds since the Unix epoch.
    #[serde(default)]
    pub last_active_at: Option<i64>,
    /// The user's orgs (with `include_orgs`), read like the token's org claims: an org whose
    /// role is `null` is dropped.
    #[serde(default, deserialize_with = "crate::user::members_with_a_role")]
    pub org_id_to_org_info: BTreeMap<String, OrgMemberInfo>,
    /// The user's id in a system migrated from.
    #[serde(default)]
    pub legacy_user_id: Option<String>,
    /// Set while an employee impersonates the user.
    #[serde(default)]
    pub impersonator_user_id: Option<String>,
    /// Custom metadata.
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    /// Custom user properties.
    #[serde(default)]
    pub properties: Option<Map<String, Value>>,
    /// In org listings: the user's role in that org.
    #[serde(default)]
    pub role_in_org: Option<String>,
    /// In org listings: the user's additional roles in that org.
    #[serde(default)]
    pub additional_roles_in_org: Option<Vec<String>>,
}

/// How [`Auth::fetch_users_by_query`] orders its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
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
#[non_exhaustive]
pub struct CreatedUser {
    /// The new user's id.
    #[serde(default)]
    pub user_id: String,
}

/// The link [`Auth::create_magic_link`] created.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreatedMagicLink {
    /// The URL that logs the user in.
    #[serde(default)]
    pub url: String,
}

/// The token [`Auth::create_access_token`] minted.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreatedAccessToken {
    /// The access token (a JWT the `validate_*` methods accept).
    #[serde(default)]
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
#[non_exhaustive]
pub struct UserSignupQueryParams {
    /// Parameter name → value.
    #[serde(default)]
    pub user_signup_query_parameters: BTreeMap<String, String>,
}

/// A user's MFA setup, from [`Auth::fetch_user_mfa_methods`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserMfaMethods {
    /// The MFA method, `None` when the user has none.
    #[serde(default)]
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
        #[serde(default)]
        phone_numbers: Vec<MfaPhoneNumber>,
    },
}

/// A phone number registered for SMS MFA.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MfaPhoneNumber {
    /// The last digits of the number.
    #[serde(default)]
    pub mfa_phone_number_suffix: String,
    /// The id to pass to step-up MFA calls (`send_sms_mfa_code`).
    #[serde(default)]
    pub mfa_phone_id: String,
}

/// An OAuth token a user got from a social login provider. `Debug` does not show the tokens.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OAuthToken {
    /// The provider's access token.
    #[serde(default)]
    pub access_token: String,
    /// The provider's refresh token, when it gave one.
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// When the access token expires, seconds since the Unix epoch.
    #[serde(default)]
    pub expires_at_seconds: Option<i64>,
    /// The scopes the user granted.
    #[serde(default)]
    pub authorized_scopes: Vec<String>,
}

impl fmt::Debug for OAuthToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthToken")
            .field("access_token", &"<redacted>")
            .field("refresh_token", &redacted(self.refresh_token.as_ref()))
            .field("expires_at_seconds", &self.expires_at_seconds)
            .field("authorized_scopes", &self.authorized_scopes)
            .finish()
    }
}

/// The values of `items` as a JSON array of strings.
fn strings(items: &[impl AsRef<str>]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|item| Value::from(item.as_ref()))
            .collect(),
    )
}

/// A batch answer (a JSON array of users) keyed by `key`; users without that key are left out.
fn keyed_users(
    answer: Answer,
    key: fn(&UserMetadata) -> Option<String>,
) -> Result<BTreeMap<String, UserMetadata>, ApiError> {
    let users: Vec<UserMetadata> = answer.into_json()?;
    Ok(users
        .into_iter()
        .filter_map(|user| Some((key(&user)?, user)))
        .collect())
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
            Call::get(format!("/user/{}", segment(user_id))).query("include_orgs", include_orgs);
        self.backend().send(call)?.into_optional()
    }

    /// The user with email address `email`, or `None` when there is none. `include_orgs` adds
    /// their orgs.
    pub fn fetch_user_metadata_by_email(
        &self,
        email: &str,
        include_orgs: bool,
    ) -> Result<Option<UserMetadata>, ApiError> {
        let call = Call::get("/user/email")
            .query("email", email)
            .query("include_orgs", include_orgs);
        self.backend().send(call)?.into_optional()
    }

    /// The user with username `username`, or `None` when there is none. `include_orgs` adds
    /// their orgs.
    pub fn fetch_user_metadata_by_username(
        &self,
        username: &str,
        include_orgs: bool,
    ) -> Result<Option<UserMetadata>, ApiError> {
        let call = Call::get("/user/username")
            .query("username", username)
            .query("include_orgs", include_orgs);
        self.backend().send(call)?.into_optional()
    }

    /// The users with these ids, keyed by user id (ids without a user are absent).
    pub fn fetch_batch_user_metadata_by_user_ids(
        &self,
        user_ids: &[impl AsRef<str>],
        include_orgs: bool,
    ) -> Result<BTreeMap<String, UserMetadata>, ApiError> {
        let call = Call::post("/user/user_ids")
            .query("include_orgs", include_orgs)
            .json(json!({ "user_ids": strings(user_ids) }));
        keyed_users(self.backend().send(call)?, |user| {
            Some(user.user_id.clone())
        })
    }

    /// The users with these email addresses, keyed by email address as the service returns it
    /// (addresses without a user are absent).
    pub fn fetch_batch_user_metadata_by_emails(
        &self,
        emails: &[impl AsRef<str>],
        include_orgs: bool,
    ) -> Result<BTreeMap<String, UserMetadata>, ApiError> {
        let call = Call::post("/user/emails")
            .query("include_orgs", include_orgs)
            .json(json!({ "emails": strings(emails) }));
        keyed_users(self.backend().send(call)?, |user| user.email.clone())
    }

    /// The users with these usernames, keyed by username (usernames without a user are
    /// absent).
    pub fn fetch_batch_user_metadata_by_usernames(
        &self,
        usernames: &[impl AsRef<str>],
        include_orgs: bool,
    ) -> Result<BTreeMap<String, UserMetadata>, ApiError> {
        let call = Call::post("/user/usernames")
            .query("include_orgs", include_orgs)
            .json(json!({ "usernames": strings(usernames) }));
        keyed_users(self.backend().send(call)?, |user| user.username.clone())
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
        let call = Call::get("/user/query")
            .query("page_size", options.page_size)
            .query("page_number", options.page_number)
            .query("order_by", options.order_by)
            .query_opt("email_or_username", options.email_or_username.clone())
            .query("include_orgs", options.include_orgs)
            .query_opt("legacy_user_id", options.legacy_user_id.clone());
        self.backend().send(call)?.into_json()
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
        let call = Call::get(format!("/user/org/{}", segment(org_id)))
            .query("page_size", options.page_size)
            .query("page_number", options.page_number)
            .query("include_orgs", options.include_orgs)
            .query_opt("role", options.role.clone());
        self.backend().send(call)?.into_json()
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
        let body = Body::new()
            .field("email", email)
            .field("email_confirmed", options.email_confirmed)
            .field(
                "send_email_to_confirm_email_address",
                options.send_email_to_confirm_email_address,
            )
            .field(
                "ask_user_to_update_password_on_login",
                options.ask_user_to_update_password_on_login,
            )
            .field(
                "ignore_domain_restrictions",
                options.ignore_domain_restrictions,
            )
            .field_opt("password", options.password.clone())
            .field_opt("username", options.username.clone())
            .field_opt("first_name", options.first_name.clone())
            .field_opt("last_name", options.last_name.clone())
            .field_opt("properties", options.properties.clone());
        let call = Call::post("/user/").json(body.build());
        self.backend().send(call)?.into_json()
    }

    /// Changes the set fields of user `user_id`; `false` when there is no such user.
    pub fn update_user_metadata(
        &self,
        user_id: &str,
        options: &UpdateUserMetadataOptions,
    ) -> Result<bool, ApiError> {
        if !is_uuid(user_id) {
            return Ok(false);
        }
        let body = Body::new()
            .field_opt("username", options.username.clone())
            .field_opt("first_name", options.first_name.clone())
            .field_opt("last_name", options.last_name.clone())
            .field_opt("metadata", options.metadata.clone())
            .field_opt("properties", options.properties.clone())
            .field_opt("picture_url", options.picture_url.clone())
            .field_opt("update_password_required", options.update_password_required)
            .field_opt("legacy_user_id", options.legacy_user_id.clone());
        let call = Call::put(format!("/user/{}", segment(user_id))).json(body.build());
        self.backend().send(call)?.into_found()
    }

    /// Changes the email address of user `user_id` (with `require_email_confirmation`, the
    /// user must confirm it first); `false` when there is no such user.
    pub fn update_user_email(
        &self,
        user_id: &str,
        new_email: &str,
        require_email_confirmation: bool,
    ) -> Result<bool, ApiError> {
        if !is_uuid(user_id) {
            return Ok(false);
        }
        let call = Call::put(format!("/user/{}/email", segment(user_id))).json(json!({
            "new_email": new_email,
            "require_email_confirmation": require_email_confirmation,
        }));
        self.backend().send(call)?.into_found()
    }

    /// Sets the password of user `user_id`; `false` when there is no such user.
    pub fn update_user_password(
        &self,
        user_id: &str,
        password: &str,
        options: &UpdateUserPasswordOptions,
    ) -> Result<bool, ApiError> {
        if !is_uuid(user_id) {
            return Ok(false);
        }
        let call = Call::put(format!("/user/{}/password", segment(user_id))).json(json!({
            "password": password,
            "ask_user_to_update_password_on_login": options.ask_user_to_update_password_on_login,
        }));
        self.backend().send(call)?.into_found()
    }

    /// Removes the password of user `user_id`; `false` when there is no such user.
    pub fn clear_user_password(&self, user_id: &str) -> Result<bool, ApiError> {
        self.user_action(Call::put, user_id, "/clear_password")
    }

    /// Deletes user `user_id`; `false` when there is no such user.
    pub fn delete_user(&self, user_id: &str) -> Result<bool, ApiError> {
        self.user_action(Call::delete, user_id, "")
    }

    /// Disables user `user_id` (they can no longer log in); `false` when there is no such
    /// user.
    pub fn disable_user(&self, user_id: &str) -> Result<bool, ApiError> {
        self.user_action(Call::post, user_id, "/disable")
    }

    /// Enables user `user_id` again; `false` when there is no such user.
    pub fn enable_user(&self, user_id: &str) -> Result<bool, ApiError> {
        self.user_action(Call::post, user_id, "/enable")
    }

    /// Turns off MFA for user `user_id`; `false` when there is no such user.
    pub fn disable_user_2fa(&self, user_id: &str) -> Result<bool, ApiError> {
        self.user_action(Call::post, user_id, "/disable_2fa")
    }

    /// Ends every session of user `user_id`; `false` when there is no such user.
    pub fn logout_all_user_sessions(&self, user_id: &str) -> Result<bool, ApiError> {
        self.user_action(Call::post, user_id, "/logout_all_sessions")
    }

    /// Lets user `user_id` create orgs; `false` when there is no such user.
    pub fn enable_user_can_create_orgs(&self, user_id: &str) -> Result<bool, ApiError> {
        self.user_action(Call::put, user_id, "/can_create_orgs/enable")
    }

    /// Stops user `user_id` from creating orgs; `false` when there is no such user.
    pub fn disable_user_can_create_orgs(&self, user_id: &str) -> Result<bool, ApiError> {
        self.user_action(Call::put, user_id, "/can_create_orgs/disable")
    }

    /// A bodiless `method /user/{user_id}{suffix}`: `false` for an id that is not a UUID (no
    /// request) and on 404.
    fn user_action(
        &self,
        method: fn(String) -> Call,
        user_id: &str,
        suffix: &str,
    ) -> Result<bool, ApiError> {
        checked_mutation(self, user_id, |id| method(format!("/user/{id}{suffix}")))
    }

    /// Sends user `user_id` a new email confirmation link; `false` when there is no such
    /// user. Asking again too soon is [`ApiError::RateLimited`] with the service's text.
    pub fn resend_email_confirmation(&self, user_id: &str) -> Result<bool, ApiError> {
        if !is_uuid(user_id) {
            return Ok(false);
        }
        let call = Call::post("/resend_email_confirmation").json(json!({ "user_id": user_id }));
        self.backend().send(call)?.into_found()
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
        if !is_uuid(org_id) {
            return Ok(false);
        }
        let call = Call::post("/invite_user").json(json!({
            "email": email,
            "org_id": org_id,
            "role": role,
            "additional_roles": options.additional_roles,
        }));
        self.backend().send(call)?.into_found()
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
        if !is_uuid(org_id) {
            return Ok(false);
        }
        let call = Call::post("/invite_user_by_id").json(json!({
            "user_id": user_id,
            "org_id": org_id,
            "role": role,
            "additional_roles": options.additional_roles,
        }));
        self.backend().send(call)?.into_found()
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
        let call = Call::get(format!(
            "/user/{}/signup_query_parameters",
            segment(user_id)
        ));
        self.backend().send(call)?.into_optional()
    }

    /// The MFA setup of user `user_id`, or `None` when there is no such user.
    pub fn fetch_user_mfa_methods(
        &self,
        user_id: &str,
    ) -> Result<Option<UserMfaMethods>, ApiError> {
        let call = Call::get(format!("/user/{}/mfa", segment(user_id)));
        self.backend().send(call)?.into_optional()
    }

    /// The OAuth tokens of user `user_id` by provider name, or `None` when there is no such
    /// user.
    pub fn fetch_user_oauth_tokens(
        &self,
        user_id: &str,
    ) -> Result<Option<BTreeMap<String, OAuthToken>>, ApiError> {
        let call = Call::get(format!("/user/{}/oauth_token", segment(user_id)));
        self.backend().send(call)?.into_optional()
    }

    /// A fresh OAuth token of user `user_id` from `provider` (refreshed by PropelAuth when
    /// needed), or `None` when there is none.
    pub fn fetch_fresh_token_from_provider(
        &self,
        user_id: &str,
        provider: &str,
    ) -> Result<Option<OAuthToken>, ApiError> {
        let call = Call::get(format!(
            "/user/{}/{}/fresh_token",
            segment(user_id),
            segment(provider)
        ));
        self.backend().send(call)?.into_optional()
    }

    /// A link that logs in the user with email address `email`.
    pub fn create_magic_link(
        &self,
        email: &str,
        options: &CreateMagicLinkOptions,
    ) -> Result<CreatedMagicLink, ApiError> {
        let signup_parameters = options
            .user_signup_query_parameters
            .clone()
            .map(|parameters| {
                parameters
                    .into_iter()
                    .map(|(name, value)| (name, Value::String(value)))
                    .collect::<Map<String, Value>>()
            });
        let body = Body::new()
            .field("email", email)
            .field_opt("redirect_to_url", options.redirect_to_url.clone())
            .field_opt("expires_in_hours", options.expires_in_hours)
            .field_opt(
                "create_new_user_if_one_doesnt_exist",
                options.create_new_user_if_one_doesnt_exist,
            )
            .field_opt("user_signup_query_parameters", signup_parameters)
            .field_opt("expire_after_first_use", options.expire_after_first_use)
            .field_opt("requires_interstitial", options.requires_interstitial);
        let call = Call::post("/magic_link").json(body.build());
        self.backend().send(call)?.into_json()
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
        let body = Body::new()
            .field("user_id", user_id)
            .field("duration_in_minutes", duration_in_minutes)
            .field_truthy("active_org_id", options.active_org_id.clone());
        let call = Call::post("/access_token").json(body.build());
        let answer = self.backend().send(call)?;
        match answer.status {
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
        let body = Body::new()
            .field("email", email)
            .field("email_confirmed", email_confirmed)
            .field("existing_user_id", options.existing_user_id.clone())
            .field(
                "existing_password_hash",
                options.existing_password_hash.clone(),
            )
            .field(
                "existing_mfa_base32_encoded_secret",
                options.existing_mfa_base32_encoded_secret.clone(),
            )
            .field(
                "update_password_required",
                options.ask_user_to_update_password_on_login,
            )
            .field("enabled", options.enabled)
            .field("first_name", options.first_name.clone())
            .field("last_name", options.last_name.clone())
            .field("username", options.username.clone())
            .field("picture_url", options.picture_url.clone())
            .field_opt("properties", options.properties.clone());
        let call = Call::post("/migrate_user/").json(body.build());
        self.backend().send(call)?.into_json()
    }

    /// Sets the password hash of user `user_id` (a hash from the system migrated from);
    /// `false` when there is no such user.
    pub fn migrate_user_password(
        &self,
        user_id: &str,
        password_hash: &str,
    ) -> Result<bool, ApiError> {
        if !is_uuid(user_id) {
            return Ok(false);
        }
        let call = Call::post("/migrate_user/password").json(json!({
            "user_id": user_id,
            "password_hash": password_hash,
        }));
        self.backend().send(call)?.into_found()
    }
}
