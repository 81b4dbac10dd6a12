//! The example server on poem: `cargo run -p propelauth-examples --bin poem`.
//!
//! Without `PROPELAUTH_AUTH_URL` it runs in development mode against the embedded stand-in of
//! the auth service and prints sample tokens and curl lines (see examples.md).

use std::process::ExitCode;

use poem::Server;
use poem::listener::{Acceptor, Listener, TcpListener};
use propelauth_examples::{development_banner, listen_address_from_env, poem_app, setup_from_env};
use propelauth_poem::PropelAuth;

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
        let acceptor = TcpListener::bind(address).into_acceptor().await?;
        let base_url = acceptor
            .local_addr()
            .first()
            .and_then(|local| {
                local
                    .as_socket_addr()
                    .map(|socket| format!("http://{socket}"))
            })
            .unwrap_or_else(|| format!("http://{address}"));
        if setup.is_development() {
            println!("{}", development_banner(&base_url));
        }
        println!("poem example listening on {base_url}");
        Server::new_with_acceptor(acceptor)
            .run(poem_app::app(PropelAuth::from(setup.auth.clone())))
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
