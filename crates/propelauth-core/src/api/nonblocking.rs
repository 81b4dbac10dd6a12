//! The async twins of the backend API calls (feature `tokio`), as PropelAuth's Python library
//! has `AsyncAuth`: `auth.nonblocking().fetch_org(org_id).await` is `auth.fetch_org(org_id)`
//! run on tokio's blocking pool.
//!
//! The twins are generated from one list of the calls ([`backend_calls!`] below): each takes
//! the same arguments as its blocking call, owns the borrowed ones (`&str` → `String`, a slice
//! of strings → `Vec<String>`, an options struct → a clone), and runs the blocking call on
//! `tokio::task::spawn_blocking`. ureq stays the HTTP client; the blocking pool works on every
//! tokio runtime, current-thread ones (actix-web's workers) included. A test checks that the
//! list names every blocking call.

use std::collections::BTreeMap;

use super::*;
use crate::Auth;
use crate::user::SamlProvider;

/// The async twins of every backend API call, from [`Auth::nonblocking`].
///
/// ```no_run
/// # async fn handler(auth: propelauth_core::Auth) -> Result<(), propelauth_core::api::ApiError> {
/// use propelauth_core::api::FetchUsersInOrgOptions;
///
/// let org_id = "1189c444-8a2d-4c41-8b4b-ae43ce79a492";
/// let page = auth
///     .nonblocking()
///     .fetch_users_in_org(org_id, &FetchUsersInOrgOptions::default())
///     .await?;
/// # Ok(()) }
/// ```
///
/// Cheap to create and to clone (it holds a clone of the handle, one `Arc`).
#[derive(Debug, Clone)]
pub struct NonBlocking {
    auth: Auth,
}

impl Auth {
    /// The async twins of the backend API calls: the same names and arguments, each call
    /// run on tokio's blocking pool so that no runtime worker waits on the network.
    pub fn nonblocking(&self) -> NonBlocking {
        NonBlocking { auth: self.clone() }
    }
}

impl NonBlocking {
    /// The handle the calls are made with.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// Runs `call` with a clone of the handle on the blocking pool.
    async fn run<T: Send + 'static>(
        &self,
        call: impl FnOnce(&Auth) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let auth = self.auth.clone();
        tokio::task::spawn_blocking(move || call(&auth))
            .await
            .map_err(|error| ApiError::Task(error.to_string()))?
    }
}

/// A borrowed argument of a blocking call, owned so that it can move to the blocking pool.
#[doc(hidden)]
pub trait OwnedArg {
    /// The owned form, handed back to the blocking call by reference.
    type Owned: Send + 'static;
    /// Owns the argument.
    fn owned(self) -> Self::Owned;
}

impl OwnedArg for &str {
    type Owned = String;
    fn owned(self) -> String {
        self.to_owned()
    }
}

impl<S: AsRef<str>> OwnedArg for &[S] {
    type Owned = Vec<String>;
    fn owned(self) -> Vec<String> {
        self.iter().map(|item| item.as_ref().to_owned()).collect()
    }
}

impl<T: Clone + Send + 'static> OwnedArg for &T {
    type Owned = T;
    fn owned(self) -> T {
        self.clone()
    }
}

/// Generates the twin of each listed call. Arguments written `name: &Type` are owned with
/// [`OwnedArg`] and lent back as `&name`; the others (`bool`, numbers, enums) move as they are.
macro_rules! backend_calls {
    ($( fn $name:ident ( $($args:tt)* ) -> $ret:ty; )*) => {
        impl NonBlocking {
            $( backend_calls!(@twin $name, $ret, [] [] [] $($args)*); )*
        }

        /// The name of every call that has a twin.
        #[cfg(test)]
        pub(crate) const CALLS: &[&str] = &[$(stringify!($name)),*];
    };

    // Borrowed argument.
    (@twin $name:ident, $ret:ty, [$($params:tt)*] [$($own:tt)*] [$($pass:tt)*]
        $arg:ident : & $ty:ty $(, $($rest:tt)*)?) => {
        backend_calls!(@twin $name, $ret,
            [$($params)* $arg: &$ty,]
            [$($own)* let $arg = OwnedArg::owned($arg);]
            [$($pass)* &$arg,]
            $($($rest)*)?);
    };

    // Argument by value.
    (@twin $name:ident, $ret:ty, [$($params:tt)*] [$($own:tt)*] [$($pass:tt)*]
        $arg:ident : $ty:ty $(, $($rest:tt)*)?) => {
        backend_calls!(@twin $name, $ret,
            [$($params)* $arg: $ty,]
            [$($own)*]
            [$($pass)* $arg,]
            $($($rest)*)?);
    };

    // Every argument read: the method.
    (@twin $name:ident, $ret:ty, [$($params:tt)*] [$($own:tt)*] [$($pass:tt)*]) => {
        #[doc = concat!(
            "[`Auth::", stringify!($name), "`] on tokio's blocking pool: the same arguments ",
            "and answer. A task that does not complete (its runtime shut down, or the call ",
            "panicked) is [`ApiError::Task`]."
        )]
        pub async fn $name(&self, $($params)*) -> Result<$ret, ApiError> {
            $($own)*
            self.run(move |auth| auth.$name($($pass)*)).await
        }
    };
}

backend_calls! {
    // Users
    fn fetch_user_metadata_by_user_id(user_id: &str, include_orgs: bool) -> Option<UserMetadata>;
    fn fetch_user_metadata_by_email(email: &str, include_orgs: bool) -> Option<UserMetadata>;
    fn fetch_user_metadata_by_username(username: &str, include_orgs: bool) -> Option<UserMetadata>;
    fn fetch_batch_user_metadata_by_user_ids(user_ids: &[impl AsRef<str>], include_orgs: bool) -> BTreeMap<String, UserMetadata>;
    fn fetch_batch_user_metadata_by_emails(emails: &[impl AsRef<str>], include_orgs: bool) -> BTreeMap<String, UserMetadata>;
    fn fetch_batch_user_metadata_by_usernames(usernames: &[impl AsRef<str>], include_orgs: bool) -> BTreeMap<String, UserMetadata>;
    fn fetch_users_by_query(options: &FetchUsersByQueryOptions) -> Page<UserMetadata>;
    fn fetch_users_in_org(org_id: &str, options: &FetchUsersInOrgOptions) -> Page<UserMetadata>;
    fn create_user(email: &str, options: &CreateUserOptions) -> CreatedUser;
    fn update_user_metadata(user_id: &str, options: &UpdateUserMetadataOptions) -> bool;
    fn update_user_email(user_id: &str, new_email: &str, require_email_confirmation: bool) -> bool;
    fn update_user_password(user_id: &str, password: &str, options: &UpdateUserPasswordOptions) -> bool;
    fn clear_user_password(user_id: &str) -> bool;
    fn delete_user(user_id: &str) -> bool;
    fn disable_user(user_id: &str) -> bool;
    fn enable_user(user_id: &str) -> bool;
    fn disable_user_2fa(user_id: &str) -> bool;
    fn logout_all_user_sessions(user_id: &str) -> bool;
    fn enable_user_can_create_orgs(user_id: &str) -> bool;
    fn disable_user_can_create_orgs(user_id: &str) -> bool;
    fn resend_email_confirmation(user_id: &str) -> bool;
    fn invite_user_to_org(email: &str, org_id: &str, role: &str, options: &InviteUserToOrgOptions) -> bool;
    fn invite_user_to_org_by_user_id(user_id: &str, org_id: &str, role: &str, options: &InviteUserToOrgOptions) -> bool;
    fn fetch_user_signup_query_params_by_user_id(user_id: &str) -> Option<UserSignupQueryParams>;
    fn fetch_user_mfa_methods(user_id: &str) -> Option<UserMfaMethods>;
    fn fetch_user_oauth_tokens(user_id: &str) -> Option<BTreeMap<String, OAuthToken>>;
    fn fetch_fresh_token_from_provider(user_id: &str, provider: &str) -> Option<OAuthToken>;
    fn create_magic_link(email: &str, options: &CreateMagicLinkOptions) -> CreatedMagicLink;
    fn create_access_token(user_id: &str, duration_in_minutes: u64, options: &CreateAccessTokenOptions) -> CreatedAccessToken;
    fn migrate_user_from_external_source(email: &str, email_confirmed: bool, options: &MigrateUserOptions) -> CreatedUser;
    fn migrate_user_password(user_id: &str, password_hash: &str) -> bool;
    // Organizations, invites, SAML and OIDC
    fn fetch_org(org_id: &str) -> Option<Organization>;
    fn fetch_org_by_query(options: &FetchOrgByQueryOptions) -> Page<Organization>;
    fn fetch_custom_role_mappings() -> CustomRoleMappings;
    fn fetch_pending_invites(options: &FetchPendingInvitesOptions) -> Option<Page<PendingInvite>>;
    fn create_org(name: &str, options: &CreateOrgOptions) -> CreatedOrg;
    fn update_org_metadata(org_id: &str, options: &UpdateOrgMetadataOptions) -> bool;
    fn subscribe_org_to_role_mapping(org_id: &str, custom_role_mapping_name: &str) -> bool;
    fn delete_org(org_id: &str) -> bool;
    fn add_user_to_org(user_id: &str, org_id: &str, role: &str, options: &AddUserToOrgOptions) -> bool;
    fn remove_user_from_org(user_id: &str, org_id: &str) -> bool;
    fn change_user_role_in_org(user_id: &str, org_id: &str, role: &str, options: &ChangeUserRoleInOrgOptions) -> bool;
    fn revoke_pending_org_invite(org_id: &str, invitee_email: &str) -> ();
    fn allow_org_to_setup_saml_connection(org_id: &str) -> bool;
    fn disallow_org_to_setup_saml_connection(org_id: &str) -> bool;
    fn create_org_saml_connection_link(org_id: &str, options: &CreateOrgSamlConnectionLinkOptions) -> Option<SamlConnectionLink>;
    fn fetch_saml_sp_metadata(org_id: &str) -> Option<SamlSpMetadata>;
    fn set_saml_idp_metadata(org_id: &str, idp_entity_id: &str, idp_sso_url: &str, idp_certificate: &str, provider: SamlProvider) -> bool;
    fn set_oidc_idp_metadata(org_id: &str, client_id: &str, client_secret: &str, uses_pkce: bool, idp_type: OidcIdpType, options: &OidcIdpMetadataOptions) -> bool;
    fn saml_go_live(org_id: &str) -> bool;
    fn delete_saml_connection(org_id: &str) -> bool;
    // End-user API keys
    fn fetch_api_key(api_key_id: &str) -> ApiKey;
    fn fetch_current_api_keys(options: &FetchApiKeysOptions) -> Page<ApiKey>;
    fn fetch_archived_api_keys(options: &FetchApiKeysOptions) -> Page<ApiKey>;
    fn create_api_key(options: &CreateApiKeyOptions) -> NewApiKey;
    fn update_api_key(api_key_id: &str, options: &UpdateApiKeyOptions) -> bool;
    fn delete_api_key(api_key_id: &str) -> bool;
    fn validate_api_key(api_key_token: &str) -> ValidatedApiKey;
    fn validate_personal_api_key(api_key_token: &str) -> PersonalApiKeyValidation;
    fn validate_org_api_key(api_key_token: &str) -> OrgApiKeyValidation;
    fn validate_imported_api_key(api_key_token: &str) -> ValidatedApiKey;
    fn import_api_key(api_key_token: &str, options: &ImportApiKeyOptions) -> ImportedApiKey;
    fn fetch_api_key_usage(date: &str, options: &ApiKeyUsageOptions) -> ApiKeyUsage;
    // Step-up MFA
    fn verify_step_up_totp_challenge(action_type: &str, user_id: &str, code: &str, grant_type: StepUpGrantType, valid_for_seconds: u64) -> String;
    fn verify_step_up_grant(action_type: &str, user_id: &str, grant: &str) -> bool;
    fn send_sms_mfa_code(action_type: &str, user_id: &str, mfa_phone_id: &str, grant_type: StepUpGrantType, valid_for_seconds: u64) -> String;
    fn verify_sms_challenge(challenge_id: &str, user_id: &str, code: &str) -> String;
    // SCIM
    fn fetch_org_scim_groups(org_id: &str, options: &FetchOrgScimGroupsOptions) -> Page<ScimGroupSummary>;
    fn fetch_scim_group(org_id: &str, group_id: &str, options: &FetchScimGroupOptions) -> ScimGroup;
    // Employees
    fn fetch_employee_by_id(employee_id: &str) -> Option<Employee>;
    // Insights reports
    fn fetch_user_top_inviter_report(options: &ReportOptions) -> UserReport;
    fn fetch_user_champion_report(options: &ReportOptions) -> UserReport;
    fn fetch_user_churn_report(options: &ReportOptions) -> UserReport;
    fn fetch_user_reengagement_report(options: &ReportOptions) -> UserReport;
    fn fetch_org_churn_report(options: &ReportOptions) -> OrgReport;
    fn fetch_org_reengagement_report(options: &ReportOptions) -> OrgReport;
    fn fetch_org_growth_report(options: &ReportOptions) -> OrgReport;
    fn fetch_org_attrition_report(options: &ReportOptions) -> OrgReport;
    fn fetch_chart_metric_data(chart_metric: ChartMetric, options: &ChartMetricOptions) -> ChartData;
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// The `pub fn` names inside `impl Auth {` blocks of a module's source.
    fn blocking_calls(source: &str) -> Vec<String> {
        let mut names = Vec::new();
        let mut inside = false;
        for line in source.lines() {
            match line {
                "impl Auth {" => inside = true,
                "}" => inside = false,
                _ if inside => {
                    if let Some(rest) = line.strip_prefix("    pub fn ") {
                        let name = rest.split(['(', '<']).next().unwrap_or_default();
                        names.push(name.to_owned());
                    }
                }
                _ => {}
            }
        }
        names
    }

    #[test]
    fn every_blocking_call_has_a_twin() {
        let sources = [
            include_str!("users.rs"),
            include_str!("orgs.rs"),
            include_str!("api_keys.rs"),
            include_str!("step_up.rs"),
            include_str!("scim.rs"),
            include_str!("employees.rs"),
            include_str!("reports.rs"),
        ];
        let blocking: Vec<String> = sources
            .iter()
            .flat_map(|source| blocking_calls(source))
            .collect();
        let twins: BTreeSet<&str> = super::CALLS.iter().copied().collect();
        assert_eq!(twins.len(), super::CALLS.len(), "a call is listed twice");
        let blocking_set: BTreeSet<&str> = blocking.iter().map(String::as_str).collect();
        assert_eq!(
            blocking_set.len(),
            blocking.len(),
            "a blocking call is defined twice"
        );
        assert_eq!(blocking_set, twins);
        assert_eq!(blocking.len(), 79);
    }
}
