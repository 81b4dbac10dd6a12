//! The example server on actix-web: `cargo run --bin actix`.
//!
//! With `PROPELAUTH_AUTH_URL` and `PROPELAUTH_API_KEY` set, it initializes for that project
//! (`init_auth_from_env`). Without them it runs in development mode: a local stand-in of the
//! auth service, sample tokens and `curl` lines printed before serving.

use std::error::Error;

use actix_web::{App, HttpServer, web};
use propelauth_actix::development::samples::ACME_ORG_ID;
use propelauth_actix::{PropelAuth, env};
use propelauth_example_support::{ServeError, listen_address_from_env, try_it};

fn main() -> Result<(), Box<dyn Error>> {
    let address = listen_address_from_env()?;
    // The example falls back to development mode so that `cargo run` works without an
    // account. Your own app should choose at compile time instead (a cargo feature), so that
    // a production build can never start in development mode.
    let development = !env::auth_url_is_set();
    // Both make a blocking HTTP call: before the async runtime starts.
    let auth: PropelAuth = if development {
        propelauth_actix::development::start()? // prints the banner and the sample tokens
    } else {
        propelauth_actix::init_auth_from_env()?
    };

    let auth = web::Data::new(auth);
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || {
            App::new()
                .app_data(auth.clone())
                .configure(propelauth_example_actix::routes)
        })
        .bind(address)
        .map_err(|source| ServeError::Bind { address, source })?;
        let bound = server.addrs().first().copied().unwrap_or(address);
        let base_url = format!("http://{bound}");
        if development {
            println!("{}\n", try_it(&base_url, ACME_ORG_ID));
        }
        println!("actix-web example listening on {base_url}");
        server.run().await.map_err(ServeError::stopped)
    })?;
    Ok(())
}
