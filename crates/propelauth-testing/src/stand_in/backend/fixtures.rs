//! Plausible data the stand-in answers with: the sample users and org of the conformance
//! table, as the backend API describes them.

use serde_json::{Value, json};

use crate::samples::{ACME_ORG_ID, MEMBER_USER_ID, OWNER_USER_ID};

/// Creation time of every fixture (2025-01-01T00:00:00Z).
pub(crate) const CREATED_AT: i64 = 1_735_689_600;

/// The Acme org membership of a user with `role`, in the backend API's form.
pub(crate) fn acme_membership(role: &str, inherited: &[&str], permissions: &[&str]) -> Value {
    json!({
        "org_id": ACME_ORG_ID,
        "org_name": "Acme",
        "url_safe_org_name": "acme",
        "org_metadata": {"plan": "enterprise"},
        "user_role": role,
        "inherited_user_roles_plus_current_role": inherited,
        "user_permissions": permissions,
        "org_role_structure": "single_role_in_hierarchy",
        "additional_roles": [],
    })
}

/// A user as `fetch_user_metadata_by_*` answers, with orgs.
pub(crate) fn user(user_id: &str, email: &str, first_name: &str, membership: Value) -> Value {
    json!({
        "user_id": user_id,
        "email": email,
        "email_confirmed": true,
        "has_password": true,
        "username": null,
        "first_name": first_name,
        "last_name": "Example",
        "picture_url": "https://img.propelauth.com/2a27d237-db8c-4f82-84fb-5824dfaedc87.png",
        "locked": false,
        "enabled": true,
        "mfa_enabled": false,
        "can_create_orgs": true,
        "created_at": CREATED_AT,
        "last_active_at": CREATED_AT + 86_400,
        "org_id_to_org_info": { ACME_ORG_ID: membership },
        "legacy_user_id": null,
        "properties": {"favorite_language": "rust"},
        "metadata": null,
        "update_password_required": false,
        "isolated_org_id": null,
    })
}

/// The Owner of Acme.
pub(crate) fn owner() -> Value {
    user(
        OWNER_USER_ID,
        "owner@acme.test",
        "Olive",
        acme_membership(
            "Owner",
            &["Owner", "Admin", "Member"],
            &["can_view_billing", "can_view_reports", "can_invite"],
        ),
    )
}

/// A Member of Acme.
pub(crate) fn member() -> Value {
    user(
        MEMBER_USER_ID,
        "member@acme.test",
        "Max",
        acme_membership("Member", &["Member"], &["can_view_reports"]),
    )
}
