//! `apierror::axum::ProblemLayer` over real TCP, around the whole router
//! (`ProblemLayer::new().layer(router)`) and through `Router::layer`: the
//! router's 404 and 405, `DefaultBodyLimit`'s 413, handlers' text, empty,
//! JSON, problem and streaming responses, HEAD, and the headers kept and
//! dropped.

mod layer_common;

use apierror::ApiError;
use apierror::axum::ProblemLayer;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Request};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Router, ServiceExt};
use http::{HeaderValue, StatusCode};
use layer_common::{
    Chunks, LayerError, RAW, Raw, RawBody, assert_problem, fetch, head_matches_get,
    method_not_allowed, not_found,
};
use serde_json::json;
use tower::Layer;

fn respond(raw: &'static Raw) -> Response {
    let body = match raw.body {
        RawBody::Empty => Body::empty(),
        RawBody::Full(bytes) => Body::from(bytes),
        RawBody::Stream(bytes, size) => Body::new(Chunks::new(bytes, size)),
    };
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::from_u16(raw.status).unwrap();
    for (name, value) in raw.headers {
        response
            .headers_mut()
            .append(*name, HeaderValue::from_static(value));
    }
    response
}

fn routes() -> Router {
    let mut router = Router::new();
    for raw in RAW.iter() {
        router = router.route(raw.path, get(move || async move { respond(raw) }));
    }
    router
        .route(
            "/t/problem",
            get(|| async { Err::<(), _>(LayerError::Duplicate { id: 7 }) }),
        )
        .route(
            "/t/upload",
            post(|body: Bytes| async move { body.len().to_string() })
                .layer(DefaultBodyLimit::max(16)),
        )
}

#[derive(Clone, Copy, Debug)]
enum Mode {
    /// `ProblemLayer::new().layer(router)`.
    Outer,
    /// `router.layer(ProblemLayer::new())`.
    RouterLayer,
    /// No layer: what the framework sends by itself.
    Without,
}

async fn start(mode: Mode) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    match mode {
        Mode::Outer => {
            let app = ProblemLayer::new().layer(routes());
            let app = ServiceExt::<Request>::into_make_service(app);
            tokio::spawn(async move { axum::serve(listener, app).await });
        }
        Mode::RouterLayer => {
            let app = routes().layer(ProblemLayer::new());
            tokio::spawn(async move { axum::serve(listener, app).await });
        }
        Mode::Without => {
            tokio::spawn(async move { axum::serve(listener, routes()).await });
        }
    }
    base
}

const LAYERED: [Mode; 2] = [Mode::Outer, Mode::RouterLayer];

#[tokio::test]
async fn every_handler_response_as_the_contract_says() {
    for mode in LAYERED {
        layer_common::every_raw_route(&start(mode).await).await;
    }
}

#[tokio::test]
async fn the_routers_404_and_405_become_problems_and_405_keeps_allow() {
    for mode in LAYERED {
        let base = start(mode).await;
        let response = fetch(&base, "GET", "/no/such/path", None).await;
        assert_problem("404", &response, 404, &not_found(), &[]);
        let response = fetch(&base, "PUT", "/t/text-409", None).await;
        assert_problem(
            &format!("{mode:?} 405"),
            &response,
            405,
            &method_not_allowed(),
            &[("allow", vec!["GET,HEAD"])],
        );
    }
}

#[tokio::test]
async fn the_body_limit_413_keeps_its_text_as_detail() {
    let body = Some(vec![b'x'; 64]);
    let (status, headers, text) = fetch(
        &start(Mode::Without).await,
        "POST",
        "/t/upload",
        body.clone(),
    )
    .await;
    assert_eq!(status, 413);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain"),
        "axum's own 413 is text"
    );
    let text = String::from_utf8(text).unwrap();
    assert!(!text.is_empty());
    for mode in LAYERED {
        let response = fetch(&start(mode).await, "POST", "/t/upload", body.clone()).await;
        assert_problem(
            "413",
            &response,
            413,
            &json!({"title": "Content Too Large", "status": 413, "detail": text}),
            // The body was not read: the connection closes, and says so
            // (RFC 9110 §15.5.14, RFC 9112 §9.6).
            &[("connection", vec!["close"])],
        );
    }
}

#[tokio::test]
async fn a_problem_passes_byte_for_byte() {
    let want = LayerError::Duplicate { id: 7 }.body();
    for mode in [Mode::Without, Mode::Outer, Mode::RouterLayer] {
        let (status, headers, body) = fetch(&start(mode).await, "GET", "/t/problem", None).await;
        assert_eq!(status, 409);
        assert_eq!(headers["content-type"], "application/problem+json");
        assert_eq!(body, &*want, "{mode:?}");
    }
}

#[tokio::test]
async fn head_gets_the_get_problems_headers_and_no_body() {
    for mode in LAYERED {
        let base = start(mode).await;
        for path in [
            "/no/such/path",
            "/t/secret",
            "/t/empty-408",
            "/t/unauthorized",
            "/t/headers",
        ] {
            // Around the router, the text of a 4xx is gone by the time a HEAD
            // response reaches the layer: its length is left out.
            let length = !matches!((mode, path), (Mode::Outer, "/t/headers"));
            head_matches_get(&base, path, length).await;
        }
        head_matches_get(&base, "/t/text-409", matches!(mode, Mode::RouterLayer)).await;
    }
}

#[tokio::test]
async fn in_process_a_200_is_the_routers_own_response() {
    use tower::ServiceExt as _;
    let app = ProblemLayer::new().layer(routes());
    let request = Request::get("/t/stream").body(Body::empty()).unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/plain");
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(&body[..], layer_common::STREAM);
}

/// The checks above are not vacuous: without the layer, axum's own answers
/// fail them.
#[tokio::test]
#[should_panic(expected = "content-type")]
async fn without_the_layer_the_same_checks_fail() {
    layer_common::every_raw_route(&start(Mode::Without).await).await;
}
