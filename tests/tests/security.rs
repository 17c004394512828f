//! Security review of the defaults, one test per promise:
//!
//! - a 5xx body carries no internals (Display, fields, source chain), also
//!   through `transparent`, on every response path; they go to the log;
//! - no formatted header can inject CR/LF or a header of its own, checked on
//!   the response objects and on the wire for axum and actix-web;
//! - a field whose `Display` fails is not a panic;
//! - no `Debug` output of a user type reaches a body unless written as `{:?}`;
//! - both crates forbid `unsafe` code.

mod responses;

use std::fmt;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use apierror::ApiError;
use responses::{Seen, all_paths, assert_frame, capture_logs};
use serde::Serialize;
use serde_json::json;

// ---------------------------------------------------------------- 5xx redaction

/// A source error holding what must never reach a client.
#[derive(Debug, thiserror::Error)]
#[error("connect to db-7.internal:5432 as admin failed: password=hunter2")]
struct DbError;

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("storage node {node} lost: {cause}")]
#[status(507)]
struct StorageError {
    node: String,
    cause: String,
}

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[status(500)]
enum Service {
    #[error("database unavailable: {0}")]
    #[status(503)]
    Database(#[source] DbError),

    /// thiserror's `transparent` Display, status from the enum's default.
    #[error(transparent)]
    Io(#[from] std::io::Error),

    /// A field in the Display, status from the enum's default.
    #[error("query `{query}` failed")]
    Query { query: String },

    /// A Display that is a plain literal: the derive knows it at compile
    /// time and still must not use it for a 5xx.
    #[error("disk full at /var/lib/orders-secret")]
    #[status(507)]
    DiskFull,

    #[error(transparent)]
    #[status(transparent)]
    Storage(StorageError),

    /// A 5xx may show a detail only when it is written explicitly.
    #[error("upstream said {0}")]
    #[status(502)]
    #[problem(detail = "the payment provider did not answer")]
    Upstream(String),
}

/// Two levels of `transparent`.
#[derive(Debug, thiserror::Error, apierror::ApiError)]
enum Outer {
    #[error(transparent)]
    #[status(transparent)]
    Service(#[from] Service),

    #[error("bad request: {0}")]
    #[status(400)]
    Client(String),
}

const SECRETS: &[&str] = &[
    "hunter2",
    "db-7.internal",
    "admin",
    "/var/lib",
    "orders-secret",
    "node-42",
    "raid",
    "DROP TABLE",
    "s3cr3t",
    "bad disk",
];

fn assert_redacted(seen: &Seen, status: u16, title: &str) {
    assert_frame(seen, status, &[]);
    assert_eq!(
        seen.json(),
        json!({"title": title, "status": status}),
        "{}: a {status} body has only title and status",
        seen.path
    );
    for secret in SECRETS {
        assert!(
            !seen.body_text().contains(secret),
            "{}: {secret:?} leaked: {}",
            seen.path,
            seen.body_text()
        );
    }
}

#[test]
fn server_errors_hide_their_internals_on_every_path() {
    type Case = (u16, &'static str, fn() -> Service, &'static [&'static str]);
    let cases: [Case; 5] = [
        (
            503,
            "Service Unavailable",
            || Service::Database(DbError),
            &["hunter2", "db-7.internal"],
        ),
        (
            500,
            "Internal Server Error",
            || Service::Io(std::io::Error::other("open /var/lib/orders-secret: s3cr3t")),
            &["s3cr3t"],
        ),
        (
            500,
            "Internal Server Error",
            || Service::Query {
                query: "DROP TABLE orders".into(),
            },
            &["DROP TABLE"],
        ),
        (
            507,
            "Insufficient Storage",
            || Service::DiskFull,
            &["orders-secret"],
        ),
        (
            507,
            "Insufficient Storage",
            || {
                Service::Storage(StorageError {
                    node: "node-42".into(),
                    cause: "raid: bad disk".into(),
                })
            },
            &["node-42", "bad disk"],
        ),
    ];
    for (status, title, make, logged) in cases {
        let (seen, log) = capture_logs(|| all_paths(make));
        for seen in &seen {
            assert_redacted(seen, status, title);
        }
        for secret in logged {
            assert!(
                log.lines()
                    .any(|l| l.contains("ERROR") && l.contains(secret)),
                "the internals ({secret:?}) go to the log at ERROR instead; log:\n{log}"
            );
        }
        let problem = make().problem();
        assert_eq!(problem.detail(), None, "problem() agrees: no detail");
        assert!(problem.extensions().is_empty());
    }
}

#[test]
fn server_error_redaction_holds_through_transparent() {
    let make = || {
        Outer::Service(Service::Storage(StorageError {
            node: "node-42".into(),
            cause: "raid".into(),
        }))
    };
    for seen in all_paths(make) {
        assert_redacted(&seen, 507, "Insufficient Storage");
    }
    for seen in all_paths(|| Outer::Service(Service::Database(DbError))) {
        assert_redacted(&seen, 503, "Service Unavailable");
    }
}

#[test]
fn the_redaction_tests_can_tell_a_leak() {
    // A 4xx shows its Display: the same checks would catch this text.
    for seen in all_paths(|| Outer::Client("s3cr3t".into())) {
        assert!(seen.body_text().contains("s3cr3t"), "{}", seen.path);
    }
    // A 5xx shows an explicit detail, and only that.
    for seen in all_paths(|| Service::Upstream("s3cr3t".into())) {
        assert_eq!(
            seen.json(),
            json!({"title": "Bad Gateway", "status": 502, "detail": "the payment provider did not answer"}),
            "{}",
            seen.path
        );
    }
}

// ------------------------------------------------------------ header injection

/// A value that looks harmless but displays as a header-splitting string.
#[derive(Debug)]
struct Smuggler;

impl fmt::Display for Smuggler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("fine\r\nSet-Cookie: session=stolen")
    }
}

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[status(400)]
#[problem(header(cache_control = "no-store"))]
enum Headers {
    /// One field, by Display and by Debug.
    #[error("bad value")]
    #[problem(header(x_reason = "{0}"), header(x_seen = "{0:?}"))]
    Single(String),

    /// Several fields in one value, and a named field.
    #[error("slow down")]
    #[status(429)]
    #[problem(
        header(retry_after = "{secs}"),
        header(link = "<{url}>; rel=\"{rel}\"")
    )]
    Several {
        secs: String,
        url: String,
        rel: String,
    },

    /// A field of a user type whose Display carries CR/LF.
    #[error("smuggled")]
    #[problem(header(x_reason = "{0}"))]
    Smuggled(Smuggler),

    /// A header of a transparent field's own type.
    #[error(transparent)]
    #[status(transparent)]
    Inner(#[from] StructHeader),
}

/// A formatted header on a struct.
#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("unauthenticated")]
#[status(401)]
#[problem(header(www_authenticate = "Bearer realm=\"{realm}\""))]
struct StructHeader {
    realm: String,
}

const INJECTIONS: &[&str] = &[
    "ok\r\nSet-Cookie: session=evil",
    "ok\nSet-Cookie: session=evil",
    "ok\rSet-Cookie: session=evil",
    "ok\r\n\r\n<html>smuggled body</html>",
    "ok\u{0}nul",
    "ok\u{7f}del",
    "ok\u{b}vt",
    "ok\u{1b}[2J",
];

/// The header `name` is absent, the fixed `cache-control` survives, and
/// nothing undeclared appears; the drop is logged at WARN.
fn assert_dropped(make: impl Fn() -> Headers, status: u16, name: &str, declared: &[&str]) {
    let (seen, log) = capture_logs(|| all_paths(&make));
    for seen in &seen {
        assert_frame(seen, status, declared);
        assert!(
            seen.header(name).is_empty(),
            "{}: {name} must be dropped, got {:?}",
            seen.path,
            seen.header(name)
        );
        assert!(seen.header("set-cookie").is_empty(), "{}", seen.path);
    }
    assert!(
        log.lines().any(|l| l.contains("WARN") && l.contains(name)),
        "dropping {name} is logged; log:\n{log}"
    );
}

#[test]
fn no_formatted_header_can_inject() {
    for &bad in INJECTIONS {
        let s = || bad.to_owned();
        assert_dropped(
            || Headers::Single(s()),
            400,
            "x-reason",
            &["x-reason", "x-seen", "cache-control"],
        );
        // `{:?}` escapes CR and LF, so that header is sent, as written, on
        // one line.
        for seen in all_paths(|| Headers::Single(s())) {
            assert_eq!(
                seen.header("x-seen"),
                [format!("{bad:?}").as_bytes()],
                "{}",
                seen.path
            );
            assert_eq!(seen.header("cache-control"), [b"no-store".as_slice()]);
        }
        let several = ["retry-after", "link", "cache-control"];
        assert_dropped(
            || Headers::Several {
                secs: s(),
                url: "/a".into(),
                rel: "next".into(),
            },
            429,
            "retry-after",
            &several,
        );
        assert_dropped(
            || Headers::Several {
                secs: "1".into(),
                url: s(),
                rel: "next".into(),
            },
            429,
            "link",
            &several,
        );
        assert_dropped(
            || Headers::Several {
                secs: "1".into(),
                url: "/a".into(),
                rel: s(),
            },
            429,
            "link",
            &several,
        );
        // The enum's headers apply to its transparent variants too; a 401
        // cannot go out without its challenge: a bare 500 instead.
        assert_dropped(
            || Headers::Inner(StructHeader { realm: s() }),
            500,
            "www-authenticate",
            &["www-authenticate"],
        );
    }
    assert_dropped(
        || Headers::Smuggled(Smuggler),
        400,
        "x-reason",
        &["x-reason", "cache-control"],
    );

    // The clean values are sent unchanged: the test can tell.
    for seen in all_paths(|| Headers::Several {
        secs: "30".into(),
        url: "/orders?page=2".into(),
        rel: "next".into(),
    }) {
        assert_eq!(seen.header("retry-after"), [b"30".as_slice()]);
        assert_eq!(
            seen.header("link"),
            [b"</orders?page=2>; rel=\"next\"".as_slice()]
        );
    }
    for seen in all_paths(|| Headers::Inner(StructHeader { realm: "o".into() })) {
        assert_eq!(
            seen.header("www-authenticate"),
            [b"Bearer realm=\"o\"".as_slice()]
        );
        assert_eq!(seen.header("cache-control"), [b"no-store".as_slice()]);
    }
}

/// What a handler on either framework answers for `/echo/{value}`.
#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("bad value {0}")]
#[status(400)]
#[problem(header(x_reason = "{0}"), header(x_seen = "{0:?}"))]
struct Echo(String);

/// Sends a raw HTTP/1.1 GET and returns the response head's lines and body.
fn raw_get(addr: SocketAddr, target: &str) -> (Vec<String>, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the response");
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8_lossy(&raw[..end])
        .split("\r\n")
        .map(str::to_owned)
        .collect();
    (head, raw[end + 4..].to_vec())
}

/// On the wire: the injected value yields no header line of its own, no
/// `x-reason`, and the framing is intact (one problem+json body).
fn assert_wire_is_clean(addr: SocketAddr) {
    let (head, body) = raw_get(addr, "/echo/ok%0D%0ASet-Cookie:%20session=evil");
    assert!(head[0].starts_with("HTTP/1.1 400"), "{head:?}");
    let names: Vec<String> = head[1..]
        .iter()
        .map(|l| l.split(':').next().unwrap().to_ascii_lowercase())
        .collect();
    assert!(!names.contains(&"set-cookie".to_owned()), "{head:?}");
    assert!(!names.contains(&"x-reason".to_owned()), "{head:?}");
    assert!(
        head.iter()
            .any(|l| l.eq_ignore_ascii_case(r#"x-seen: "ok\r\nSet-Cookie: session=evil""#)),
        "the handler did receive CR/LF: {head:?}"
    );
    assert!(
        head.iter()
            .any(|l| l.eq_ignore_ascii_case("content-type: application/problem+json")),
        "{head:?}"
    );
    let body: serde_json::Value = serde_json::from_slice(&body).expect("a JSON body");
    assert_eq!(body["detail"], "bad value ok\r\nSet-Cookie: session=evil");

    let (head, _) = raw_get(addr, "/echo/fine");
    assert!(
        head.iter()
            .any(|l| l.eq_ignore_ascii_case("x-reason: fine")),
        "a clean value is sent: {head:?}"
    );
}

#[test]
fn header_injection_over_the_wire_axum() {
    async fn echo(axum::extract::Path(value): axum::extract::Path<String>) -> Result<(), Echo> {
        Err(Echo(value))
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let addr = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new().route("/echo/{value}", axum::routing::get(echo));
        tokio::spawn(async move { axum::serve(listener, app).await });
        addr
    });
    assert_wire_is_clean(addr);
    runtime.shutdown_timeout(Duration::from_secs(1));
}

#[test]
fn header_injection_over_the_wire_actix() {
    async fn echo(value: actix_web::web::Path<String>) -> Result<&'static str, Echo> {
        Err(Echo(value.into_inner()))
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let server = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = actix_web::HttpServer::new(|| {
                actix_web::App::new().route("/echo/{value}", actix_web::web::get().to(echo))
            })
            .workers(1)
            .disable_signals()
            .bind(("127.0.0.1", 0))
            .unwrap();
            let addr = server.addrs()[0];
            let server = server.run();
            tx.send((addr, server.handle())).unwrap();
            server.await
        })
    });
    let (addr, handle) = rx.recv().unwrap();
    assert_wire_is_clean(addr);
    actix_web::rt::System::new().block_on(handle.stop(false));
    server.join().unwrap().unwrap();
}

// ------------------------------------------------------ failing Display impls

/// Writes part of its text, then fails, as a broken `Display` can.
#[derive(Debug)]
struct FailsHalfway;

impl fmt::Display for FailsHalfway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("half")?;
        Err(fmt::Error)
    }
}

#[derive(Debug, thiserror::Error, apierror::ApiError)]
enum Broken {
    #[error("client {0}")]
    #[status(400)]
    #[problem(instance = "/items/{0}", header(x_item = "id={0}"))]
    Client(FailsHalfway),

    #[error("server {0}")]
    #[status(500)]
    #[problem(header(x_item = "id={0}"), header(cache_control = "no-store"))]
    Server(FailsHalfway),
}

#[test]
fn a_failing_display_is_not_a_panic() {
    let (seen, _log) = capture_logs(|| all_paths(|| Broken::Client(FailsHalfway)));
    for seen in &seen {
        assert_frame(seen, 400, &["x-item"]);
        assert!(
            seen.header("x-item").is_empty(),
            "{}: a header whose formatting failed is dropped, not sent half-written",
            seen.path
        );
        assert_eq!(
            seen.member_names(),
            ["title", "status", "detail", "instance"]
        );
    }
    let (seen, _log) = capture_logs(|| all_paths(|| Broken::Server(FailsHalfway)));
    for seen in &seen {
        assert_frame(seen, 500, &["x-item", "cache-control"]);
        assert!(seen.header("x-item").is_empty(), "{}", seen.path);
        assert_eq!(seen.header("cache-control"), [b"no-store".as_slice()]);
        assert_eq!(
            seen.json(),
            json!({"title": "Internal Server Error", "status": 500})
        );
    }
}

// ------------------------------------------------------------- Debug in bodies

/// Its Debug holds a secret; its Display and Serialize do not.
struct Account {
    id: u32,
    token: &'static str,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Account {{ id: {}, token: {:?} }}", self.id, self.token)
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "account {}", self.id)
    }
}

impl Serialize for Account {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.id.serialize(s)
    }
}

fn account() -> Account {
    Account {
        id: 7,
        token: "tok_live_debug_only",
    }
}

#[derive(Debug, thiserror::Error, apierror::ApiError)]
enum Accounts {
    #[error("{0} is locked")]
    #[status(423)]
    Locked(Account),

    #[error("{account} has no credit")]
    #[status(402)]
    #[problem(instance = "/accounts/{account}", header(x_account = "{account}"))]
    NoCredit {
        #[problem(extension)]
        account: Account,
    },

    #[error("{0} failed")]
    #[status(500)]
    Failed(Account),

    #[error(transparent)]
    #[status(transparent)]
    Wrapped(#[from] AccountError),

    /// Debug is used only where the format string asks for it.
    #[error("{0} conflicts")]
    #[status(409)]
    #[problem(detail = "state: {0:?}")]
    Explicit(Account),
}

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("{account} is closed")]
#[status(410)]
struct AccountError {
    #[problem(extension)]
    account: Account,
}

#[test]
fn bodies_never_show_debug_unless_asked() {
    let token = "tok_live_debug_only";
    let implicit: [fn() -> Accounts; 4] = [
        || Accounts::Locked(account()),
        || Accounts::NoCredit { account: account() },
        || Accounts::Failed(account()),
        || Accounts::Wrapped(AccountError { account: account() }),
    ];
    for make in implicit {
        for seen in all_paths(make) {
            assert!(
                !seen.body_text().contains(token) && !seen.body_text().contains("Account {"),
                "{}: Debug output in {}",
                seen.path,
                seen.body_text()
            );
            for (name, value) in &seen.headers {
                assert!(
                    !String::from_utf8_lossy(value).contains(token),
                    "{}: Debug output in header {name}",
                    seen.path
                );
            }
        }
    }
    for seen in all_paths(|| Accounts::NoCredit { account: account() }) {
        assert_eq!(
            seen.json(),
            json!({"title": "Payment Required", "status": 402, "detail": "account 7 has no credit", "instance": "/accounts/account%207", "account": 7}),
            "{}: Display in text, Serialize in extensions",
            seen.path
        );
        assert_eq!(seen.header("x-account"), [b"account 7".as_slice()]);
    }
    for seen in all_paths(|| Accounts::Explicit(account())) {
        assert_eq!(
            seen.json()["detail"],
            format!("state: {:?}", account()),
            "{}: `{{0:?}}` written explicitly is honoured",
            seen.path
        );
    }
}

// ------------------------------------------------------------------ no unsafe

#[test]
fn both_crates_forbid_unsafe_code() {
    for (krate, source) in [
        ("apierror", include_str!("../../core/src/lib.rs")),
        ("apierror-derive", include_str!("../../macros/src/lib.rs")),
    ] {
        let inner_attributes: Vec<&str> = source
            .lines()
            .map(str::trim)
            .take_while(|l| l.is_empty() || l.starts_with("//") || l.starts_with("#!"))
            .filter(|l| l.starts_with("#!"))
            .collect();
        assert!(
            inner_attributes.contains(&"#![forbid(unsafe_code)]"),
            "{krate}'s crate root must forbid unsafe code; its attributes: {inner_attributes:?}"
        );
    }
}
