//! SCIM calls of the backend API (backend-api.md, "Step-up MFA, SCIM, employees, insights").

use serde::{Deserialize, Serialize};

use super::call::{Answer, Call, segment};
use super::{ApiError, Page};
use crate::Auth;

/// What the not-found error of these calls names.
const ORGANIZATION: &str = "organization";

/// A SCIM group of an org, as listed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScimGroupSummary {
    /// The group's id.
    #[serde(default)]
    pub group_id: String,
    /// The group's name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// The group's id at the identity provider.
    #[serde(default)]
    pub external_id_from_idp: Option<String>,
}

/// A member of a SCIM group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScimGroupMember {
    /// The member's user id.
    #[serde(default)]
    pub user_id: String,
}

/// A SCIM group with one page of its members.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScimGroup {
    /// The group's id.
    #[serde(default)]
    pub group_id: String,
    /// The group's name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// The group's id at the identity provider.
    #[serde(default)]
    pub external_id_from_idp: Option<String>,
    /// The members on the page asked for.
    #[serde(default)]
    pub members: Vec<ScimGroupMember>,
}

/// Filter and paging of [`Auth::fetch_org_scim_groups`]; the page is always sent.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchOrgScimGroupsOptions {
    /// Only the groups this user is a member of.
    pub user_id: Option<String>,
    /// Page size (default 10).
    pub page_size: u64,
    /// Page number, from 0 (default 0).
    pub page_number: u64,
}

impl Default for FetchOrgScimGroupsOptions {
    fn default() -> Self {
        Self {
            user_id: None,
            page_size: 10,
            page_number: 0,
        }
    }
}

/// Paging of the members in [`Auth::fetch_scim_group`]; always sent.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchScimGroupOptions {
    /// Members per page (default 10).
    pub members_page_size: u64,
    /// Members page number, from 0 (default 0).
    pub members_page_number: u64,
}

impl Default for FetchScimGroupOptions {
    fn default() -> Self {
        Self {
            members_page_size: 10,
            members_page_number: 0,
        }
    }
}

/// The listing as the service sends it (`page_number`, not `current_page`).
#[derive(Deserialize)]
struct GroupsAnswer {
    #[serde(default)]
    groups: Vec<ScimGroupSummary>,
    #[serde(default)]
    total_groups: u64,
    #[serde(default)]
    page_number: u64,
    #[serde(default)]
    page_size: u64,
    #[serde(default)]
    has_more_results: Option<bool>,
}

impl From<GroupsAnswer> for Page<ScimGroupSummary> {
    fn from(answer: GroupsAnswer) -> Self {
        // The service does not say whether more pages exist; count.
        let seen = answer
            .page_number
            .saturating_add(1)
            .saturating_mul(answer.page_size);
        Page {
            has_more_results: answer
                .has_more_results
                .unwrap_or(seen < answer.total_groups),
            items: answer.groups,
            total: answer.total_groups,
            current_page: answer.page_number,
            page_size: answer.page_size,
        }
    }
}

impl Auth {
    /// One page of the SCIM groups of org `org_id`. An unknown org is
    /// [`ApiError::NotFound`].
    pub fn fetch_org_scim_groups(
        &self,
        org_id: &str,
        options: &FetchOrgScimGroupsOptions,
    ) -> Result<Page<ScimGroupSummary>, ApiError> {
        let call = Call::get(format!("/scim/{}/groups", segment(org_id)))
            .query("page_size", options.page_size)
            .query("page_number", options.page_number)
            .query_opt("user_id", options.user_id.as_deref());
        let answer: GroupsAnswer = org_found(self.backend().send(call)?)?.into_json()?;
        Ok(answer.into())
    }

    /// The SCIM group `group_id` of org `org_id`, with one page of its members. An unknown
    /// org or group is [`ApiError::NotFound`].
    pub fn fetch_scim_group(
        &self,
        org_id: &str,
        group_id: &str,
        options: &FetchScimGroupOptions,
    ) -> Result<ScimGroup, ApiError> {
        let call = Call::get(format!(
            "/scim/{}/groups/{}",
            segment(org_id),
            segment(group_id)
        ))
        .query("members_page_size", options.members_page_size)
        .query("members_page_number", options.members_page_number);
        org_found(self.backend().send(call)?)?.into_json()
    }
}

/// 404 → "organization not found"; any other answer as it is.
fn org_found(answer: Answer) -> Result<Answer, ApiError> {
    if answer.status == 404 {
        Err(ApiError::NotFound(ORGANIZATION))
    } else {
        Ok(answer)
    }
}
