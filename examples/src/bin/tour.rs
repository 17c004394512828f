//! A tour of the orders service: starts it, calls every failing endpoint,
//! prints each response as a client sees it.
//!
//! ```text
//! cargo run -p apierror-examples --bin tour              # axum, ephemeral port, exits
//! cargo run -p apierror-examples --bin tour -- --actix   # the same on actix-web
//! cargo run -p apierror-examples --bin tour -- --serve   # stay on 127.0.0.1:3000, print curl lines
//! cargo run -p apierror-examples --bin tour -- --serve --port 0   # any free port, printed first
//! ```
//!
//! Logs (5xx at ERROR, with the causes the bodies leave out) go to stderr.
//!
//! It ends with one error in both formats: a small router of its own behind
//! `apierror::axum::ProblemLayer::new().with_xml()`, asked once for JSON and
//! once with `Accept: application/problem+xml` (RFC 9457 Appendix B; the
//! crate's default feature `xml`).

use std::process::ExitCode;

use apierror_examples::orders::{BODY_LIMIT, DECLINED_CARD, DEMO_TOKEN};
use apierror_examples::{actix_app, axum_app};
use reqwest::Method;
use tracing_subscriber::filter::LevelFilter;

/// One request of the tour, and what it must answer.
struct Step {
    what: &'static str,
    method: &'static str,
    path: &'static str,
    token: bool,
    body: Body,
    expect: u16,
    /// The `Content-Type` the answer must have; problems unless said.
    content_type: &'static str,
    /// A header the answer must carry (`Allow` on a 405, ...).
    header: Option<&'static str>,
    /// The whole body: JSON compared as values, or text compared as it is.
    answer: Answer,
    /// The body actix-web answers with where it differs from axum's: the
    /// 413, where actix-web knows the limit and says it, and the metrics.
    actix_answer: Option<Answer>,
}

/// What a step sends.
#[derive(Clone, Copy)]
enum Body {
    None,
    /// Sent as `Content-Type: application/json`.
    Json(&'static str),
    /// Sent with another content type.
    Typed(&'static str, &'static str),
    /// One order line whose `sku` is longer than the body limit: 413.
    Oversized,
}

/// The expected body of an answer.
#[derive(Clone, Copy)]
enum Answer {
    /// No body (HEAD).
    Empty,
    /// This JSON, compared as a value (member order aside).
    Json(&'static str),
    /// This text, exactly.
    Text(&'static str),
}

const PROBLEM: &str = "application/problem+json";

const fn step(
    what: &'static str,
    method: &'static str,
    path: &'static str,
    expect: u16,
    answer: &'static str,
) -> Step {
    Step {
        what,
        method,
        path,
        token: true,
        body: Body::None,
        expect,
        content_type: PROBLEM,
        header: None,
        answer: Answer::Json(answer),
        actix_answer: None,
    }
}

/// Kept in step with `DECLINED_CARD` by a check in `main`.
const PAY_DECLINED: &str = r#"{"card":"4000000000000002"}"#;

/// The seed orders, as `GET /orders/export` lists them.
const SEED: &str = r#"[
    {"id": 1, "lines": [{"sku": "espresso-beans", "qty": 2}], "state": "open"},
    {"id": 2, "lines": [{"sku": "milk-frother", "qty": 1}], "state": "paid"}
]"#;

const STEPS: &[Step] = &[
    Step {
        token: false,
        header: Some("www-authenticate"),
        ..step(
            "401: no bearer token; the challenge is in WWW-Authenticate",
            "GET",
            "/orders",
            401,
            r#"{"title": "Unauthorized", "status": 401, "detail": "missing or invalid bearer token"}"#,
        )
    },
    step(
        "404: an order that does not exist; `instance` names it",
        "GET",
        "/orders/999",
        404,
        r#"{"title": "Not Found", "status": 404, "detail": "order 999 not found", "instance": "/orders/999"}"#,
    ),
    Step {
        answer: Answer::Empty,
        ..step(
            "HEAD of the same: every header, no body",
            "HEAD",
            "/orders/999",
            404,
            "",
        )
    },
    Step {
        header: Some("allow"),
        ..step(
            "405: the router's own answer to a method the resource does not take, made a problem by apierror's layer; `Allow` lists the methods",
            "PUT",
            "/orders/1",
            405,
            r#"{"title": "Method Not Allowed", "status": 405}"#,
        )
    },
    step(
        "409: a paid order cannot be cancelled; `id`, `state` and `action` are extension members",
        "DELETE",
        "/orders/2",
        409,
        r#"{
            "type": "/problems/order-state",
            "title": "Order is in the wrong state",
            "status": 409,
            "detail": "order 2 is paid; it cannot be cancelled",
            "id": 2,
            "state": "paid",
            "action": "cancel"
        }"#,
    ),
    Step {
        body: Body::Json(r#"{"lines":[{"sku":"espresso-beans","qty":2},{"sku":"","qty":0}]}"#),
        ..step(
            "422: validator's rules on the body; one violation per value, each with its JSON Pointer",
            "POST",
            "/orders",
            422,
            r##"{
                "title": "Unprocessable Content",
                "status": 422,
                "detail": "2 values are invalid",
                "errors": [
                    {"detail": "must be at least 1 and at most 100", "pointer": "#/lines/1/qty"},
                    {"detail": "must not be empty", "pointer": "#/lines/1/sku"}
                ]
            }"##,
        )
    },
    Step {
        body: Body::Json(r#"{"lines":[{"sku":"espresso-beans","qty":"two"}]}"#),
        ..step(
            "422: JSON of the wrong shape; the `Json` extractor points at the value",
            "POST",
            "/orders",
            422,
            r##"{
                "title": "Unprocessable Content",
                "status": 422,
                "detail": "the request body is valid JSON of the wrong shape",
                "errors": [
                    {"detail": "invalid type: string \"two\", expected u32", "pointer": "#/lines/0/qty"}
                ]
            }"##,
        )
    },
    Step {
        body: Body::Json("{\"lines\": [\n  {\"sku\": \"espresso-beans\" \"qty\": 1}\n]}"),
        ..step(
            "400: not JSON at all; `detail` says where (line and column)",
            "POST",
            "/orders",
            400,
            r#"{
                "title": "Bad Request",
                "status": 400,
                "detail": "the request body is not valid JSON: expected `,` or `}` at line 2 column 28"
            }"#,
        )
    },
    Step {
        body: Body::Typed("text/plain", "espresso-beans x 2"),
        ..step(
            "415: a body that is not sent as JSON",
            "POST",
            "/orders",
            415,
            r#"{
                "title": "Unsupported Media Type",
                "status": 415,
                "detail": "the request body must be JSON, sent with Content-Type: application/json"
            }"#,
        )
    },
    Step {
        body: Body::Oversized,
        actix_answer: Some(Answer::Json(
            r#"{
                "title": "Content Too Large",
                "status": 413,
                "detail": "the request body is larger than the limit of 2097152 bytes"
            }"#,
        )),
        ..step(
            "413: a body over the limit (2 MiB)",
            "POST",
            "/orders",
            413,
            r#"{"title": "Content Too Large", "status": 413, "detail": "the request body is too large"}"#,
        )
    },
    Step {
        content_type: "application/json",
        answer: Answer::Json(SEED),
        ..step(
            "200: the first export of the minute",
            "GET",
            "/orders/export",
            200,
            "",
        )
    },
    Step {
        header: Some("retry-after"),
        ..step(
            "429: the second; Retry-After comes from a field",
            "GET",
            "/orders/export",
            429,
            r#"{"title": "Too Many Requests", "status": 429, "detail": "export is limited to one per minute"}"#,
        )
    },
    Step {
        body: Body::Json(PAY_DECLINED),
        ..step(
            "402: the payment provider's own error, passed on by a `transparent` variant",
            "POST",
            "/orders/1/pay",
            402,
            r#"{
                "type": "/problems/payment-declined",
                "title": "Payment declined",
                "status": 402,
                "detail": "card declined: insufficient_funds",
                "reason": "insufficient_funds"
            }"#,
        )
    },
    Step {
        header: Some("retry-after"),
        ..step(
            "503: the cause (an internal host) stays out of the body; the ERROR log on stderr has it",
            "GET",
            "/orders/1/tracking",
            503,
            r#"{"title": "Service Unavailable", "status": 503}"#,
        )
    },
    step(
        "500: the handler panicked; the body says nothing, the log has the panic message",
        "GET",
        "/orders/1/invoice",
        500,
        r#"{"title": "Internal Server Error", "status": 500}"#,
    ),
    step(
        "404: no route at all; the router's empty 404, made a problem by apierror's layer",
        "GET",
        "/no/such/path",
        404,
        r#"{"title": "Not Found", "status": 404}"#,
    ),
    Step {
        content_type: "text/plain; charset=utf-8",
        answer: Answer::Text(METRICS),
        actix_answer: Some(Answer::Text(METRICS_ACTIX)),
        ..step(
            "the metrics layer counted each problem a handler or extractor answered, from the record in the response extensions",
            "GET",
            "/metrics",
            200,
            "",
        )
    },
];

/// What `GET /metrics` says after the steps above: the problems that
/// carry a record (the router's own 404 and 405 do not: the layer makes them
/// after the metrics layer has seen the response).
const METRICS: &str = "# TYPE problems_total counter
problems_total{status=\"400\",type=\"about:blank\"} 1
problems_total{status=\"401\",type=\"about:blank\"} 1
problems_total{status=\"402\",type=\"/problems/payment-declined\"} 1
problems_total{status=\"404\",type=\"about:blank\"} 2
problems_total{status=\"409\",type=\"/problems/order-state\"} 1
problems_total{status=\"413\",type=\"about:blank\"} 1
problems_total{status=\"415\",type=\"about:blank\"} 1
problems_total{status=\"422\",type=\"about:blank\"} 2
problems_total{status=\"429\",type=\"about:blank\"} 1
problems_total{status=\"500\",type=\"about:blank\"} 1
problems_total{status=\"503\",type=\"about:blank\"} 1
";

/// The same on actix-web, without the 500: there the panic leaves the
/// catch-panic middleware, outermost, as an error that no middleware inside
/// sees.
const METRICS_ACTIX: &str = "# TYPE problems_total counter
problems_total{status=\"400\",type=\"about:blank\"} 1
problems_total{status=\"401\",type=\"about:blank\"} 1
problems_total{status=\"402\",type=\"/problems/payment-declined\"} 1
problems_total{status=\"404\",type=\"about:blank\"} 2
problems_total{status=\"409\",type=\"/problems/order-state\"} 1
problems_total{status=\"413\",type=\"about:blank\"} 1
problems_total{status=\"415\",type=\"about:blank\"} 1
problems_total{status=\"422\",type=\"about:blank\"} 2
problems_total{status=\"429\",type=\"about:blank\"} 1
problems_total{status=\"503\",type=\"about:blank\"} 1
";

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let actix = args.iter().any(|a| a == "--actix");
    let serve = args.iter().any(|a| a == "--serve");
    let port = match args.iter().position(|a| a == "--port") {
        Some(at) => match args.get(at + 1).map(|p| p.parse::<u16>()) {
            Some(Ok(port)) if serve => Some((at + 1, port)),
            _ => {
                eprintln!("--port needs --serve and a port number (0 for any free one)");
                return ExitCode::FAILURE;
            }
        },
        None => None,
    };
    let unknown = args.iter().enumerate().find(|&(i, a)| {
        !matches!(a.as_str(), "--actix" | "--serve" | "--port")
            && port.is_none_or(|(at, _)| at != i)
    });
    if let Some((_, unknown)) = unknown {
        eprintln!("unknown argument {unknown}; use --serve [--port N] and/or --actix");
        return ExitCode::FAILURE;
    }
    if !PAY_DECLINED.contains(DECLINED_CARD) {
        eprintln!("the tour's payment body is out of step with DECLINED_CARD");
        return ExitCode::FAILURE;
    }
    // One line per panic instead of a backtrace: the tour makes one on purpose.
    std::panic::set_hook(Box::new(|info| eprintln!("panic hook: {info}")));
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(LevelFilter::INFO)
        .init();

    let framework = if actix { "actix-web" } else { "axum" };
    let addr = match (serve, port) {
        (true, Some((_, port))) => format!("127.0.0.1:{port}"),
        (true, None) => "127.0.0.1:3000".to_owned(),
        (false, _) => "127.0.0.1:0".to_owned(),
    };
    let (base, actix_server) = match start(actix, &addr).await {
        Ok(started) => started,
        Err(error) => {
            eprintln!("could not start the {framework} service on {addr}: {error}");
            return ExitCode::FAILURE;
        }
    };

    if serve {
        println!("The {framework} orders service listens on {base}. Try:\n");
        for step in STEPS {
            println!("# {}\n{}\n", step.what, curl(&base, step));
        }
        println!("Ctrl-C stops it.");
        let _ = tokio::signal::ctrl_c().await;
        if let Some(handle) = actix_server {
            handle.stop(true).await;
        }
        return ExitCode::SUCCESS;
    }

    println!("apierror tour: the {framework} orders service on {base}");
    println!("Every failing endpoint, as a client sees it. Logs go to stderr.");
    let failures = tour(&base, actix).await;
    // The client side: the same service called from Rust, its errors read
    // back as `OrderError` (the `client` binary runs only this part).
    println!("\nThe same service from a Rust client, with `error_for_problem::<OrderError>()`:");
    let failures = failures + apierror_examples::client::run(&base).await;
    if let Some(handle) = actix_server {
        handle.stop(true).await;
    }
    #[cfg(feature = "xml")]
    let (failures, steps) = (failures + both_formats().await, STEPS.len() + FORMATS.len());
    #[cfg(not(feature = "xml"))]
    let steps = STEPS.len();
    if failures == 0 {
        println!("\nAll {steps} responses were as expected.");
        ExitCode::SUCCESS
    } else {
        eprintln!("\n{failures} responses were not as expected.");
        ExitCode::FAILURE
    }
}

/// Starts the chosen service on `addr`; its base URL, and the handle that
/// stops it when it is actix-web's.
async fn start(
    actix: bool,
    addr: &str,
) -> std::io::Result<(String, Option<actix_web::dev::ServerHandle>)> {
    if actix {
        let running = actix_app::spawn(addr)?;
        Ok((format!("http://{}", running.addr), Some(running.handle)))
    } else {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        tokio::spawn(axum_app::serve(listener));
        Ok((format!("http://{addr}"), None))
    }
}

/// Runs every step, printing each exchange; the number that went wrong:
/// a status, a content type, a header or a body other than expected.
async fn tour(base: &str, actix: bool) -> usize {
    let client = match reqwest::Client::builder().no_proxy().build() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("no HTTP client: {error}");
            return STEPS.len();
        }
    };
    let mut failures = 0;
    for step in STEPS {
        println!("\n━━ {}", step.what);
        println!("> {} {}", step.method, step.path);
        let method = Method::from_bytes(step.method.as_bytes()).unwrap_or(Method::GET);
        let mut request = client.request(method, format!("{base}{}", step.path));
        if step.token {
            println!("> authorization: Bearer {DEMO_TOKEN}");
            request = request.bearer_auth(DEMO_TOKEN);
        }
        if let Some((content_type, body)) = body(step.body) {
            if body.len() > 200 {
                println!(
                    "> content-type: {content_type}\n>\n> ({} bytes)",
                    body.len()
                );
            } else {
                println!("> content-type: {content_type}\n>\n> {body}");
            }
            request = request.header("content-type", content_type).body(body);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                println!("! request failed: {error}");
                failures += 1;
                continue;
            }
        };
        let status = response.status();
        println!(
            "< {:?} {} {}",
            response.version(),
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        );
        for (name, value) in response.headers() {
            if name != "date" {
                println!("< {name}: {}", String::from_utf8_lossy(value.as_bytes()));
            }
        }
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let header = step
            .header
            .is_none_or(|name| response.headers().contains_key(name));
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(error) => {
                println!("! body failed: {error}");
                failures += 1;
                continue;
            }
        };
        let json = content_type.as_deref().is_some_and(|v| v.ends_with("json"));
        match () {
            () if body.is_empty() => {}
            () if json => println!("<\n{}", pretty(&body)),
            () => println!("<\n{}", String::from_utf8_lossy(&body).trim_end()),
        }

        let mut wrong = Vec::new();
        if status.as_u16() != step.expect {
            wrong.push(format!("status {}", step.expect));
        }
        if content_type.as_deref() != Some(step.content_type) {
            wrong.push(format!("content-type {}", step.content_type));
        }
        if !header {
            wrong.push(format!("a {} header", step.header.unwrap_or_default()));
        }
        let answer = match step.actix_answer {
            Some(answer) if actix => answer,
            _ => step.answer,
        };
        if !answer_is(answer, &body) {
            wrong.push(match answer {
                Answer::Empty => "no body".to_owned(),
                Answer::Json(json) => format!("the body {}", compact(json)),
                Answer::Text(text) => format!("the body {text:?}"),
            });
        }
        if !wrong.is_empty() {
            println!("! expected {}", wrong.join(", "));
            failures += 1;
        }
    }
    failures
}

/// The `Accept` of each request of the last section, and the media type it
/// must get.
#[cfg(feature = "xml")]
const FORMATS: [(&str, &str); 2] = [
    ("application/json", "application/problem+json"),
    (
        "application/problem+xml, application/json;q=0.9",
        "application/problem+xml",
    ),
];

/// One error in both formats: a router of its own (the orders services do
/// not use the problem layer) behind `ProblemLayer::new().with_xml()`, asked
/// for JSON and then for XML. The number of answers that went wrong.
#[cfg(feature = "xml")]
async fn both_formats() -> usize {
    use apierror_examples::orders::{Action, OrderError, OrderState};
    use axum::routing::post;
    use tower::Layer;

    let router = axum::Router::new().route(
        "/orders/{id}/cancel",
        post(
            |axum::extract::Path(id): axum::extract::Path<u64>| async move {
                Err::<(), _>(OrderError::WrongState {
                    id,
                    state: OrderState::Paid,
                    action: Action::Cancel,
                })
            },
        ),
    );
    let app = apierror::axum::ProblemLayer::new().with_xml().layer(router);
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("could not start the negotiating router: {error}");
            return FORMATS.len();
        }
    };
    let base = match listener.local_addr() {
        Ok(addr) => format!("http://{addr}"),
        Err(error) => {
            eprintln!("no address for the negotiating router: {error}");
            return FORMATS.len();
        }
    };
    let app = axum::ServiceExt::<axum::extract::Request>::into_make_service(app);
    tokio::spawn(async move { axum::serve(listener, app).await });

    println!("\n━━━━ One error, both formats (RFC 9457 Appendix B)");
    println!("A router behind ProblemLayer::new().with_xml() on {base}: the Accept header picks");
    println!("problem+json or problem+xml, and every problem says `vary: accept`.");
    let client = match reqwest::Client::builder().no_proxy().build() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("no HTTP client: {error}");
            return FORMATS.len();
        }
    };
    let mut failures = 0;
    for (accept, want) in FORMATS {
        println!("\n━━ the same paid order cancelled, asked with `accept: {accept}`");
        println!("> POST /orders/7/cancel\n> accept: {accept}");
        let request = client
            .post(format!("{base}/orders/7/cancel"))
            .header("accept", accept);
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                println!("! request failed: {error}");
                failures += 1;
                continue;
            }
        };
        println!("< {:?} {}", response.version(), response.status());
        for (name, value) in response.headers() {
            if name != "date" {
                println!("< {name}: {}", String::from_utf8_lossy(value.as_bytes()));
            }
        }
        let content_type = response.headers().get("content-type").cloned();
        match response.bytes().await {
            Ok(body) if want.ends_with("json") => println!("<\n{}", pretty(&body)),
            Ok(body) => println!("<\n{}", String::from_utf8_lossy(&body)),
            Err(error) => println!("! body failed: {error}"),
        }
        if content_type.as_ref().map(|v| v.as_bytes()) != Some(want.as_bytes()) {
            println!("! expected content-type {want}");
            failures += 1;
        }
    }
    failures
}

/// The content type and bytes a step sends, if it sends a body.
fn body(body: Body) -> Option<(&'static str, String)> {
    match body {
        Body::None => None,
        Body::Json(json) => Some(("application/json", json.to_owned())),
        Body::Typed(content_type, text) => Some((content_type, text.to_owned())),
        Body::Oversized => {
            let sku = "x".repeat(BODY_LIMIT);
            Some((
                "application/json",
                format!(r#"{{"lines":[{{"sku":"{sku}","qty":1}}]}}"#),
            ))
        }
    }
}

/// Whether `body` is the expected answer.
fn answer_is(answer: Answer, body: &[u8]) -> bool {
    match answer {
        Answer::Empty => body.is_empty(),
        Answer::Text(text) => body == text.as_bytes(),
        Answer::Json(json) => {
            match (
                serde_json::from_str::<serde_json::Value>(json),
                serde_json::from_slice::<serde_json::Value>(body),
            ) {
                (Ok(expected), Ok(actual)) => expected == actual,
                _ => false,
            }
        }
    }
}

/// Expected JSON on one line, for the message of a failed step.
fn compact(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .map_or_else(|_| json.to_owned(), |v| v.to_string())
}

/// The curl line for a step.
fn curl(base: &str, step: &Step) -> String {
    let mut line = String::from("curl -i");
    match step.method {
        "GET" => {}
        "HEAD" => line = String::from("curl -I"),
        method => line.push_str(&format!(" -X {method}")),
    }
    if step.token {
        line.push_str(&format!(" -H 'authorization: Bearer {DEMO_TOKEN}'"));
    }
    match step.body {
        Body::None => {}
        Body::Json(body) => {
            line.push_str(&format!(
                " -H 'content-type: application/json' --data-binary $'{}'",
                body.replace('\n', "\\n")
            ));
        }
        Body::Typed(content_type, body) => {
            line.push_str(&format!(
                " -H 'content-type: {content_type}' --data-binary '{body}'"
            ));
        }
        Body::Oversized => {
            line = format!(
                "{{ printf '{{\"lines\":[{{\"sku\":\"'; head -c {BODY_LIMIT} /dev/zero | tr '\\0' x; printf '\",\"qty\":1}}]}}'; }} | {line} -H 'content-type: application/json' --data-binary @-"
            );
        }
    }
    line.push_str(&format!(" {base}{}", step.path));
    line
}

/// JSON indented by two spaces, members in the order they were sent
/// (a `serde_json::Value` would sort them).
fn pretty(json: &[u8]) -> String {
    let text = String::from_utf8_lossy(json);
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                if matches!(chars.peek(), Some('}' | ']')) {
                    continue;
                }
                depth += 1;
                newline(&mut out, depth);
            }
            '}' | ']' => {
                if !matches!(out.chars().last(), Some('{' | '[')) {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}
