//! The axum orders service over real TCP: the whole response of every
//! variant, HEAD, a panicking handler, the happy path, and the record in the
//! response extensions.

#[macro_use]
mod e2e_common;

use apierror::record::ProblemRecord;
use apierror_examples::axum_app;
use axum::response::Response;
use e2e_common::{client, send};

async fn start() -> (String, ()) {
    let addr = axum_app::spawn().await.expect("the service starts");
    (format!("http://{addr}"), ())
}

all_cases!(start());

/// axum's `DefaultBodyLimit` rejection does not carry the limit, so `detail`
/// does not give it.
#[tokio::test]
async fn too_large() {
    let (base, ()) = start().await;
    e2e_common::check(
        &base,
        e2e_common::too_large(
            "the request body is too large",
            vec![e2e_common::Header::Is("connection", "close")],
        ),
    )
    .await;
}

#[tokio::test]
async fn health_is_a_plain_200() {
    let (base, ()) = start().await;
    e2e_common::health_is_a_plain_200(&base).await;
}

#[tokio::test]
async fn the_happy_path_still_works() {
    let (base, ()) = start().await;
    e2e_common::the_happy_path_still_works(&base).await;
}

#[tokio::test]
async fn the_server_keeps_serving_after_a_panic() {
    let (base, ()) = start().await;
    e2e_common::the_server_keeps_serving_after_a_panic(&base).await;
}

/// Copies the record into a header, as a logging layer would read it.
async fn expose_record(mut response: Response) -> Response {
    let record = response.extensions().get::<ProblemRecord>().cloned();
    if let Some(record) = record {
        let value = format!("{} {}", record.status().as_u16(), record.problem_type());
        if let Ok(value) = value.parse() {
            response.headers_mut().insert("x-record", value);
        }
    }
    response
}

#[tokio::test]
async fn every_problem_response_carries_its_record() {
    let app = axum_app::router().layer(axum::middleware::map_response(expose_record));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let client = client();
    for (method, path, token, record) in [
        ("GET", "/orders", false, Some("401 about:blank")),
        (
            "DELETE",
            "/orders/2",
            true,
            Some("409 /problems/order-state"),
        ),
        ("GET", "/orders/1/tracking", true, Some("503 about:blank")),
        ("GET", "/orders/1/invoice", true, Some("500 about:blank")),
        ("GET", "/orders/1", true, None),
        ("GET", "/health", false, None),
    ] {
        let response = send(&client, &base, method, path, token, None).await;
        let actual = response
            .headers()
            .get("x-record")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(actual.as_deref(), record, "{method} {path}");
    }
}

#[tokio::test]
async fn metrics_count_problems_from_the_record() {
    let (base, ()) = start().await;
    let client = client();
    for (method, path) in [
        ("GET", "/orders/998"),
        ("GET", "/orders/999"),
        ("DELETE", "/orders/2"),
        ("GET", "/orders/1/invoice"),
        ("GET", "/orders/1"),
    ] {
        send(&client, &base, method, path, true, None).await;
    }
    let metrics = send(&client, &base, "GET", "/metrics", false, None).await;
    assert_eq!(
        metrics.text().await.unwrap(),
        "# TYPE problems_total counter\n\
         problems_total{status=\"404\",type=\"about:blank\"} 2\n\
         problems_total{status=\"409\",type=\"/problems/order-state\"} 1\n\
         problems_total{status=\"500\",type=\"about:blank\"} 1\n"
    );
}
