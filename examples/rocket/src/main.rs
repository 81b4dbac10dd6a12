//! The example server on Rocket: `cargo run --bin rocket`.
//!
//! With `PROPELAUTH_AUTH_URL` and `PROPELAUTH_API_KEY` set, it initializes for that project
//! (`init_auth_from_env`). Without them it runs in development mode: a local stand-in of the
//! auth service, sample tokens and `curl` lines printed before serving.

use std::error::Error;

use propelauth_example_support::{ServeError, listen_address_from_env, try_it};
use propelauth_rocket::development::samples::ACME_ORG_ID;
use propelauth_rocket::{PropelAuth, env};
use rocket::fairing::AdHoc;

fn main() -> Result<(), Box<dyn Error>> {
    let address = listen_address_from_env()?;
    // The example falls back to development mode so that `cargo run` works without an
    // account. Your own app should choose at compile time instead (a cargo feature), so that
    // a production build can never start in development mode.
    let development = !env::auth_url_is_set();
    // Both make a blocking HTTP call: before Rocket's runtime starts.
    let auth: PropelAuth = if development {
        propelauth_rocket::development::start()? // prints the banner and the sample tokens
    } else {
        propelauth_rocket::init_auth_from_env()?
    };

    let figment = rocket::Config::figment()
        .merge(("address", address.ip()))
        .merge(("port", address.port()))
        .merge(("log_level", rocket::config::LogLevel::Critical));
    let rocket = propelauth_example_rocket::app(rocket::custom(figment), auth).attach(
        AdHoc::on_liftoff("banner", move |rocket| {
            Box::pin(async move {
                let config = rocket.config();
                let base_url = format!("http://{}:{}", config.address, config.port);
                if development {
                    println!("{}\n", try_it(&base_url, ACME_ORG_ID));
                }
                println!("rocket example listening on {base_url}");
            })
        }),
    );
    rocket::execute(rocket.launch()).map_err(ServeError::stopped)?;
    Ok(())
}
