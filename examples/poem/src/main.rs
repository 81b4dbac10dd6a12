//! The example server on poem: `cargo run --bin poem`.
//!
//! With `PROPELAUTH_AUTH_URL` and `PROPELAUTH_API_KEY` set, it initializes for that project
//! (`init_auth_from_env`). Without them it runs in development mode: a local stand-in of the
//! auth service, sample tokens and `curl` lines printed before serving.

use std::error::Error;

use poem::Server;
use poem::listener::{Acceptor, Listener, TcpListener};
use propelauth_example_support::{ServeError, listen_address_from_env, try_it};
use propelauth_poem::development::samples::ACME_ORG_ID;
use propelauth_poem::{PropelAuth, env};

fn main() -> Result<(), Box<dyn Error>> {
    let address = listen_address_from_env()?;
    // The example falls back to development mode so that `cargo run` works without an
    // account. Your own app should choose at compile time instead (a cargo feature), so that
    // a production build can never start in development mode.
    let development = !env::auth_url_is_set();
    // Both make a blocking HTTP call: before the async runtime starts.
    let auth: PropelAuth = if development {
        propelauth_poem::development::start()? // prints the banner and the sample tokens
    } else {
        propelauth_poem::init_auth_from_env()?
    };

    let runtime = tokio::runtime::Runtime::new().map_err(ServeError::Runtime)?;
    runtime.block_on(async {
        let acceptor = TcpListener::bind(address)
            .into_acceptor()
            .await
            .map_err(|source| ServeError::Bind { address, source })?;
        let bound = acceptor
            .local_addr()
            .first()
            .and_then(|local| local.as_socket_addr().copied())
            .unwrap_or(address);
        let base_url = format!("http://{bound}");
        if development {
            println!("{}\n", try_it(&base_url, ACME_ORG_ID));
        }
        println!("poem example listening on {base_url}");
        Server::new_with_acceptor(acceptor)
            .run(propelauth_example_poem::app(auth))
            .await
            .map_err(ServeError::stopped)
    })?;
    Ok(())
}
