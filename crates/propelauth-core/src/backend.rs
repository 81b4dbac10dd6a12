//! The connection to PropelAuth's backend, shared by the metadata fetch and every backend API
//! call: one ureq agent (connect and total timeouts always set, redirects never followed), the
//! API key, the tenant host, and the one function that sends a request
//! ([`BackendConnection::send`]), which also classifies the statuses every call answers alike
//! and emits one `tracing` event per request.
//!
//! The API key never reaches a log: ureq writes the request head to its `log` output at trace
//! level (as a hex dump), so the head is written with a same-length placeholder, and the key is
//! filled in by a transport wrapper after the head was logged, just before the bytes leave.

use std::error::Error as StdError;
use std::fmt;
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, DefaultConnector, NextTimeout, Transport,
};

/// The default base URL of PropelAuth's backend API.
pub const DEFAULT_BACKEND_BASE_URL: &str = "https://propelauth-api.com";

/// Largest response body read from the backend, in bytes; the rest is not read.
pub(crate) const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// Longest body excerpt kept in an error.
const ERROR_BODY_CHARS: usize = 512;

/// The backend API key. Never shown by `Debug`, never written to a log.
#[derive(Clone)]
pub(crate) struct ApiKey(Arc<str>);

impl ApiKey {
    pub(crate) fn new(key: String) -> Self {
        Self(key.into())
    }

    /// Whether the key can travel in an HTTP header as is (visible ASCII, spaces and tabs).
    fn is_sendable(&self) -> bool {
        self.0
            .bytes()
            .all(|byte| byte == b'\t' || (b' '..=b'~').contains(&byte))
    }

    /// What the request head carries instead of the key: as many `*` as the key has bytes.
    fn placeholder(&self) -> String {
        "*".repeat(self.0.len())
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"<redacted>\"")
    }
}

/// A URL as shown in `Debug` output and errors: user name and password replaced by `***`.
/// Text that does not parse as a URL loses everything before its last `@` the same way, so a
/// mistyped URL cannot leak a password either.
pub(crate) fn redacted_url(url: &str) -> String {
    match url::Url::parse(url.trim()) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            // Only fails for URLs that cannot have credentials, which these have.
            let _ = parsed.set_username("***");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        Err(_) => match url.rsplit_once('@') {
            Some((before, after)) => {
                let scheme_end = before.find("://").map_or(0, |index| index + 3);
                format!("{}***@{after}", &before[..scheme_end])
            }
            None => url.to_owned(),
        },
    }
}

/// A backend base URL given as a string, shown with its credentials redacted.
#[derive(Clone)]
pub(crate) struct BaseUrlOverride(pub(crate) String);

impl fmt::Debug for BaseUrlOverride {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&redacted_url(&self.0), f)
    }
}

/// HTTP methods the backend uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

/// One request to the backend.
#[derive(Debug)]
pub(crate) struct Request<'a> {
    pub(crate) method: Method,
    /// The path template, ids as `{name}` (`/api/backend/v1/user/{user_id}`): what the
    /// tracing event shows.
    pub(crate) route: &'static str,
    /// The concrete path, segments already encoded.
    pub(crate) path: &'a str,
    pub(crate) query: &'a [(&'static str, String)],
    /// A JSON body (sent with `Content-Type: application/json`), or none (no body at all).
    pub(crate) json: Option<&'a [u8]>,
}

/// A response read in full (up to [`MAX_RESPONSE_BYTES`]).
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    /// The body as text (invalid UTF-8 replaced).
    pub(crate) body: String,
    /// Whether the body was read to its end (it was not longer than the limit).
    pub(crate) complete: bool,
}

/// The statuses every backend request answers alike, metadata fetch included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SharedRefusal {
    /// 401: the API key was refused.
    InvalidApiKey,
    /// 429.
    RateLimited,
    /// 400.
    BadRequest,
    /// 426: organizations are not enabled for the project.
    B2bNotEnabled,
}

impl Response {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The shared meaning of this status, if it has one (401 first). 2xx, 404 and anything
    /// else (3xx included) are left to the caller: success, its not-found rule, or an
    /// unexpected status.
    pub(crate) fn shared_refusal(&self) -> Option<SharedRefusal> {
        match self.status {
            401 => Some(SharedRefusal::InvalidApiKey),
            429 => Some(SharedRefusal::RateLimited),
            400 => Some(SharedRefusal::BadRequest),
            426 => Some(SharedRefusal::B2bNotEnabled),
            _ => None,
        }
    }

    /// The start of the body (512 characters), for error messages.
    pub(crate) fn excerpt(&self) -> String {
        excerpt(&self.body)
    }
}

/// The first 512 characters of `text`.
pub(crate) fn excerpt(text: &str) -> String {
    text.chars().take(ERROR_BODY_CHARS).collect()
}

/// Why a request got no HTTP answer: it could not connect, timed out, or the exchange broke.
///
/// The underlying cause is available through [`Error::source`](std::error::Error::source).
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TransportErrorKind {
    Timeout,
    Connect,
    Tls,
    Protocol,
    InvalidApiKeyCharacters,
    #[cfg_attr(not(feature = "tokio"), allow(dead_code))]
    TaskCancelled,
    Other,
}

impl TransportError {
    /// Whether the connect timeout or the total timeout expired.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }

    /// Whether no connection could be made (unknown host, refused, unreachable).
    pub fn is_connect(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }

    /// Whether the TLS handshake or certificate check failed.
    pub fn is_tls(&self) -> bool {
        self.kind == TransportErrorKind::Tls
    }

    /// A short name of what went wrong (`timeout`, `connect`, `tls`, `protocol`, ...), for
    /// logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self.kind {
            TransportErrorKind::Timeout => "timeout",
            TransportErrorKind::Connect => "connect",
            TransportErrorKind::Tls => "tls",
            TransportErrorKind::Protocol => "protocol",
            TransportErrorKind::InvalidApiKeyCharacters => "invalid_api_key_characters",
            TransportErrorKind::TaskCancelled => "task_cancelled",
            TransportErrorKind::Other => "io",
        }
    }

    fn from_ureq(error: ureq::Error) -> Self {
        use std::io::ErrorKind;
        let kind = match &error {
            ureq::Error::Timeout(_) => TransportErrorKind::Timeout,
            ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => {
                TransportErrorKind::Connect
            }
            ureq::Error::Tls(_) => TransportErrorKind::Tls,
            ureq::Error::Protocol(_) | ureq::Error::BadUri(_) | ureq::Error::Http(_) => {
                TransportErrorKind::Protocol
            }
            ureq::Error::Io(io) => match io.kind() {
                ErrorKind::TimedOut | ErrorKind::WouldBlock => TransportErrorKind::Timeout,
                ErrorKind::ConnectionRefused
                | ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::NotConnected
                | ErrorKind::AddrNotAvailable => TransportErrorKind::Connect,
                _ => TransportErrorKind::Other,
            },
            _ => TransportErrorKind::Other,
        };
        Self {
            kind,
            source: Some(Box::new(error)),
        }
    }

    fn invalid_api_key_characters() -> Self {
        Self {
            kind: TransportErrorKind::InvalidApiKeyCharacters,
            source: None,
        }
    }

    /// The blocking task that was to make the request never ran (its runtime shut down).
    #[cfg(feature = "tokio")]
    pub(crate) fn task_cancelled() -> Self {
        Self {
            kind: TransportErrorKind::TaskCancelled,
            source: None,
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            TransportErrorKind::Timeout => {
                "the request timed out; check that the backend is reachable, or raise \
                 `AuthOptions::timeout` / `connect_timeout`"
            }
            TransportErrorKind::Connect => {
                "could not connect; check the backend base URL, DNS and any firewall or proxy \
                 between this host and PropelAuth"
            }
            TransportErrorKind::Tls => {
                "the TLS handshake failed; check the backend base URL and that this host trusts \
                 its certificate"
            }
            TransportErrorKind::Protocol => {
                "the exchange with the backend broke off or was not valid HTTP; check the \
                 backend base URL and any proxy in between"
            }
            TransportErrorKind::InvalidApiKeyCharacters => {
                "the API key holds characters an HTTP header cannot carry (a control character \
                 or non-ASCII); check it for a stray newline"
            }
            TransportErrorKind::TaskCancelled => {
                "the request was not made: its blocking task was cancelled (the tokio runtime is \
                 shutting down)"
            }
            TransportErrorKind::Other => "the connection to the backend failed while in use",
        })
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
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
    /// A connection to `base_url` (an http(s) URL without trailing slash or credentials, as
    /// initialization checks).
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
            .max_redirects(0)
            .user_agent(concat!("propelauth-rs/", env!("CARGO_PKG_VERSION")))
            .build();
        let connector = DefaultConnector::new().chain(ApiKeyConnector {
            key: api_key.clone(),
        });
        Self {
            agent: ureq::Agent::with_parts(config, connector, DefaultResolver::default()),
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

    /// The full URL of `path` (which starts with `/`), without query.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Sends `request` with the API key and tenant headers and reads the whole body (up to
    /// [`MAX_RESPONSE_BYTES`]). Emits one debug event: method, route template, status or
    /// transport error kind, duration.
    pub(crate) fn send(&self, request: &Request<'_>) -> Result<Response, TransportError> {
        if !self.api_key.is_sendable() {
            return Err(TransportError::invalid_api_key_characters());
        }
        let started = Instant::now();
        let outcome = self.exchange(request);
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        match &outcome {
            Ok(response) => tracing::debug!(
                method = request.method.as_str(),
                route = request.route,
                status = response.status,
                elapsed_ms,
                "PropelAuth backend request"
            ),
            Err(error) => tracing::debug!(
                method = request.method.as_str(),
                route = request.route,
                error = error.kind(),
                elapsed_ms,
                "PropelAuth backend request failed"
            ),
        }
        outcome
    }

    fn exchange(&self, request: &Request<'_>) -> Result<Response, TransportError> {
        let url = self.url(request.path);
        let authorization = format!("Bearer {}", self.api_key.placeholder());
        let query = request
            .query
            .iter()
            .map(|(name, value)| (*name, value.as_str()));
        let agent = &self.agent;
        let response = match (request.method, request.json) {
            (Method::Get, _) => self.headers(agent.get(&url), &authorization, query).call(),
            (Method::Delete, None) => self
                .headers(agent.delete(&url), &authorization, query)
                .call(),
            (Method::Delete, Some(json)) => {
                let builder = agent.delete(&url).force_send_body();
                send_json(self.headers(builder, &authorization, query), json)
            }
            (Method::Post, json) => {
                send_optional(self.headers(agent.post(&url), &authorization, query), json)
            }
            (Method::Put, json) => {
                send_optional(self.headers(agent.put(&url), &authorization, query), json)
            }
            (Method::Patch, json) => {
                send_optional(self.headers(agent.patch(&url), &authorization, query), json)
            }
        }
        .map_err(TransportError::from_ureq)?;
        let status = response.status().as_u16();
        let mut body = Vec::new();
        response
            .into_body()
            .into_reader()
            .take(MAX_RESPONSE_BYTES as u64 + 1)
            .read_to_end(&mut body)
            .map_err(|error| TransportError::from_ureq(ureq::Error::Io(error)))?;
        let complete = body.len() <= MAX_RESPONSE_BYTES;
        body.truncate(MAX_RESPONSE_BYTES);
        let body = String::from_utf8(body)
            .unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned());
        Ok(Response {
            status,
            body,
            complete,
        })
    }

    /// The API key (as placeholder) and tenant headers, and the query.
    fn headers<'q, B>(
        &self,
        builder: ureq::RequestBuilder<B>,
        authorization: &str,
        query: impl IntoIterator<Item = (&'q str, &'q str)>,
    ) -> ureq::RequestBuilder<B> {
        builder
            .header("Authorization", authorization)
            .header("X-Propelauth-url", &self.tenant_host)
            .query_pairs(query)
    }
}

/// Sends a JSON body with exactly `Content-Type: application/json` (ureq's `send_json` adds a
/// charset, which the reference library does not send).
fn send_json(
    builder: ureq::RequestBuilder<ureq::typestate::WithBody>,
    json: &[u8],
) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
    builder
        .header("Content-Type", "application/json")
        .send(json)
}

/// A JSON body when there is one; otherwise an empty body and no `Content-Type`.
fn send_optional(
    builder: ureq::RequestBuilder<ureq::typestate::WithBody>,
    json: Option<&[u8]>,
) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
    match json {
        Some(json) => send_json(builder, json),
        None => builder.send_empty(),
    }
}

/// The last link of the agent's connector chain: wraps every connection (after TLS, so it
/// sees plaintext) in a [`KeyTransport`].
#[derive(Debug)]
struct ApiKeyConnector {
    key: ApiKey,
}

impl<In: Transport> Connector<In> for ApiKeyConnector {
    type Out = KeyTransport<In>;

    fn connect(
        &self,
        _details: &ConnectionDetails<'_>,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(|inner| KeyTransport {
            inner,
            line: HeaderLines::new(&self.key),
        }))
    }
}

/// The `Authorization` line as ureq writes it (placeholder) and as it is sent (key).
struct HeaderLines {
    placeholder: Vec<u8>,
    real: Vec<u8>,
}

impl HeaderLines {
    fn new(key: &ApiKey) -> Self {
        let line = |value: &str| format!("authorization: Bearer {value}\r\n").into_bytes();
        Self {
            placeholder: line(&key.placeholder()),
            real: line(&key.0),
        }
    }

    /// Replaces the placeholder line in a request head being sent. The line is written
    /// whole (ureq never splits a header line across writes), at the start of `output` or
    /// after a line break; bodies are JSON, which holds no raw line break.
    fn fill_in(&self, output: &mut [u8]) {
        let width = self.placeholder.len();
        if width > output.len() {
            return;
        }
        let found = (0..=output.len() - width).find(|&start| {
            (start == 0 || output[start - 1] == b'\n')
                && output[start..start + width] == self.placeholder[..]
        });
        if let Some(start) = found {
            output[start..start + width].copy_from_slice(&self.real);
        }
    }
}

/// A connection whose outgoing request heads get the real API key.
struct KeyTransport<T> {
    inner: T,
    line: HeaderLines,
}

impl<T> fmt::Debug for KeyTransport<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyTransport").finish_non_exhaustive()
    }
}

impl<T: Transport> Transport for KeyTransport<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let output = self.inner.buffers().output();
        if let Some(output) = output.get_mut(..amount) {
            self.line.fill_in(output);
        }
        self.inner.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(key: &str) -> HeaderLines {
        HeaderLines::new(&ApiKey::new(key.to_owned()))
    }

    #[test]
    fn the_placeholder_line_gets_the_key() {
        let mut head =
            b"GET /x HTTP/1.1\r\nhost: h\r\nauthorization: Bearer ****\r\nx: y\r\n\r\n".to_vec();
        lines("k3y!").fill_in(&mut head);
        assert_eq!(
            head,
            b"GET /x HTTP/1.1\r\nhost: h\r\nauthorization: Bearer k3y!\r\nx: y\r\n\r\n"
        );
        let mut at_start = b"authorization: Bearer **\r\n".to_vec();
        lines("ab").fill_in(&mut at_start);
        assert_eq!(at_start, b"authorization: Bearer ab\r\n");
    }

    #[test]
    fn only_a_whole_line_is_replaced() {
        for text in [
            &b"{\"note\":\"authorization: Bearer ****\\r\\n\"}"[..],
            b"xauthorization: Bearer ****\r\n",
            b"authorization: Bearer *****\r\n",
            b"authorization: Bearer ***",
        ] {
            let mut bytes = text.to_vec();
            lines("abcd").fill_in(&mut bytes);
            assert_eq!(bytes, text, "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn keys_with_control_characters_are_not_sendable() {
        assert!(ApiKey::new("abc DEF\t123-_.~".to_owned()).is_sendable());
        for key in ["a\r\nx: y", "a\nb", "é", "\0"] {
            assert!(!ApiKey::new(key.to_owned()).is_sendable(), "{key:?}");
        }
    }

    #[test]
    fn credentials_are_redacted() {
        assert_eq!(
            redacted_url("http://user:secret@127.0.0.1:1/x"),
            "http://***@127.0.0.1:1/x"
        );
        assert_eq!(redacted_url("https://h.example/"), "https://h.example/");
        assert_eq!(
            redacted_url("http://user:secret@[bad/x"),
            "http://***@[bad/x",
            "unparsable text loses its credentials too"
        );
        assert_eq!(redacted_url("not a url"), "not a url");
    }
}
