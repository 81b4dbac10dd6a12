//! Quick start: no account, no configuration.
//!
//! Starts the local stand-in of the auth service, initializes through the real `init_auth`
//! path (an HTTP fetch of the verification metadata), mints sample tokens and prints what
//! core decides for each: the user, or the 401/403 a server would answer.
//!
//! `cargo run -p propelauth-examples --bin quickstart`

use std::process::ExitCode;

use propelauth_core::Auth;
use propelauth_examples::{DEVELOPMENT_WARNING, SAMPLE_ORG_ID, sample_tokens, setup_from_env};
use propelauth_testing::{TokenBuilder, TokenVariant};

fn main() -> ExitCode {
    let setup = match setup_from_env() {
        Ok(setup) => setup,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    if setup.is_development() {
        println!("{DEVELOPMENT_WARNING}\n");
    }
    println!("Initialized: {:?}\n", setup.auth);

    let mut requests: Vec<(String, Option<String>)> = sample_tokens()
        .into_iter()
        .map(|sample| {
            (
                sample.description.to_owned(),
                Some(format!("Bearer {}", sample.token)),
            )
        })
        .collect();
    let expired = TokenBuilder::new("expired-user").expires_in(-3600).sign();
    let forged = TokenBuilder::new("forged-user").sign_variant(TokenVariant::AlgNone);
    requests.extend([
        (
            "An expired token".to_owned(),
            Some(format!("Bearer {expired}")),
        ),
        (
            "A forged token (alg: none)".to_owned(),
            Some(format!("Bearer {forged}")),
        ),
        (
            "A Basic header".to_owned(),
            Some("Basic dXNlcjpwYXNz".to_owned()),
        ),
        ("No Authorization header".to_owned(), None),
    ]);
    for (description, header) in requests {
        println!("== {description}");
        decide(&setup.auth, header.as_deref());
        println!();
    }
    ExitCode::SUCCESS
}

/// Prints what `require_user` and then `require_org_member_with_permission` decide.
fn decide(auth: &Auth, header: Option<&str>) {
    let user = match auth.validate_authorization_header(header.map(str::as_bytes)) {
        Ok(user) => user,
        Err(unauthorized) => {
            let rejection = unauthorized.rejection();
            println!(
                "   require_user: {} {}  (reason: {unauthorized})",
                rejection.status, rejection.body
            );
            if let Some(www_authenticate) = rejection.www_authenticate {
                println!("   WWW-Authenticate: {www_authenticate}");
            }
            return;
        }
    };
    println!(
        "   require_user: user {} <{}>",
        user.user_id,
        user.email.as_deref().unwrap_or("-")
    );
    match auth.require_org_member_with_permission(&user, SAMPLE_ORG_ID, "can_view_billing") {
        Ok(org) => println!(
            "   billing of {}: allowed as {}",
            org.org_name, org.user_assigned_role
        ),
        Err(forbidden) => {
            let rejection = forbidden.rejection();
            println!(
                "   billing of org {SAMPLE_ORG_ID}: {} {}  (reason: {forbidden})",
                rejection.status, rejection.body
            );
        }
    }
}
