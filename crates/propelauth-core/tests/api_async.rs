//! The async side of the client (feature `tokio`): `init_async`, `init_auth_async`, and the
//! async twins of `auth.nonblocking()`, one or more per group of calls, run on a tokio
//! current-thread runtime (what actix-web's workers are) and a multi-thread one (axum, poem,
//! Rocket) against the stand-in, checked for the same request and answer as the blocking call.
#![cfg(feature = "tokio")]
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;

use std::future::Future;

use api_support::{API, Harness, options};
use propelauth_core::api::*;
use propelauth_core::{AuthOptions, InitError, SamlProvider};
use propelauth_testing::StandIn;
use propelauth_testing::samples::{ACME_ORG_ID, MEMBER_USER_ID, OWNER_USER_ID};
use serde_json::json;

/// Runs `future` to completion on a fresh current-thread runtime.
fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn init_async_fetches_the_metadata_off_the_runtime() {
    let stand_in = StandIn::start().unwrap();
    let auth = block_on(
        AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
            .backend_base_url(stand_in.base_url())
            .init_async(),
    )
    .unwrap();
    assert_eq!(auth.tenant_host(), stand_in.tenant_host());
    let requests = stand_in.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, "/api/v1/token_verification_metadata");

    // The free function, and an init error passed through.
    let wrong_key = block_on(async {
        AuthOptions::new(stand_in.auth_url(), "wrong-key")
            .backend_base_url(stand_in.base_url())
            .init_async()
            .await
    });
    assert!(
        matches!(wrong_key, Err(InitError::InvalidApiKey)),
        "{wrong_key:?}"
    );
    // `init_auth_async` talks to the default backend; only check that it is the same call.
    let invalid = block_on(propelauth_core::init_auth_async("not a url", "key"));
    assert!(
        matches!(invalid, Err(InitError::InvalidUrl { .. })),
        "{invalid:?}"
    );
}

#[test]
fn one_twin_per_group_answers_like_its_blocking_call() {
    let harness = Harness::new();
    let api = harness.auth.nonblocking();
    block_on(async {
        // Users: borrowed strings and a bool.
        let user = api
            .fetch_user_metadata_by_user_id(OWNER_USER_ID, true)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            user,
            harness
                .auth
                .fetch_user_metadata_by_user_id(OWNER_USER_ID, true)
                .unwrap()
                .unwrap()
        );
        // A slice of strings (borrowed, owned) and a map answer.
        let ids = [OWNER_USER_ID, MEMBER_USER_ID];
        let users = api
            .fetch_batch_user_metadata_by_user_ids(&ids, false)
            .await
            .unwrap();
        assert_eq!(users.len(), 2);
        let owned = vec![OWNER_USER_ID.to_owned()];
        assert_eq!(
            api.fetch_batch_user_metadata_by_user_ids(&owned, false)
                .await
                .unwrap()
                .len(),
            1
        );
        // An options struct.
        let page = api
            .fetch_users_in_org(ACME_ORG_ID, &FetchUsersInOrgOptions::default())
            .await
            .unwrap();
        assert_eq!(page.total, 2);
        let created = api
            .create_user("ada@example.com", &CreateUserOptions::default())
            .await
            .unwrap();
        assert!(!created.user_id.is_empty());
        assert!(api.delete_user(OWNER_USER_ID).await.unwrap());
        assert!(!api.delete_user("not-a-uuid").await.unwrap());

        // Organizations, SAML, OIDC: a Copy enum argument, and `()`.
        let org = api.fetch_org(ACME_ORG_ID).await.unwrap().unwrap();
        assert_eq!(org.password_rotation_history_size, Some(5));
        assert!(
            api.set_saml_idp_metadata(ACME_ORG_ID, "e", "u", "c", SamlProvider::Okta)
                .await
                .unwrap()
        );
        let oidc = OidcIdpMetadataOptions {
            okta_sso_domain: Some("acme.okta.com".to_owned()),
            ..Default::default()
        };
        assert!(
            api.set_oidc_idp_metadata(
                ACME_ORG_ID,
                "client",
                "secret",
                true,
                OidcIdpType::Okta,
                &oidc
            )
            .await
            .unwrap()
        );
        api.revoke_pending_org_invite(ACME_ORG_ID, "new.hire@acme.test")
            .await
            .unwrap();
        assert_eq!(
            api.fetch_custom_role_mappings()
                .await
                .unwrap()
                .custom_role_mappings
                .len(),
            2
        );

        // End-user API keys, errors included.
        let validated = api.validate_org_api_key("org-token").await.unwrap();
        assert_eq!(validated.org.org_id, ACME_ORG_ID);
        assert!(matches!(
            api.fetch_api_key("not-hex").await,
            Err(ApiError::NotFound("API key"))
        ));

        // Step-up MFA.
        let grant = api
            .verify_step_up_totp_challenge("a", OWNER_USER_ID, "1", StepUpGrantType::OneTimeUse, 60)
            .await
            .unwrap();
        assert!(
            api.verify_step_up_grant("a", OWNER_USER_ID, &grant)
                .await
                .unwrap()
        );

        // SCIM, employees, reports.
        let groups = api
            .fetch_org_scim_groups(ACME_ORG_ID, &FetchOrgScimGroupsOptions::default())
            .await
            .unwrap();
        assert_eq!(groups.total, 2);
        let employee = api
            .fetch_employee_by_id("5b7d9f1a-3c5e-4a7b-9d1f-2a4c6e8b0d2f")
            .await
            .unwrap();
        assert!(employee.is_some());
        let report = api
            .fetch_org_growth_report(&ReportOptions::default())
            .await
            .unwrap();
        assert_eq!(report.total_count, Some(2));
        let chart = api
            .fetch_chart_metric_data(ChartMetric::Signups, &ChartMetricOptions::default())
            .await
            .unwrap();
        assert_eq!(chart.metrics.len(), 3);
    });

    // Each twin made exactly the request of its blocking call.
    let requests = harness.stand_in.requests();
    let paths: Vec<String> = requests
        .iter()
        .map(|request| format!("{} {}", request.method, request.path))
        .collect();
    assert!(
        paths.contains(&format!("GET {API}/user/{OWNER_USER_ID}")),
        "{paths:#?}"
    );
    assert!(
        paths.contains(&format!("POST {API}/oidc_idp_metadata")),
        "{paths:#?}"
    );
    assert!(
        paths.contains(&format!("DELETE {API}/pending_org_invites")),
        "{paths:#?}"
    );
    let oidc = requests
        .iter()
        .find(|request| request.path.ends_with("/oidc_idp_metadata"))
        .unwrap();
    assert_eq!(
        oidc.json,
        Some(json!({
            "org_id": ACME_ORG_ID, "client_id": "client", "client_secret": "secret",
            "uses_pkce": true, "idp_type": "Okta", "okta_sso_domain": "acme.okta.com",
        }))
    );
}

#[test]
fn a_twin_never_blocks_its_runtime_thread() {
    let harness = Harness::new();
    harness.respond(
        "GET",
        &format!("/org/{ACME_ORG_ID}"),
        propelauth_testing::CannedResponse::json(200, &json!({"org_id": ACME_ORG_ID}))
            .with_delay(std::time::Duration::from_millis(200)),
    );
    let api = harness.auth.nonblocking();
    // A slow call next to other work on a single-threaded runtime: had the call blocked the
    // thread, the other work could only run after it.
    let finished = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    block_on(async {
        let other = std::sync::Arc::clone(&finished);
        let other = tokio::spawn(async move { other.lock().unwrap().push("other work") });
        api.fetch_org(ACME_ORG_ID).await.unwrap();
        finished.lock().unwrap().push("call");
        other.await.unwrap();
    });
    let order = finished.lock().unwrap().clone();
    assert_eq!(order, ["other work", "call"]);
}

#[test]
fn twins_work_on_a_multi_thread_runtime() {
    let harness = Harness::new();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let api = harness.auth.nonblocking();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let api = api.clone();
            runtime.spawn(async move { api.fetch_org(ACME_ORG_ID).await })
        })
        .collect();
    for handle in handles {
        let org = runtime.block_on(handle).unwrap().unwrap().unwrap();
        assert_eq!(org.org_id, ACME_ORG_ID);
    }
    assert_eq!(harness.stand_in.requests().len(), 4);
}

#[test]
fn spawn_blocking_still_runs_custom_code() {
    let harness = Harness::new();
    let total = block_on(harness.auth.spawn_blocking(|auth| {
        let users = auth.fetch_users_by_query(&FetchUsersByQueryOptions::default())?;
        let orgs = auth.fetch_org_by_query(&FetchOrgByQueryOptions::default())?;
        Ok(users.total + orgs.total)
    }))
    .unwrap();
    assert_eq!(total, 4);
    assert_eq!(harness.stand_in.requests().len(), 2);
    let unused = options(&harness.stand_in).init().unwrap();
    assert!(format!("{:?}", unused.nonblocking()).contains("NonBlocking"));
}
