//! The example server on axum: `cargo run -p propelauth-examples --bin axum`.
//!
//! Without `PROPELAUTH_AUTH_URL` it runs in development mode against the embedded stand-in of
//! the auth service and prints sample tokens and curl lines (see examples.md).

use std::process::ExitCode;

use propelauth_axum::PropelAuth;
use propelauth_examples::{axum_app, development_banner, listen_address_from_env, setup_from_env};

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
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let served = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(address).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        if setup.is_development() {
            println!("{}", development_banner(&base_url));
        }
        println!("axum example listening on {base_url}");
        axum::serve(
            listener,
            axum_app::router(PropelAuth::from(setup.auth.clone())),
        )
        .await
    });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
