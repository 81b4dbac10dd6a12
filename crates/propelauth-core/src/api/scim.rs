//! SCIM calls of the backend API.

use serde::{Deserialize, Serialize};

use super::answer::{self, required};
use super::call::{Call, route};
use super::{ApiError, Page};
use crate::Auth;

/// What the not-found error of these calls names.
const ORGANIZATION: &str = "organization";

/// A SCIM group of an org, as listed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ScimGroupSummary {
    /// The group's id (required).
    #[serde(default = "required::group_id", deserialize_with = "answer::id")]
    pub group_id: String,
    /// The group's name.
    pub display_name: Option<String>,
    /// The group's id at the identity provider.
    pub external_id_from_idp: Option<String>,
}

/// A member of a SCIM group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ScimGroupMember {
    /// The member's user id (required).
    #[serde(default = "required::user_id", deserialize_with = "answer::id")]
    pub user_id: String,
}

/// A SCIM group with one page of its members.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ScimGroup {
    /// The group's id (required).
    #[serde(default = "required::group_id", deserialize_with = "answer::id")]
    pub group_id: String,
    /// The group's name.
    pub display_name: Option<String>,
    /// The group's id at the identity provider.
    pub external_id_from_idp: Option<String>,
    /// The members on the page asked for.
    #[serde(deserialize_with = "answer::records")]
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
#[derive(Deserialize, Default)]
#[serde(default)]
struct GroupsAnswer {
    #[serde(deserialize_with = "answer::records")]
    groups: Vec<ScimGroupSummary>,
    total_groups: u64,
    page_number: u64,
    page_size: u64,
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
        let call = Call::get(route!("/scim/{org_id}/groups"), &[org_id])
            .query("page_size", options.page_size)
            .query("page_number", options.page_number)
            .query_opt("user_id", options.user_id.as_deref());
        let answer: GroupsAnswer = self
            .send(call)?
            .not_found_is_error(ORGANIZATION)?
            .into_json()?;
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
        let call = Call::get(
            route!("/scim/{org_id}/groups/{group_id}"),
            &[org_id, group_id],
        )
        .query("members_page_size", options.members_page_size)
        .query("members_page_number", options.members_page_number);
        self.send(call)?
            .not_found_is_error(ORGANIZATION)?
            .into_json()
    }
}
