//! Rocket: the example app through `rocket::local::asynchronous::Client`.

use crate::cases::{CaseRequest, ObservedResponse};
use propelauth_core::Auth;
use propelauth_example_rocket as rocket_app;
use propelauth_rocket::PropelAuth;
use rocket::http::Header;
use rocket::local::asynchronous::{Client, LocalResponse};
use rocket::{Build, Rocket};

use crate::Driver;

/// A quiet Rocket (no logs, no signal handling) to build an app on.
pub fn quiet_rocket() -> Rocket<Build> {
    let figment = rocket::Config::figment()
        .merge(("log_level", rocket::config::LogLevel::Off))
        .merge(("address", "127.0.0.1"))
        .merge(("shutdown.ctrlc", false));
    rocket::custom(figment)
}

/// Drives [`rocket_app::app`] in process.
pub struct RocketDriver {
    runtime: tokio::runtime::Runtime,
    client: Client,
}

impl std::fmt::Debug for RocketDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RocketDriver")
    }
}

impl RocketDriver {
    /// Ignites `rocket` into a local client; `Err` when a sentinel refuses the launch.
    pub fn try_new(rocket: Rocket<Build>) -> Result<Self, Box<rocket::Error>> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = runtime
            .block_on(Client::untracked(rocket))
            .map_err(Box::new)?;
        Ok(Self { runtime, client })
    }
}

impl RocketDriver {
    /// `GET path` with an optional `Authorization` value, for routes outside the table.
    pub fn answer_path(&mut self, path: &str, authorization: Option<String>) -> ObservedResponse {
        let client = &self.client;
        self.runtime.block_on(async move {
            let mut request = client.get(path.to_owned());
            if let Some(value) = authorization {
                request = request.header(Header::new("Authorization", value));
            }
            observe(request.dispatch().await).await
        })
    }
}

impl Driver for RocketDriver {
    const NAME: &'static str = "rocket";

    fn new(auth: Auth) -> Self {
        Self::try_new(rocket_app::app(quiet_rocket(), PropelAuth::from(auth))).unwrap()
    }

    fn answer(&mut self, case: &CaseRequest) -> ObservedResponse {
        // Rocket keeps header values as `str`: the table's are UTF-8.
        let authorization = case
            .authorization
            .as_ref()
            .map(|value| String::from_utf8(value.clone()).expect("the table's headers are UTF-8"));
        self.answer_path(&case.route.path(), authorization)
    }
}

async fn observe(response: LocalResponse<'_>) -> ObservedResponse {
    let status = response.status().code;
    let headers = response.headers();
    let www_authenticate = headers.get("WWW-Authenticate").map(str::to_owned).collect();
    let content_type = headers.get_one("Content-Type").map(str::to_owned);
    ObservedResponse {
        status,
        www_authenticate,
        content_type,
        body: response.into_bytes().await.unwrap_or_default(),
    }
}
