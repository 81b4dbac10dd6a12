//! What the example servers share that is not PropelAuth logic: where to listen (`HOST`,
//! `PORT`), the `curl` lines of the example routes printed in development mode, and start-up
//! errors that print as sentences when `main` returns them.
//!
//! Not a library to depend on: it keeps each example's `main` short. Everything about
//! PropelAuth (initialization, development mode) comes from the framework adapter.
#![deny(missing_docs)]

use std::env;
use std::fmt::{self, Write as _};
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The body the examples answer (with 502) when a backend API call fails; the error itself
/// goes to the log, not to the client.
pub const BACKEND_FAILURE_DETAIL: &str = "The call to PropelAuth's backend API failed";

/// The first message of the examples' WebSocket (`/api/ws`) once open: `{"user_id":"..."}`
/// (the same bytes on every framework); after it, the socket echoes what it receives.
pub fn websocket_greeting(user_id: &str) -> String {
    serde_json::json!({ "user_id": user_id }).to_string()
}

/// `HOST` or `PORT` does not parse.
#[derive(thiserror::Error)]
#[error("invalid listen address {0} (HOST must be an IP address, PORT a number from 0 to 65535)")]
pub struct ListenAddressError(String);

impl fmt::Debug for ListenAddressError {
    /// The message: what `main` prints when it returns the error.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Where to listen: `HOST` (default `127.0.0.1`) and `PORT` (default `3000`; `0` lets the
/// system choose).
pub fn listen_address_from_env() -> Result<SocketAddr, ListenAddressError> {
    let host = match env::var("HOST") {
        Ok(host) => host
            .parse::<IpAddr>()
            .map_err(|_| ListenAddressError(format!("HOST={host}")))?,
        Err(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
    };
    let port = match env::var("PORT") {
        Ok(port) => port
            .parse::<u16>()
            .map_err(|_| ListenAddressError(format!("PORT={port}")))?,
        Err(_) => 3000,
    };
    Ok(SocketAddr::new(host, port))
}

/// Why a server could not start or stopped.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] io::Error),
    /// The listen address could not be bound (in use, not an address of this host, ...).
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// Why.
        source: io::Error,
    },
    /// The server failed while running (the framework's message).
    #[error("the server stopped: {0}")]
    Stopped(String),
}

impl ServeError {
    /// The server stopped with `error` (rendered at once: Rocket's errors must be looked at
    /// before they are dropped).
    pub fn stopped(error: impl fmt::Display) -> Self {
        Self::Stopped(error.to_string())
    }
}

impl fmt::Debug for ServeError {
    /// The message: what `main` prints when it returns the error.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The `curl` lines for the example routes against `base_url` (one per route, with the
/// answer to expect), using the sample tokens that development mode exports as `$OWNER`,
/// `$MEMBER` and `$NO_ORG`, the WebSocket route, and where the API docs are. `org_id` is the sample org.
pub fn try_it(base_url: &str, org_id: &str) -> String {
    let mut text = try_the_routes(base_url, org_id);
    let ws_url = base_url.replacen("http", "ws", 1);
    let _ = writeln!(
        text,
        "WebSocket: {ws_url}/api/ws?access_token=$MEMBER (or the Authorization header): the \
         first message is the user id, then it echoes"
    );
    let _ = write!(
        text,
        "API docs: {base_url}/docs (document at {base_url}/openapi.json): click Authorize and \
         paste a token (the eyJ... string alone)."
    );
    text
}

/// [`try_it`] without the WebSocket and API docs lines, for a server that serves neither (the
/// bare hyper example); each line ends with a newline.
pub fn try_the_routes(base_url: &str, org_id: &str) -> String {
    let org = format!("/api/org/{org_id}");
    let lines = [
        ("", "/healthz".to_owned(), "200 ok"),
        ("", "/api/whoami".to_owned(), "401: no token"),
        ("OWNER", "/api/whoami".to_owned(), "200: the user"),
        ("", "/api/whoami_optional".to_owned(), "200: {}"),
        (
            "MEMBER",
            "/api/whoami_optional".to_owned(),
            "200: the user id",
        ),
        ("MEMBER", format!("{org}/check"), "200: the membership"),
        ("NO_ORG", format!("{org}/check"), "403: not a member"),
        (
            "OWNER",
            format!("{org}/admin_or_owner"),
            "200: Owner is at least Admin",
        ),
        (
            "MEMBER",
            format!("{org}/admin_or_owner"),
            "403: Member is below Admin",
        ),
        (
            "OWNER",
            format!("{org}/admin_only"),
            "403: Owner is not exactly Admin",
        ),
        (
            "OWNER",
            format!("{org}/billing"),
            "200: has can_view_billing",
        ),
        (
            "MEMBER",
            format!("{org}/billing"),
            "403: lacks can_view_billing",
        ),
        (
            "OWNER",
            format!("{org}/billing_and_reports"),
            "200: has both permissions",
        ),
        (
            "MEMBER",
            format!("{org}/users"),
            "200: the org's users (backend API)",
        ),
        (
            "",
            "/api/group/ping".to_owned(),
            "401: the group needs a user",
        ),
        ("MEMBER", "/api/group/ping".to_owned(), "200 pong"),
    ];
    let mut text = String::from("Try (paste the export lines above first):\n");
    for (variable, path, outcome) in lines {
        let header = if variable.is_empty() {
            String::new()
        } else {
            format!("-H \"Authorization: Bearer ${variable}\" ")
        };
        let _ = writeln!(text, "  curl -i {header}{base_url}{path}   # {outcome}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_is_a_complete_command() {
        let text = try_it("http://127.0.0.1:3000", "org-1");
        let curls: Vec<_> = text.lines().filter(|line| line.contains("curl")).collect();
        assert_eq!(curls.len(), 16);
        for line in curls {
            assert!(line.starts_with("  curl -i "), "{line}");
            assert!(line.contains(" http://127.0.0.1:3000/"), "{line}");
        }
        assert!(text.contains(
            "-H \"Authorization: Bearer $MEMBER\" http://127.0.0.1:3000/api/org/org-1/billing"
        ));
    }

    #[test]
    fn the_greeting_is_json_with_the_user_id() {
        assert_eq!(websocket_greeting("u-1"), r#"{"user_id":"u-1"}"#);
        assert_eq!(websocket_greeting("a\"b"), r#"{"user_id":"a\"b"}"#);
    }

    #[test]
    fn the_routes_alone_are_the_same_lines_without_websocket_and_api_docs() {
        let all = try_it("http://127.0.0.1:3000", "org-1");
        let routes = try_the_routes("http://127.0.0.1:3000", "org-1");
        assert!(all.starts_with(&routes), "{all}");
        assert!(all.contains("API docs: "));
        assert!(!routes.contains("API docs") && !routes.contains("/docs"));
        assert!(all.contains("/api/ws") && !routes.contains("/api/ws"));
    }

    #[test]
    fn errors_print_as_their_message() {
        let error = ListenAddressError("PORT=http".to_owned());
        assert_eq!(format!("{error:?}"), error.to_string());
        let error = ServeError::stopped("boom");
        assert_eq!(format!("{error:?}"), "the server stopped: boom");
    }
}
