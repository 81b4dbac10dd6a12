//! Organization membership, roles and permissions, and the checks that answer 403.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::ForbiddenReason;
use crate::user::User;

/// How roles are assigned in the project.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgRoleStructure {
    /// One role per user, in a hierarchy (e.g. Owner > Admin > Member).
    #[default]
    SingleRoleInHierarchy,
    /// Several roles per user, no hierarchy.
    MultiRole,
}

/// A user's membership of one organization, as carried in the access token.
///
/// Serializes with the field names of PropelAuth's FastAPI library; deserializes from those
/// and from the token's claim names (`user_role`, `inherited_user_roles_plus_current_role`,
/// `additional_roles`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgMemberInfo {
    /// The org's id.
    pub org_id: String,
    /// The org's display name.
    pub org_name: String,
    /// The org's URL-safe name.
    pub url_safe_org_name: String,
    /// The org's metadata.
    pub org_metadata: Map<String, Value>,
    /// The role assigned to the user in this org.
    #[serde(alias = "user_role")]
    pub user_assigned_role: String,
    /// The assigned role and every role below it in the hierarchy (expanded by the server).
    #[serde(alias = "inherited_user_roles_plus_current_role")]
    pub user_inherited_roles_plus_current_role: Vec<String>,
    /// The user's permissions in this org.
    pub user_permissions: Vec<String>,
    /// How roles work in this project.
    #[serde(default)]
    pub org_role_structure: OrgRoleStructure,
    /// Extra roles (multi-role projects only).
    #[serde(default, alias = "additional_roles")]
    pub assigned_additional_roles: Vec<String>,
    /// The org's id in a system migrated from, if any.
    #[serde(default)]
    pub legacy_org_id: Option<String>,
}

impl OrgMemberInfo {
    /// Whether the user has exactly role `role` (in a multi-role project: as assigned or
    /// additional role).
    pub fn user_is_role(&self, role: &str) -> bool {
        match self.org_role_structure {
            OrgRoleStructure::SingleRoleInHierarchy => self.user_assigned_role == role,
            OrgRoleStructure::MultiRole => self.has_any_assigned_role(role),
        }
    }

    /// Whether the user has role `role` or one above it (in a multi-role project: the same
    /// test as [`user_is_role`](Self::user_is_role)).
    pub fn user_is_at_least_role(&self, role: &str) -> bool {
        match self.org_role_structure {
            OrgRoleStructure::SingleRoleInHierarchy => self
                .user_inherited_roles_plus_current_role
                .iter()
                .any(|inherited| inherited == role),
            OrgRoleStructure::MultiRole => self.has_any_assigned_role(role),
        }
    }

    /// Whether the user has permission `permission` in this org.
    pub fn user_has_permission(&self, permission: &str) -> bool {
        self.user_permissions.iter().any(|held| held == permission)
    }

    /// Whether the user has every permission of `permissions` (true for an empty list).
    pub fn user_has_all_permissions<S: AsRef<str>>(&self, permissions: &[S]) -> bool {
        permissions
            .iter()
            .all(|permission| self.user_has_permission(permission.as_ref()))
    }

    fn has_any_assigned_role(&self, role: &str) -> bool {
        self.user_assigned_role == role
            || self
                .assigned_additional_roles
                .iter()
                .any(|additional| additional == role)
    }
}

/// What an organization check requires beyond membership.
///
/// One value per variant of FastAPI's `require_org_member*` functions, so a check can be
/// stored (for example in a typed guard) and applied with [`OrgRequirement::check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgRequirement<'a> {
    /// Membership only.
    Member,
    /// At least this role ([`OrgMemberInfo::user_is_at_least_role`]).
    MinimumRole(&'a str),
    /// Exactly this role ([`OrgMemberInfo::user_is_role`]).
    ExactRole(&'a str),
    /// This permission.
    Permission(&'a str),
    /// Every one of these permissions.
    AllPermissions(&'a [&'a str]),
}

impl OrgRequirement<'_> {
    /// Checks `user` against this requirement in org `org_id`, returning the membership.
    pub fn check<'u>(
        &self,
        user: &'u User,
        org_id: &str,
    ) -> Result<&'u OrgMemberInfo, ForbiddenReason> {
        if org_id.is_empty() {
            return Err(ForbiddenReason::OrgUnspecified);
        }
        let org = user
            .get_org(org_id)
            .ok_or_else(|| ForbiddenReason::NotAMember {
                org_id: org_id.to_owned(),
            })?;
        let satisfied = match *self {
            Self::Member => true,
            Self::MinimumRole(role) => org.user_is_at_least_role(role),
            Self::ExactRole(role) => org.user_is_role(role),
            Self::Permission(permission) => org.user_has_permission(permission),
            Self::AllPermissions(permissions) => org.user_has_all_permissions(permissions),
        };
        match (satisfied, self) {
            (true, _) => Ok(org),
            (false, Self::MinimumRole(_) | Self::ExactRole(_)) => Err(ForbiddenReason::MissingRole),
            (false, _) => Err(ForbiddenReason::MissingPermission),
        }
    }
}
