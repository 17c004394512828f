//! What the problem layer must do to each kind of response, written once for
//! both frameworks (`layer_axum.rs`, `layer_actix.rs`): the responses the
//! test handlers send (`RAW`), the requests, and the whole response the
//! client must see, with expected values taken from DESIGN.md's "Every
//! failure a problem" and the IANA status phrases.

#![allow(dead_code)] // each test file uses what it needs

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::LazyLock;
use std::task::{Context, Poll};

use bytes::Bytes;
use serde_json::{Value, json};

/// A response body as a handler sends it.
#[derive(Clone, Copy, Debug)]
pub enum RawBody {
    /// Nothing, size known to be 0.
    Empty,
    /// These bytes, size known.
    Full(&'static [u8]),
    /// These bytes, split into chunks of this size, size unknown (sent
    /// chunked).
    Stream(&'static [u8], usize),
}

/// A response a test handler sends, the same in both frameworks.
#[derive(Debug)]
pub struct Raw {
    pub path: &'static str,
    pub status: u16,
    pub headers: &'static [(&'static str, &'static str)],
    pub body: RawBody,
}

/// Text that must never reach a client.
pub const SECRET: &str = "password=hunter2 at db-7.internal";

/// The body of `/t/stream`: 200, chunked.
pub const STREAM: &[u8] = b"line one\nline two\nline three, with \xc3\xbc\n";

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// 1022 ASCII bytes, then "€" (bytes 1022..1025, across the 1 KiB cut),
/// then more.
pub static LONG_EURO: LazyLock<&'static str> = LazyLock::new(|| {
    leak(format!(
        "{}€{}",
        "a".repeat(1022),
        " and the rest, past the limit"
    ))
});

/// 511 × "é" and "x" (1023 bytes), then "😀" (bytes 1023..1027), then more.
pub static LONG_EMOJI: LazyLock<&'static str> =
    LazyLock::new(|| leak(format!("{}x😀tail", "é".repeat(511))));

/// Exactly 1024 ASCII bytes: kept whole.
pub static EXACT_1024: LazyLock<&'static str> =
    LazyLock::new(|| leak("0123456789abcdef".repeat(64)));

/// The responses the test handlers send, each at its own GET route.
pub static RAW: LazyLock<Vec<Raw>> = LazyLock::new(|| {
    vec![
        Raw {
            path: "/t/text-409",
            status: 409,
            headers: &[("content-type", "text/plain; charset=utf-8")],
            body: RawBody::Full(b"order 7 is already paid"),
        },
        Raw {
            path: "/t/long-euro",
            status: 400,
            headers: &[("content-type", "text/plain; charset=utf-8")],
            body: RawBody::Full(LONG_EURO.as_bytes()),
        },
        Raw {
            // 511 two-byte chars, one ASCII: the emoji takes bytes 1023..1027.
            path: "/t/long-emoji",
            status: 422,
            headers: &[("content-type", "text/plain")],
            body: RawBody::Stream(LONG_EMOJI.as_bytes(), 7),
        },
        Raw {
            path: "/t/exact-1024",
            status: 400,
            headers: &[("content-type", "text/plain")],
            body: RawBody::Full(EXACT_1024.as_bytes()),
        },
        Raw {
            path: "/t/secret",
            status: 500,
            headers: &[("content-type", "text/plain; charset=utf-8")],
            body: RawBody::Full(SECRET.as_bytes()),
        },
        Raw {
            path: "/t/secret-stream",
            status: 502,
            headers: &[("content-type", "text/plain")],
            body: RawBody::Stream(SECRET.as_bytes(), 5),
        },
        Raw {
            path: "/t/empty-408",
            status: 408,
            headers: &[],
            body: RawBody::Empty,
        },
        Raw {
            path: "/t/empty-504",
            status: 504,
            headers: &[],
            body: RawBody::Empty,
        },
        Raw {
            path: "/t/unauthorized",
            status: 401,
            headers: &[("www-authenticate", "Bearer realm=\"t\"")],
            body: RawBody::Empty,
        },
        Raw {
            path: "/t/headers",
            status: 429,
            headers: &[
                ("content-type", "text/plain"),
                ("retry-after", "30"),
                ("x-request-id", "abc-123"),
                ("set-cookie", "a=1"),
                ("set-cookie", "b=2"),
                ("cache-control", "no-store"),
                ("content-language", "en"),
                ("etag", "\"v1\""),
                ("content-encoding", "gzip"),
                (
                    "content-digest",
                    "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:",
                ),
                (
                    "repr-digest",
                    "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:",
                ),
            ],
            body: RawBody::Full(b"slow down"),
        },
        Raw {
            path: "/t/latin1",
            status: 400,
            headers: &[("content-type", "text/plain; charset=iso-8859-1")],
            body: RawBody::Full(b"caf\xe9"),
        },
        Raw {
            path: "/t/not-utf8",
            status: 400,
            headers: &[("content-type", "text/plain")],
            body: RawBody::Full(b"ab\xff\xfecd"),
        },
        Raw {
            path: "/t/json-422",
            status: 422,
            headers: &[("content-type", "application/json")],
            body: RawBody::Full(br#"{"error":"quantity must be positive"}"#),
        },
        Raw {
            path: "/t/html-404",
            status: 404,
            headers: &[("content-type", "text/html")],
            body: RawBody::Full(b"<h1>Not here</h1>"),
        },
        Raw {
            path: "/t/redirect",
            status: 302,
            headers: &[("content-type", "text/plain"), ("location", "/t/stream")],
            body: RawBody::Full(b"moved"),
        },
        Raw {
            path: "/t/stream",
            status: 200,
            headers: &[("content-type", "text/plain")],
            body: RawBody::Stream(STREAM, 4),
        },
        Raw {
            path: "/t/untyped-stream-503",
            status: 503,
            headers: &[],
            body: RawBody::Stream(b"binary-ish bytes", 3),
        },
    ]
});

/// The raw response at `path`.
pub fn raw(path: &str) -> &'static Raw {
    RAW.iter()
        .find(|raw| raw.path == path)
        .unwrap_or_else(|| panic!("no raw response at {path}"))
}

/// A body sent in chunks, of unknown size: both frameworks' streaming body.
pub struct Chunks(VecDeque<Bytes>);

impl Chunks {
    pub fn new(bytes: &'static [u8], size: usize) -> Chunks {
        Chunks(bytes.chunks(size.max(1)).map(Bytes::from_static).collect())
    }
}

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        Poll::Ready(self.0.pop_front().map(|b| Ok(http_body::Frame::data(b))))
    }
}

impl actix_web::body::MessageBody for Chunks {
    type Error = std::convert::Infallible;

    fn size(&self) -> actix_web::body::BodySize {
        actix_web::body::BodySize::Stream
    }

    fn poll_next(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Poll::Ready(self.0.pop_front().map(Ok))
    }
}

/// The error a test handler returns as an already rendered problem.
#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum LayerError {
    #[error("order {id} already exists")]
    #[status(409)]
    #[problem(
        type = "https://example.com/problems/duplicate",
        title = "Duplicate order"
    )]
    Duplicate {
        #[problem(extension)]
        id: u64,
    },
}

/// What the client must see.
pub enum Expect {
    /// A problem: this body (as JSON), `Content-Type: application/problem+json`,
    /// `Content-Length` its length, these headers with these values (all
    /// values, in order), and none of `absent`.
    Problem {
        body: Value,
        headers: Vec<(&'static str, Vec<&'static str>)>,
    },
    /// Exactly the handler's response: status, content type and body bytes.
    Untouched {
        content_type: Option<&'static str>,
        body: Vec<u8>,
    },
}

/// The headers a rewritten response must not carry.
pub const DROPPED: &[&str] = &[
    "etag",
    "content-encoding",
    "content-digest",
    "repr-digest",
    "transfer-encoding",
];

fn problem(body: Value) -> Expect {
    Expect::Problem {
        body,
        headers: Vec::new(),
    }
}

/// The expected answer to `GET path` for each route of [`RAW`].
pub fn expected(path: &str) -> (u16, Expect) {
    let raw = raw(path);
    let untouched = |content_type| Expect::Untouched {
        content_type,
        body: match raw.body {
            RawBody::Empty => Vec::new(),
            RawBody::Full(b) | RawBody::Stream(b, _) => b.to_vec(),
        },
    };
    let expect = match path {
        "/t/text-409" => problem(
            json!({"title": "Conflict", "status": 409, "detail": "order 7 is already paid"}),
        ),
        "/t/long-euro" => problem(json!({
            "title": "Bad Request",
            "status": 400,
            "detail": "a".repeat(1022),
        })),
        "/t/long-emoji" => problem(json!({
            "title": "Unprocessable Content",
            "status": 422,
            "detail": format!("{}x", "é".repeat(511)),
        })),
        "/t/exact-1024" => problem(json!({
            "title": "Bad Request",
            "status": 400,
            "detail": *EXACT_1024,
        })),
        "/t/secret" => problem(json!({"title": "Internal Server Error", "status": 500})),
        "/t/secret-stream" => problem(json!({"title": "Bad Gateway", "status": 502})),
        "/t/empty-408" => problem(json!({"title": "Request Timeout", "status": 408})),
        "/t/empty-504" => problem(json!({"title": "Gateway Timeout", "status": 504})),
        "/t/unauthorized" => Expect::Problem {
            body: json!({"title": "Unauthorized", "status": 401}),
            headers: vec![("www-authenticate", vec!["Bearer realm=\"t\""])],
        },
        "/t/headers" => Expect::Problem {
            body: json!({"title": "Too Many Requests", "status": 429, "detail": "slow down"}),
            headers: vec![
                ("retry-after", vec!["30"]),
                ("x-request-id", vec!["abc-123"]),
                ("set-cookie", vec!["a=1", "b=2"]),
                ("cache-control", vec!["no-store"]),
                ("content-language", vec!["en"]),
            ],
        },
        "/t/latin1" => problem(json!({"title": "Bad Request", "status": 400})),
        "/t/not-utf8" => problem(json!({"title": "Bad Request", "status": 400})),
        "/t/json-422" => untouched(Some("application/json")),
        "/t/html-404" => untouched(Some("text/html")),
        "/t/redirect" => untouched(Some("text/plain")),
        "/t/stream" => untouched(Some("text/plain")),
        "/t/untyped-stream-503" => untouched(None),
        other => panic!("no expectation for {other}"),
    };
    (raw.status, expect)
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// The response to `method path`, with its body.
pub async fn fetch(
    base: &str,
    method: &str,
    path: &str,
    body: Option<Vec<u8>>,
) -> (reqwest::StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
    let mut request = client().request(method, format!("{base}{path}"));
    if let Some(body) = body {
        request = request.body(body);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("the whole body").to_vec();
    (status, headers, body)
}

fn values<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> Vec<&'a [u8]> {
    headers.get_all(name).iter().map(|v| v.as_bytes()).collect()
}

/// Checks a problem response: status, exactly one `Content-Type:
/// application/problem+json`, `Content-Length` equal to the body's length,
/// the body as JSON, the kept headers with all their values, none of the
/// dropped ones.
pub fn assert_problem(
    what: &str,
    (status, headers, body): &(reqwest::StatusCode, reqwest::header::HeaderMap, Vec<u8>),
    want_status: u16,
    want_body: &Value,
    kept: &[(&str, Vec<&str>)],
) {
    assert_eq!(status.as_u16(), want_status, "{what}: status");
    assert_eq!(
        values(headers, "content-type"),
        [b"application/problem+json".as_slice()],
        "{what}: content-type"
    );
    let length = body.len().to_string();
    assert_eq!(
        values(headers, "content-length"),
        [length.as_bytes()],
        "{what}: content-length"
    );
    let got: Value = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{what}: body is not JSON ({e}): {body:?}"));
    assert_eq!(&got, want_body, "{what}: body");
    for (name, want) in kept {
        let got = values(headers, name);
        let want: Vec<&[u8]> = want.iter().map(|v| v.as_bytes()).collect();
        assert_eq!(got, want, "{what}: header {name}");
    }
    for name in DROPPED {
        assert!(
            !headers.contains_key(*name),
            "{what}: {name} must be dropped"
        );
    }
}

/// GETs every route of [`RAW`] from the layered service at `base` and checks
/// the whole response.
pub async fn every_raw_route(base: &str) {
    for raw in RAW.iter() {
        let (status, expect) = expected(raw.path);
        let response = fetch(base, "GET", raw.path, None).await;
        match expect {
            Expect::Problem { body, headers } => {
                assert_problem(raw.path, &response, status, &body, &headers);
            }
            Expect::Untouched { content_type, body } => {
                let (got_status, got_headers, got_body) = &response;
                assert_eq!(got_status.as_u16(), status, "{}: status", raw.path);
                assert_eq!(
                    got_headers.get("content-type").map(|v| v.to_str().unwrap()),
                    content_type,
                    "{}: content-type",
                    raw.path
                );
                assert_eq!(got_body, &body, "{}: body byte for byte", raw.path);
                if let RawBody::Stream(..) = raw.body {
                    assert!(
                        !got_headers.contains_key("content-length"),
                        "{}: a stream stays of unknown size",
                        raw.path
                    );
                    assert_eq!(
                        got_headers.get("transfer-encoding").map(|v| v.as_bytes()),
                        Some(b"chunked".as_slice()),
                        "{}: still sent chunked",
                        raw.path
                    );
                }
            }
        }
        let (_, headers, body) = &response;
        let all = format!("{headers:?}{}", String::from_utf8_lossy(body));
        assert!(!all.contains("hunter2"), "{}: the secret leaked", raw.path);
    }
}

/// The problem the layer sends for the router's 404.
pub fn not_found() -> Value {
    json!({"title": "Not Found", "status": 404})
}

/// The problem for a wrong method.
pub fn method_not_allowed() -> Value {
    json!({"title": "Method Not Allowed", "status": 405})
}

/// `HEAD path` must carry the status and headers of `GET path`, the same
/// `Content-Length` (or none when `length` is false), and no body.
pub async fn head_matches_get(base: &str, path: &str, length: bool) {
    let (get_status, get_headers, get_body) = fetch(base, "GET", path, None).await;
    let (status, headers, body) = fetch(base, "HEAD", path, None).await;
    assert_eq!(status, get_status, "HEAD {path}: status");
    assert!(body.is_empty(), "HEAD {path}: no body");
    assert_eq!(
        headers.get("content-type"),
        get_headers.get("content-type"),
        "HEAD {path}: content-type"
    );
    assert_eq!(
        get_headers.get("content-type").map(|v| v.as_bytes()),
        Some(b"application/problem+json".as_slice()),
        "GET {path} is a problem"
    );
    let want = get_body.len().to_string();
    let got = headers.get("content-length").map(|v| v.to_str().unwrap());
    if length {
        assert_eq!(got, Some(&*want), "HEAD {path}: the GET problem's length");
    } else {
        assert_eq!(got, None, "HEAD {path}: no length that could be wrong");
    }
    for name in ["allow", "www-authenticate", "retry-after"] {
        assert_eq!(
            headers.get(name),
            get_headers.get(name),
            "HEAD {path}: {name}"
        );
    }
}
