//! The status line's reason phrase, read over real TCP (issue 12 item 3).
//!
//! - actix-web: the phrase is a field of the response head, free to set, so
//!   apierror sends the registry's phrase wherever `http`'s is out of date or
//!   missing: 413 Content Too Large, 422 Unprocessable Content, 418 (Unused),
//!   an unregistered 499 Client Error; the body's default `title` says the
//!   same.
//! - axum: hyper writes its own phrase unless the response carries hyper's
//!   `ReasonPhrase` extension, which costs allocations on every response (see
//!   the README's Performance section) and needs the `hyper` crate: apierror
//!   leaves it out by default, and an app opts in with a two-line
//!   `map_response`, checked here.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use apierror::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
enum Phrased {
    #[error("too large")]
    #[status(413)]
    TooLarge,

    #[error("cannot process")]
    #[status(422)]
    Unprocessable,

    #[error("short and stout")]
    #[status(418)]
    Teapot,

    #[error("unregistered")]
    #[status(499)]
    Unregistered,

    #[error("missing")]
    #[status(404)]
    NotFound,
}

impl Phrased {
    fn of(code: &str) -> Phrased {
        match code {
            "413" => Phrased::TooLarge,
            "422" => Phrased::Unprocessable,
            "418" => Phrased::Teapot,
            "499" => Phrased::Unregistered,
            _ => Phrased::NotFound,
        }
    }
}

/// The status line and the body's `title` for `GET /{code}`.
fn status_line(addr: SocketAddr, code: &str) -> (String, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET /{code} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the response");
    let text = String::from_utf8(raw).expect("UTF-8 response");
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete head");
    let line = head.lines().next().unwrap().to_owned();
    let body: serde_json::Value = serde_json::from_str(body).expect("a JSON body");
    (line, body["title"].as_str().unwrap().to_owned())
}

/// The registry's phrase on the status line, matching the body's title.
const EXPECTED: [(&str, &str); 5] = [
    ("413", "Content Too Large"),
    ("422", "Unprocessable Content"),
    ("418", "(Unused)"),
    ("499", "Client Error"),
    ("404", "Not Found"),
];

#[test]
fn actix_sends_the_registry_s_phrase() {
    async fn answer(code: actix_web::web::Path<String>) -> Result<&'static str, Phrased> {
        Err(Phrased::of(&code))
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let server = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = actix_web::HttpServer::new(|| {
                actix_web::App::new().route("/{code}", actix_web::web::get().to(answer))
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
    for (code, phrase) in EXPECTED {
        let (line, title) = status_line(addr, code);
        assert_eq!(line, format!("HTTP/1.1 {code} {phrase}"));
        assert_eq!(title, phrase, "the body's title says the same");
    }
    actix_web::rt::System::new().block_on(handle.stop(false));
    server.join().unwrap().unwrap();
}

async fn axum_answer(axum::extract::Path(code): axum::extract::Path<String>) -> Phrased {
    Phrased::of(&code)
}

/// The opt-in for axum: hyper's `ReasonPhrase` where the status's title is
/// not hyper's phrase.
async fn registry_reason(mut response: axum::response::Response) -> axum::response::Response {
    let title = apierror::status::title(response.status().as_u16());
    if response.status().canonical_reason() != Some(title) {
        response
            .extensions_mut()
            .insert(hyper::ext::ReasonPhrase::from_static(title.as_bytes()));
    }
    response
}

fn serve_axum(app: axum::Router) -> (tokio::runtime::Runtime, SocketAddr) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let addr = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        addr
    });
    (runtime, addr)
}

#[test]
fn axum_sends_the_registry_s_phrase_when_the_app_opts_in() {
    let routes = || axum::Router::new().route("/{code}", axum::routing::get(axum_answer));

    // By default hyper writes its own phrase: no allocation per response.
    let (runtime, addr) = serve_axum(routes());
    let (line, title) = status_line(addr, "413");
    assert_eq!(line, "HTTP/1.1 413 Payload Too Large");
    assert_eq!(title, "Content Too Large");
    runtime.shutdown_timeout(Duration::from_secs(1));

    let (runtime, addr) =
        serve_axum(routes().layer(axum::middleware::map_response(registry_reason)));
    for (code, phrase) in EXPECTED {
        let (line, title) = status_line(addr, code);
        assert_eq!(line, format!("HTTP/1.1 {code} {phrase}"));
        assert_eq!(title, phrase);
    }
    runtime.shutdown_timeout(Duration::from_secs(1));
}
