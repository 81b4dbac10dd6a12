//! Sample users and organizations, for your tests and for a development mode.
//!
//! Three users and two organizations with fixed ids, and a [`TokenBuilder`] for each user
//! with the memberships below already filled in. Change anything on the builder before
//! signing (`owner_token().expires_in(-90).sign()`).
//!
//! | user | id | Acme ([`ACME_ORG_ID`]) | Globex ([`GLOBEX_ORG_ID`]) |
//! |---|---|---|---|
//! | [`owner_token`] | [`OWNER_USER_ID`] | Owner (inherits Admin and Member); `can_view_billing`, `can_view_reports`, `can_invite` | Admin of a multi-role org, additional role "Billing Admin"; `can_view_billing` |
//! | [`member_token`] | [`MEMBER_USER_ID`] | Member; `can_view_reports` | — |
//! | [`no_org_token`] | [`NO_ORG_USER_ID`] | — | — |
//!
//! Nobody belongs to [`UNKNOWN_ORG_ID`]. The [`StandIn`](crate::StandIn)'s backend API answers
//! with the same users and orgs (it lists Owner and Member as Acme's users, and answers 404 for
//! [`UNKNOWN_ORG_ID`] on org routes), so a token and an API answer about the same user agree.
//!
//! ```
//! use propelauth_testing::samples::{ACME_ORG_ID, GLOBEX_ORG_ID, member_token, owner_token};
//!
//! let auth = propelauth_testing::test_auth_options().init()?;
//! let owner = auth.validate_access_token(&owner_token().sign())?;
//! assert!(owner.is_role_in_org(ACME_ORG_ID, "Owner"));
//! assert!(owner.has_permission_in_org(GLOBEX_ORG_ID, "can_view_billing"));
//! let member = auth.validate_access_token(&member_token().sign())?;
//! assert!(!member.has_permission_in_org(ACME_ORG_ID, "can_view_billing"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::token::{OrgClaim, TokenBuilder};

/// Org where [`owner_token`] is Owner (every permission) and [`member_token`] is Member.
pub const ACME_ORG_ID: &str = "1189c444-8a2d-4c41-8b4b-ae43ce79a492";
/// Org where [`owner_token`] is Admin (multi-role, with an additional role).
pub const GLOBEX_ORG_ID: &str = "7cb9cf1e-4d7c-4c1f-9b0a-5d6c2c8e1f00";
/// An org none of the sample users belongs to.
pub const UNKNOWN_ORG_ID: &str = "00000000-0000-4000-8000-000000000000";

/// User id of [`owner_token`].
pub const OWNER_USER_ID: &str = "31c41c16-c281-44ae-9602-8a047e3bf33d";
/// User id of [`member_token`].
pub const MEMBER_USER_ID: &str = "a1b2c3d4-0000-4000-8000-00000000b0b0";
/// User id of [`no_org_token`].
pub const NO_ORG_USER_ID: &str = "e5f6a7b8-0000-4000-8000-0000000000c0";

/// An end-user API key the [`StandIn`](crate::StandIn) knows from the start: the personal key
/// of the Owner ([`OWNER_USER_ID`]), metadata `{"scope": "read"}`.
pub const PERSONAL_API_KEY: &str = "personal-token";
/// An end-user API key the [`StandIn`](crate::StandIn) knows from the start: Acme's org key
/// ([`ACME_ORG_ID`]), created by the Owner, metadata `{"scope": "read"}`.
pub const ORG_API_KEY: &str = "org-token";
/// An end-user API key the [`StandIn`](crate::StandIn) knows from the start: a key of no one,
/// metadata `{"scope": "read"}`.
pub const GENERIC_API_KEY: &str = "generic-token";

/// Owner of Acme (every permission), Admin of Globex (multi-role, additional role
/// "Billing Admin", permission "can_view_billing" only).
pub fn owner_token() -> TokenBuilder {
    TokenBuilder::new(OWNER_USER_ID)
        .email("owner@acme.test")
        .first_name("Olive")
        .last_name("Owner")
        .org(
            OrgClaim::new(ACME_ORG_ID, "Acme", "Owner")
                .inherited_roles(["Owner", "Admin", "Member"])
                .permissions(["can_view_billing", "can_view_reports", "can_invite"]),
        )
        .org(
            OrgClaim::new(GLOBEX_ORG_ID, "Globex", "Admin")
                .multi_role(["Billing Admin"])
                .permissions(["can_view_billing"]),
        )
}

/// Member of Acme without the billing permission.
pub fn member_token() -> TokenBuilder {
    TokenBuilder::new(MEMBER_USER_ID)
        .email("member@acme.test")
        .org(
            OrgClaim::new(ACME_ORG_ID, "Acme", "Member")
                .inherited_roles(["Member"])
                .permissions(["can_view_reports"]),
        )
}

/// A user in no org.
pub fn no_org_token() -> TokenBuilder {
    TokenBuilder::new(NO_ORG_USER_ID).email("solo@example.test")
}
