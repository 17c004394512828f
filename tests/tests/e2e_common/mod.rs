//! What a client of the orders service must see for each failure, written
//! once for both frameworks (`e2e_axum.rs`, `e2e_actix.rs`), and the code that
//! sends a request over TCP and compares the whole response.

#![allow(dead_code)] // each test file uses what it needs

use std::collections::BTreeSet;

use apierror_examples::orders::{BODY_LIMIT, DECLINED_CARD, DEMO_TOKEN};
use reqwest::Method;
use serde_json::{Value, json};

/// A header the response must carry.
pub enum Header {
    /// Exactly this value, and only once.
    Is(&'static str, &'static str),
    /// A whole number of seconds in this range (a `Retry-After` that counts
    /// down).
    Seconds(&'static str, u64, u64),
    /// A list of methods (`Allow`, RFC 9110 §10.2.1: `#method`, so
    /// `GET,HEAD` and `GET, HEAD` are the same list), in any order.
    Methods(&'static str, &'static [&'static str]),
}

impl Header {
    fn name(&self) -> &'static str {
        match self {
            Header::Is(name, _) | Header::Seconds(name, _, _) | Header::Methods(name, _) => name,
        }
    }
}

/// One failing request and the response it must get.
pub struct Case {
    pub method: &'static str,
    pub path: &'static str,
    pub token: bool,
    pub body: Option<String>,
    /// The request's `Content-Type` when it has a body.
    pub content_type: &'static str,
    /// Requests sent first, each expected to succeed.
    pub before: &'static [(&'static str, &'static str)],
    pub status: u16,
    /// Every header besides `content-type`, `content-length` and `date`.
    pub headers: Vec<Header>,
    /// The whole body; `None` for a HEAD request.
    pub problem: Option<Value>,
    /// Text that must not appear anywhere in the response.
    pub secrets: &'static [&'static str],
}

fn case(method: &'static str, path: &'static str, status: u16, problem: Value) -> Case {
    Case {
        method,
        path,
        token: true,
        body: None,
        content_type: "application/json",
        before: &[],
        status,
        headers: Vec::new(),
        problem: Some(problem),
        secrets: &[],
    }
}

pub fn unauthenticated() -> Case {
    Case {
        token: false,
        headers: vec![Header::Is("www-authenticate", "Bearer realm=\"orders\"")],
        ..case(
            "GET",
            "/orders",
            401,
            json!({"title": "Unauthorized", "status": 401, "detail": "missing or invalid bearer token"}),
        )
    }
}

pub fn not_found() -> Case {
    case(
        "GET",
        "/orders/999",
        404,
        json!({
            "title": "Not Found",
            "status": 404,
            "detail": "order 999 not found",
            "instance": "/orders/999"
        }),
    )
}

/// The router's own empty 404, made a problem by the layer: the status and
/// its title, no `detail` (there was no text).
pub fn no_route() -> Case {
    case(
        "GET",
        "/no/such/path",
        404,
        json!({"title": "Not Found", "status": 404}),
    )
}

pub fn id_not_a_number() -> Case {
    case(
        "GET",
        "/orders/abc",
        404,
        json!({"title": "Not Found", "status": 404, "detail": "no resource at this path"}),
    )
}

/// The router's own 405, made a problem by the layer, keeping its `Allow`.
pub fn method_not_allowed() -> Case {
    Case {
        headers: vec![Header::Methods("allow", &["GET", "HEAD", "DELETE"])],
        ..case(
            "PUT",
            "/orders/1",
            405,
            json!({"title": "Method Not Allowed", "status": 405}),
        )
    }
}

pub fn method_not_allowed_head() -> Case {
    Case {
        headers: vec![Header::Methods("allow", &["POST"])],
        problem: None,
        ..case("HEAD", "/orders/1/pay", 405, Value::Null)
    }
}

/// A wrong method on a route with one method.
pub fn method_not_allowed_post_only() -> Case {
    Case {
        headers: vec![Header::Methods("allow", &["POST"])],
        ..case(
            "GET",
            "/orders/1/pay",
            405,
            json!({"title": "Method Not Allowed", "status": 405}),
        )
    }
}

pub fn wrong_state() -> Case {
    case(
        "DELETE",
        "/orders/2",
        409,
        json!({
            "type": "/problems/order-state",
            "title": "Order is in the wrong state",
            "status": 409,
            "detail": "order 2 is paid; it cannot be cancelled",
            "id": 2,
            "state": "paid",
            "action": "cancel"
        }),
    )
}

/// The create-order rules (validator): one violation per invalid value, in
/// pointer order, each pointer in its URI fragment form (RFC 6901 §6); the
/// messages are the one written on the rule (`sku`) and the sentence made
/// from the range's code and bounds (`qty`).
pub fn invalid_lines() -> Case {
    Case {
        body: Some(
            json!({"lines": [
                {"sku": "espresso-beans", "qty": 2},
                {"sku": "", "qty": 101}
            ]})
            .to_string(),
        ),
        ..case(
            "POST",
            "/orders",
            422,
            json!({
                "title": "Unprocessable Content",
                "status": 422,
                "detail": "2 values are invalid",
                "errors": [
                    {"detail": "must be at least 1 and at most 100", "pointer": "#/lines/1/qty"},
                    {"detail": "must not be empty", "pointer": "#/lines/1/sku"}
                ]
            }),
        )
    }
}

/// An order without lines breaks the rule on the list itself, which points
/// at the list.
pub fn no_lines() -> Case {
    Case {
        body: Some(r#"{"lines": []}"#.into()),
        ..case(
            "POST",
            "/orders",
            422,
            json!({
                "title": "Unprocessable Content",
                "status": 422,
                "detail": "1 value is invalid",
                "errors": [{"detail": "must hold at least one line", "pointer": "#/lines"}]
            }),
        )
    }
}

/// Valid JSON of the wrong shape: the `Json` extractor's 422, one violation
/// pointing at the failing value.
pub fn wrong_shape() -> Case {
    Case {
        body: Some(
            r#"{"lines": [{"sku": "tea", "qty": 1}, {"sku": "milk", "qty": "two"}]}"#.into(),
        ),
        ..case(
            "POST",
            "/orders",
            422,
            json!({
                "title": "Unprocessable Content",
                "status": 422,
                "detail": "the request body is valid JSON of the wrong shape",
                "errors": [{
                    "detail": "invalid type: string \"two\", expected u32",
                    "pointer": "#/lines/1/qty"
                }]
            }),
        )
    }
}

/// Not JSON: 400, and `detail` says where. Line 2, column 17 is the `"`
/// where a `,` or `}` should be.
pub fn malformed_body() -> Case {
    Case {
        body: Some("{\"lines\": [\n  {\"sku\": \"tea\" \"qty\": 1}\n]}".into()),
        ..case(
            "POST",
            "/orders",
            400,
            json!({
                "title": "Bad Request",
                "status": 400,
                "detail": "the request body is not valid JSON: expected `,` or `}` at line 2 column 17"
            }),
        )
    }
}

/// A body that is not sent as JSON: 415.
pub fn unsupported_media_type() -> Case {
    Case {
        body: Some("sku=tea&qty=1".into()),
        content_type: "application/x-www-form-urlencoded",
        ..case(
            "POST",
            "/orders",
            415,
            json!({
                "title": "Unsupported Media Type",
                "status": 415,
                "detail": "the request body must be JSON, sent with Content-Type: application/json"
            }),
        )
    }
}

/// A JSON body one byte over the examples' limit.
pub fn oversized_body() -> String {
    let head = r#"{"lines":[{"sku":""#;
    let tail = r#"","qty":1}]}"#;
    let sku = "x".repeat(BODY_LIMIT + 1 - head.len() - tail.len());
    format!("{head}{sku}{tail}")
}

/// A body over the limit: 413 Content Too Large (the registry's title).
/// `detail` gives the limit where the framework knows it: actix-web's
/// `JsonConfig` does, axum's `DefaultBodyLimit` rejection does not. On axum
/// the connection closes after it, and says so (`Connection: close`, RFC
/// 9112 §9.6); actix-web's `Json` reads the rest of the body and the
/// connection carries on.
pub fn too_large(detail: &str, headers: Vec<Header>) -> Case {
    Case {
        body: Some(oversized_body()),
        headers,
        ..case(
            "POST",
            "/orders",
            413,
            json!({"title": "Content Too Large", "status": 413, "detail": detail}),
        )
    }
}

pub fn rate_limited() -> Case {
    Case {
        before: &[("GET", "/orders/export")],
        headers: vec![Header::Seconds("retry-after", 1, 60)],
        ..case(
            "GET",
            "/orders/export",
            429,
            json!({
                "title": "Too Many Requests",
                "status": 429,
                "detail": "export is limited to one per minute"
            }),
        )
    }
}

pub fn payment_declined() -> Case {
    Case {
        body: Some(json!({ "card": DECLINED_CARD }).to_string()),
        ..case(
            "POST",
            "/orders/1/pay",
            402,
            json!({
                "type": "/problems/payment-declined",
                "title": "Payment declined",
                "status": 402,
                "detail": "card declined: insufficient_funds",
                "reason": "insufficient_funds"
            }),
        )
    }
}

pub fn carrier_unavailable() -> Case {
    Case {
        headers: vec![Header::Is("retry-after", "30")],
        secrets: &["carrier-api", "8443", "refused", "unavailable:"],
        ..case(
            "GET",
            "/orders/1/tracking",
            503,
            json!({"title": "Service Unavailable", "status": 503}),
        )
    }
}

pub fn handler_panic() -> Case {
    Case {
        secrets: &["index out of bounds", "len is", "panicked", "orders.rs"],
        ..case(
            "GET",
            "/orders/1/invoice",
            500,
            json!({"title": "Internal Server Error", "status": 500}),
        )
    }
}

/// A client that never goes through a proxy.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("an HTTP client")
}

/// Sends `method path` with the demo token; the response.
pub async fn send(
    client: &reqwest::Client,
    base: &str,
    method: &str,
    path: &str,
    token: bool,
    body: Option<String>,
) -> reqwest::Response {
    send_typed(client, base, method, path, token, body, "application/json").await
}

/// [`send`], with the body's content type given.
pub async fn send_typed(
    client: &reqwest::Client,
    base: &str,
    method: &str,
    path: &str,
    token: bool,
    body: Option<String>,
    content_type: &str,
) -> reqwest::Response {
    let method = Method::from_bytes(method.as_bytes()).expect("a method");
    let mut request = client.request(method, format!("{base}{path}"));
    if token {
        request = request.bearer_auth(DEMO_TOKEN);
    }
    if let Some(body) = body {
        request = request.header("content-type", content_type).body(body);
    }
    request.send().await.expect("the server answers")
}

/// Sends the case's request to the service at `base` and checks the whole
/// response: status, content type, exactly the expected headers, the body as
/// JSON, and no secret anywhere. A GET is then repeated as HEAD, which must
/// carry the same status and headers and no body.
pub async fn check(base: &str, case: Case) {
    let client = client();
    for (method, path) in case.before {
        let response = send(&client, base, method, path, true, None).await;
        assert!(
            response.status().is_success(),
            "{method} {path} before the case: {}",
            response.status()
        );
    }
    let what = format!("{} {}", case.method, case.path);
    let response = send_typed(
        &client,
        base,
        case.method,
        case.path,
        case.token,
        case.body.clone(),
        case.content_type,
    )
    .await;
    check_response(&what, &case, response).await;

    if case.method == "GET" {
        let response = send(&client, base, "HEAD", case.path, case.token, None).await;
        let head = Case {
            problem: None,
            method: "HEAD",
            ..case
        };
        check_response(&format!("HEAD {}", head.path), &head, response).await;
    }
}

async fn check_response(what: &str, case: &Case, response: reqwest::Response) {
    assert_eq!(response.status().as_u16(), case.status, "{what}: status");
    let headers = response.headers().clone();
    assert_eq!(
        headers
            .get_all("content-type")
            .iter()
            .map(|v| v.to_str().unwrap_or("(not text)"))
            .collect::<Vec<_>>(),
        ["application/problem+json"],
        "{what}: content-type"
    );

    let expected: BTreeSet<&str> = case
        .headers
        .iter()
        .map(Header::name)
        .chain(["content-type", "content-length", "date"])
        .collect();
    let actual: BTreeSet<&str> = headers.keys().map(|name| name.as_str()).collect();
    assert_eq!(actual, expected, "{what}: header names");
    for header in &case.headers {
        let values: Vec<&str> = headers
            .get_all(header.name())
            .iter()
            .map(|v| v.to_str().unwrap_or("(not text)"))
            .collect();
        match *header {
            Header::Is(name, value) => assert_eq!(values, [value], "{what}: {name}"),
            Header::Seconds(name, low, high) => {
                assert_eq!(values.len(), 1, "{what}: one {name}");
                let secs: u64 = values[0].parse().expect("whole seconds");
                assert!((low..=high).contains(&secs), "{what}: {name} {secs}");
            }
            Header::Methods(name, methods) => {
                let mut listed: Vec<&str> = values
                    .iter()
                    .flat_map(|v| v.split(','))
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .collect();
                listed.sort_unstable();
                let mut expected = methods.to_vec();
                expected.sort_unstable();
                assert_eq!(listed, expected, "{what}: {name} {values:?}");
            }
        }
    }

    let body = response.bytes().await.expect("a body");
    let text = String::from_utf8_lossy(&body);
    for secret in case.secrets {
        assert!(
            !text.contains(secret),
            "{what}: the body leaks {secret:?}: {text}"
        );
        for (name, value) in &headers {
            let value = String::from_utf8_lossy(value.as_bytes());
            assert!(
                !value.contains(secret),
                "{what}: header {name} leaks {secret:?}"
            );
        }
    }
    match &case.problem {
        None => assert!(
            body.is_empty(),
            "{what}: a HEAD response has no body: {text}"
        ),
        Some(problem) => {
            let actual: Value = serde_json::from_slice(&body)
                .unwrap_or_else(|e| panic!("{what}: the body is not JSON ({e}): {text}"));
            assert_eq!(&actual, problem, "{what}: body");
            assert_eq!(
                headers.get("content-length").and_then(|v| v.to_str().ok()),
                Some(body.len().to_string().as_str()),
                "{what}: content-length"
            );
        }
    }
}

/// Defines one `#[tokio::test]` per case, each against a fresh service
/// started by `$start` (an async expression giving its base URL and something
/// to keep alive). Needs `#[macro_use] mod e2e_common;`.
/// One `#[tokio::test]` per expected response, against the service `$start`
/// starts: every case of this module, so both frameworks check the same list.
macro_rules! all_cases {
    ($start:expr) => {
        cases!($start;
            unauthenticated,
            not_found,
            no_route,
            id_not_a_number,
            method_not_allowed,
            method_not_allowed_head,
            method_not_allowed_post_only,
            wrong_state,
            invalid_lines,
            no_lines,
            wrong_shape,
            malformed_body,
            unsupported_media_type,
            rate_limited,
            payment_declined,
            carrier_unavailable,
            handler_panic,
        );
    };
}

macro_rules! cases {
    ($start:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let (base, _server) = $start.await;
                e2e_common::check(&base, e2e_common::$case()).await;
            }
        )*
    };
}

pub async fn health_is_a_plain_200(base: &str) {
    let response = send(&client(), base, "GET", "/health", false, None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

pub async fn the_happy_path_still_works(base: &str) {
    let client = client();
    let lines = json!([{"sku": "grinder", "qty": 1}, {"sku": "filter-papers", "qty": 100}]);
    let body = json!({ "lines": lines }).to_string();
    let created = send(&client, base, "POST", "/orders", true, Some(body)).await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["location"], "/orders/3");
    assert_eq!(created.headers()["content-type"], "application/json");
    let order = json!({"id": 3, "lines": lines, "state": "open"});
    assert_eq!(created.json::<serde_json::Value>().await.unwrap(), order);

    let read = send(&client, base, "GET", "/orders/3", true, None).await;
    assert_eq!(read.status(), 200);
    assert_eq!(read.json::<serde_json::Value>().await.unwrap(), order);

    let card = json!({"card": "4242424242424242"}).to_string();
    let paid = send(&client, base, "POST", "/orders/3/pay", true, Some(card)).await;
    assert_eq!(paid.status(), 200);
    assert_eq!(
        paid.json::<serde_json::Value>().await.unwrap()["state"],
        "paid"
    );

    let cancelled = send(&client, base, "DELETE", "/orders/1", true, None).await;
    assert_eq!(cancelled.status(), 200);
    assert_eq!(
        cancelled.json::<serde_json::Value>().await.unwrap()["state"],
        "cancelled"
    );
}

pub async fn the_server_keeps_serving_after_a_panic(base: &str) {
    let client = client();
    for _ in 0..3 {
        let response = send(&client, base, "GET", "/orders/1/invoice", true, None).await;
        assert_eq!(response.status(), 500);
        let response = send(&client, base, "GET", "/orders/1", true, None).await;
        assert_eq!(response.status(), 200);
    }
}
