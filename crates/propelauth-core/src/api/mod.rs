//! The client for PropelAuth's backend API: one method on [`Auth`](crate::Auth) per call of
//! PropelAuth's Python library, named as there, and an async twin of each on `NonBlocking`
//! (`auth.nonblocking()`, feature `tokio`).
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let auth = propelauth_core::init_auth("https://auth.example.com", "api-key")?;
//! if let Some(user) = auth.fetch_user_metadata_by_user_id(
//!     "31c41c16-c281-44ae-9602-8a047e3bf33d",
//!     true,
//! )? {
//!     println!("{:?} is in {} orgs", user.email, user.org_id_to_org_info.len());
//! }
//! # Ok(()) }
//! ```
//!
//! The methods on `Auth` are blocking (ureq, with the timeouts of
//! [`AuthOptions`](crate::AuthOptions)). From async code, call the same method on
//! `auth.nonblocking()`, which runs it on tokio's blocking pool.
//!
//! Errors are one type, [`ApiError`]. Where PropelAuth's library answers "not found" with
//! `None` or `false`, so do these methods, and an id that cannot exist (not a canonical UUID)
//! gets that answer without any request.

mod answer;
mod api_keys;
pub(crate) mod call;
mod employees;
mod error;
#[cfg(feature = "tokio")]
mod nonblocking;
mod orgs;
mod reports;
mod scim;
mod step_up;
mod users;

pub use answer::MAX_ANSWER_RECORDS;
pub use api_keys::{
    ApiKey, ApiKeyOrg, ApiKeyType, ApiKeyUsage, ApiKeyUsageOptions, CreateApiKeyOptions,
    FetchApiKeysOptions, ImportApiKeyOptions, ImportedApiKey, NewApiKey, OrgApiKeyValidation,
    PersonalApiKeyValidation, UpdateApiKeyOptions, ValidatedApiKey,
};
pub use employees::Employee;
pub use error::{ApiError, BadRequest, RateLimit, StepUpError};
#[cfg(feature = "tokio")]
pub use nonblocking::NonBlocking;
pub use orgs::{
    AddUserToOrgOptions, ChangeUserRoleInOrgOptions, CreateOrgOptions,
    CreateOrgSamlConnectionLinkOptions, CreatedOrg, CustomRoleMapping, CustomRoleMappings,
    FetchOrgByQueryOptions, FetchPendingInvitesOptions, OidcIdpMetadataOptions, OidcIdpType,
    OrgOrderBy, Organization, PendingInvite, SamlConnectionLink, SamlSpMetadata,
    UpdateOrgMetadataOptions,
};
pub use reports::{
    ChartData, ChartDataPoint, ChartMetric, ChartMetricCadence, ChartMetricOptions, OrgReport,
    OrgReportRecord, ReportInterval, ReportOptions, ReportOrgMembership, UserReport,
    UserReportRecord,
};
pub use scim::{
    FetchOrgScimGroupsOptions, FetchScimGroupOptions, ScimGroup, ScimGroupMember, ScimGroupSummary,
};
pub use step_up::StepUpGrantType;
pub use users::{
    CreateAccessTokenOptions, CreateMagicLinkOptions, CreateUserOptions, CreatedAccessToken,
    CreatedMagicLink, CreatedUser, FetchUsersByQueryOptions, FetchUsersInOrgOptions,
    InviteUserToOrgOptions, MfaPhoneNumber, MfaSetup, MigrateUserOptions, OAuthToken,
    UpdateUserMetadataOptions, UpdateUserPasswordOptions, UserMetadata, UserMfaMethods,
    UserOrderBy, UserSignupQueryParams,
};

use serde::{Deserialize, Serialize};

/// One page of a listing. The item and total fields are named per listing on the wire
/// (`users`/`total_users`, `orgs`/`total_orgs`, `invites`/`total_invites`,
/// `api_keys`/`total_api_keys`, `groups`/`total_groups`); here they are `items` and `total`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, bound(deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    #[serde(
        deserialize_with = "answer::records",
        alias = "users",
        alias = "orgs",
        alias = "invites",
        alias = "api_keys",
        alias = "groups"
    )]
    pub items: Vec<T>,
    /// How many items there are in all.
    #[serde(
        alias = "total_users",
        alias = "total_orgs",
        alias = "total_invites",
        alias = "total_api_keys",
        alias = "total_groups"
    )]
    pub total: u64,
    /// This page's number (from 0).
    pub current_page: u64,
    /// The page size asked for.
    pub page_size: u64,
    /// Whether a next page exists.
    pub has_more_results: bool,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self::empty(0, 0)
    }
}

impl<T> Page<T> {
    /// An empty page (what a listing answers for an id that cannot exist).
    pub fn empty(page_number: u64, page_size: u64) -> Self {
        Self {
            items: Vec::new(),
            total: 0,
            current_page: page_number,
            page_size,
            has_more_results: false,
        }
    }
}

/// Whether `id` is a canonical lower-case hyphenated UUID (any version), the only form of
/// user and org ids PropelAuth issues.
pub(crate) fn is_uuid(id: &str) -> bool {
    let bytes = id.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            8 | 13 | 18 | 23 => *byte == b'-',
            _ => matches!(byte, b'0'..=b'9' | b'a'..=b'f'),
        })
}

/// Whether `id` parses as hex (end-user API key ids).
pub(crate) fn is_hex(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|byte| byte.is_ascii_hexdigit())
}

#[cfg(feature = "tokio")]
impl crate::Auth {
    /// Runs blocking backend API calls on tokio's blocking pool, so an async handler never
    /// stalls a runtime worker. For one call, [`nonblocking`](Self::nonblocking) is shorter;
    /// this is for several calls in one task, or your own code around them:
    ///
    /// ```no_run
    /// # async fn handler(auth: propelauth_core::Auth) -> Result<(), propelauth_core::api::ApiError> {
    /// let user = auth
    ///     .spawn_blocking(|auth| auth.fetch_user_metadata_by_email("ada@example.com", false))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// The closure gets a clone of the handle (one `Arc`); it may make several calls.
    pub async fn spawn_blocking<T, F>(&self, calls: F) -> Result<T, ApiError>
    where
        F: FnOnce(&crate::Auth) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let auth = self.clone();
        tokio::task::spawn_blocking(move || calls(&auth))
            .await
            .map_err(|error| ApiError::Task(error.to_string()))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_must_be_canonical_lower_case() {
        assert!(is_uuid("31c41c16-c281-44ae-9602-8a047e3bf33d"));
        assert!(
            is_uuid("00000000-0000-1000-8000-000000000000"),
            "any version"
        );
        for id in [
            "31C41C16-C281-44AE-9602-8A047E3BF33D",
            "31c41c16c28144ae96028a047e3bf33d",
            "31c41c16-c281-44ae-9602-8a047e3bf33",
            "31c41c16-c281-44ae-9602-8a047e3bf33dd",
            "{31c41c16-c281-44ae-9602-8a047e3bf33d}",
            "31c41c16-c281-44ae-9602_8a047e3bf33d",
            "g1c41c16-c281-44ae-9602-8a047e3bf33d",
            "",
            "../../etc/passwd",
        ] {
            assert!(!is_uuid(id), "{id}");
        }
    }

    #[test]
    fn api_key_ids_must_be_hex() {
        assert!(is_hex("0f9e8d"));
        assert!(is_hex("ABCdef0123"));
        assert!(!is_hex(""));
        assert!(!is_hex("xyz"));
        assert!(!is_hex("12 34"));
    }

    #[test]
    fn pages_read_every_listing_shape() {
        let users: Page<u8> = serde_json::from_str(
            r#"{"users":[1,2],"total_users":7,"current_page":1,"page_size":2,"has_more_results":true}"#,
        )
        .unwrap();
        assert_eq!(
            (users.items, users.total, users.has_more_results),
            (vec![1, 2], 7, true)
        );
        let orgs: Page<u8> = serde_json::from_str(r#"{"orgs":[3],"total_orgs":1}"#).unwrap();
        assert_eq!((orgs.items, orgs.total, orgs.page_size), (vec![3], 1, 0));
        let empty: Page<u8> = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, Page::empty(0, 0));
    }
}
