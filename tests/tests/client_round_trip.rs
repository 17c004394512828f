//! The client side end to end: an error returned by an axum or actix-web
//! handler, sent over real TCP, read by reqwest and
//! `ProblemExt::error_for_problem`, comes back equal (DESIGN.md, "The client
//! side"). The handlers return whatever error the request body names, so one
//! route serves every generated value.
//!
//! `PROPTEST_CASES` sets the number of generated values (default 256).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::thread;
use std::time::Instant;

use apierror::reqwest::{Error, ProblemExt};
use apierror::{ApiError, Problem};
use http::StatusCode;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde::{Deserialize, Serialize};

/// A nested serde value, as an extension member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Nested {
    pub label: String,
    pub counts: Vec<u32>,
    pub flag: bool,
    pub scores: BTreeMap<String, i64>,
    pub child: Option<Box<Nested>>,
}

/// Every shape a recoverable variant can take, and some that are not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error, ApiError)]
#[problem(client)]
pub enum Remote {
    #[error("unit")]
    #[status(400)]
    Unit,

    #[error("conflict on {name}")]
    #[status(409)]
    #[problem(type = "https://example.com/problems/conflict", title = "Conflict")]
    Conflict {
        #[problem(extension)]
        id: u64,
        #[problem(extension)]
        name: String,
        #[problem(extension = "offset")]
        delta: i64,
    },

    #[error("nested")]
    #[status(422)]
    #[problem(type = "/problems/nested")]
    Nested {
        #[problem(extension)]
        nested: Nested,
        #[problem(extension)]
        note: Option<String>,
    },

    #[error("tuple {0} {1:?}")]
    #[status(503)]
    #[problem(type = "urn:example:tuple")]
    Tuple(
        #[problem(extension = "low")] i64,
        #[problem(extension = "chars")] Vec<char>,
    ),

    #[error("about:blank with its own title")]
    #[status(404)]
    #[problem(title = "Widget not found")]
    WidgetMissing,

    #[error(transparent)]
    #[status(transparent)]
    Inner(Inner),

    // Not recoverable: a field that is not an extension member.
    #[error("quota {used} of {limit}")]
    #[status(403)]
    #[problem(type = "https://example.com/problems/quota")]
    Quota {
        #[problem(extension)]
        limit: u64,
        used: u64,
    },

    // Not recoverable: two about:blank 404s with one title.
    #[error("first")]
    #[status(410)]
    GoneA,

    #[error("second")]
    #[status(410)]
    GoneB,

    // Not recoverable: a 5xx whose cause is not an extension member.
    #[error("storage: {0}")]
    #[status(500)]
    Storage(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error, ApiError)]
#[error("inner {code}")]
#[status(429)]
#[problem(client, type = "urn:example:inner", title = "Slow down")]
pub struct Inner {
    #[problem(extension)]
    pub code: u32,
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..24).prop_map(String::from_iter)
}

fn u64s() -> impl Strategy<Value = u64> {
    prop_oneof![Just(0), Just(u64::MAX), Just(u64::MAX - 1), any::<u64>()]
}

fn i64s() -> impl Strategy<Value = i64> {
    prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(-1), any::<i64>()]
}

fn leaf() -> impl Strategy<Value = (String, Vec<u32>, bool, BTreeMap<String, i64>)> {
    (
        text(),
        prop::collection::vec(any::<u32>(), 0..4),
        any::<bool>(),
        prop::collection::btree_map(text(), i64s(), 0..4),
    )
}

fn nested() -> impl Strategy<Value = Nested> {
    (leaf(), prop::option::of(leaf())).prop_map(|((label, counts, flag, scores), child)| Nested {
        label,
        counts,
        flag,
        scores,
        child: child.map(|(label, counts, flag, scores)| {
            Box::new(Nested {
                label,
                counts,
                flag,
                scores,
                child: None,
            })
        }),
    })
}

/// Every recoverable variant, with random fields.
fn recoverable() -> impl Strategy<Value = Remote> {
    prop_oneof![
        Just(Remote::Unit),
        (u64s(), text(), i64s()).prop_map(|(id, name, delta)| Remote::Conflict { id, name, delta }),
        (nested(), prop::option::of(text()))
            .prop_map(|(nested, note)| Remote::Nested { nested, note }),
        (i64s(), prop::collection::vec(any::<char>(), 0..8)).prop_map(|(a, b)| Remote::Tuple(a, b)),
        Just(Remote::WidgetMissing),
        any::<u32>().prop_map(|code| Remote::Inner(Inner { code })),
    ]
}

/// Every unrecoverable variant, with random fields.
fn unrecoverable() -> impl Strategy<Value = Remote> {
    prop_oneof![
        (u64s(), u64s()).prop_map(|(limit, used)| Remote::Quota { limit, used }),
        Just(Remote::GoneA),
        Just(Remote::GoneB),
        text().prop_map(Remote::Storage),
    ]
}

// ---------------------------------------------------------------- servers

mod servers {
    use super::*;

    pub async fn axum() -> String {
        use axum::Json;
        use axum::routing::post;

        async fn fail(Json(error): Json<Remote>) -> Result<&'static str, Remote> {
            Err(error)
        }
        let router = axum::Router::new().route("/fail", post(fail));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        format!("http://{addr}")
    }

    /// An actix-web server on its own thread and runtime, for the life of the
    /// test process.
    pub fn actix() -> String {
        use actix_web::{App, HttpResponse, HttpServer, web};

        async fn fail(error: web::Json<Remote>) -> Result<HttpResponse, Remote> {
            Err(error.into_inner())
        }
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                HttpServer::new(|| App::new().route("/fail", web::post().to(fail)))
                    .workers(1)
                    .disable_signals()
                    .listen(listener)
                    .unwrap()
                    .run()
                    .await
            })
        });
        format!("http://{addr}")
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn send(client: &reqwest::Client, base: &str, error: &Remote) -> Result<(), Error<Remote>> {
    client
        .post(format!("{base}/fail"))
        .json(error)
        .send()
        .await?
        .error_for_problem::<Remote>()
        .await?;
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

/// Runs `check` for `cases()` generated values against both servers.
fn run<S: Strategy<Value = Remote>>(
    strategy: S,
    check: impl Fn(&str, &Remote, Result<(), Error<Remote>>) -> Result<(), TestCaseError>,
) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let bases = [
        ("axum", runtime.block_on(servers::axum())),
        ("actix-web", servers::actix()),
    ];
    let client = client();
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let started = Instant::now();
    runner
        .run(&strategy, |error| {
            for (framework, base) in &bases {
                let result = runtime.block_on(send(&client, base, &error));
                check(framework, &error, result)?;
            }
            Ok(())
        })
        .unwrap();
    eprintln!(
        "{} values through both servers in {:?}",
        cases(),
        started.elapsed()
    );
}

#[test]
fn every_recoverable_variant_comes_back_equal_through_both_servers() {
    run(recoverable(), |framework, sent, result| {
        match result {
            Err(Error::Api(back)) => prop_assert_eq!(&back, sent, "{}", framework),
            other => prop_assert!(false, "{framework}: {sent:?} came back as {other:?}"),
        }
        Ok(())
    });
}

#[test]
fn unrecoverable_variants_come_back_as_their_problem() {
    run(unrecoverable(), |framework, sent, result| {
        let Err(Error::Problem(problem)) = result else {
            return Err(TestCaseError::fail(format!(
                "{framework}: {sent:?} came back as {result:?}"
            )));
        };
        prop_assert_eq!(problem.status(), Some(sent.status()), "{}", framework);
        prop_assert_eq!(
            problem.problem_type(),
            &*sent.problem_type(),
            "{}",
            framework
        );
        prop_assert_eq!(&problem, &sent.problem(), "{}", framework);
        Ok(())
    });
}

// ------------------------------------------------- responses that are not a problem

mod raw {
    //! A server that answers every connection with fixed bytes, then closes:
    //! for responses no framework would send.

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// Serves `response` (head and body, as sent) to every request.
    pub async fn serve(response: Vec<u8>) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let response = response.clone();
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    let _ = stream.write_all(&response).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        format!("http://{addr}")
    }

    /// A complete response with `Content-Length`.
    pub fn response(status: &str, content_type: Option<&str>, body: &[u8]) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
        if let Some(content_type) = content_type {
            out += &format!("content-type: {content_type}\r\n");
        }
        out += &format!("content-length: {}\r\n\r\n", body.len());
        let mut out = out.into_bytes();
        out.extend_from_slice(body);
        out
    }
}

async fn get(base: &str) -> Result<reqwest::Response, Error<Remote>> {
    client()
        .get(format!("{base}/x"))
        .send()
        .await?
        .error_for_problem::<Remote>()
        .await
}

fn problem_of(result: Result<reqwest::Response, Error<Remote>>) -> Problem {
    match result {
        Err(Error::Problem(problem)) => problem,
        other => panic!("expected Error::Problem, got {other:?}"),
    }
}

const PROBLEM_JSON: &str = "application/problem+json";

fn unit_body() -> Vec<u8> {
    Remote::Unit.body().into_owned()
}

#[tokio::test]
async fn a_success_passes_through_with_its_body() {
    let base = raw::serve(raw::response("200 OK", Some(PROBLEM_JSON), b"hello")).await;
    let response = get(&base).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "hello");
    // 3xx is not an error either (reqwest follows redirects with a Location).
    let base = raw::serve(raw::response("304 Not Modified", None, b"")).await;
    assert_eq!(get(&base).await.unwrap().status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn an_html_502_from_a_proxy_is_the_problem_of_its_status() {
    let html = b"<html><body><h1>502 Bad Gateway</h1></body></html>";
    let base = raw::serve(raw::response("502 Bad Gateway", Some("text/html"), html)).await;
    assert_eq!(
        problem_of(get(&base).await),
        Problem::new(StatusCode::BAD_GATEWAY)
    );
}

#[tokio::test]
async fn an_empty_504_is_the_problem_of_its_status() {
    let base = raw::serve(raw::response("504 Gateway Timeout", None, b"")).await;
    assert_eq!(
        problem_of(get(&base).await),
        Problem::new(StatusCode::GATEWAY_TIMEOUT)
    );
    // Empty, though labelled as a problem.
    let base = raw::serve(raw::response(
        "504 Gateway Timeout",
        Some(PROBLEM_JSON),
        b"",
    ))
    .await;
    assert_eq!(
        problem_of(get(&base).await),
        Problem::new(StatusCode::GATEWAY_TIMEOUT)
    );
}

#[tokio::test]
async fn a_problem_body_under_another_media_type_is_not_read() {
    let base = raw::serve(raw::response(
        "400 Bad Request",
        Some("application/json"),
        &unit_body(),
    ))
    .await;
    assert_eq!(
        problem_of(get(&base).await),
        Problem::new(StatusCode::BAD_REQUEST)
    );
}

#[tokio::test]
async fn the_media_type_is_matched_without_case_and_with_parameters() {
    let base = raw::serve(raw::response(
        "400 Bad Request",
        Some("Application/Problem+JSON; charset=utf-8"),
        &unit_body(),
    ))
    .await;
    assert!(matches!(get(&base).await, Err(Error::Api(Remote::Unit))));
}

#[tokio::test]
async fn the_http_status_decides_not_the_body() {
    // The body of a 400 `Unit`, sent with 410: not `Unit` (its status is 400).
    let base = raw::serve(raw::response("410 Gone", Some(PROBLEM_JSON), &unit_body())).await;
    let problem = problem_of(get(&base).await);
    assert_eq!(problem.status(), Some(StatusCode::GONE));
    assert_eq!(problem.title(), Some("Bad Request"));
    // A body that claims 500 for a 400 response: `Unit` all the same.
    let body = br#"{"title":"Bad Request","status":500}"#;
    let base = raw::serve(raw::response("400 Bad Request", Some(PROBLEM_JSON), body)).await;
    assert!(matches!(get(&base).await, Err(Error::Api(Remote::Unit))));
}

#[tokio::test]
async fn a_body_cut_short_is_a_transport_error() {
    let body = unit_body();
    // Ten bytes fewer than declared, then the server closes.
    let mut response = format!(
        "HTTP/1.1 400 Bad Request\r\ncontent-type: {PROBLEM_JSON}\r\ncontent-length: {}\r\n\r\n",
        body.len() + 10
    )
    .into_bytes();
    response.extend_from_slice(&body);
    let base = raw::serve(response).await;
    match get(&base).await {
        Err(error @ Error::Transport(_)) => {
            assert!(
                error.to_string().starts_with("the request failed: "),
                "{error}"
            );
        }
        other => panic!("expected Error::Transport, got {other:?}"),
    }
}

/// A problem body of exactly `len` bytes: `Unit`'s, padded by an extension.
fn padded_body(len: usize) -> Vec<u8> {
    let head = br#"{"title":"Bad Request","status":400,"pad":""#;
    let tail = br#""}"#;
    let mut body = head.to_vec();
    body.resize(len - tail.len(), b'x');
    body.extend_from_slice(tail);
    body
}

#[tokio::test]
async fn a_body_over_64_kib_is_not_parsed() {
    let at_limit = padded_body(64 * 1024);
    assert!(Problem::from_body(&at_limit).is_some());
    let base = raw::serve(raw::response(
        "400 Bad Request",
        Some(PROBLEM_JSON),
        &at_limit,
    ))
    .await;
    assert!(matches!(get(&base).await, Err(Error::Api(Remote::Unit))));

    let over = padded_body(64 * 1024 + 1);
    let base = raw::serve(raw::response("400 Bad Request", Some(PROBLEM_JSON), &over)).await;
    assert_eq!(
        problem_of(get(&base).await),
        Problem::new(StatusCode::BAD_REQUEST)
    );
}

#[tokio::test]
async fn an_endless_body_is_read_no_further_than_64_kib() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 1024];
        let _ = stream.read(&mut buf).await;
        let head = "HTTP/1.1 400 Bad Request\r\ncontent-type: application/problem+json\r\ntransfer-encoding: chunked\r\n\r\n";
        stream.write_all(head.as_bytes()).await.unwrap();
        let chunk = format!("400\r\n{}\r\n", " ".repeat(0x400));
        let mut sent = 0usize;
        // Until the client hangs up; bounded so a broken client fails the test.
        while sent < 64 * 1024 * 1024 {
            if stream.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
            sent += 0x400;
        }
        sent
    });
    let result = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        get(&format!("http://{addr}")),
    )
    .await
    .expect("the client stops reading");
    assert_eq!(problem_of(result), Problem::new(StatusCode::BAD_REQUEST));
    let sent = server.await.unwrap();
    assert!(sent < 64 * 1024 * 1024, "the client read {sent} bytes");
}

#[tokio::test]
async fn a_connection_refused_is_a_transport_error_with_its_cause() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let error = get(&format!("http://{addr}")).await.unwrap_err();
    let Error::Transport(inner) = &error else {
        panic!("expected Error::Transport, got {error:?}");
    };
    assert!(inner.is_connect());
    // Display shows reqwest's text; the chain goes on from its cause.
    assert_eq!(error.to_string(), format!("the request failed: {inner}"));
    let source = std::error::Error::source(&error).expect("the cause");
    assert_eq!(
        source.to_string(),
        std::error::Error::source(inner).unwrap().to_string()
    );
}

#[test]
fn error_display_reads_as_one_log_line() {
    let e: Error<Remote> = Error::Api(Remote::Storage("disk".into()));
    assert_eq!(e.to_string(), "the server answered: storage: disk");
    let e: Error<Remote> = Error::Problem(
        Problem::new(StatusCode::CONFLICT)
            .with_type("https://example.com/problems/conflict")
            .with_detail("order 7 is paid"),
    );
    assert_eq!(
        e.to_string(),
        "the server answered 409 Conflict (https://example.com/problems/conflict): order 7 is paid"
    );
    assert!(std::error::Error::source(&e).is_none());
}

#[test]
fn the_future_is_send() {
    fn assert_send<T: Send>(_: T) {}
    // Built, never polled: only its type matters.
    let response = reqwest::Response::from(http::Response::new(Vec::<u8>::new()));
    assert_send(response.error_for_problem::<Remote>());
}

// ------------------------------------------------------------ any body

/// Bodies that are not what the server sent: arbitrary bytes, and JSON
/// objects with the standard members in every JSON type.
fn bodies() -> impl Strategy<Value = Vec<u8>> {
    let scalar = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        (-1e300f64..1e300).prop_map(serde_json::Value::from),
        (0u16..1000).prop_map(serde_json::Value::from),
        text().prop_map(serde_json::Value::from),
        Just(serde_json::Value::from("about:blank")),
        Just(serde_json::Value::from("urn:example:inner")),
        Just(serde_json::Value::from("Bad Request")),
    ];
    let value = scalar.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(text(), inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    let key = prop_oneof![
        Just("type".to_owned()),
        Just("title".to_owned()),
        Just("status".to_owned()),
        Just("detail".to_owned()),
        Just("instance".to_owned()),
        Just("code".to_owned()),
        Just("low".to_owned()),
        text(),
    ];
    let object = prop::collection::vec((key, value), 0..8)
        .prop_map(|members| serde_json::to_vec(&serde_json::Map::from_iter(members)).unwrap());
    prop_oneof![prop::collection::vec(any::<u8>(), 0..256), object]
}

#[test]
fn any_problem_body_reads_without_panic_and_keeps_the_http_status() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = client();
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let statuses = [400u16, 404, 418, 429, 500, 503, 599];
    runner
        .run(&(bodies(), 0..statuses.len()), |(body, i)| {
            let status = statuses[i];
            let reason = format!("{status} Whatever");
            let result = runtime.block_on(async {
                let base = raw::serve(raw::response(&reason, Some(PROBLEM_JSON), &body)).await;
                client
                    .get(format!("{base}/x"))
                    .send()
                    .await?
                    .error_for_problem::<Remote>()
                    .await
            });
            match result {
                Err(Error::Problem(problem)) => {
                    prop_assert_eq!(problem.status().map(|s| s.as_u16()), Some(status));
                }
                Err(Error::Api(error)) => prop_assert_eq!(error.status().as_u16(), status),
                other => prop_assert!(false, "{:?}", other),
            }
            Ok(())
        })
        .unwrap();
}

// ------------------------------------------------------------ the example

#[tokio::test]
async fn the_example_client_gets_order_errors_back_from_axum() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(apierror_examples::axum_app::serve(listener));
    assert_eq!(apierror_examples::client::run(&base).await, 0);
}

#[tokio::test]
async fn the_example_client_gets_order_errors_back_from_actix_web() {
    let running = apierror_examples::actix_app::spawn("127.0.0.1:0").unwrap();
    let base = format!("http://{}", running.addr);
    assert_eq!(apierror_examples::client::run(&base).await, 0);
    running.handle.stop(false).await;
}

#[test]
fn the_example_variants_read_back_as_documented() {
    use apierror::FromProblem;
    use apierror_examples::orders::{Action, OrderError, OrderState, PaymentDeclined};

    let back = |e: &OrderError| OrderError::from_problem(&e.problem());
    assert!(matches!(
        back(&OrderError::WrongState {
            id: 2,
            state: OrderState::Paid,
            action: Action::Cancel
        }),
        Some(OrderError::WrongState {
            id: 2,
            state: OrderState::Paid,
            action: Action::Cancel
        })
    ));
    assert!(matches!(
        back(&OrderError::Unauthenticated),
        Some(OrderError::Unauthenticated)
    ));
    let declined = PaymentDeclined { reason: "r".into() };
    assert!(matches!(
        back(&OrderError::Payment(PaymentDeclined { reason: "r".into() })),
        Some(OrderError::Payment(p)) if p == declined
    ));
    // `NotFound` and `NoRoute` are both about:blank 404 "Not Found".
    assert!(back(&OrderError::NotFound { id: 1 }).is_none());
    assert!(back(&OrderError::NoRoute).is_none());
    assert!(back(&OrderError::RateLimited { retry_after: 3 }).is_none());
    // `Invalid` holds `Violations`, which reads back from its own 422.
    let mut violations = apierror::Violations::new();
    violations.push("/lines/1/qty", "must be at least 1 and at most 100");
    violations.push("/lines/1/sku", "must not be empty");
    assert!(matches!(
        back(&OrderError::Invalid(violations.clone())),
        Some(OrderError::Invalid(v)) if v == violations
    ));
}
