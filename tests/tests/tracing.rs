//! The event logged when an error becomes a response (feature `tracing`):
//! its level per status class, its fields, the 5xx source chain that the body
//! leaves out, and the panic message, captured with a tracing-subscriber
//! layer, directly and over TCP in both frameworks.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use apierror::{ApiError, Problem};
use apierror_examples::orders::DEMO_TOKEN;
use apierror_examples::{actix_app, axum_app};
use http::StatusCode;
use tracing::field::{Field, Visit};
use tracing::{Level, Subscriber};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// One captured event.
#[derive(Clone, Debug)]
struct Event {
    level: Level,
    target: String,
    fields: BTreeMap<String, String>,
}

impl Event {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// A layer that keeps every event `apierror` emits.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Event>>>);

impl Capture {
    fn events(&self) -> Vec<Event> {
        self.0.lock().unwrap().clone()
    }

    fn responses(&self) -> Vec<Event> {
        self.events()
            .into_iter()
            .filter(|e| e.field("message") == Some("responding with a problem"))
            .collect()
    }
}

struct Fields(BTreeMap<String, String>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: Subscriber> Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let meta = event.metadata();
        if !meta.target().starts_with("apierror") {
            return;
        }
        let mut fields = Fields(BTreeMap::new());
        event.record(&mut fields);
        self.0.lock().unwrap().push(Event {
            level: *meta.level(),
            target: meta.target().to_owned(),
            fields: fields.0,
        });
    }
}

fn capture() -> (Capture, impl Subscriber + Send + Sync) {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    (capture, subscriber)
}

#[derive(Debug, thiserror::Error)]
#[error("pool exhausted after 3 tries")]
struct PoolError(#[source] std::io::Error);

#[derive(Debug, thiserror::Error, ApiError)]
enum StoreError {
    #[error("database unavailable")]
    #[status(503)]
    Database(#[source] PoolError),

    #[error("order {0} not found")]
    #[status(404)]
    NotFound(u64),

    #[error("bad cursor")]
    #[status(400)]
    BadCursor(#[source] std::num::ParseIntError),
}

fn database_down() -> StoreError {
    StoreError::Database(PoolError(std::io::Error::other(
        "connect to db.internal:5432: password authentication failed",
    )))
}

#[test]
fn a_5xx_logs_at_error_with_the_source_chain_the_body_hides() {
    let (capture, subscriber) = capture();
    let response =
        tracing::subscriber::with_default(subscriber, || apierror::response(&database_down()));
    assert_eq!(
        &**response.body(),
        br#"{"title":"Service Unavailable","status":503}"#
    );

    let events = capture.responses();
    assert_eq!(events.len(), 1, "{events:?}");
    let event = &events[0];
    assert_eq!(event.level, Level::ERROR);
    assert_eq!(event.target, "apierror::log");
    assert_eq!(event.field("status"), Some("503"));
    assert_eq!(event.field("problem_type"), Some("about:blank"));
    assert_eq!(event.field("error"), Some("database unavailable"));
    assert_eq!(
        event.field("source_chain"),
        Some(
            "pool exhausted after 3 tries: connect to db.internal:5432: password authentication failed"
        )
    );
}

#[test]
fn a_4xx_logs_at_debug_with_a_chain_only_when_it_has_a_source() {
    let (capture, subscriber) = capture();
    tracing::subscriber::with_default(subscriber, || {
        let _ = apierror::response(&StoreError::NotFound(7));
        let _ = apierror::response(&StoreError::BadCursor("x".parse::<u8>().unwrap_err()));
        let _ = apierror::response(
            &Problem::new(StatusCode::CONFLICT).with_type("https://example.com/problems/dup"),
        );
    });
    let events = capture.responses();
    let summary: Vec<_> = events
        .iter()
        .map(|e| {
            (
                e.level,
                e.field("status"),
                e.field("problem_type"),
                e.field("error"),
                e.field("source_chain"),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                Level::DEBUG,
                Some("404"),
                Some("about:blank"),
                Some("order 7 not found"),
                None
            ),
            (
                Level::DEBUG,
                Some("400"),
                Some("about:blank"),
                Some("bad cursor"),
                Some("invalid digit found in string")
            ),
            (
                Level::DEBUG,
                Some("409"),
                Some("https://example.com/problems/dup"),
                Some("Conflict"),
                None
            ),
        ]
    );
}

/// An error whose `Display` counts its calls, with a body that never uses it.
#[derive(Debug)]
struct Counted {
    status: StatusCode,
    displays: Arc<AtomicUsize>,
}

impl fmt::Display for Counted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.displays.fetch_add(1, Ordering::SeqCst);
        f.write_str("counted")
    }
}

impl std::error::Error for Counted {}

impl ApiError for Counted {
    fn status(&self) -> StatusCode {
        self.status
    }
    fn problem(&self) -> Problem {
        Problem::new(self.status)
    }
    fn body(&self) -> std::borrow::Cow<'static, [u8]> {
        std::borrow::Cow::Borrowed(b"{}")
    }
    fn problem_type(&self) -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("about:blank")
    }
}

#[test]
fn nothing_is_formatted_when_the_level_is_off() {
    let capture = Capture::default();
    let subscriber =
        tracing_subscriber::registry().with(capture.clone().with_filter(LevelFilter::WARN));
    let displays = Arc::new(AtomicUsize::new(0));
    tracing::subscriber::with_default(subscriber, || {
        for status in [StatusCode::NOT_FOUND, StatusCode::BAD_GATEWAY] {
            let _ = apierror::response(&Counted {
                status,
                displays: displays.clone(),
            });
        }
    });
    let events = capture.responses();
    assert_eq!(events.len(), 1, "only the 5xx passes a WARN filter");
    assert_eq!(events[0].field("status"), Some("502"));
    assert_eq!(
        displays.load(Ordering::SeqCst),
        1,
        "the 4xx's Display never ran"
    );
}

async fn get(base: &str, path: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{base}{path}"))
        .bearer_auth(DEMO_TOKEN)
        .send()
        .await
        .unwrap()
}

/// The events of the three requests every framework test makes, checked the
/// same way.
fn check_service_events(events: &[Event]) {
    let summary: Vec<_> = events
        .iter()
        .map(|e| (e.level, e.field("status"), e.field("error")))
        .collect();
    assert_eq!(
        summary,
        [
            (Level::DEBUG, Some("404"), Some("order 999 not found")),
            (
                Level::ERROR,
                Some("503"),
                Some("carrier unavailable: connect to carrier-api.internal:8443 refused")
            ),
            (
                Level::ERROR,
                Some("500"),
                Some("handler panicked: index out of bounds: the len is 1 but the index is 1")
            ),
        ]
    );
    assert_eq!(
        events[1].field("source_chain"),
        Some("connect to carrier-api.internal:8443 refused")
    );
    assert_eq!(events[2].field("source_chain"), None);
}

async fn make_requests(base: &str) {
    for (path, status) in [
        ("/orders/999", 404),
        ("/orders/1/tracking", 503),
        ("/orders/1/invoice", 500),
    ] {
        let response = get(base, path).await;
        assert_eq!(response.status(), status);
        let body = response.text().await.unwrap();
        assert!(!body.contains("carrier-api") && !body.contains("index out of bounds"));
    }
}

/// The axum service runs on this test's thread (a current-thread runtime),
/// so a thread-local subscriber sees its events.
#[tokio::test]
async fn axum_service_logs_each_problem_once() {
    let (capture, subscriber) = capture();
    let _guard = tracing::subscriber::set_default(subscriber);
    let addr = axum_app::spawn().await.unwrap();
    make_requests(&format!("http://{addr}")).await;
    check_service_events(&capture.responses());
}

/// actix-web runs its worker on a thread of its own, so this test, the only
/// one here that does, captures through the global subscriber.
#[tokio::test]
async fn actix_service_logs_each_problem_once() {
    let (capture, subscriber) = capture();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let running = actix_app::spawn("127.0.0.1:0").unwrap();
    make_requests(&format!("http://{}", running.addr)).await;
    running.handle.stop(false).await;
    check_service_events(&capture.responses());
}

// ------------------------------------------- a Display that returns `Err`

/// Writes part of its text, then fails, as a broken `Display` can.
#[derive(Debug)]
struct FailsHalfway;

impl fmt::Display for FailsHalfway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("half")?;
        Err(fmt::Error)
    }
}

impl std::error::Error for FailsHalfway {}

#[derive(Debug, thiserror::Error, ApiError)]
enum Failing {
    /// Its own Display fails (thiserror passes the field's `Err` on).
    #[error("client {0}")]
    #[status(400)]
    Client(FailsHalfway),

    /// A source's Display fails.
    #[error("server down")]
    #[status(503)]
    Server(#[source] FailsHalfway),
}

/// A writer for tracing-subscriber's formatters that keeps what they write.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Sink {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// Runs `f` under a tracing-subscriber JSON formatter writing into a buffer,
/// and returns the lines it wrote.
fn json_log(f: impl FnOnce()) -> Vec<serde_json::Value> {
    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_max_level(Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, f);
    sink.text()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn a_failing_display_is_not_a_panic_under_the_json_formatter() {
    let lines = json_log(|| {
        let client = apierror::response(&Failing::Client(FailsHalfway));
        assert_eq!(client.status(), 400);
        let server = apierror::response(&Failing::Server(FailsHalfway));
        assert_eq!(
            &**server.body(),
            br#"{"title":"Service Unavailable","status":503}"#
        );
    });
    let fields: Vec<_> = lines
        .iter()
        .map(|line| {
            let f = &line["fields"];
            (
                f["status"].clone(),
                f["error"].clone(),
                f["source_chain"].clone(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            (
                serde_json::json!(400),
                serde_json::json!("client half [Display returned an error]"),
                serde_json::Value::Null
            ),
            (
                serde_json::json!(503),
                serde_json::json!("server down"),
                serde_json::json!("half [Display returned an error]")
            ),
        ]
    );
}

#[test]
fn a_failing_display_is_not_a_panic_under_a_format_visitor() {
    // `Capture` records every field with `format!("{value:?}")`.
    let (capture, subscriber) = capture();
    tracing::subscriber::with_default(subscriber, || {
        let _ = apierror::response(&Failing::Client(FailsHalfway));
        let _ = apierror::axum::response(&Failing::Server(FailsHalfway));
        let _ = apierror::actix::response(&Failing::Server(FailsHalfway));
    });
    let summary: Vec<_> = capture
        .responses()
        .iter()
        .map(|e| {
            (
                e.field("error").map(str::to_owned),
                e.field("source_chain").map(str::to_owned),
            )
        })
        .collect();
    let server = (
        Some("server down".to_owned()),
        Some("half [Display returned an error]".to_owned()),
    );
    assert_eq!(
        summary,
        [
            (
                Some("client half [Display returned an error]".to_owned()),
                None
            ),
            server.clone(),
            server,
        ]
    );
}

// --------------------------------------------------------------- log forging

/// What an attacker would put in an error message to start a log line of
/// their own, or to drive the terminal that shows the log.
const FORGED: &str = "x\r\n2026-12-01T00:00:00.000000Z ERROR apierror::log: forged admin=true\u{1b}[2K\u{85}\u{2028}\tend";

/// `FORGED` as the log must show it: on one line, every control character
/// escaped.
const ESCAPED: &str = r"x\r\n2026-12-01T00:00:00.000000Z ERROR apierror::log: forged admin=true\u{1b}[2K\u{85}\u{2028}\tend";

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Upstream(String);

#[derive(Debug, thiserror::Error, ApiError)]
enum Forging {
    #[error("bad name {0}")]
    #[status(400)]
    Client(String),

    #[error("upstream failed")]
    #[status(502)]
    Server(#[source] Upstream),
}

async fn panics(axum::extract::Path(text): axum::extract::Path<String>) -> &'static str {
    panic!("{text}")
}

/// The plain fmt subscriber writes one line per event, whatever the error
/// text holds: no forged line, no raw control byte; the text is still there,
/// escaped.
#[tokio::test]
async fn error_text_cannot_forge_a_log_line() {
    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let _ = apierror::response(&Forging::Client(FORGED.to_owned()));
    let _ = apierror::response(&Forging::Server(Upstream(FORGED.to_owned())));
    // A panic message, through the catch-panic layer over TCP.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .route("/panic/{text}", axum::routing::get(panics))
        .layer(apierror::axum::CatchPanicLayer::new());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let response = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!(
            "http://{addr}/panic/x%0D%0A2026-12-01T00:00:00.000000Z%20ERROR%20apierror::log:%20forged%20admin=true%1B%5B2K%C2%85%E2%80%A8%09end"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);

    let log = sink.text();
    let ours: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("apierror::log"))
        .collect();
    assert_eq!(ours.len(), 3, "one line per response; log:\n{log}");
    for line in &ours {
        assert!(
            line.contains("apierror::log: responding with a problem"),
            "every line is a real event; log:\n{log}"
        );
    }
    assert!(
        !log.lines()
            .any(|l| l.starts_with("2026-12-01T00:00:00.000000Z")),
        "a forged line; log:\n{log}"
    );
    for byte in ['\r', '\u{1b}', '\u{85}', '\u{2028}', '\t'] {
        assert!(!log.contains(byte), "{byte:?} reached the log:\n{log}");
    }
    assert!(
        ours[0].contains(&format!("error=bad name {ESCAPED}")),
        "{log}"
    );
    assert!(
        ours[1].contains(&format!("source_chain={ESCAPED}")),
        "{log}"
    );
    assert!(
        ours[2].contains(&format!("error=handler panicked: {ESCAPED}")),
        "{log}"
    );
}
