//! The connection to PropelAuth's backend: one ureq agent with timeouts always set, the API
//! key, and the tenant host, shared by the metadata fetch and (later) every backend API call.

use std::fmt;
use std::io::Read;
use std::time::Duration;

use crate::api::call::Method;

/// The default base URL of PropelAuth's backend API.
pub const DEFAULT_BACKEND_BASE_URL: &str = "https://propelauth-api.com";

/// Largest response body read from the backend, in bytes.
const MAX_RESPONSE_BYTES: u64 = 8 * 1024 * 1024;

/// The backend API key. Never shown by `Debug`.
#[derive(Clone)]
pub(crate) struct ApiKey(String);

impl ApiKey {
    pub(crate) fn new(key: String) -> Self {
        Self(key)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"<redacted>\"")
    }
}

/// A response read in full: its status and body text.
#[derive(Debug)]
pub(crate) struct BackendResponse {
    pub(crate) status: u16,
    pub(crate) body: String,
}

/// Everything needed to call the backend.
pub(crate) struct BackendConnection {
    agent: ureq::Agent,
    base_url: String,
    api_key: ApiKey,
    tenant_host: String,
}

impl fmt::Debug for BackendConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackendConnection")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key)
            .field("tenant_host", &self.tenant_host)
            .finish_non_exhaustive()
    }
}

impl BackendConnection {
    pub(crate) fn new(
        base_url: String,
        api_key: ApiKey,
        tenant_host: String,
        connect_timeout: Duration,
        timeout: Duration,
    ) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(connect_timeout))
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .user_agent(concat!("propelauth-rs/", env!("CARGO_PKG_VERSION")))
            .build();
        Self {
            agent: config.into(),
            base_url,
            api_key,
            tenant_host,
        }
    }

    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    pub(crate) fn tenant_host(&self) -> &str {
        &self.tenant_host
    }

    /// The full URL of `path` (which starts with `/`).
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// `GET path` with the API key and tenant headers; reads the whole body.
    pub(crate) fn get(&self, path: &str) -> Result<BackendResponse, ureq::Error> {
        self.request(Method::Get, &self.url(path), &[], None)
    }

    /// Any request to `url`, with the API key and tenant headers, the query pairs, and a JSON
    /// body (with `Content-Type: application/json`) when there is one; reads the whole body.
    pub(crate) fn request(
        &self,
        method: Method,
        url: &str,
        query: &[(&'static str, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<BackendResponse, ureq::Error> {
        let authorization = format!("Bearer {}", self.api_key.0);
        let without_body = |builder: ureq::RequestBuilder<ureq::typestate::WithoutBody>| {
            builder
                .header("Authorization", &authorization)
                .header("X-Propelauth-url", &self.tenant_host)
                .query_pairs(query.iter().map(|(name, value)| (*name, value.as_str())))
        };
        let with_body = |builder: ureq::RequestBuilder<ureq::typestate::WithBody>| {
            builder
                .header("Authorization", &authorization)
                .header("X-Propelauth-url", &self.tenant_host)
                .query_pairs(query.iter().map(|(name, value)| (*name, value.as_str())))
        };
        let response = match (method, body) {
            (Method::Get, _) => without_body(self.agent.get(url)).call(),
            (Method::Delete, None) => without_body(self.agent.delete(url)).call(),
            (Method::Delete, Some(body)) => {
                send_json(with_body(self.agent.delete(url).force_send_body()), body)
            }
            (Method::Post, body) => send_optional(with_body(self.agent.post(url)), body),
            (Method::Put, body) => send_optional(with_body(self.agent.put(url)), body),
            (Method::Patch, body) => send_optional(with_body(self.agent.patch(url)), body),
        }?;
        let status = response.status().as_u16();
        let mut text = String::new();
        response
            .into_body()
            .into_reader()
            .take(MAX_RESPONSE_BYTES)
            .read_to_string(&mut text)
            .map_err(ureq::Error::Io)?;
        Ok(BackendResponse { status, body: text })
    }
}

/// Sends a JSON body with exactly `Content-Type: application/json` (ureq's `send_json` adds a
/// charset, which the reference library does not send).
fn send_json(
    builder: ureq::RequestBuilder<ureq::typestate::WithBody>,
    body: &serde_json::Value,
) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
    let bytes =
        serde_json::to_vec(body).map_err(|error| ureq::Error::Io(std::io::Error::other(error)))?;
    builder
        .header("Content-Type", "application/json")
        .send(&bytes[..])
}

/// A JSON body when there is one; otherwise an empty body and no `Content-Type`.
fn send_optional(
    builder: ureq::RequestBuilder<ureq::typestate::WithBody>,
    body: Option<&serde_json::Value>,
) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
    match body {
        Some(body) => send_json(builder, body),
        None => builder.send_empty(),
    }
}
