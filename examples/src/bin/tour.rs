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

use apierror_examples::orders::{DECLINED_CARD, DEMO_TOKEN};
use apierror_examples::{actix_app, axum_app};
use reqwest::Method;
use tracing_subscriber::filter::LevelFilter;

/// One request of the tour.
struct Step {
    what: &'static str,
    method: &'static str,
    path: &'static str,
    token: bool,
    body: Option<&'static str>,
    expect: u16,
}

const fn step(what: &'static str, method: &'static str, path: &'static str, expect: u16) -> Step {
    Step {
        what,
        method,
        path,
        token: true,
        body: None,
        expect,
    }
}

/// Kept in step with `DECLINED_CARD` by a check in `main`.
const PAY_DECLINED: &str = r#"{"card":"4000000000000002"}"#;

const STEPS: &[Step] = &[
    Step {
        token: false,
        ..step(
            "401: no bearer token; the challenge is in WWW-Authenticate",
            "GET",
            "/orders",
            401,
        )
    },
    step(
        "404: an order that does not exist; `instance` names it",
        "GET",
        "/orders/999",
        404,
    ),
    step(
        "HEAD of the same: every header, no body",
        "HEAD",
        "/orders/999",
        404,
    ),
    step(
        "405: a method the resource does not take; `Allow` lists those it does",
        "PUT",
        "/orders/1",
        405,
    ),
    step(
        "409: a paid order cannot be cancelled; `id`, `state` and `action` are extension members",
        "DELETE",
        "/orders/2",
        409,
    ),
    Step {
        body: Some(r#"{"item":"espresso beans","quantity":0}"#),
        ..step(
            "422: a custom `detail` written over the field",
            "POST",
            "/orders",
            422,
        )
    },
    Step {
        body: Some(r#"{"item":7}"#),
        ..step(
            "400: the parser's message goes to the log, the body has a fixed detail",
            "POST",
            "/orders",
            400,
        )
    },
    step(
        "200: the first export of the minute",
        "GET",
        "/orders/export",
        200,
    ),
    step(
        "429: the second; Retry-After comes from a field",
        "GET",
        "/orders/export",
        429,
    ),
    Step {
        body: Some(PAY_DECLINED),
        ..step(
            "402: the payment provider's own error, passed on by a `transparent` variant",
            "POST",
            "/orders/1/pay",
            402,
        )
    },
    step(
        "503: the cause (an internal host) stays out of the body; the ERROR log on stderr has it",
        "GET",
        "/orders/1/tracking",
        503,
    ),
    step(
        "500: the handler panicked; the body says nothing, the log has the panic message",
        "GET",
        "/orders/1/invoice",
        500,
    ),
    step("404: no route at all", "GET", "/no/such/path", 404),
    step(
        "the metrics layer counted each problem from the record in the response extensions",
        "GET",
        "/metrics",
        200,
    ),
];

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
    let failures = tour(&base).await;
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

/// Runs every step, printing each exchange; the number that went wrong.
async fn tour(base: &str) -> usize {
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
        if let Some(body) = step.body {
            println!("> content-type: application/json\n>\n> {body}");
            request = request
                .header("content-type", "application/json")
                .body(body);
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
        let json = response
            .headers()
            .get("content-type")
            .is_some_and(|v| v.as_bytes().ends_with(b"json"));
        match response.bytes().await {
            Ok(body) if body.is_empty() => {}
            Ok(body) if json => println!("<\n{}", pretty(&body)),
            Ok(body) => println!("<\n{}", String::from_utf8_lossy(&body).trim_end()),
            Err(error) => println!("! body failed: {error}"),
        }
        if status.as_u16() != step.expect {
            println!("! expected {}", step.expect);
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
    if let Some(body) = step.body {
        line.push_str(&format!(" -H 'content-type: application/json' -d '{body}'"));
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
