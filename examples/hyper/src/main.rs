//! The example server on bare hyper: `cargo run --bin hyper`.
//!
//! With `PROPELAUTH_AUTH_URL` and `PROPELAUTH_API_KEY` set, it initializes for that project
//! (`init_auth_from_env`). Without them it runs in development mode: a local stand-in of the
//! auth service, sample tokens and `curl` lines printed before serving.

use std::error::Error;

use propelauth_core::{Auth, env};
use propelauth_example_hyper::{App, serve};
use propelauth_example_support::{ServeError, listen_address_from_env, try_the_routes};
use propelauth_testing::development::Development;
use propelauth_testing::samples::ACME_ORG_ID;

fn main() -> Result<(), Box<dyn Error>> {
    let address = listen_address_from_env()?;
    // The example falls back to development mode so that `cargo run` works without an
    // account. Your own server should choose at compile time instead (a cargo feature), so
    // that a production build can never start in development mode.
    let development = !env::auth_url_is_set();
    // Both make a blocking HTTP call: before the async runtime starts.
    let auth: Auth = if development {
        let development = Development::start()?;
        println!("{}", development.banner()); // the warning and the sample tokens
        development.into_auth() // the stand-in runs until the process exits
    } else {
        propelauth_core::init_auth_from_env()?
    };

    let runtime = tokio::runtime::Runtime::new().map_err(ServeError::Runtime)?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|source| ServeError::Bind { address, source })?;
        let base_url = format!("http://{}", listener.local_addr().unwrap_or(address));
        if development {
            println!("{}", try_the_routes(&base_url, ACME_ORG_ID));
        }
        println!("hyper example listening on {base_url}");
        serve(listener, App::new(auth)).await;
        Ok::<(), ServeError>(())
    })?;
    Ok(())
}
