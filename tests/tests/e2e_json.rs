//! `apierror::axum::Json` and `apierror::actix::Json` over real TCP: every
//! rejection is the problem the contract names (415, 413, 400 with line and
//! column, 422 with a pointer), a handler's own `Json` answer is a plain 200,
//! and the frameworks' own rejection types answer with problems too.
//!
//! The expected bodies are written from the contract (DESIGN.md, "Every
//! failure a problem") and serde_json's own messages; the line and column
//! numbers are counted by hand from the request bodies.

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::thread;

use apierror::ApiError;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The body limit both servers are given.
const LIMIT: usize = 256;

#[derive(Debug, Deserialize, Serialize)]
struct Order {
    lines: Vec<Line>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<Kind>,
    #[serde(default)]
    tags: BTreeMap<String, u8>,
}

#[derive(Debug, Deserialize, Serialize)]
struct Line {
    item: String,
    qty: u32,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Pickup,
    Delivery,
}

/// The axum rejection behind a derived enum, as a user would write it.
#[derive(Debug, thiserror::Error, ApiError)]
enum AxumBadRequest {
    #[error(transparent)]
    #[status(transparent)]
    Json(#[from] axum::extract::rejection::JsonRejection),
}

mod axum_server {
    use super::*;
    use axum::Router;
    use axum::extract::DefaultBodyLimit;
    use axum::extract::rejection::JsonRejection;
    use axum::routing::post;

    async fn create(
        apierror::axum::Json(order): apierror::axum::Json<Order>,
    ) -> apierror::axum::Json<Order> {
        apierror::axum::Json(order)
    }

    async fn framework(
        body: Result<axum::Json<Order>, JsonRejection>,
    ) -> Result<axum::Json<Order>, AxumBadRequest> {
        Ok(body?)
    }

    pub async fn start() -> String {
        let app = Router::new()
            .route("/orders", post(create))
            .route("/framework", post(framework))
            .layer(DefaultBodyLimit::max(LIMIT));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}")
    }
}

mod actix_server {
    use super::*;
    use actix_web::error::InternalError;
    use actix_web::{App, HttpResponse, HttpServer, web};

    async fn create(
        apierror::actix::Json(order): apierror::actix::Json<Order>,
    ) -> apierror::actix::Json<Order> {
        apierror::actix::Json(order)
    }

    async fn framework(order: web::Json<Order>) -> web::Json<Order> {
        order
    }

    fn app() -> App<
        impl actix_web::dev::ServiceFactory<
            actix_web::dev::ServiceRequest,
            Config = (),
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
            InitError = (),
        >,
    > {
        // An error handler apierror's extractor must never run: it would
        // answer 418.
        let teapot = || {
            web::JsonConfig::default()
                .limit(LIMIT)
                .error_handler(|error, _| {
                    InternalError::from_response(error, HttpResponse::ImATeapot().finish()).into()
                })
        };
        App::new()
            .service(
                web::resource("/orders")
                    .app_data(teapot())
                    .route(web::post().to(create)),
            )
            .service(web::resource("/default").route(web::post().to(create)))
            .service(
                web::resource("/lenient")
                    .app_data(
                        teapot()
                            .content_type(|mime| mime.essence_str() == "text/plain")
                            .content_type_required(true),
                    )
                    .route(web::post().to(create)),
            )
            .service(
                web::resource("/data-config")
                    .app_data(web::Data::new(web::JsonConfig::default().limit(LIMIT)))
                    .route(web::post().to(create)),
            )
            .service(
                web::resource("/framework")
                    .app_data(
                        web::JsonConfig::default()
                            .limit(LIMIT)
                            .error_handler(|error, _| {
                                let response = apierror::actix::response(&error);
                                InternalError::from_response(error, response).into()
                            }),
                    )
                    .route(web::post().to(framework)),
            )
    }

    /// Stops the server when the test ends.
    pub struct Server {
        pub base: String,
        handle: actix_web::dev::ServerHandle,
    }

    impl Drop for Server {
        fn drop(&mut self) {
            drop(self.handle.stop(false));
        }
    }

    pub fn start() -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (sender, receiver) = mpsc::channel();
        thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(app)
                    .workers(1)
                    .disable_signals()
                    .listen(listener)
                    .unwrap()
                    .run();
                sender.send(server.handle()).unwrap();
                let _ = server.await;
            });
        });
        Server {
            base: format!("http://{addr}"),
            handle: receiver.recv().unwrap(),
        }
    }
}

struct Answer {
    status: u16,
    content_type: Vec<String>,
    body: Value,
}

async fn post(base: &str, path: &str, content_type: Option<&str>, body: &str) -> Answer {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut request = client.post(format!("{base}{path}")).body(body.to_owned());
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = match request.send().await {
        Ok(response) => response,
        // A server may answer a body over its limit before reading it and
        // close the connection (RFC 9112 §9.6); hyper then reports the
        // failed upload and drops the answer. Read that answer over a
        // plain TCP connection instead.
        Err(error) if is_cut_upload(&error) => {
            return post_raw(base, path, content_type, body).await;
        }
        Err(error) => panic!("the server answers: {error:?}"),
    };
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get_all("content-type")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let length = response
        .headers()
        .get("content-length")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = response.bytes().await.unwrap();
    answer(path, status, content_type, length, &bytes)
}

/// The answer, once its `Content-Length` is checked against the body read
/// and the body parsed as JSON.
fn answer(
    path: &str,
    status: u16,
    content_type: Vec<String>,
    length: Option<String>,
    bytes: &[u8],
) -> Answer {
    assert_eq!(
        length,
        Some(bytes.len().to_string()),
        "{path}: content-length"
    );
    let body = serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {}", String::from_utf8_lossy(bytes)));
    Answer {
        status,
        content_type,
        body,
    }
}

/// Whether `error` is an upload the server stopped reading (a broken pipe
/// or a reset while the body was being written).
fn is_cut_upload(error: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = source {
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
            );
        }
        source = error.source();
    }
    false
}

/// The same POST over a plain TCP connection: the body is written as far as
/// the server reads it, then the answer is read whole (the server closes).
async fn post_raw(base: &str, path: &str, content_type: Option<&str>, body: &str) -> Answer {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let authority = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(authority).await.unwrap();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nhost: {authority}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    if let Some(content_type) = content_type {
        head.push_str(&format!("content-type: {content_type}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    // The server may stop reading and answer at any point of the body.
    let _ = stream.write_all(body.as_bytes()).await;
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("{path}: no answer: {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let bytes = &raw[end + 4..];
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("{path}: no status line: {head}"));
    let mut content_type = Vec::new();
    let mut length = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        match name.trim().to_ascii_lowercase().as_str() {
            "content-type" => content_type.push(value.trim().to_owned()),
            "content-length" => length = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    answer(path, status, content_type, length, bytes)
}

/// POSTs and checks that the answer is exactly `problem`.
async fn expect_problem(
    base: &str,
    path: &str,
    content_type: Option<&str>,
    body: &str,
    problem: Value,
) {
    let answer = post(base, path, content_type, body).await;
    let what = format!("POST {path} {content_type:?} {body:?}");
    assert_eq!(
        Some(answer.status),
        problem["status"].as_u64().map(|s| s as u16),
        "{what}: status"
    );
    assert_eq!(
        answer.content_type,
        ["application/problem+json"],
        "{what}: content-type"
    );
    assert_eq!(answer.body, problem, "{what}: body");
}

const JSON: Option<&str> = Some("application/json");

fn unsupported() -> Value {
    json!({
        "title": "Unsupported Media Type",
        "status": 415,
        "detail": "the request body must be JSON, sent with Content-Type: application/json"
    })
}

fn syntax(detail: &str) -> Value {
    json!({
        "title": "Bad Request",
        "status": 400,
        "detail": format!("the request body is not valid JSON: {detail}")
    })
}

fn shape(pointer: &str, detail: &str) -> Value {
    json!({
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "the request body is valid JSON of the wrong shape",
        "errors": [{"detail": detail, "pointer": pointer}]
    })
}

const SECOND_LINE_NOT_A_NUMBER: &str =
    r#"{"lines": [{"item": "tea", "qty": 1}, {"item": "milk", "qty": "two"}]}"#;
const MISSING_COMMA: &str = "{\"lines\": [\n  {\"item\": \"tea\" \"qty\": 1}\n]}";

/// Every rejection of the extractor, the same on both frameworks but for the
/// 413's detail, which only actix-web can give the limit for.
async fn extractor_cases(base: &str, path: &str, too_large: &str) {
    // 415: not JSON, or no content type at all.
    expect_problem(
        base,
        path,
        Some("text/plain"),
        r#"{"lines": []}"#,
        unsupported(),
    )
    .await;
    expect_problem(base, path, None, r#"{"lines": []}"#, unsupported()).await;
    // 413: one byte over the limit.
    let big = format!(
        r#"{{"lines": [], "kind": "pickup", "x": "{}"}}"#,
        "a".repeat(LIMIT)
    );
    expect_problem(
        base,
        path,
        JSON,
        &big,
        json!({"title": "Content Too Large", "status": 413, "detail": too_large}),
    )
    .await;
    // 400: where the syntax fails, by line and column.
    expect_problem(
        base,
        path,
        JSON,
        MISSING_COMMA,
        syntax("expected `,` or `}` at line 2 column 18"),
    )
    .await;
    // 400 even though a shape error (`lines` is a number) comes first.
    expect_problem(
        base,
        path,
        JSON,
        r#"{"lines": 5, "kind": }"#,
        syntax("expected value at line 1 column 22"),
    )
    .await;
    expect_problem(
        base,
        path,
        JSON,
        r#"{"lines": []} x"#,
        syntax("trailing characters at line 1 column 15"),
    )
    .await;
    expect_problem(
        base,
        path,
        JSON,
        "",
        syntax("EOF while parsing a value at line 1 column 0"),
    )
    .await;
    // 422: the pointer names the failing place.
    expect_problem(
        base,
        path,
        JSON,
        SECOND_LINE_NOT_A_NUMBER,
        shape(
            "#/lines/1/qty",
            "invalid type: string \"two\", expected u32",
        ),
    )
    .await;
    // A missing member: its parent object.
    expect_problem(
        base,
        path,
        JSON,
        r#"{"lines": [{"item": "tea", "qty": 1}, {"item": "milk"}]}"#,
        shape("#/lines/1", "missing field `qty`"),
    )
    .await;
    expect_problem(base, path, JSON, "{}", shape("#", "missing field `lines`")).await;
    expect_problem(
        base,
        path,
        JSON,
        r#""x""#,
        shape("#", "invalid type: string \"x\", expected struct Order"),
    )
    .await;
    // serde's derived structs also read an array, member by member.
    expect_problem(
        base,
        path,
        JSON,
        "[1]",
        shape("#/0", "invalid type: integer `1`, expected a sequence"),
    )
    .await;
    expect_problem(
        base,
        path,
        JSON,
        r#"{"lines": [], "kind": "drone"}"#,
        shape(
            "#/kind",
            "unknown variant `drone`, expected `pickup` or `delivery`",
        ),
    )
    .await;
    // Valid JSON is never a 400, even where serde_json calls it syntax.
    expect_problem(
        base,
        path,
        JSON,
        r#"{"lines": [], "kind": 5}"#,
        shape(
            "#/kind",
            "expected a variant: a string, or an object with one member",
        ),
    )
    .await;
    // A member name with `/`, `~` and a space: escaped, then percent-encoded.
    expect_problem(
        base,
        path,
        JSON,
        r#"{"lines": [], "tags": {"a/b~ c": "x"}}"#,
        shape(
            "#/tags/a~1b~0%20c",
            "invalid type: string \"x\", expected u8",
        ),
    )
    .await;
}

/// The handler's own `Json` answer: 200, `application/json`, the order.
async fn echo(base: &str, path: &str, content_type: &str) {
    let order =
        json!({"lines": [{"item": "tea", "qty": 2}], "kind": "delivery", "tags": {"gift": 1}});
    let answer = post(base, path, Some(content_type), &order.to_string()).await;
    assert_eq!(answer.status, 200, "{path} {content_type}");
    assert_eq!(
        answer.content_type,
        ["application/json"],
        "{path} {content_type}"
    );
    assert_eq!(answer.body, order, "{path} {content_type}");
}

#[tokio::test]
async fn axum_extractor_rejections_are_problems() {
    let base = axum_server::start().await;
    extractor_cases(&base, "/orders", "the request body is too large").await;
}

#[tokio::test]
async fn axum_extractor_answers_json() {
    let base = axum_server::start().await;
    echo(&base, "/orders", "application/json").await;
    echo(&base, "/orders", "application/json; charset=utf-8").await;
    echo(&base, "/orders", "application/vnd.orders+json").await;
}

#[tokio::test]
async fn actix_extractor_rejections_are_problems() {
    let server = actix_server::start();
    extractor_cases(
        &server.base,
        "/orders",
        "the request body is larger than the limit of 256 bytes",
    )
    .await;
    // A config given as `web::Data` counts too.
    extractor_cases(
        &server.base,
        "/data-config",
        "the request body is larger than the limit of 256 bytes",
    )
    .await;
}

#[tokio::test]
async fn actix_extractor_answers_json() {
    let server = actix_server::start();
    echo(&server.base, "/orders", "application/json").await;
    echo(&server.base, "/orders", "application/vnd.orders+json").await;
    echo(&server.base, "/default", "application/json").await;
}

#[tokio::test]
async fn actix_extractor_follows_the_json_config() {
    let server = actix_server::start();
    let base = &server.base;
    // The config's content-type predicate admits text/plain.
    echo(base, "/lenient", "text/plain").await;
    expect_problem(
        base,
        "/lenient",
        Some("application/xml"),
        "{}",
        unsupported(),
    )
    .await;
    // Without a config, web::Json's defaults: any `json` subtype or suffix,
    // and a 2 MB limit.
    echo(base, "/default", "text/json").await;
    expect_problem(base, "/default", Some("text/plain"), "{}", unsupported()).await;
    let big = format!(r#"{{"lines": [], "x": "{}"}}"#, "a".repeat(2_097_152));
    expect_problem(
        base,
        "/default",
        JSON,
        &big,
        json!({
            "title": "Content Too Large",
            "status": 413,
            "detail": "the request body is larger than the limit of 2097152 bytes"
        }),
    )
    .await;
    // The same answer read over a plain connection, as `post` does when the
    // server closes before the upload ends.
    let raw = post_raw(base, "/default", JSON, &big).await;
    assert_eq!(raw.status, 413);
    assert_eq!(raw.content_type, ["application/problem+json"]);
    assert_eq!(
        raw.body,
        json!({
            "title": "Content Too Large",
            "status": 413,
            "detail": "the request body is larger than the limit of 2097152 bytes"
        })
    );
    let fits = format!(r#"{{"lines": [], "x": "{}"}}"#, "a".repeat(LIMIT));
    let answer = post(base, "/default", JSON, &fits).await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn axum_json_rejection_through_a_derived_enum() {
    let base = axum_server::start().await;
    let path = "/framework";
    expect_problem(&base, path, Some("text/plain"), "{}", unsupported()).await;
    expect_problem(
        &base,
        path,
        JSON,
        &"x".repeat(LIMIT + 1),
        json!({"title": "Content Too Large", "status": 413, "detail": "the request body is too large"}),
    )
    .await;
    expect_problem(
        &base,
        path,
        JSON,
        MISSING_COMMA,
        syntax("expected `,` or `}` at line 2 column 18"),
    )
    .await;
    expect_problem(
        &base,
        path,
        JSON,
        SECOND_LINE_NOT_A_NUMBER,
        shape(
            "#/lines/1/qty",
            "invalid type: string \"two\", expected u32",
        ),
    )
    .await;
    expect_problem(&base, path, JSON, "{}", shape("#", "missing field `lines`")).await;
}

#[tokio::test]
async fn actix_json_payload_error_through_the_error_handler() {
    let server = actix_server::start();
    let (base, path) = (&server.base, "/framework");
    expect_problem(base, path, Some("text/plain"), "{}", unsupported()).await;
    expect_problem(
        base,
        path,
        JSON,
        &"x".repeat(LIMIT + 1),
        json!({
            "title": "Content Too Large",
            "status": 413,
            "detail": "the request body is larger than the limit of 256 bytes"
        }),
    )
    .await;
    expect_problem(
        base,
        path,
        JSON,
        MISSING_COMMA,
        syntax("expected `,` or `}` at line 2 column 18"),
    )
    .await;
    // actix-web does not track where a shape error is: no `errors`, and
    // serde_json's position in `detail` (the closing quote of "two").
    expect_problem(
        base,
        path,
        JSON,
        SECOND_LINE_NOT_A_NUMBER,
        json!({
            "title": "Unprocessable Content",
            "status": 422,
            "detail": "the request body is valid JSON of the wrong shape: invalid type: string \"two\", expected u32 at line 1 column 67"
        }),
    )
    .await;
}

/// One answer read off a raw connection: the lowercased head and the body.
async fn read_answer(read: &mut tokio::net::tcp::OwnedReadHalf, what: &str) -> (String, Vec<u8>) {
    use tokio::io::AsyncReadExt;
    use tokio::time::{Duration, timeout};

    let mut raw = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = timeout(Duration::from_secs(20), read.read(&mut chunk))
            .await
            .unwrap_or_else(|_| panic!("{what}: no answer"))
            .unwrap_or_else(|e| panic!("{what}: the connection failed: {e}"));
        assert_ne!(n, 0, "{what}: closed before the answer: {raw:?}");
        raw.extend_from_slice(&chunk[..n]);
        let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
        raw.drain(..end + 4);
        let length: usize = head
            .split("\r\n")
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or_else(|| panic!("{what}: no content-length: {head}"));
        while raw.len() < length {
            let n = read.read(&mut chunk).await.expect("the whole body");
            assert_ne!(n, 0, "{what}: the body is cut");
            raw.extend_from_slice(&chunk[..n]);
        }
        assert_eq!(raw.len(), length, "{what}: bytes after the answer");
        return (head, raw);
    }
}

/// Whether the head has the field `name: value`.
fn has_field(head: &str, name: &str, value: &str) -> bool {
    head.split("\r\n").skip(1).any(|line| {
        line.split_once(':')
            .is_some_and(|(n, v)| n == name && v.trim() == value)
    })
}

/// How a raw upload says where its body ends (RFC 9112 §6).
#[derive(Clone, Copy, Debug)]
enum Framing {
    /// `Content-Length: size`.
    Length,
    /// `Transfer-Encoding: chunked`, in chunks of 16 KiB: the server learns
    /// the size only by reading.
    Chunked,
}

/// Sends a keep-alive POST whose body (`size` bytes of spaces, framed as
/// `framing` says) is over the limit, writing the body from another task,
/// and reads the answer: a 413 problem. Returns its head, the connection's
/// read half and the task that writes (it gives the write half back).
async fn over_the_limit_raw(
    base: &str,
    path: &str,
    size: usize,
    framing: Framing,
) -> (
    String,
    tokio::net::tcp::OwnedReadHalf,
    tokio::task::JoinHandle<std::io::Result<tokio::net::tcp::OwnedWriteHalf>>,
) {
    use tokio::io::AsyncWriteExt;

    let authority = base.trim_start_matches("http://");
    let stream = tokio::net::TcpStream::connect(authority).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    let framing_field = match framing {
        Framing::Length => format!("content-length: {size}"),
        Framing::Chunked => "transfer-encoding: chunked".to_owned(),
    };
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: {authority}\r\ncontent-type: application/json\r\n{framing_field}\r\n\r\n"
    );
    let upload = tokio::spawn(async move {
        write.write_all(head.as_bytes()).await?;
        match framing {
            Framing::Length => write.write_all(&vec![b' '; size]).await?,
            Framing::Chunked => {
                let chunk = [b' '; 16 << 10];
                let mut left = size;
                while left > 0 {
                    let n = left.min(chunk.len());
                    write.write_all(format!("{n:x}\r\n").as_bytes()).await?;
                    write.write_all(&chunk[..n]).await?;
                    write.write_all(b"\r\n").await?;
                    left -= n;
                }
                write.write_all(b"0\r\n\r\n").await?;
            }
        }
        Ok(write)
    });
    let (head, body) = read_answer(&mut read, path).await;
    assert!(
        head.starts_with("http/1.1 413 "),
        "{path} ({framing:?}): {head}"
    );
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["status"], 413, "{path} ({framing:?})");
    (head, read, upload)
}

/// Five rounds, through one pooled reqwest client, of a body of `size` bytes
/// over the limit, which gets its 413, then a body that fits, which gets its
/// 200 whichever connection the client picks.
async fn pooled_rounds(base: &str, path: &str, size: usize) {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let over = format!(r#"{{"lines": [], "x": "{}"}}"#, "a".repeat(size));
    let fits = r#"{"lines": [{"item": "tea", "qty": 1}]}"#;
    for round in 0..5 {
        let response = client
            .post(format!("{base}{path}"))
            .header("content-type", "application/json")
            .body(over.clone())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: round {round}, the 413: {e:?}"));
        assert_eq!(response.status(), 413, "{path}");
        response.bytes().await.unwrap();
        let response = client
            .post(format!("{base}{path}"))
            .header("content-type", "application/json")
            .body(fits)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: round {round}, the request after a 413: {e:?}"));
        assert_eq!(response.status(), 200, "{path}");
    }
}

/// axum (hyper) answers a body over the limit, reads what has arrived and
/// closes the connection (RFC 9110 §15.5.14). The 413 says so in
/// `Connection: close` (RFC 9112 §9.6), so that no client sends its next
/// request on it: whether the body declared its size or was chunked.
#[tokio::test]
async fn axum_over_the_limit_says_connection_close() {
    use tokio::io::AsyncReadExt;
    use tokio::time::{Duration, timeout};

    let base = axum_server::start().await;
    for framing in [Framing::Length, Framing::Chunked] {
        let (head, mut read, upload) = over_the_limit_raw(&base, "/orders", 4 << 20, framing).await;
        assert!(
            has_field(&head, "connection", "close"),
            "{framing:?}: a 413 says `connection: close`: {head}"
        );
        // The server closes: the next read ends (or the unread upload resets it).
        let mut rest = [0u8; 64];
        let end = timeout(Duration::from_secs(20), read.read(&mut rest))
            .await
            .expect("the server closes the connection");
        assert!(
            matches!(end, Ok(0) | Err(_)),
            "{framing:?}: more after the answer: {end:?}"
        );
        let _ = upload.await;
    }
    pooled_rounds(&base, "/orders", LIMIT).await;
    pooled_rounds(&base, "/orders", 4 << 20).await;
}

/// actix-web's `Json` reads the rest of a body over the limit before it
/// answers, up to 16 MiB: a body whose `Content-Length` says it is over, and
/// a chunked body found over the limit while it is read. So the client that
/// is still sending gets its 413, and the connection carries on: no
/// `Connection: close`, and the next request on it gets its answer. (Without
/// that, actix-web closes the connection after the answer without saying so:
/// a 4 MiB upload never saw its 413, and the request after a chunked 1 MiB
/// one was lost.)
#[tokio::test]
async fn actix_over_the_limit_reads_the_body_and_keeps_the_connection() {
    use tokio::io::AsyncWriteExt;

    let server = actix_server::start();
    let base = &server.base;
    let uploads = [
        (Framing::Length, 4 << 20),
        (Framing::Chunked, LIMIT + 1),
        (Framing::Chunked, 1 << 20),
        (Framing::Chunked, 4 << 20),
    ];
    for path in ["/orders", "/data-config"] {
        for (framing, size) in uploads {
            let what = format!("{path}, {size} bytes, {framing:?}");
            let (head, mut read, upload) = over_the_limit_raw(base, path, size, framing).await;
            assert!(
                !head.contains("\r\nconnection:"),
                "{what}: the connection carries on: {head}"
            );
            let mut write = upload.await.unwrap().expect("the whole body is read");
            let fits = r#"{"lines": [{"item": "tea", "qty": 1}]}"#;
            let next = format!(
                "POST {path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{fits}",
                fits.len()
            );
            write.write_all(next.as_bytes()).await.unwrap();
            let (head, body) = read_answer(&mut read, &what).await;
            assert!(head.starts_with("http/1.1 200 "), "{what}: {head}");
            let body: Value = serde_json::from_slice(&body).unwrap();
            // The order echoed: `tags` defaults to empty, `kind` is left out.
            assert_eq!(
                body,
                json!({"lines": [{"item": "tea", "qty": 1}], "tags": {}}),
                "{what}"
            );
        }
        pooled_rounds(base, path, LIMIT).await;
        pooled_rounds(base, path, 4 << 20).await;
    }
}
