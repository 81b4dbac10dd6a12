//! Organization calls of the backend API (backend-api.md, "Organizations"), SAML connection
//! management included.
//!
//! Which org ids are checked locally (backend-api-wire.md §12): the fetches of one org or of
//! its SAML metadata, the SAML connection link, the pending-invite listing (when an org id is
//! given) and every boolean mutation addressed by `/org/{id}` or `/saml_idp_metadata`. The
//! membership calls (`add_user_to_org`, `remove_user_from_org`, `change_user_role_in_org`) and
//! `revoke_pending_org_invite` send their ids as given (§13).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::call::{Body, Call, segment};
use super::{ApiError, Page, checked_mutation, is_uuid};
use crate::Auth;
use crate::user::SamlProvider;

/// An organization as the backend API describes it (`fetch_org`, and the items of
/// `fetch_org_by_query`, which carry a subset of the fields).
///
/// Every field may be absent (the service adds fields over time); unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Organization {
    /// The org's id (empty if the service left it out).
    #[serde(default)]
    pub org_id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// URL-safe name (slug).
    #[serde(default)]
    pub url_safe_org_slug: Option<String>,
    /// Whether the org may set up a SAML connection.
    #[serde(default)]
    pub can_setup_saml: Option<bool>,
    /// Whether a SAML connection is configured.
    #[serde(default)]
    pub is_saml_configured: Option<bool>,
    /// Whether the SAML connection is still in test mode (not live).
    #[serde(default)]
    pub is_saml_in_test_mode: Option<bool>,
    /// Most members the org may have, when limited.
    #[serde(default)]
    pub max_users: Option<u64>,
    /// Custom metadata.
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    /// The org's email domain.
    #[serde(default)]
    pub domain: Option<String>,
    /// Further email domains of the org (absent → empty).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub extra_domains: Vec<String>,
    /// Whether users with a matching email domain join automatically.
    #[serde(default)]
    pub domain_autojoin: Option<bool>,
    /// Whether members must have a matching email domain.
    #[serde(default)]
    pub domain_restrict: Option<bool>,
    /// The custom role mapping the org is subscribed to, if any.
    #[serde(default)]
    pub custom_role_mapping_name: Option<String>,
    /// The org's id in a system migrated from.
    #[serde(default)]
    pub legacy_org_id: Option<String>,
    /// Whether the org is isolated (its users exist only inside it).
    #[serde(default)]
    pub isolated: Option<bool>,
}

/// A list that may arrive as `null`: read as empty.
fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

/// Order of `fetch_org_by_query` results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrgOrderBy {
    /// Oldest first (the default).
    #[default]
    #[serde(rename = "CREATED_AT_ASC")]
    CreatedAtAsc,
    /// Newest first.
    #[serde(rename = "CREATED_AT_DESC")]
    CreatedAtDesc,
    /// By name.
    #[serde(rename = "NAME")]
    Name,
}

impl OrgOrderBy {
    /// The value sent on the wire (`CREATED_AT_ASC`, `CREATED_AT_DESC`, `NAME`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::CreatedAtAsc => "CREATED_AT_ASC",
            Self::CreatedAtDesc => "CREATED_AT_DESC",
            Self::Name => "NAME",
        }
    }
}

impl fmt::Display for OrgOrderBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Options of [`Auth::fetch_org_by_query`]. Paging and order are always sent; the filters
/// only when set.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchOrgByQueryOptions {
    /// Orgs per page (default 10).
    pub page_size: u64,
    /// Page number, from 0 (default 0).
    pub page_number: u64,
    /// Order (default [`OrgOrderBy::CreatedAtAsc`]).
    pub order_by: OrgOrderBy,
    /// Only orgs whose name matches.
    pub name: Option<String>,
    /// Only the org with this legacy id.
    pub legacy_org_id: Option<String>,
    /// Only orgs with this email domain.
    pub domain: Option<String>,
}

impl Default for FetchOrgByQueryOptions {
    fn default() -> Self {
        Self {
            page_size: 10,
            page_number: 0,
            order_by: OrgOrderBy::CreatedAtAsc,
            name: None,
            legacy_org_id: None,
            domain: None,
        }
    }
}

/// The project's custom role mappings (`fetch_custom_role_mappings`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CustomRoleMappings {
    /// Every mapping (absent → empty).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub custom_role_mappings: Vec<CustomRoleMapping>,
}

/// One custom role mapping: a role-to-permissions set orgs can subscribe to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CustomRoleMapping {
    /// The mapping's name (what `subscribe_org_to_role_mapping` takes).
    #[serde(default)]
    pub custom_role_mapping_name: Option<String>,
    /// How many orgs use it.
    #[serde(default)]
    pub num_orgs_subscribed: Option<u64>,
}

/// Options of [`Auth::fetch_pending_invites`]. Paging is always sent; `org_id` when set.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchPendingInvitesOptions {
    /// Page number, from 0 (default 0).
    pub page_number: u64,
    /// Invites per page (default 10).
    pub page_size: u64,
    /// Only the invites of this org. A non-empty id that is not a UUID makes the call answer
    /// `None` without a request; an empty id is sent as is, like PropelAuth's library does.
    pub org_id: Option<String>,
}

impl Default for FetchPendingInvitesOptions {
    fn default() -> Self {
        Self {
            page_number: 0,
            page_size: 10,
            org_id: None,
        }
    }
}

/// An invitation to an org that has not been accepted yet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PendingInvite {
    /// Who was invited.
    #[serde(default)]
    pub invitee_email: Option<String>,
    /// The org invited to.
    #[serde(default)]
    pub org_id: Option<String>,
    /// Its name.
    #[serde(default)]
    pub org_name: Option<String>,
    /// The role the invitee will have.
    #[serde(default)]
    pub role_in_org: Option<String>,
    /// Additional roles the invitee will have (absent → empty).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub additional_roles_in_org: Vec<String>,
    /// When the invite was sent, seconds since the Unix epoch.
    #[serde(default)]
    pub created_at: Option<i64>,
    /// When the invite expires, seconds since the Unix epoch.
    #[serde(default)]
    pub expires_at: Option<i64>,
    /// Email of the user who invited, if a user did.
    #[serde(default)]
    pub inviter_email: Option<String>,
    /// Id of the user who invited, if a user did.
    #[serde(default)]
    pub inviter_user_id: Option<String>,
}

/// Options of [`Auth::create_org`]. The two booleans are always sent; `domain` and
/// `legacy_org_id` only when non-empty; `max_users` and `custom_role_mapping_name` whenever
/// set (`0` and `""` included).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CreateOrgOptions {
    /// Let users whose email domain matches `domain` join automatically (default false).
    pub enable_auto_joining_by_domain: bool,
    /// Require members to have an email in `domain` (default false).
    pub members_must_have_matching_domain: bool,
    /// The org's email domain.
    pub domain: Option<String>,
    /// Most members the org may have.
    pub max_users: Option<u64>,
    /// Subscribe the new org to this custom role mapping.
    pub custom_role_mapping_name: Option<String>,
    /// The org's id in a system migrated from.
    pub legacy_org_id: Option<String>,
}

/// The org `create_org` made.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreatedOrg {
    /// Its id.
    #[serde(default)]
    pub org_id: String,
    /// Its name.
    #[serde(default)]
    pub name: Option<String>,
}

/// Options of [`Auth::update_org_metadata`]: only the fields set are sent (any set value,
/// `false`, `0`, `""` and `{}` included); with nothing set the body is `{}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateOrgMetadataOptions {
    /// New display name.
    pub name: Option<String>,
    /// Whether the org may set up a SAML connection.
    pub can_setup_saml: Option<bool>,
    /// New custom metadata (replaces the old).
    pub metadata: Option<Map<String, Value>>,
    /// Most members the org may have.
    pub max_users: Option<u64>,
    /// Whether users with a matching email domain join automatically (sent as
    /// `autojoin_by_domain`; read back as [`Organization::domain_autojoin`]).
    pub can_join_on_email_domain_match: Option<bool>,
    /// Whether members must have a matching email domain (sent as `restrict_to_domain`; read
    /// back as [`Organization::domain_restrict`]).
    pub members_must_have_email_domain_match: Option<bool>,
    /// The org's email domain.
    pub domain: Option<String>,
    /// Date by which members must have 2FA set up, ISO 8601 (`2025-06-30T00:00:00Z`).
    pub require_2fa_by: Option<String>,
    /// Further email domains of the org.
    pub extra_domains: Option<Vec<String>>,
    /// The org's id in a system migrated from.
    pub legacy_org_id: Option<String>,
}

/// Options of [`Auth::add_user_to_org`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AddUserToOrgOptions {
    /// Roles besides `role` (multi-role projects); always sent, `[]` by default.
    pub additional_roles: Vec<String>,
}

/// Options of [`Auth::change_user_role_in_org`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeUserRoleInOrgOptions {
    /// Roles besides `role` (multi-role projects); always sent, `[]` by default.
    pub additional_roles: Vec<String>,
}

/// Options of [`Auth::create_org_saml_connection_link`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CreateOrgSamlConnectionLinkOptions {
    /// How long the link stays valid, in seconds (sent whenever set; the service's default
    /// otherwise).
    pub expires_in_seconds: Option<u64>,
}

/// The answer of `create_org_saml_connection_link`: the link, and every other field of the
/// JSON body as it came (PropelAuth's library returns the body as is).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SamlConnectionLink {
    /// The link to send to the org's IT admin to set up their SAML connection.
    #[serde(default)]
    pub url: Option<String>,
    /// The other fields of the answer, untouched.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// What an identity provider needs to know about PropelAuth as the service provider of an
/// org's SAML connection (`fetch_saml_sp_metadata`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SamlSpMetadata {
    /// The SP entity id (audience).
    #[serde(default)]
    pub entity_id: Option<String>,
    /// The assertion consumer service URL.
    #[serde(default)]
    pub acs_url: Option<String>,
    /// The single-logout URL.
    #[serde(default)]
    pub logout_url: Option<String>,
}

impl Auth {
    /// The org with id `org_id`, or `None` when there is none (an id that is not a UUID makes
    /// no request).
    pub fn fetch_org(&self, org_id: &str) -> Result<Option<Organization>, ApiError> {
        if !is_uuid(org_id) {
            return Ok(None);
        }
        let call = Call::get(format!("/org/{}", segment(org_id)));
        self.backend().send(call)?.into_optional()
    }

    /// One page of the project's orgs, filtered and ordered by `options`.
    pub fn fetch_org_by_query(
        &self,
        options: &FetchOrgByQueryOptions,
    ) -> Result<Page<Organization>, ApiError> {
        let call = Call::get("/org/query")
            .query("page_size", options.page_size)
            .query("page_number", options.page_number)
            .query("order_by", options.order_by)
            .query_opt("name", options.name.as_deref())
            .query_opt("legacy_org_id", options.legacy_org_id.as_deref())
            .query_opt("domain", options.domain.as_deref());
        self.backend().send(call)?.into_json()
    }

    /// The project's custom role mappings.
    pub fn fetch_custom_role_mappings(&self) -> Result<CustomRoleMappings, ApiError> {
        self.backend()
            .send(Call::get("/custom_role_mappings"))?
            .into_json()
    }

    /// One page of pending org invites, of one org when `options.org_id` is set. `None` only
    /// when that org id cannot exist (not a UUID; no request is made).
    pub fn fetch_pending_invites(
        &self,
        options: &FetchPendingInvitesOptions,
    ) -> Result<Option<Page<PendingInvite>>, ApiError> {
        if let Some(org_id) = options.org_id.as_deref()
            && !org_id.is_empty()
            && !is_uuid(org_id)
        {
            return Ok(None);
        }
        let call = Call::get("/pending_org_invites")
            .query("page_number", options.page_number)
            .query("page_size", options.page_size)
            .query_opt("org_id", options.org_id.as_deref());
        self.backend().send(call)?.into_json().map(Some)
    }

    /// Creates an org named `name`.
    pub fn create_org(
        &self,
        name: &str,
        options: &CreateOrgOptions,
    ) -> Result<CreatedOrg, ApiError> {
        let body = Body::new()
            .field("name", name)
            .field(
                "enable_auto_joining_by_domain",
                options.enable_auto_joining_by_domain,
            )
            .field(
                "members_must_have_matching_domain",
                options.members_must_have_matching_domain,
            )
            .field_truthy("domain", options.domain.as_deref())
            .field_opt("max_users", options.max_users)
            .field_opt(
                "custom_role_mapping_name",
                options.custom_role_mapping_name.as_deref(),
            )
            .field_truthy("legacy_org_id", options.legacy_org_id.as_deref());
        let call = Call::post("/org/").json(body.build());
        self.backend().send(call)?.into_json()
    }

    /// Updates the fields of org `org_id` set in `options`. `false` when there is no such org.
    pub fn update_org_metadata(
        &self,
        org_id: &str,
        options: &UpdateOrgMetadataOptions,
    ) -> Result<bool, ApiError> {
        let body = Body::new()
            .field_opt("name", options.name.as_deref())
            .field_opt("can_setup_saml", options.can_setup_saml)
            .field_opt("metadata", options.metadata.clone())
            .field_opt("max_users", options.max_users)
            .field_opt("autojoin_by_domain", options.can_join_on_email_domain_match)
            .field_opt(
                "restrict_to_domain",
                options.members_must_have_email_domain_match,
            )
            .field_opt("domain", options.domain.as_deref())
            .field_opt("require_2fa_by", options.require_2fa_by.as_deref())
            .field_opt("extra_domains", options.extra_domains.clone())
            .field_opt("legacy_org_id", options.legacy_org_id.as_deref())
            .build();
        checked_mutation(self, org_id, |org| {
            Call::put(format!("/org/{org}")).json(body)
        })
    }

    /// Subscribes org `org_id` to the custom role mapping `custom_role_mapping_name`.
    /// `false` when there is no such org.
    pub fn subscribe_org_to_role_mapping(
        &self,
        org_id: &str,
        custom_role_mapping_name: &str,
    ) -> Result<bool, ApiError> {
        let body = Body::new()
            .field("custom_role_mapping_name", custom_role_mapping_name)
            .build();
        checked_mutation(self, org_id, |org| {
            Call::put(format!("/org/{org}")).json(body)
        })
    }

    /// Deletes org `org_id`. `false` when there is no such org.
    pub fn delete_org(&self, org_id: &str) -> Result<bool, ApiError> {
        checked_mutation(self, org_id, |org| Call::delete(format!("/org/{org}")))
    }

    /// Adds user `user_id` to org `org_id` with `role`. `false` when the user or org does not
    /// exist. The ids are sent as given.
    pub fn add_user_to_org(
        &self,
        user_id: &str,
        org_id: &str,
        role: &str,
        options: &AddUserToOrgOptions,
    ) -> Result<bool, ApiError> {
        let body = Body::new()
            .field("user_id", user_id)
            .field("org_id", org_id)
            .field("role", role)
            .field("additional_roles", options.additional_roles.clone());
        let call = Call::post("/org/add_user").json(body.build());
        self.backend().send(call)?.into_found()
    }

    /// Removes user `user_id` from org `org_id`. `false` when the user or org does not
    /// exist. The ids are sent as given.
    pub fn remove_user_from_org(&self, user_id: &str, org_id: &str) -> Result<bool, ApiError> {
        let body = Body::new()
            .field("user_id", user_id)
            .field("org_id", org_id);
        let call = Call::post("/org/remove_user").json(body.build());
        self.backend().send(call)?.into_found()
    }

    /// Gives user `user_id` the role `role` in org `org_id`. `false` when the user or org
    /// does not exist. The ids are sent as given.
    pub fn change_user_role_in_org(
        &self,
        user_id: &str,
        org_id: &str,
        role: &str,
        options: &ChangeUserRoleInOrgOptions,
    ) -> Result<bool, ApiError> {
        let body = Body::new()
            .field("user_id", user_id)
            .field("org_id", org_id)
            .field("role", role)
            .field("additional_roles", options.additional_roles.clone());
        let call = Call::post("/org/change_role").json(body.build());
        self.backend().send(call)?.into_found()
    }

    /// Revokes the pending invite of `invitee_email` to org `org_id` (`DELETE` with a JSON
    /// body). Returns the answer's JSON body as is, like PropelAuth's library; a 404 is an
    /// unexpected-status error. The org id is sent as given.
    pub fn revoke_pending_org_invite(
        &self,
        org_id: &str,
        invitee_email: &str,
    ) -> Result<Value, ApiError> {
        let body = Body::new()
            .field("org_id", org_id)
            .field("invitee_email", invitee_email);
        let call = Call::delete("/pending_org_invites").json(body.build());
        self.backend().send(call)?.into_json()
    }

    /// Lets org `org_id` set up a SAML connection. `false` when there is no such org.
    pub fn allow_org_to_setup_saml_connection(&self, org_id: &str) -> Result<bool, ApiError> {
        checked_mutation(self, org_id, |org| {
            Call::post(format!("/org/{org}/allow_saml"))
        })
    }

    /// Stops org `org_id` from setting up a SAML connection. `false` when there is no such
    /// org.
    pub fn disallow_org_to_setup_saml_connection(&self, org_id: &str) -> Result<bool, ApiError> {
        checked_mutation(self, org_id, |org| {
            Call::post(format!("/org/{org}/disallow_saml"))
        })
    }

    /// A link with which org `org_id`'s IT admin can set up its SAML connection. `None` only
    /// when the id cannot exist (not a UUID; no request is made); an unknown org is an
    /// unexpected-status error (404), as in PropelAuth's library.
    pub fn create_org_saml_connection_link(
        &self,
        org_id: &str,
        options: &CreateOrgSamlConnectionLinkOptions,
    ) -> Result<Option<SamlConnectionLink>, ApiError> {
        if !is_uuid(org_id) {
            return Ok(None);
        }
        let body = Body::new().field_opt("expires_in_seconds", options.expires_in_seconds);
        let call = Call::post(format!(
            "/org/{}/create_saml_connection_link",
            segment(org_id)
        ))
        .json(body.build());
        self.backend().send(call)?.into_json().map(Some)
    }

    /// The service-provider side of org `org_id`'s SAML connection, or `None` when there is
    /// no such org (an id that is not a UUID makes no request).
    pub fn fetch_saml_sp_metadata(&self, org_id: &str) -> Result<Option<SamlSpMetadata>, ApiError> {
        if !is_uuid(org_id) {
            return Ok(None);
        }
        let call = Call::get(format!("/saml_sp_metadata/{}", segment(org_id)));
        self.backend().send(call)?.into_optional()
    }

    /// Sets the identity provider of org `org_id`'s SAML connection. `false` when there is no
    /// such org.
    pub fn set_saml_idp_metadata(
        &self,
        org_id: &str,
        idp_entity_id: &str,
        idp_sso_url: &str,
        idp_certificate: &str,
        provider: SamlProvider,
    ) -> Result<bool, ApiError> {
        if !is_uuid(org_id) {
            return Ok(false);
        }
        let body = Body::new()
            .field("org_id", org_id)
            .field("idp_entity_id", idp_entity_id)
            .field("idp_sso_url", idp_sso_url)
            .field("idp_certificate", idp_certificate)
            .field("provider", provider.as_str());
        let call = Call::post("/saml_idp_metadata").json(body.build());
        self.backend().send(call)?.into_found()
    }

    /// Takes org `org_id`'s SAML connection out of test mode. `false` when there is no such
    /// org.
    pub fn saml_go_live(&self, org_id: &str) -> Result<bool, ApiError> {
        checked_mutation(self, org_id, |org| {
            Call::post(format!("/saml_idp_metadata/go_live/{org}"))
        })
    }

    /// Deletes org `org_id`'s SAML connection. `false` when there is no such org.
    pub fn delete_saml_connection(&self, org_id: &str) -> Result<bool, ApiError> {
        checked_mutation(self, org_id, |org| {
            Call::delete(format!("/saml_idp_metadata/{org}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_by_travels_as_the_wire_strings() {
        assert_eq!(OrgOrderBy::default().to_string(), "CREATED_AT_ASC");
        assert_eq!(OrgOrderBy::CreatedAtDesc.to_string(), "CREATED_AT_DESC");
        assert_eq!(OrgOrderBy::Name.to_string(), "NAME");
        for order in [
            OrgOrderBy::CreatedAtAsc,
            OrgOrderBy::CreatedAtDesc,
            OrgOrderBy::Name,
        ] {
            assert_eq!(
                serde_json::to_value(order).ok(),
                Some(Value::from(order.as_str()))
            );
        }
    }

    #[test]
    fn absent_and_null_lists_read_as_empty() {
        let org: Organization =
            serde_json::from_str(r#"{"org_id":"o","extra_domains":null,"new_field":1}"#).unwrap();
        assert_eq!(org.org_id, "o");
        assert!(org.extra_domains.is_empty());
        let invite: PendingInvite =
            serde_json::from_str(r#"{"additional_roles_in_org":null}"#).unwrap();
        assert!(invite.additional_roles_in_org.is_empty());
        let empty: Organization = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, Organization::default());
    }
}
