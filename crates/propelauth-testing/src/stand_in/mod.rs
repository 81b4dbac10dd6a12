//! A local stand-in for the PropelAuth auth service, for tests.
//!
//! [`StandIn`] runs a real HTTP server on `127.0.0.1` with an OS-chosen port.
//! It serves the backend endpoints the libraries call, records every request it
//! receives and lets a test override the answer to any route. The verification metadata
//! comes in the [`MetadataShape`] the builder asks for (by default with both names of the
//! PEM and a field the libraries ignore, as the service may answer).

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::io::{self, Read};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use serde_json::{Value, json};

use crate::{TEST_API_KEY, TEST_AUTH_URL, TEST_PUBLIC_KEY_PEM};

mod backend;

pub use backend::api_keys::StandInApiKey;

/// Largest request body that is read; larger bodies are answered with 413.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// How long the accept loop waits for a request before checking for shutdown.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Path of the endpoint that hands out the token verifier key.
const TOKEN_VERIFICATION_METADATA_PATH: &str = "/api/v1/token_verification_metadata";

/// A canned HTTP response: what the stand-in answers to a request.
#[derive(Clone, Debug, PartialEq)]
pub struct CannedResponse {
    /// HTTP status code.
    pub status: u16,
    /// Response body.
    pub body: String,
    /// Value of the `Content-Type` header.
    pub content_type: String,
    /// How long to wait before answering.
    pub delay: Duration,
    /// Further headers, e.g. `Location` for a redirect.
    pub headers: Vec<(String, String)>,
}

impl CannedResponse {
    /// A JSON response (`application/json`) with the given status and body.
    pub fn json(status: u16, body: &Value) -> Self {
        Self {
            status,
            body: body.to_string(),
            content_type: "application/json".to_owned(),
            delay: Duration::ZERO,
            headers: Vec::new(),
        }
    }

    /// A plain-text response (`text/plain; charset=utf-8`) with the given status and body.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            body: body.into(),
            content_type: "text/plain; charset=utf-8".to_owned(),
            delay: Duration::ZERO,
            headers: Vec::new(),
        }
    }

    /// The same response, answered only after sleeping for `delay`.
    pub fn with_delay(self, delay: Duration) -> Self {
        Self { delay, ..self }
    }

    /// The same response with one more header (`Location` for a redirect, ...).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// A JSON error body `{"error": code}` with the given status.
    fn error(status: u16, code: &str) -> Self {
        Self::json(status, &json!({ "error": code }))
    }
}

/// A request the stand-in received.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `GET`.
    pub method: String,
    /// Request path without the query string.
    pub path: String,
    /// Query parameters, percent-decoded, in the order they were sent.
    pub query: Vec<(String, String)>,
    /// All headers in the order they were sent; names are lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body decoded as UTF-8 (lossily); truncated to 1 MiB.
    pub body: String,
    /// The body parsed as JSON, if it is JSON.
    pub json: Option<Value>,
}

impl RecordedRequest {
    /// Value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Value of the first query parameter called `name` (case-sensitive).
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Which names the stand-in's verification metadata gives the PEM. PropelAuth's two
/// metadata endpoints name it differently (`verifier_key_pem`, `public_key_pem`), so a body
/// may carry either or both; every shape also carries a field the libraries do not read
/// (`roles`), as the service's answers may.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetadataShape {
    /// Both names, holding the same PEM (the default).
    #[default]
    BothKeys,
    /// `verifier_key_pem` only.
    VerifierKeyPem,
    /// `public_key_pem` only.
    PublicKeyPem,
}

impl MetadataShape {
    /// The metadata body for `pem` in this shape.
    fn body(self, pem: &str) -> Value {
        let mut body = json!({ "roles": ["Owner", "Admin", "Member"] });
        if matches!(self, Self::BothKeys | Self::VerifierKeyPem) {
            body["verifier_key_pem"] = json!(pem);
        }
        if matches!(self, Self::BothKeys | Self::PublicKeyPem) {
            body["public_key_pem"] = json!(pem);
        }
        body
    }
}

/// Configures and starts a [`StandIn`].
#[derive(Clone)]
pub struct StandInBuilder {
    api_key: String,
    auth_url: String,
    verifier_key_pem: String,
    metadata_shape: MetadataShape,
}

impl Default for StandInBuilder {
    fn default() -> Self {
        Self {
            api_key: TEST_API_KEY.to_owned(),
            auth_url: TEST_AUTH_URL.to_owned(),
            verifier_key_pem: TEST_PUBLIC_KEY_PEM.to_owned(),
            metadata_shape: MetadataShape::default(),
        }
    }
}

impl fmt::Debug for StandInBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StandInBuilder")
            .field("api_key", &"<redacted>")
            .field("auth_url", &self.auth_url)
            .field("verifier_key_pem", &self.verifier_key_pem)
            .field("metadata_shape", &self.metadata_shape)
            .finish()
    }
}

impl StandInBuilder {
    /// The API key requests must carry as `Authorization: Bearer {key}` (default [`TEST_API_KEY`]).
    pub fn api_key(self, key: impl Into<String>) -> Self {
        Self {
            api_key: key.into(),
            ..self
        }
    }

    /// The auth URL the stand-in pretends to serve (default [`TEST_AUTH_URL`]).
    pub fn auth_url(self, url: impl Into<String>) -> Self {
        Self {
            auth_url: url.into(),
            ..self
        }
    }

    /// The PEM handed out in the verification metadata (default [`TEST_PUBLIC_KEY_PEM`]).
    pub fn verifier_key_pem(self, pem: impl Into<String>) -> Self {
        Self {
            verifier_key_pem: pem.into(),
            ..self
        }
    }

    /// Under which names the metadata carries the PEM (default [`MetadataShape::BothKeys`]).
    pub fn metadata_shape(self, shape: MetadataShape) -> Self {
        Self {
            metadata_shape: shape,
            ..self
        }
    }

    /// Binds `127.0.0.1:0` and starts serving on a background thread.
    pub fn start(self) -> io::Result<StandIn> {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").map_err(io::Error::other)?);
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| io::Error::other("stand-in is not listening on an IP address"))?;
        let shared = Arc::new(Shared {
            config: Config {
                tenant_host: tenant_host_of(&self.auth_url),
                api_key: self.api_key,
                auth_url: self.auth_url,
                metadata_shape: self.metadata_shape,
            },
            verifier_key_pem: Mutex::new(self.verifier_key_pem),
            requests: Mutex::default(),
            overrides: Mutex::default(),
            api_keys: Mutex::new(backend::api_keys::sample_api_keys()),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let accept_thread = spawn_accept_loop(&server, &shared, &stop)?;
        Ok(StandIn {
            addr,
            server,
            shared,
            stop,
            accept_thread: Some(accept_thread),
        })
    }
}

/// A running stand-in of the PropelAuth auth service; stops when dropped.
pub struct StandIn {
    addr: SocketAddr,
    server: Arc<tiny_http::Server>,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    accept_thread: Option<JoinHandle<()>>,
}

impl StandIn {
    /// Starts a stand-in with the default configuration.
    pub fn start() -> io::Result<StandIn> {
        Self::builder().start()
    }

    /// A builder to configure the stand-in before starting it.
    pub fn builder() -> StandInBuilder {
        StandInBuilder::default()
    }

    /// Base URL of the server, e.g. `http://127.0.0.1:1234` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// API key the server accepts.
    pub fn api_key(&self) -> &str {
        &self.shared.config.api_key
    }

    /// Auth URL the server pretends to serve.
    pub fn auth_url(&self) -> &str {
        &self.shared.config.auth_url
    }

    /// Host (plus non-default port) of the auth URL, expected in `X-Propelauth-url`.
    pub fn tenant_host(&self) -> &str {
        &self.shared.config.tenant_host
    }

    /// Every later request matching METHOD and PATH (exact path, query ignored) gets this response until cleared.
    pub fn respond(&self, method: &str, path: &str, response: CannedResponse) {
        lock(&self.shared.overrides)
            .always
            .insert(route_key(method, path), response);
    }

    /// Only the next matching request gets this response (queued; FIFO if called several times), then normal behaviour resumes.
    pub fn respond_once(&self, method: &str, path: &str, response: CannedResponse) {
        lock(&self.shared.overrides)
            .once
            .entry(route_key(method, path))
            .or_default()
            .push_back(response);
    }

    /// Removes every override set with [`respond`](Self::respond) or [`respond_once`](Self::respond_once).
    pub fn clear_overrides(&self) {
        *lock(&self.shared.overrides) = Overrides::default();
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    /// Serves `pem` in the verification metadata from now on: the project rotated its signing key
    /// (for example to [`OTHER_PUBLIC_KEY_PEM`](crate::OTHER_PUBLIC_KEY_PEM), whose tokens
    /// [`TokenVariant::WrongKey`](crate::TokenVariant::WrongKey) signs).
    pub fn set_verifier_key_pem(&self, pem: impl Into<String>) {
        *lock(&self.shared.verifier_key_pem) = pem.into();
    }

    /// The PEM served as `verifier_key_pem` now.
    pub fn verifier_key_pem(&self) -> String {
        lock(&self.shared.verifier_key_pem).clone()
    }

    /// Registers an end-user API key: validating `token` (`validate_api_key`,
    /// `validate_imported_api_key`) answers `key`'s answer from now on. Tokens not registered
    /// are answered 404, as the service answers an unknown key. The registry starts with
    /// [`PERSONAL_API_KEY`](crate::samples::PERSONAL_API_KEY),
    /// [`ORG_API_KEY`](crate::samples::ORG_API_KEY) and
    /// [`GENERIC_API_KEY`](crate::samples::GENERIC_API_KEY).
    pub fn add_api_key(&self, token: impl Into<String>, key: StandInApiKey) {
        lock(&self.shared.api_keys).insert(token.into(), key);
    }

    /// Forgets an end-user API key (it was revoked or expired): validating it answers 404.
    pub fn remove_api_key(&self, token: &str) {
        lock(&self.shared.api_keys).remove(token);
    }

    /// How many API key validations (`POST .../end_user_api_keys/validate`) were received.
    pub fn api_key_validations(&self) -> usize {
        lock(&self.shared.requests)
            .iter()
            .filter(|request| {
                request.method == "POST"
                    && request.path == "/api/backend/v1/end_user_api_keys/validate"
            })
            .count()
    }

    /// How many metadata fetches (`GET /api/v1/token_verification_metadata`) were received.
    pub fn metadata_fetches(&self) -> usize {
        lock(&self.shared.requests)
            .iter()
            .filter(|request| {
                request.method == "GET" && request.path == TOKEN_VERIFICATION_METADATA_PATH
            })
            .count()
    }
}

impl fmt::Debug for StandIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StandIn")
            .field("addr", &self.addr)
            .field("api_key", &"<redacted>")
            .field("auth_url", &self.auth_url())
            .field("tenant_host", &self.tenant_host())
            .finish_non_exhaustive()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.server.unblock();
        if let Some(thread) = self.accept_thread.take() {
            // A panicked accept thread has nothing left to clean up.
            let _ = thread.join();
        }
    }
}

/// Fixed configuration of a running stand-in.
struct Config {
    api_key: String,
    auth_url: String,
    tenant_host: String,
    metadata_shape: MetadataShape,
}

/// State shared between the [`StandIn`] handle and the request threads.
struct Shared {
    config: Config,
    /// The key served by the metadata endpoint (switchable at run time).
    verifier_key_pem: Mutex<String>,
    requests: Mutex<Vec<RecordedRequest>>,
    overrides: Mutex<Overrides>,
    /// The end-user API keys validation knows, by token.
    api_keys: Mutex<HashMap<String, StandInApiKey>>,
}

impl Shared {
    /// The answer to a fully read request: an override if one matches, else the built-in route.
    fn response_for(&self, request: &RecordedRequest) -> CannedResponse {
        let key = route_key(&request.method, &request.path);
        let overridden = lock(&self.overrides).take(&key);
        overridden.unwrap_or_else(|| {
            let verifier_key_pem = lock(&self.verifier_key_pem).clone();
            route(self, &verifier_key_pem, request)
        })
    }
}

/// Method (upper-cased) and exact path of a route.
type RouteKey = (String, String);

fn route_key(method: &str, path: &str) -> RouteKey {
    (method.to_ascii_uppercase(), path.to_owned())
}

/// Responses set by the test, taking precedence over the built-in routes.
#[derive(Default)]
struct Overrides {
    once: HashMap<RouteKey, VecDeque<CannedResponse>>,
    always: HashMap<RouteKey, CannedResponse>,
}

impl Overrides {
    /// Pops the next one-shot response for `key`, else returns the persistent one.
    fn take(&mut self, key: &RouteKey) -> Option<CannedResponse> {
        self.once
            .get_mut(key)
            .and_then(VecDeque::pop_front)
            .or_else(|| self.always.get(key).cloned())
    }
}

/// Locks `mutex`, recovering the data if another thread panicked while holding it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn spawn_accept_loop(
    server: &Arc<tiny_http::Server>,
    shared: &Arc<Shared>,
    stop: &Arc<AtomicBool>,
) -> io::Result<JoinHandle<()>> {
    let (server, shared, stop) = (Arc::clone(server), Arc::clone(shared), Arc::clone(stop));
    thread::Builder::new()
        .name("stand-in-accept".to_owned())
        .spawn(move || accept_loop(&server, &shared, &stop))
}

/// Hands every incoming request to its own thread until `stop` is set.
fn accept_loop(server: &tiny_http::Server, shared: &Arc<Shared>, stop: &AtomicBool) {
    while !stop.load(Ordering::SeqCst) {
        match server.recv_timeout(POLL_INTERVAL) {
            Ok(Some(request)) => spawn_handler(shared, request),
            Ok(None) => {}
            // The listener failed; tiny_http stops accepting after this.
            Err(_) => break,
        }
    }
}

fn spawn_handler(shared: &Arc<Shared>, request: tiny_http::Request) {
    let shared = Arc::clone(shared);
    // If no thread can be spawned the request is dropped, and tiny_http answers it with 500.
    let _ = thread::Builder::new()
        .name("stand-in-request".to_owned())
        .spawn(move || handle_request(&shared, request));
}

/// Records `request`, then answers it.
fn handle_request(shared: &Shared, mut request: tiny_http::Request) {
    let (recorded, body) = record(&mut request);
    let response = match body {
        BodyRead::Complete => shared.response_for(&recorded),
        BodyRead::TooLarge => CannedResponse::error(413, "payload_too_large"),
        BodyRead::Failed => CannedResponse::error(400, "bad_request"),
    };
    lock(&shared.requests).push(recorded);
    send(request, response);
}

/// How reading a request body went.
enum BodyRead {
    Complete,
    TooLarge,
    Failed,
}

fn record(request: &mut tiny_http::Request) -> (RecordedRequest, BodyRead) {
    let (body, outcome) = read_body(request);
    let (path, query) = split_url(request.url());
    let recorded = RecordedRequest {
        method: request.method().as_str().to_ascii_uppercase(),
        path: path.to_owned(),
        query: url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect(),
        headers: request
            .headers()
            .iter()
            .map(|h| {
                (
                    h.field.as_str().as_str().to_ascii_lowercase(),
                    h.value.as_str().to_owned(),
                )
            })
            .collect(),
        json: serde_json::from_str(&body).ok(),
        body,
    };
    (recorded, outcome)
}

/// Reads at most [`MAX_BODY_BYTES`] of the body, lossily decoded as UTF-8.
fn read_body(request: &mut tiny_http::Request) -> (String, BodyRead) {
    let mut bytes = Vec::new();
    let limit = MAX_BODY_BYTES as u64 + 1;
    let outcome = match request.as_reader().take(limit).read_to_end(&mut bytes) {
        Err(_) => BodyRead::Failed,
        Ok(_) if bytes.len() > MAX_BODY_BYTES => BodyRead::TooLarge,
        Ok(_) => BodyRead::Complete,
    };
    bytes.truncate(MAX_BODY_BYTES);
    (String::from_utf8_lossy(&bytes).into_owned(), outcome)
}

/// Splits a request target into its path and (possibly empty) query string.
fn split_url(target: &str) -> (&str, &str) {
    target.split_once('?').unwrap_or((target, ""))
}

/// Waits for the response's delay, then writes it.
fn send(request: tiny_http::Request, canned: CannedResponse) {
    if !canned.delay.is_zero() {
        thread::sleep(canned.delay);
    }
    let mut response =
        tiny_http::Response::from_string(canned.body).with_status_code(canned.status);
    // An invalid content type (not from the network) falls back to tiny_http's text/plain.
    if let Ok(header) = tiny_http::Header::from_bytes("Content-Type", canned.content_type) {
        response.add_header(header);
    }
    for (name, value) in canned.headers {
        if let Ok(header) = tiny_http::Header::from_bytes(name, value) {
            response.add_header(header);
        }
    }
    // The client may have gone away; there is nobody left to tell.
    let _ = request.respond(response);
}

/// The built-in endpoints: the verification metadata and the backend API. Known endpoints
/// check the API key (401) and the tenant header (404), as PropelAuth's service does;
/// unknown paths are 404.
fn route(shared: &Shared, verifier_key_pem: &str, request: &RecordedRequest) -> CannedResponse {
    let config = &shared.config;
    let is_metadata = request.method == "GET" && request.path == TOKEN_VERIFICATION_METADATA_PATH;
    let backend_route = backend::find(request);
    if !is_metadata && backend_route.is_none() {
        return CannedResponse::error(404, "not_found");
    }
    let expected_auth = format!("Bearer {}", config.api_key);
    if request.header("authorization") != Some(expected_auth.as_str()) {
        return CannedResponse::error(401, "unauthorized");
    }
    if request.header("x-propelauth-url") != Some(config.tenant_host.as_str()) {
        return CannedResponse::error(404, "not_found");
    }
    match backend_route {
        Some((handler, captured)) => {
            backend::api_keys::validation(request, &lock(&shared.api_keys))
                .unwrap_or_else(|| handler(request, &captured))
        }
        None => CannedResponse::json(200, &config.metadata_shape.body(verifier_key_pem)),
    }
}

/// The tenant host the stand-in expects in `X-Propelauth-url`: core's rule, or the raw
/// string when the auth URL does not parse (so that a misconfigured client is answered 404).
fn tenant_host_of(auth_url: &str) -> String {
    propelauth_core::tenant_host(auth_url).unwrap_or_else(|_| auth_url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_host_falls_back_to_raw_string() {
        assert_eq!(
            tenant_host_of("https://auth.example.com:443/"),
            "auth.example.com"
        );
        assert_eq!(tenant_host_of("not a url"), "not a url");
    }

    #[test]
    fn split_url_separates_query() {
        assert_eq!(split_url("/a/b?x=1"), ("/a/b", "x=1"));
        assert_eq!(split_url("/a/b"), ("/a/b", ""));
    }

    #[test]
    fn once_overrides_come_before_persistent_ones() {
        let mut overrides = Overrides::default();
        let key = route_key("get", "/x");
        overrides
            .always
            .insert(key.clone(), CannedResponse::text(201, "always"));
        overrides.once.entry(key.clone()).or_default().extend([
            CannedResponse::text(202, "first"),
            CannedResponse::text(203, "second"),
        ]);
        let statuses: Vec<u16> = (0..3)
            .filter_map(|_| overrides.take(&key))
            .map(|r| r.status)
            .collect();
        assert_eq!(statuses, [202, 203, 201]);
    }
}
