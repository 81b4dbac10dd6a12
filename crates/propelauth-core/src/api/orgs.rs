//! Organization calls of the backend API, SAML and OIDC connection management included.
//!
//! Which org ids are checked locally (an id that is not a UUID gets the call's "not found"
//! answer without a request): the fetches of one org or of its SAML metadata, the SAML
//! connection link, the pending-invite listing (when an org id is given) and every boolean
//! mutation addressed by `/org/{id}`, `/saml_idp_metadata` or `/oidc_idp_metadata`. The
//! membership calls (`add_user_to_org`, `remove_user_from_org`, `change_user_role_in_org`) and
//! `revoke_pending_org_invite` send their ids as given, like PropelAuth's library.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::answer::{self, required};
use super::call::{Call, falsy, route};
use super::{ApiError, Page, is_uuid};
use crate::Auth;
use crate::user::SamlProvider;

/// An organization as the backend API describes it: `fetch_org`, and the items of
/// `fetch_org_by_query` (which carry fewer fields, and `created_at`).
///
/// `org_id` is required (an answer without it is [`ApiError::MalformedResponse`]); every other
/// field may be absent and unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Organization {
    /// The org's id.
    #[serde(default = "required::org_id", deserialize_with = "answer::id")]
    pub org_id: String,
    /// Display name.
    pub name: Option<String>,
    /// URL-safe name (slug).
    pub url_safe_org_slug: Option<String>,
    /// Whether the org may set up a SAML connection.
    pub can_setup_saml: Option<bool>,
    /// Whether a SAML connection is configured.
    pub is_saml_configured: Option<bool>,
    /// Whether the SAML connection is still in test mode (not live).
    pub is_saml_in_test_mode: Option<bool>,
    /// Most members the org may have, when limited.
    pub max_users: Option<u64>,
    /// Custom metadata.
    pub metadata: Option<Map<String, Value>>,
    /// The org's email domain.
    pub domain: Option<String>,
    /// Further email domains of the org (absent or `null` → empty).
    #[serde(deserialize_with = "answer::null_as_default")]
    pub extra_domains: Vec<String>,
    /// Whether users with a matching email domain join automatically.
    pub domain_autojoin: Option<bool>,
    /// Whether members must have a matching email domain.
    pub domain_restrict: Option<bool>,
    /// The custom role mapping the org is subscribed to, if any.
    pub custom_role_mapping_name: Option<String>,
    /// The org's id in a system migrated from.
    pub legacy_org_id: Option<String>,
    /// Whether the org is isolated (its users exist only inside it).
    pub isolated: Option<bool>,
    /// Whether members must change their password periodically.
    pub password_rotation_enabled: Option<bool>,
    /// How many past passwords a new one must differ from.
    pub password_rotation_history_size: Option<u64>,
    /// How often passwords must change, in seconds.
    pub password_rotation_period: Option<u64>,
    /// When the org was created, seconds since the Unix epoch (sent in `fetch_org_by_query`).
    pub created_at: Option<i64>,
}

/// Order of `fetch_org_by_query` results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
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
#[serde(default)]
#[non_exhaustive]
pub struct CustomRoleMappings {
    /// Every mapping (absent → empty).
    #[serde(deserialize_with = "answer::records")]
    pub custom_role_mappings: Vec<CustomRoleMapping>,
}

/// One custom role mapping: a role-to-permissions set orgs can subscribe to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct CustomRoleMapping {
    /// The mapping's name (what `subscribe_org_to_role_mapping` takes).
    pub custom_role_mapping_name: Option<String>,
    /// How many orgs use it.
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
#[serde(default)]
#[non_exhaustive]
pub struct PendingInvite {
    /// Who was invited.
    pub invitee_email: Option<String>,
    /// The org invited to.
    pub org_id: Option<String>,
    /// Its name.
    pub org_name: Option<String>,
    /// The role the invitee will have.
    pub role_in_org: Option<String>,
    /// Additional roles the invitee will have (absent or `null` → empty).
    #[serde(deserialize_with = "answer::null_as_default")]
    pub additional_roles_in_org: Vec<String>,
    /// When the invite was sent, seconds since the Unix epoch.
    pub created_at: Option<i64>,
    /// When the invite expires, seconds since the Unix epoch.
    pub expires_at: Option<i64>,
    /// Email of the user who invited, if a user did.
    pub inviter_email: Option<String>,
    /// Id of the user who invited, if a user did.
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
#[serde(default)]
#[non_exhaustive]
pub struct CreatedOrg {
    /// Its id (required).
    #[serde(default = "required::org_id", deserialize_with = "answer::id")]
    pub org_id: String,
    /// Its name.
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
    /// Whether members must change their password periodically.
    pub password_rotation_enabled: Option<bool>,
    /// How many past passwords a new one must differ from.
    pub password_rotation_history_size: Option<u64>,
    /// How often passwords must change, in seconds.
    pub password_rotation_period: Option<u64>,
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
#[serde(default)]
#[non_exhaustive]
pub struct SamlConnectionLink {
    /// The link to send to the org's IT admin to set up their SAML connection (required).
    #[serde(default = "required::url", deserialize_with = "answer::id")]
    pub url: String,
    /// The other fields of the answer, untouched.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// What an identity provider needs to know about PropelAuth as the service provider of an
/// org's SAML connection (`fetch_saml_sp_metadata`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct SamlSpMetadata {
    /// The SP entity id (audience).
    pub entity_id: Option<String>,
    /// The assertion consumer service URL.
    pub acs_url: Option<String>,
    /// The single-logout URL.
    pub logout_url: Option<String>,
}

/// The kind of OIDC identity provider of [`Auth::set_oidc_idp_metadata`] (`idp_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum OidcIdpType {
    /// Any OIDC provider: needs `auth_url`, `token_url` and `userinfo_url` (`"Generic"`).
    Generic,
    /// Okta: needs `okta_sso_domain` (`"Okta"`).
    Okta,
    /// Microsoft Entra ID: needs `entra_tenant_id` (`"Azure"`).
    Azure,
}

/// The provider-specific settings of [`Auth::set_oidc_idp_metadata`]: only the set ones are
/// sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OidcIdpMetadataOptions {
    /// Authorization endpoint (generic providers).
    pub auth_url: Option<String>,
    /// Token endpoint (generic providers).
    pub token_url: Option<String>,
    /// Userinfo endpoint (generic providers).
    pub userinfo_url: Option<String>,
    /// The Okta domain (`example.okta.com`; Okta).
    pub okta_sso_domain: Option<String>,
    /// The Entra tenant id (Azure).
    pub entra_tenant_id: Option<String>,
}

#[derive(Serialize)]
struct CreateOrgBody<'a> {
    name: &'a str,
    enable_auto_joining_by_domain: bool,
    members_must_have_matching_domain: bool,
    #[serde(skip_serializing_if = "falsy")]
    domain: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_users: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    custom_role_mapping_name: Option<&'a str>,
    #[serde(skip_serializing_if = "falsy")]
    legacy_org_id: Option<&'a str>,
}

#[derive(Serialize)]
struct UpdateOrgBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    can_setup_saml: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<&'a Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_users: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    autojoin_by_domain: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    restrict_to_domain: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    require_2fa_by: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extra_domains: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    legacy_org_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password_rotation_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password_rotation_history_size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password_rotation_period: Option<u64>,
}

#[derive(Serialize)]
struct RoleMappingBody<'a> {
    custom_role_mapping_name: &'a str,
}

#[derive(Serialize)]
struct MembershipBody<'a> {
    user_id: &'a str,
    org_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    additional_roles: Option<&'a [String]>,
}

#[derive(Serialize)]
struct RevokeInviteBody<'a> {
    org_id: &'a str,
    invitee_email: &'a str,
}

#[derive(Serialize)]
struct SamlLinkBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_in_seconds: Option<u64>,
}

#[derive(Serialize)]
struct SamlIdpBody<'a> {
    org_id: &'a str,
    idp_entity_id: &'a str,
    idp_sso_url: &'a str,
    idp_certificate: &'a str,
    provider: &'a str,
}

#[derive(Serialize)]
struct OidcIdpBody<'a> {
    org_id: &'a str,
    client_id: &'a str,
    client_secret: &'a str,
    uses_pkce: bool,
    idp_type: OidcIdpType,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    userinfo_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    okta_sso_domain: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entra_tenant_id: Option<&'a str>,
}

impl Auth {
    /// The org with id `org_id`, or `None` when there is none (an id that is not a UUID makes
    /// no request).
    pub fn fetch_org(&self, org_id: &str) -> Result<Option<Organization>, ApiError> {
        if !is_uuid(org_id) {
            return Ok(None);
        }
        self.send(Call::get(route!("/org/{org_id}"), &[org_id]))?
            .into_optional()
    }

    /// One page of the project's orgs, filtered and ordered by `options`.
    pub fn fetch_org_by_query(
        &self,
        options: &FetchOrgByQueryOptions,
    ) -> Result<Page<Organization>, ApiError> {
        let call = Call::get(route!("/org/query"), &[])
            .query("page_size", options.page_size)
            .query("page_number", options.page_number)
            .query("order_by", options.order_by)
            .query_opt("name", options.name.as_deref())
            .query_opt("legacy_org_id", options.legacy_org_id.as_deref())
            .query_opt("domain", options.domain.as_deref());
        self.send(call)?.into_json()
    }

    /// The project's custom role mappings.
    pub fn fetch_custom_role_mappings(&self) -> Result<CustomRoleMappings, ApiError> {
        self.send(Call::get(route!("/custom_role_mappings"), &[]))?
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
        let call = Call::get(route!("/pending_org_invites"), &[])
            .query("page_number", options.page_number)
            .query("page_size", options.page_size)
            .query_opt("org_id", options.org_id.as_deref());
        self.send(call)?.into_json().map(Some)
    }

    /// Creates an org named `name`.
    pub fn create_org(
        &self,
        name: &str,
        options: &CreateOrgOptions,
    ) -> Result<CreatedOrg, ApiError> {
        let body = CreateOrgBody {
            name,
            enable_auto_joining_by_domain: options.enable_auto_joining_by_domain,
            members_must_have_matching_domain: options.members_must_have_matching_domain,
            domain: options.domain.as_deref(),
            max_users: options.max_users,
            custom_role_mapping_name: options.custom_role_mapping_name.as_deref(),
            legacy_org_id: options.legacy_org_id.as_deref(),
        };
        self.send(Call::post(route!("/org/"), &[]).json(&body))?
            .into_json()
    }

    /// Updates the fields of org `org_id` set in `options`. `false` when there is no such org.
    pub fn update_org_metadata(
        &self,
        org_id: &str,
        options: &UpdateOrgMetadataOptions,
    ) -> Result<bool, ApiError> {
        let body = UpdateOrgBody {
            name: options.name.as_deref(),
            can_setup_saml: options.can_setup_saml,
            metadata: options.metadata.as_ref(),
            max_users: options.max_users,
            autojoin_by_domain: options.can_join_on_email_domain_match,
            restrict_to_domain: options.members_must_have_email_domain_match,
            domain: options.domain.as_deref(),
            require_2fa_by: options.require_2fa_by.as_deref(),
            extra_domains: options.extra_domains.as_deref(),
            legacy_org_id: options.legacy_org_id.as_deref(),
            password_rotation_enabled: options.password_rotation_enabled,
            password_rotation_history_size: options.password_rotation_history_size,
            password_rotation_period: options.password_rotation_period,
        };
        self.checked_mutation(org_id, || {
            Call::put(route!("/org/{org_id}"), &[org_id]).json(&body)
        })
    }

    /// Subscribes org `org_id` to the custom role mapping `custom_role_mapping_name`.
    /// `false` when there is no such org.
    pub fn subscribe_org_to_role_mapping(
        &self,
        org_id: &str,
        custom_role_mapping_name: &str,
    ) -> Result<bool, ApiError> {
        let body = RoleMappingBody {
            custom_role_mapping_name,
        };
        self.checked_mutation(org_id, || {
            Call::put(route!("/org/{org_id}"), &[org_id]).json(&body)
        })
    }

    /// Deletes org `org_id`. `false` when there is no such org.
    pub fn delete_org(&self, org_id: &str) -> Result<bool, ApiError> {
        self.checked_mutation(org_id, || Call::delete(route!("/org/{org_id}"), &[org_id]))
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
        let body = MembershipBody {
            user_id,
            org_id,
            role: Some(role),
            additional_roles: Some(&options.additional_roles),
        };
        self.send(Call::post(route!("/org/add_user"), &[]).json(&body))?
            .into_found()
    }

    /// Removes user `user_id` from org `org_id`. `false` when the user or org does not
    /// exist. The ids are sent as given.
    pub fn remove_user_from_org(&self, user_id: &str, org_id: &str) -> Result<bool, ApiError> {
        let body = MembershipBody {
            user_id,
            org_id,
            role: None,
            additional_roles: None,
        };
        self.send(Call::post(route!("/org/remove_user"), &[]).json(&body))?
            .into_found()
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
        let body = MembershipBody {
            user_id,
            org_id,
            role: Some(role),
            additional_roles: Some(&options.additional_roles),
        };
        self.send(Call::post(route!("/org/change_role"), &[]).json(&body))?
            .into_found()
    }

    /// Revokes the pending invite of `invitee_email` to org `org_id` (`DELETE` with a JSON
    /// body). An unknown org or invite (404) is an unexpected-status error, as in PropelAuth's
    /// library. The org id is sent as given.
    pub fn revoke_pending_org_invite(
        &self,
        org_id: &str,
        invitee_email: &str,
    ) -> Result<(), ApiError> {
        let body = RevokeInviteBody {
            org_id,
            invitee_email,
        };
        self.send(Call::delete(route!("/pending_org_invites"), &[]).json(&body))?
            .into_done()
    }

    /// Lets org `org_id` set up a SAML connection. `false` when there is no such org.
    pub fn allow_org_to_setup_saml_connection(&self, org_id: &str) -> Result<bool, ApiError> {
        self.checked_mutation(org_id, || {
            Call::post(route!("/org/{org_id}/allow_saml"), &[org_id])
        })
    }

    /// Stops org `org_id` from setting up a SAML connection. `false` when there is no such
    /// org.
    pub fn disallow_org_to_setup_saml_connection(&self, org_id: &str) -> Result<bool, ApiError> {
        self.checked_mutation(org_id, || {
            Call::post(route!("/org/{org_id}/disallow_saml"), &[org_id])
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
        let body = SamlLinkBody {
            expires_in_seconds: options.expires_in_seconds,
        };
        let call = Call::post(
            route!("/org/{org_id}/create_saml_connection_link"),
            &[org_id],
        )
        .json(&body);
        self.send(call)?.into_json().map(Some)
    }

    /// The service-provider side of org `org_id`'s SAML connection, or `None` when there is
    /// no such org (an id that is not a UUID makes no request).
    pub fn fetch_saml_sp_metadata(&self, org_id: &str) -> Result<Option<SamlSpMetadata>, ApiError> {
        if !is_uuid(org_id) {
            return Ok(None);
        }
        self.send(Call::get(route!("/saml_sp_metadata/{org_id}"), &[org_id]))?
            .into_optional()
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
        let body = SamlIdpBody {
            org_id,
            idp_entity_id,
            idp_sso_url,
            idp_certificate,
            provider: provider.as_str(),
        };
        self.checked_mutation(org_id, || {
            Call::post(route!("/saml_idp_metadata"), &[]).json(&body)
        })
    }

    /// Sets up org `org_id`'s SSO with an OIDC identity provider of kind `idp_type`, which
    /// needs its own settings in `options` (see [`OidcIdpType`]). `false` when there is no
    /// such org (an id that is not a UUID makes no request).
    pub fn set_oidc_idp_metadata(
        &self,
        org_id: &str,
        client_id: &str,
        client_secret: &str,
        uses_pkce: bool,
        idp_type: OidcIdpType,
        options: &OidcIdpMetadataOptions,
    ) -> Result<bool, ApiError> {
        let body = OidcIdpBody {
            org_id,
            client_id,
            client_secret,
            uses_pkce,
            idp_type,
            auth_url: options.auth_url.as_deref(),
            token_url: options.token_url.as_deref(),
            userinfo_url: options.userinfo_url.as_deref(),
            okta_sso_domain: options.okta_sso_domain.as_deref(),
            entra_tenant_id: options.entra_tenant_id.as_deref(),
        };
        self.checked_mutation(org_id, || {
            Call::post(route!("/oidc_idp_metadata"), &[]).json(&body)
        })
    }

    /// Takes org `org_id`'s SAML connection out of test mode. `false` when there is no such
    /// org.
    pub fn saml_go_live(&self, org_id: &str) -> Result<bool, ApiError> {
        self.checked_mutation(org_id, || {
            Call::post(route!("/saml_idp_metadata/go_live/{org_id}"), &[org_id])
        })
    }

    /// Deletes org `org_id`'s SAML connection. `false` when there is no such org.
    pub fn delete_saml_connection(&self, org_id: &str) -> Result<bool, ApiError> {
        self.checked_mutation(org_id, || {
            Call::delete(route!("/saml_idp_metadata/{org_id}"), &[org_id])
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
