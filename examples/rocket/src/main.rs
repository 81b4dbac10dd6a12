//! The example server on Rocket: `cargo run -p propelauth-examples --bin rocket`.
//!
//! Without `PROPELAUTH_AUTH_URL` it runs in development mode against the embedded stand-in of
//! the auth service and prints sample tokens and curl lines (see examples.md).

use std::process::ExitCode;

use propelauth_examples::{
    development_banner, listen_address_from_env, rocket_app, setup_from_env,
};
use propelauth_rocket::PropelAuth;
use rocket::fairing::AdHoc;

fn main() -> ExitCode {
    // Initialization makes a blocking HTTP call: do it before the async runtime starts.
    let (setup, address) =
        match setup_from_env().and_then(|setup| Ok((setup, listen_address_from_env()?))) {
            Ok(ready) => ready,
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        };
    let development = setup.is_development();
    let figment = rocket::Config::figment()
        .merge(("address", address.ip()))
        .merge(("port", address.port()))
        .merge(("log_level", rocket::config::LogLevel::Critical));
    let rocket = rocket_app::app(
        rocket::custom(figment),
        PropelAuth::from(setup.auth.clone()),
    )
    .attach(AdHoc::on_liftoff("banner", move |rocket| {
        Box::pin(async move {
            let config = rocket.config();
            let base_url = format!("http://{}:{}", config.address, config.port);
            if development {
                println!("{}", development_banner(&base_url));
            }
            println!("rocket example listening on {base_url}");
        })
    }));
    let launched = rocket::execute(rocket.launch());
    // Keep the stand-in alive until the server stops.
    drop(setup);
    match launched {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
