//! Bare hyper: the example's own [`serve`](hyper_app::serve) on a loopback port, called by a
//! hyper client over one keep-alive connection, so every request goes through hyper's real
//! HTTP/1 parsing and the accept loop the binary runs.

use std::net::SocketAddr;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue, WWW_AUTHENTICATE};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use propelauth_core::Auth;
use propelauth_example_hyper as hyper_app;
use tokio::net::{TcpListener, TcpStream};

use crate::Driver;
use crate::cases::{CaseRequest, ObservedResponse, Route};

/// Drives [`hyper_app::App`] through [`hyper_app::serve`] on 127.0.0.1.
#[derive(Debug)]
pub struct HyperDriver {
    runtime: tokio::runtime::Runtime,
    address: SocketAddr,
    sender: Option<SendRequest<Empty<Bytes>>>,
}

/// A response as hyper's client saw it, with every header.
#[derive(Debug)]
pub struct RawResponse {
    /// Status code.
    pub status: u16,
    /// All headers.
    pub headers: hyper::HeaderMap,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl HyperDriver {
    /// Sends `method path` with `headers` (raw values) and reads the whole answer.
    pub fn send(&mut self, method: Method, path: &str, headers: &[(&str, &[u8])]) -> RawResponse {
        let address = self.address;
        let sender = &mut self.sender;
        self.runtime.block_on(async move {
            if sender.as_ref().is_none_or(SendRequest::is_closed) {
                *sender = Some(connect(address).await);
            }
            let sender = sender.as_mut().unwrap();
            let mut request = Request::builder()
                .method(method)
                .uri(path)
                .header(HOST, address.to_string());
            for (name, value) in headers {
                request = request.header(*name, HeaderValue::from_bytes(value).unwrap());
            }
            sender.ready().await.unwrap();
            let response = sender
                .send_request(request.body(Empty::new()).unwrap())
                .await
                .unwrap();
            let (parts, body) = response.into_parts();
            RawResponse {
                status: parts.status.as_u16(),
                headers: parts.headers,
                body: body.collect().await.unwrap().to_bytes().to_vec(),
            }
        })
    }
}

async fn connect(address: SocketAddr) -> SendRequest<Empty<Bytes>> {
    let stream = TcpStream::connect(address).await.unwrap();
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(async move {
        let _ = connection.await;
    });
    sender
}

impl Driver for HyperDriver {
    const NAME: &'static str = "hyper";

    /// The bare hyper example leaves out the WebSocket route (see docs/custom-server.md).
    fn serves(route: &Route) -> bool {
        !matches!(route, Route::WebSocket(_))
    }

    fn new(auth: Auth) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let address = listener.local_addr().unwrap();
        // Runs whenever the driver's runtime does (while a request is answered); dropped
        // with the runtime.
        runtime.spawn(hyper_app::serve(listener, hyper_app::App::new(auth)));
        Self {
            runtime,
            address,
            sender: None,
        }
    }

    fn answer(&mut self, case: &CaseRequest) -> ObservedResponse {
        let authorization = case.authorization.as_deref();
        let headers: Vec<(&str, &[u8])> = authorization
            .map(|value| (AUTHORIZATION.as_str(), value))
            .into_iter()
            .collect();
        let response = self.send(Method::GET, &case.route.path(), &headers);
        let text = |value: &HeaderValue| String::from_utf8_lossy(value.as_bytes()).into_owned();
        ObservedResponse {
            status: response.status,
            www_authenticate: response
                .headers
                .get_all(WWW_AUTHENTICATE)
                .iter()
                .map(text)
                .collect(),
            content_type: response.headers.get(CONTENT_TYPE).map(text),
            body: response.body,
        }
    }
}
