//! `ProblemLayer::new().with_xml()` over real TCP, around the whole router
//! and through `Router::layer`: every `Accept` case of the contract against
//! the router's 404 and 405, a text 409, derived errors (static and with
//! fields) and a problem+json body written by hand; `Vary` merged; JSON and
//! XML of one error member for member; a 200 untouched; a layer without
//! `with_xml()` unchanged. Feature `xml`.

mod nego_common;

use apierror::axum::ProblemLayer;
use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Router, ServiceExt};
use http::{HeaderValue, StatusCode};
use nego_common::{HAND_JSON, NegoError, conflict, fetch, json_tree, xml_tree};
use tower::Layer;

fn routes() -> Router {
    Router::new()
        .route("/ok", get(|| async { "ok" }))
        .route(
            "/text",
            get(|| async {
                (
                    StatusCode::CONFLICT,
                    [("x-request-id", "abc-123")],
                    "order 7 is <already> paid",
                )
            }),
        )
        .route(
            "/static",
            get(|| async { Err::<(), _>(NegoError::Archived) }),
        )
        .route("/fields", get(|| async { Err::<(), _>(conflict()) }))
        .route(
            "/spawned",
            get(|| async {
                // Rendered where no layer polls: JSON, which the layer
                // transcodes.
                tokio::spawn(async { conflict().into_response() })
                    .await
                    .unwrap()
            }),
        )
        .route(
            "/hand",
            get(|| async {
                let mut response = Response::new(Body::from(HAND_JSON));
                *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                let headers = response.headers_mut();
                headers.insert(
                    "content-type",
                    HeaderValue::from_static("application/problem+json"),
                );
                headers.insert("vary", HeaderValue::from_static("Accept-Encoding"));
                headers.insert("etag", HeaderValue::from_static("\"j1\""));
                response
            }),
        )
        .route("/varied", get(|| async { Err::<(), _>(NegoError::Varied) }))
        .route("/star", get(|| async { Err::<(), _>(NegoError::Star) }))
        .route(
            "/has-accept",
            get(|| async { Err::<(), _>(NegoError::HasAccept) }),
        )
}

#[derive(Clone, Copy, Debug)]
enum Mode {
    /// `ProblemLayer::new().with_xml().layer(router)`.
    Outer,
    /// `router.layer(ProblemLayer::new().with_xml())`.
    RouterLayer,
    /// `ProblemLayer::new().layer(router)`: no negotiation.
    Plain,
}

async fn start(mode: Mode) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    match mode {
        Mode::Outer => {
            let app = ProblemLayer::new().with_xml().layer(routes());
            let app = ServiceExt::<Request>::into_make_service(app);
            tokio::spawn(async move { axum::serve(listener, app).await });
        }
        Mode::RouterLayer => {
            let app = routes().layer(ProblemLayer::new().with_xml());
            tokio::spawn(async move { axum::serve(listener, app).await });
        }
        Mode::Plain => {
            let app = ProblemLayer::new().layer(routes());
            let app = ServiceExt::<Request>::into_make_service(app);
            tokio::spawn(async move { axum::serve(listener, app).await });
        }
    }
    base
}

const NEGOTIATING: [Mode; 2] = [Mode::Outer, Mode::RouterLayer];

#[tokio::test]
async fn every_accept_case_on_every_kind_of_problem() {
    for mode in NEGOTIATING {
        nego_common::every_case(&format!("axum-{mode:?}"), &start(mode).await).await;
    }
}

#[tokio::test]
async fn a_problem_rendered_outside_the_layer_is_transcoded() {
    for mode in NEGOTIATING {
        let base = start(mode).await;
        let accept = &["application/problem+xml"];
        let (status, headers, spawned) = fetch(&base, "GET", "/spawned", accept).await;
        assert_eq!(status, 409);
        assert_eq!(headers["content-type"], "application/problem+xml");
        assert_eq!(headers["vary"], "Accept");
        let (_, _, direct) = fetch(&base, "GET", "/fields", accept).await;
        let (_, _, json) = fetch(&base, "GET", "/fields", &[]).await;
        nego_common::write_xml(&format!("axum-{mode:?}-spawned"), &spawned);
        assert_eq!(xml_tree(&spawned), xml_tree(&direct), "{mode:?}");
        assert_eq!(xml_tree(&spawned), json_tree(&json), "{mode:?}");
    }
}

#[tokio::test]
async fn a_success_is_untouched() {
    for mode in [Mode::Outer, Mode::RouterLayer, Mode::Plain] {
        nego_common::success_untouched(&start(mode).await).await;
    }
}

#[tokio::test]
async fn without_with_xml_nothing_changes() {
    nego_common::without_with_xml(&start(Mode::Plain).await).await;
}

#[tokio::test]
async fn head_gets_the_xml_problems_headers() {
    for mode in NEGOTIATING {
        let base = start(mode).await;
        for path in ["/no/such/path", "/static", "/fields"] {
            nego_common::head_matches_get(&base, path).await;
        }
    }
}

/// An error whose XML body says it was written by `xml_body`, so that the
/// path is seen: under a layer that chose XML, an error rendered inside it
/// writes its own XML rather than JSON for the layer to transcode.
#[derive(Debug)]
struct Marked;

impl std::fmt::Display for Marked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("marked")
    }
}

impl std::error::Error for Marked {}

impl apierror::ApiError for Marked {
    fn status(&self) -> http::StatusCode {
        http::StatusCode::GONE
    }
    fn problem(&self) -> apierror::Problem {
        apierror::Problem::new(self.status())
    }
    fn xml_body(&self) -> std::borrow::Cow<'static, [u8]> {
        std::borrow::Cow::Borrowed(
            br#"<?xml version="1.0" encoding="UTF-8"?><problem xmlns="urn:ietf:rfc:7807"><title>Gone</title><status>410</status><via>xml_body</via></problem>"#,
        )
    }
}

impl IntoResponse for Marked {
    fn into_response(self) -> Response {
        apierror::axum::response(&self)
    }
}

#[tokio::test]
async fn in_process_an_error_inside_the_layer_writes_its_own_xml() {
    use tower::ServiceExt as _;
    let router = Router::new().route("/", get(|| async { Marked }));
    for (accept, via) in [
        ("application/problem+xml", true),
        ("application/json", false),
    ] {
        let app = ProblemLayer::new().with_xml().layer(router.clone());
        let request = Request::get("/")
            .header("accept", accept)
            .body(Body::empty())
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), 410);
        assert_eq!(response.headers()["vary"], "Accept");
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert_eq!(
            body.contains("<via>xml_body</via>"),
            via,
            "{accept}: {body}"
        );
    }
    // Outside any layer the same error is JSON.
    let response = Marked.into_response();
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
}
