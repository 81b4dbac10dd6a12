//! The example apps of all four frameworks served over real TCP on 127.0.0.1, initialized
//! through `init_auth` against the stand-in, called with a real HTTP client.
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{SocketAddr, TcpListener};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use actix_web::{App, HttpServer, web};
use propelauth_core::{Auth, AuthOptions};
use propelauth_examples::{actix_app, axum_app};
use propelauth_testing::StandIn;
use propelauth_testing::samples::{
    ACME_ORG_ID, MEMBER_USER_ID, OWNER_USER_ID, member_token, no_org_token, owner_token,
};

/// A server running on its own thread; stopped and joined on drop.
struct Running {
    address: SocketAddr,
    stop: Option<Box<dyn FnOnce() + Send>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop();
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn loopback_listener() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    (listener, address)
}

fn serve_axum(auth: Auth) -> Running {
    let (listener, address) = loopback_listener();
    listener.set_nonblocking(true).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let router = axum_app::router(propelauth_axum::PropelAuth::from(auth));
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
    });
    Running {
        address,
        stop: Some(Box::new(move || {
            let _ = stop.send(());
        })),
        thread: Some(thread),
    }
}

fn serve_actix(auth: Auth) -> Running {
    let (listener, address) = loopback_listener();
    let (handle_sender, handle_receiver) = mpsc::channel();
    let auth = web::Data::new(propelauth_actix::PropelAuth::from(auth));
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                App::new()
                    .app_data(auth.clone())
                    .configure(actix_app::routes)
            })
            .workers(1)
            .disable_signals()
            .listen(listener)
            .unwrap()
            .run();
            handle_sender.send(server.handle()).unwrap();
            server.await.unwrap();
        });
    });
    let handle = handle_receiver
        .recv_timeout(Duration::from_secs(10))
        .unwrap();
    Running {
        address,
        stop: Some(Box::new(move || {
            stop_actix(handle);
        })),
        thread: Some(thread),
    }
}

/// Stops an actix server from outside its runtime.
fn stop_actix(handle: actix_web::dev::ServerHandle) {
    let stop = handle.stop(true);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(stop);
}

fn serve_rocket(auth: Auth) -> Running {
    let (port_sender, port_receiver) = mpsc::channel();
    let quiet_on_any_port = rocket::Config::figment()
        .merge(("log_level", rocket::config::LogLevel::Off))
        .merge(("address", "127.0.0.1"))
        .merge(("port", 0))
        .merge(("shutdown.ctrlc", false))
        .merge(("shutdown.grace", 0))
        .merge(("shutdown.mercy", 0));
    let rocket = propelauth_examples::rocket_app::app(
        rocket::custom(quiet_on_any_port),
        propelauth_rocket::PropelAuth::from(auth),
    )
    .attach(rocket::fairing::AdHoc::on_liftoff(
        "report port",
        move |rocket| {
            Box::pin(async move {
                let _ = port_sender.send((rocket.config().port, rocket.shutdown()));
            })
        },
    ));
    let thread = std::thread::spawn(move || {
        let _ = rocket::execute(rocket.launch());
    });
    let (port, shutdown) = port_receiver.recv_timeout(Duration::from_secs(30)).unwrap();
    Running {
        address: SocketAddr::from(([127, 0, 0, 1], port)),
        stop: Some(Box::new(move || shutdown.notify())),
        thread: Some(thread),
    }
}

fn serve_poem(auth: Auth) -> Running {
    use poem::listener::{Acceptor, Listener};
    let (address_sender, address_receiver) = mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let acceptor = poem::listener::TcpListener::bind("127.0.0.1:0")
                .into_acceptor()
                .await
                .unwrap();
            let address = acceptor.local_addr()[0].as_socket_addr().copied().unwrap();
            address_sender.send(address).unwrap();
            let app = propelauth_examples::poem_app::app(propelauth_poem::PropelAuth::from(auth));
            poem::Server::new_with_acceptor(acceptor)
                .run_with_graceful_shutdown(
                    app,
                    async move {
                        let _ = stopped.await;
                    },
                    Some(Duration::from_secs(1)),
                )
                .await
                .unwrap();
        });
    });
    let address = address_receiver
        .recv_timeout(Duration::from_secs(10))
        .unwrap();
    Running {
        address,
        stop: Some(Box::new(move || {
            let _ = stop.send(());
        })),
        thread: Some(thread),
    }
}

fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

struct Answer {
    status: u16,
    www_authenticate: Option<String>,
    body: String,
}

fn get(address: SocketAddr, path: &str, token: &str) -> Answer {
    let mut response = client()
        .get(format!("http://{address}{path}"))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    Answer {
        status: response.status().as_u16(),
        www_authenticate: response
            .headers()
            .get("www-authenticate")
            .map(|value| value.to_str().unwrap().to_owned()),
        body: response.body_mut().read_to_string().unwrap(),
    }
}

fn check_over_http(server: &Running) {
    let valid = get(server.address, "/api/whoami", &owner_token().sign());
    assert_eq!(valid.status, 200, "{}", valid.body);
    let user: serde_json::Value = serde_json::from_str(&valid.body).unwrap();
    assert_eq!(user["user_id"], OWNER_USER_ID);

    let expired = get(
        server.address,
        "/api/whoami",
        &owner_token().expires_in(-3600).sign(),
    );
    assert_eq!(expired.status, 401);
    assert_eq!(
        expired.www_authenticate.as_deref(),
        Some(r#"Bearer error="invalid_token""#)
    );
    assert_eq!(expired.body, r#"{"detail":"Unauthorized"}"#);

    let billing = format!("/api/org/{ACME_ORG_ID}/billing");
    let forbidden = get(server.address, &billing, &member_token().sign());
    assert_eq!(forbidden.status, 403);
    assert_eq!(forbidden.www_authenticate, None);
    assert_eq!(forbidden.body, r#"{"detail":"Forbidden"}"#);
}

/// `GET /api/org/{org_id}/users`: a member gets the org's users from the backend API (the
/// stand-in's answer); a non-member is refused before any backend call; a failing backend
/// is a 502 that does not leak the error.
fn check_org_users(server: &Running, stand_in: &StandIn) {
    stand_in.clear_requests();
    let path = format!("/api/org/{ACME_ORG_ID}/users");
    let answer = get(server.address, &path, &member_token().sign());
    assert_eq!(answer.status, 200, "{}", answer.body);
    let page: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["user_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [OWNER_USER_ID, MEMBER_USER_ID]);
    let requests = stand_in.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].path,
        format!("/api/backend/v1/user/org/{ACME_ORG_ID}")
    );

    stand_in.clear_requests();
    let outsider = get(server.address, &path, &no_org_token().sign());
    assert_eq!(
        (outsider.status, outsider.body.as_str()),
        (403, r#"{"detail":"Forbidden"}"#)
    );
    assert!(
        stand_in.requests().is_empty(),
        "no backend call for a non-member"
    );

    let backend = format!("/api/backend/v1/user/org/{ACME_ORG_ID}");
    stand_in.respond(
        "GET",
        &backend,
        propelauth_testing::CannedResponse::text(500, "secret detail"),
    );
    let failed = get(server.address, &path, &member_token().sign());
    assert_eq!(failed.status, 502);
    assert!(!failed.body.contains("secret detail"), "{}", failed.body);
    stand_in.clear_overrides();
}

fn auth_from_stand_in(stand_in: &StandIn) -> Auth {
    AuthOptions::new(stand_in.auth_url(), stand_in.api_key())
        .backend_base_url(stand_in.base_url())
        .init()
        .unwrap()
}

#[test]
fn axum_example_over_real_http() {
    let stand_in = StandIn::start().unwrap();
    let server = serve_axum(auth_from_stand_in(&stand_in));
    check_over_http(&server);
    check_org_users(&server, &stand_in);
}

#[test]
fn actix_example_over_real_http() {
    let stand_in = StandIn::start().unwrap();
    let server = serve_actix(auth_from_stand_in(&stand_in));
    check_over_http(&server);
    check_org_users(&server, &stand_in);
}

#[test]
fn rocket_example_over_real_http() {
    let stand_in = StandIn::start().unwrap();
    let server = serve_rocket(auth_from_stand_in(&stand_in));
    check_over_http(&server);
    check_org_users(&server, &stand_in);
}

#[test]
fn poem_example_over_real_http() {
    let stand_in = StandIn::start().unwrap();
    let server = serve_poem(auth_from_stand_in(&stand_in));
    check_over_http(&server);
    check_org_users(&server, &stand_in);
}
