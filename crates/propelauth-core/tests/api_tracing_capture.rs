//! Under a `tracing` subscriber at trace level, with ureq's `log` records bridged in
//! (`tracing-log`): the API key never shows, and every backend request (the metadata fetch
//! included) emits exactly one debug event with its method, path template, status or
//! transport error kind, and duration; never an id, a query value, a body or a token. Its own
//! test binary: one global subscriber, installed once; each test reads the events of its own
//! thread.

// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;

use std::collections::BTreeMap;
use std::fmt;
use std::net::TcpListener;
use std::sync::{Mutex, Once};
use std::thread::{self, ThreadId};

use api_support::{API, Harness};
use propelauth_core::AuthOptions;
use propelauth_core::api::{CreateUserOptions, FetchUsersByQueryOptions};
use propelauth_testing::CannedResponse;
use propelauth_testing::samples::{ACME_ORG_ID, OWNER_USER_ID};
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// One event: the thread it was emitted on, its level, target and fields.
#[derive(Debug, Clone)]
struct Captured {
    thread: ThreadId,
    level: Level,
    target: String,
    fields: BTreeMap<String, String>,
}

impl Captured {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    /// Everything the event says, as text.
    fn text(&self) -> String {
        format!("{} {:?}", self.target, self.fields)
    }
}

static EVENTS: Mutex<Vec<Captured>> = Mutex::new(Vec::new());

struct Capture;

struct Fields(BTreeMap<String, String>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::TRACE)
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(BTreeMap::new());
        event.record(&mut fields);
        EVENTS.lock().unwrap().push(Captured {
            thread: thread::current().id(),
            level: *event.metadata().level(),
            target: event.metadata().target().to_owned(),
            fields: fields.0,
        });
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Installs the subscriber and the `log` bridge, once for the whole binary.
fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        tracing::subscriber::set_global_default(Capture).unwrap();
        tracing_log::LogTracer::builder()
            .with_max_level(log::LevelFilter::Trace)
            .init()
            .unwrap();
    });
}

/// The events this thread emitted since the last call.
fn take_events() -> Vec<Captured> {
    let me = thread::current().id();
    let mut events = EVENTS.lock().unwrap();
    let (mine, others): (Vec<_>, Vec<_>) = events.drain(..).partition(|event| event.thread == me);
    *events = others;
    mine
}

/// The request events among `events`.
fn request_events(events: &[Captured]) -> Vec<&Captured> {
    events
        .iter()
        .filter(|event| {
            event.target == "propelauth_core::backend" && event.field("route").is_some()
        })
        .collect()
}

#[test]
fn the_api_key_never_reaches_a_tracing_subscriber() {
    install();
    let harness = Harness::new();
    let key = harness.stand_in.api_key().to_owned();
    take_events();
    let auth = AuthOptions::new(harness.stand_in.auth_url(), harness.stand_in.api_key())
        .backend_base_url(harness.stand_in.base_url())
        .init()
        .unwrap();
    auth.fetch_user_metadata_by_user_id(OWNER_USER_ID, true)
        .unwrap();
    auth.create_user("ada@example.com", &CreateUserOptions::default())
        .unwrap();

    let events = take_events();
    let bridged: Vec<&Captured> = events
        .iter()
        .filter(|event| event.target == "log")
        .collect();
    assert!(
        !bridged.is_empty(),
        "ureq's log records were not bridged: the check proves nothing"
    );
    assert!(
        bridged.iter().any(|event| event
            .field("log.target")
            .is_some_and(|target| target.starts_with("ureq_proto"))),
        "the request head dump was captured"
    );
    // ureq's hex dump splits the head into 16-byte lines: join their ASCII columns.
    let ascii: String = bridged
        .iter()
        .filter_map(|event| event.field("message"))
        .filter_map(|message| message.get(41..))
        .collect();
    assert!(ascii.contains("Bearer"), "{ascii}");
    for event in &events {
        assert!(!event.text().contains(&key), "{}", event.text());
    }
    assert!(!ascii.contains(&key));
}

#[test]
fn every_backend_request_emits_one_event_without_ids_or_values() {
    install();
    let harness = Harness::new();
    take_events();
    let auth = AuthOptions::new(harness.stand_in.auth_url(), harness.stand_in.api_key())
        .backend_base_url(harness.stand_in.base_url())
        .init()
        .unwrap();
    auth.fetch_user_metadata_by_user_id(OWNER_USER_ID, true)
        .unwrap();
    let options = FetchUsersByQueryOptions {
        email_or_username: Some("secret-search@acme.test".to_owned()),
        ..Default::default()
    };
    auth.fetch_users_by_query(&options).unwrap();
    let created = CreateUserOptions {
        password: Some("hunter2-password".to_owned()),
        ..Default::default()
    };
    auth.create_user("ada@example.com", &created).unwrap();
    let token = auth
        .create_access_token(OWNER_USER_ID, 5, &Default::default())
        .unwrap()
        .access_token;
    harness.respond(
        "GET",
        &format!("/org/{ACME_ORG_ID}"),
        CannedResponse::text(503, "down"),
    );
    auth.fetch_org(ACME_ORG_ID).unwrap_err();
    // Refused locally: no request, no event.
    auth.fetch_org("not-a-uuid").unwrap();
    let closed_port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let unreachable = AuthOptions::new(harness.stand_in.auth_url(), harness.stand_in.api_key())
        .backend_base_url(format!("http://127.0.0.1:{closed_port}"))
        .metadata(propelauth_core::TokenVerificationMetadata::new(
            propelauth_testing::TEST_PUBLIC_KEY_PEM,
        ))
        .init()
        .unwrap();
    unreachable.fetch_org(ACME_ORG_ID).unwrap_err();

    let events = take_events();
    let requests = request_events(&events);
    let summary: Vec<(&str, &str, Option<&str>, Option<&str>)> = requests
        .iter()
        .map(|event| {
            (
                event.field("method").unwrap(),
                event.field("route").unwrap(),
                event.field("status"),
                event.field("error"),
            )
        })
        .collect();
    let user_route = format!("{API}/user/{{user_id}}");
    let org_route = format!("{API}/org/{{org_id}}");
    let query_route = format!("{API}/user/query");
    let create_route = format!("{API}/user/");
    let token_route = format!("{API}/access_token");
    assert_eq!(
        summary,
        [
            (
                "GET",
                "/api/v1/token_verification_metadata",
                Some("200"),
                None
            ),
            ("GET", user_route.as_str(), Some("200"), None),
            ("GET", query_route.as_str(), Some("200"), None),
            ("POST", create_route.as_str(), Some("200"), None),
            ("POST", token_route.as_str(), Some("200"), None),
            ("GET", org_route.as_str(), Some("503"), None),
            ("GET", org_route.as_str(), None, Some("connect")),
        ]
    );
    for event in &requests {
        assert_eq!(event.level, Level::DEBUG);
        let elapsed: f64 = event.field("elapsed_ms").unwrap().parse().unwrap();
        assert!(elapsed >= 0.0);
        let text = event.text();
        for secret in [
            OWNER_USER_ID,
            ACME_ORG_ID,
            "secret-search",
            "ada@example.com",
            "hunter2",
            token.as_str(),
            harness.stand_in.api_key(),
            "down",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}
