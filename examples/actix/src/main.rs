//! The example server on actix-web: `cargo run -p propelauth-examples --bin actix`.
//!
//! Without `PROPELAUTH_AUTH_URL` it runs in development mode against the embedded stand-in of
//! the auth service and prints sample tokens and curl lines (see examples.md).

use std::process::ExitCode;

use actix_web::{App, HttpServer, web};
use propelauth_actix::PropelAuth;
use propelauth_examples::{actix_app, development_banner, listen_address_from_env, setup_from_env};

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
    let auth = web::Data::new(PropelAuth::from(setup.auth.clone()));
    let served = actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || {
            App::new()
                .app_data(auth.clone())
                .configure(actix_app::routes)
        })
        .bind(address)?;
        let base_url = server.addrs().first().map_or_else(
            || format!("http://{address}"),
            |bound| format!("http://{bound}"),
        );
        if setup.is_development() {
            println!("{}", development_banner(&base_url));
        }
        println!("actix-web example listening on {base_url}");
        server.run().await
    });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
