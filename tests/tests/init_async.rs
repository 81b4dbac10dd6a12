//! The adapters' async initialization (`PropelAuth::from_options_async`, `init_auth_async`)
//! on the runtimes the frameworks use: the metadata fetch runs off the async workers and
//! returns the adapter's handle.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;

use propelauth_testing::{StandIn, TokenBuilder};

/// Runs `future` on a current-thread runtime (as actix-web's workers) and on a multi-thread
/// one (as axum, poem and Rocket).
fn on_both_runtimes<F: Future<Output = ()>>(make: impl Fn() -> F) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(make());
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(make());
}

macro_rules! async_init_tests {
    ($($adapter:ident),*) => {$(
        mod $adapter {
            use super::*;
            use ::$adapter::{AuthOptions, InitError, PropelAuth};

            #[test]
            fn from_options_async_fetches_and_returns_the_handle() {
                let stand_in = StandIn::start().unwrap();
                on_both_runtimes(|| async {
                    let options = AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
                        .backend_base_url(stand_in.base_url());
                    let auth: PropelAuth = PropelAuth::from_options_async(options).await.unwrap();
                    let token = TokenBuilder::new("user-1").sign();
                    assert_eq!(auth.validate_access_token(&token).unwrap().user_id, "user-1");
                });
                assert_eq!(stand_in.metadata_fetches(), 2, "one fetch per runtime");
            }

            #[test]
            fn init_auth_async_reports_a_bad_auth_url_without_a_request() {
                on_both_runtimes(|| async {
                    let error = ::$adapter::init_auth_async("not a url", "key").await.unwrap_err();
                    assert!(matches!(error, InitError::InvalidUrl { .. }), "{error}");
                });
            }
        }
    )*};
}

async_init_tests!(
    propelauth_axum,
    propelauth_actix,
    propelauth_rocket,
    propelauth_poem
);
