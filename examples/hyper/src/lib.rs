//! The example server's app on bare hyper 1.x: no web framework and no adapter, only
//! `propelauth-core`. It serves the same routes with the same answers as the axum, actix-web,
//! Rocket and poem examples, and shows what a custom server writes itself: routing, reading
//! the `Authorization` header, and copying core's [`Rejection`] into a hyper response. The
//! binary `hyper` serves it (`cargo run --bin hyper`); the conformance suite drives [`serve`]
//! over loopback.
//!
//! Not served (the other examples have them): the API docs (`/docs`, `/openapi.json`) and the
//! WebSocket route `/api/ws`.
#![deny(missing_docs)]

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{ALLOW, AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use percent_encoding::percent_decode_str;
use propelauth_core::api::FetchUsersInOrgOptions;
use propelauth_core::{Auth, AuthError, Rejection, RequestCredentials, TokenSources, User};
use propelauth_example_support::BACKEND_FAILURE_DETAIL;
use serde_json::json;
use tokio::net::TcpListener;

/// The response body type: the whole body at once.
pub type Body = Full<Bytes>;

/// The example app: the auth handle and the routes. Cheap to clone (one per connection).
#[derive(Debug, Clone)]
pub struct App {
    auth: Auth,
}

impl App {
    /// The app around `auth`.
    pub fn new(auth: Auth) -> Self {
        Self { auth }
    }

    /// Answers one request. Every route is a `GET`; an unknown path is a 404, another
    /// method on a known path a 405.
    pub async fn answer<B>(&self, request: Request<B>) -> Response<Body> {
        let path = request.uri().path().trim_start_matches('/');
        let segments: Vec<&str> = path.split('/').collect();
        if !is_route(&segments) {
            return text(StatusCode::NOT_FOUND, "");
        }
        if request.method() != Method::GET {
            let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "");
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET"));
            return response;
        }
        // The raw header value: core reads the scheme, the token and every malformed case.
        let authorization = request
            .headers()
            .get(AUTHORIZATION)
            .map(HeaderValue::as_bytes);
        let answer = match segments.as_slice() {
            ["healthz"] => Ok(text(StatusCode::OK, "ok")),
            ["api", "whoami"] => self.require_user(authorization).await.map(|user| ok(&user)),
            ["api", "whoami_optional"] => Ok(ok(&match self.optional_user(authorization).await {
                Some(user) => json!({ "user_id": user.user_id }),
                None => json!({}),
            })),
            // A route group's protection: the user is checked, the handler does not take it.
            ["api", "group", "ping"] => {
                let user = self.require_user(authorization).await;
                user.map(|_| text(StatusCode::OK, "pong"))
            }
            ["api", "org", org_id, route] => match percent_decode_str(org_id).decode_utf8() {
                Ok(org_id) => self.org_route(authorization, &org_id, route).await,
                Err(_) => Ok(text(StatusCode::BAD_REQUEST, "Invalid URL: not UTF-8")),
            },
            _ => Ok(text(StatusCode::NOT_FOUND, "")),
        };
        answer.unwrap_or_else(reject)
    }

    /// `require_user`. Through [`Auth::validate_request_async`], so that a personal API key
    /// (when accepted) is checked with PropelAuth without blocking the runtime.
    async fn require_user(&self, authorization: Option<&[u8]>) -> Result<Arc<User>, Rejection> {
        let credentials = RequestCredentials::new(authorization);
        let sources = TokenSources::header_only();
        let user = self.auth.validate_request_async(&sources, credentials);
        user.await.map_err(|error| error.rejection())
    }

    /// `optional_user`: the user, or `None` for a missing or bad credential.
    async fn optional_user(&self, authorization: Option<&[u8]>) -> Option<Arc<User>> {
        let credentials = RequestCredentials::new(authorization);
        let sources = TokenSources::header_only();
        self.auth
            .optional_user_request_async(&sources, credentials)
            .await
    }

    /// `/api/org/{org_id}/{route}`: the user, then the route's org check.
    async fn org_route(
        &self,
        authorization: Option<&[u8]>,
        org_id: &str,
        route: &str,
    ) -> Result<Response<Body>, Rejection> {
        let user = self.require_user(authorization).await?;
        let auth = &self.auth;
        let checked = match route {
            "check" => auth.require_org_member(&user, org_id),
            "admin_or_owner" => auth.require_org_member_with_minimum_role(&user, org_id, "Admin"),
            "admin_only" => auth.require_org_member_with_exact_role(&user, org_id, "Admin"),
            "billing" => auth.require_org_member_with_permission(&user, org_id, "can_view_billing"),
            "billing_and_reports" => {
                let permissions = ["can_view_billing", "can_view_reports"];
                auth.require_org_member_with_all_permissions(&user, org_id, &permissions)
            }
            "users" => {
                auth.require_org_member(&user, org_id)
                    .map_err(AuthError::from)?;
                return Ok(self.org_users(org_id).await);
            }
            _ => return Ok(text(StatusCode::NOT_FOUND, "")),
        };
        checked.map(ok).map_err(|forbidden| forbidden.rejection())
    }

    /// The org's users from the backend API, through the async twin of the call
    /// (`auth.nonblocking()`): no runtime thread waits on the network. A failure is a 502
    /// whose body does not carry the error (it goes to the log).
    async fn org_users(&self, org_id: &str) -> Response<Body> {
        let options = FetchUsersInOrgOptions::default();
        match self
            .auth
            .nonblocking()
            .fetch_users_in_org(org_id, &options)
            .await
        {
            Ok(page) => ok(&page),
            Err(error) => {
                eprintln!("backend API call failed: {error}");
                reject(Rejection::with_detail(502, BACKEND_FAILURE_DETAIL))
            }
        }
    }
}

/// Whether `segments` (the path split at `/`) is one of the routes: the 404 / 405 decision.
fn is_route(segments: &[&str]) -> bool {
    matches!(
        segments,
        ["healthz"] | ["api", "whoami" | "whoami_optional"] | ["api", "group", "ping"]
    ) || matches!(
        segments,
        ["api", "org", org_id, "check" | "admin_or_owner" | "admin_only" | "billing"
            | "billing_and_reports" | "users"] if !org_id.is_empty()
    )
}

/// Core's rejection as a hyper response: its status, its headers (content type,
/// `WWW-Authenticate`, `Retry-After`), its body. Nothing added.
pub fn reject(rejection: Rejection) -> Response<Body> {
    let headers = rejection.headers();
    let Rejection { status, body, .. } = rejection;
    let mut response = Response::new(Body::from(body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response
                .headers_mut()
                .insert(HeaderName::from_static(name), value);
        }
    }
    response
}

/// 200 with `value` as JSON.
fn ok(value: &impl serde::Serialize) -> Response<Body> {
    match serde_json::to_vec(value) {
        Ok(json) => {
            let mut response = Response::new(Body::from(json));
            let json = HeaderValue::from_static("application/json");
            response.headers_mut().insert(CONTENT_TYPE, json);
            response
        }
        Err(error) => {
            eprintln!("cannot serialize the answer: {error}");
            text(StatusCode::INTERNAL_SERVER_ERROR, "")
        }
    }
}

/// `status` with a plain-text body (none when empty).
fn text(status: StatusCode, body: &'static str) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    if !body.is_empty() {
        let plain = HeaderValue::from_static("text/plain; charset=utf-8");
        response.headers_mut().insert(CONTENT_TYPE, plain);
    }
    response
}

/// Serves `app` on `listener` over HTTP/1.1, one task per connection, forever. A connection
/// that fails (a client that hangs up mid-request) is logged and dropped; a failed accept
/// (out of file descriptors, ...) is logged and retried after a pause, as `axum::serve` does.
pub async fn serve(listener: TcpListener, app: App) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                eprintln!("accept failed: {error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let app = app.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let app = app.clone();
                async move { Ok::<_, Infallible>(app.answer(request).await) }
            });
            let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            if let Err(error) = connection.await {
                eprintln!("connection failed: {error}");
            }
        });
    }
}
