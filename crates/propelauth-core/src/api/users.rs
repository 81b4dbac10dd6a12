//! User calls of the backend API (backend-api.md, "Users").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::call::{Call, segment};
use super::{ApiError, is_uuid};
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
}
