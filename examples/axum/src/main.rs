//! The example server on axum: `cargo run --bin axum`.
//!
//! With `PROPELAUTH_AUTH_URL` and `PROPELAUTH_API_KEY` set, it initializes for that project
//! (`init_auth_from_env`). Without them it runs in development mode: a local stand-in of the
//! auth service, sample tokens and `curl` lines printed before serving.

use std::error::Error;

use propelauth_axum::development::samples::ACME_ORG_ID;
use propelauth_axum::{PropelAuth, env};
use propelauth_example_support::{ServeError, listen_address_from_env, try_it};

fn main() -> Result<(), Box<dyn Error>> {
    let address = listen_address_from_env()?;
    // The example falls back to development mode so that `cargo run` works without an
    // account. Your own app should choose at compile time instead (a cargo feature), so that
    // a production build can never start in development mode.
    let development = !env::auth_url_is_set();
    // Both make a blocking HTTP call: before the async runtime starts.
    let auth: PropelAuth = if development {
        propelauth_axum::development::start()? // prints the banner and the sample tokens
    } else {
        propelauth_axum::init_auth_from_env()?
    };

    let runtime = tokio::runtime::Runtime::new().map_err(ServeError::Runtime)?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|source| ServeError::Bind { address, source })?;
        let base_url = format!("http://{}", listener.local_addr().unwrap_or(address));
        if development {
            println!("{}\n", try_it(&base_url, ACME_ORG_ID));
        }
        println!("axum example listening on {base_url}");
        axum::serve(listener, propelauth_example_axum::router(auth))
            .await
            .map_err(ServeError::stopped)
    })?;
    Ok(())
}
