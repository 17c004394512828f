//! Problem type pages (RFC 9457 §3.1.1), end to end over TCP against axum
//! and actix-web: 200 `text/html; charset=utf-8` at each absolute-path type
//! URI, every text escaped, no script; 404 for any other path.

use std::net::SocketAddr;

use apierror::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[error("card declined")]
#[status(402)]
#[problem(type = "/problems/card-declined", title = "Card declined")]
/// The card was declined; try another.
pub struct CardDeclined;

#[derive(Debug, thiserror::Error, ApiError)]
pub enum OrderError {
    /// Nothing left to ship <script>alert("x")</script> & no date yet.
    ///
    /// Second paragraph.
    #[error("out of stock")]
    #[status(409)]
    #[problem(type = "/problems/out-of-stock", title = "Out <of> \"stock\"")]
    OutOfStock,

    /// Too many items for one order.
    #[error("too many")]
    #[status(422)]
    #[problem(type = "/problems/out-of-stock", title = "Out <of> \"stock\"")]
    TooMany,

    #[error("not found")]
    #[status(404)]
    NotFound,

    #[error("elsewhere")]
    #[status(400)]
    #[problem(type = "https://example.com/problems/elsewhere")]
    Elsewhere,

    #[error(transparent)]
    #[status(transparent)]
    Card(#[from] CardDeclined),
}

async fn axum_server() -> SocketAddr {
    let app: axum::Router = axum::Router::new()
        .route("/health", axum::routing::get(|| async { "ok" }))
        .merge(apierror::axum::problem_pages::<OrderError, ()>());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

fn actix_server() -> (SocketAddr, actix_web::dev::ServerHandle) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = actix_web::HttpServer::new(|| {
                actix_web::App::new().configure(apierror::actix::problem_pages::<OrderError>)
            })
            .workers(1)
            .disable_signals()
            .listen(listener)
            .unwrap()
            .run();
            sender.send(server.handle()).unwrap();
            let _ = server.await;
        });
    });
    (addr, receiver.recv().unwrap())
}

async fn check(addr: SocketAddr) {
    let client = reqwest::Client::new();
    let get = |path: &str| client.get(format!("http://{addr}{path}")).send();

    let response = get("/problems/out-of-stock").await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    let html = response.text().await.unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
    assert!(
        html.contains("<title>Out &lt;of&gt; &quot;stock&quot;</title>"),
        "{html}"
    );
    assert!(
        html.contains(
            "<p>Nothing left to ship &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; no date yet.</p>"
        ),
        "{html}"
    );
    assert!(html.contains("<p>Second paragraph.</p>"), "{html}");
    // Both variants that send this type are on its one page.
    assert!(html.contains("<code>409</code> Conflict"), "{html}");
    assert!(
        html.contains("<code>422</code> Unprocessable Content"),
        "{html}"
    );
    assert!(html.contains("Too many items for one order."), "{html}");

    // A transparent variant's types get pages too.
    let response = get("/problems/card-declined").await.unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("<code>402</code> Payment Required"), "{html}");
    assert!(
        html.contains("The card was declined; try another."),
        "{html}"
    );

    // Unknown types, about:blank and absolute URIs have no page.
    for path in [
        "/problems/unknown",
        "/problems",
        "/problems/elsewhere",
        "/about:blank",
    ] {
        let response = get(path).await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn axum_serves_the_pages() {
    check(axum_server().await).await;
}

#[tokio::test]
async fn actix_serves_the_pages() {
    let (addr, handle) = actix_server();
    check(addr).await;
    handle.stop(true).await;
}
