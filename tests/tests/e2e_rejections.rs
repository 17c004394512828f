//! The frameworks' own rejection types as problems, over real TCP: axum's
//! `PathRejection`, `QueryRejection` and `FormRejection` behind a derived
//! enum, actix-web's `PathError`, `QueryPayloadError` and `UrlencodedError`
//! through their configs' error handlers. Each keeps the framework's own
//! status; a 4xx carries the framework's text as `detail` (its messages,
//! written out here from the frameworks' format strings), a 5xx carries none.

use std::sync::mpsc;
use std::thread;

use apierror::ApiError;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Search {
    limit: u32,
}

async fn request(
    base: &str,
    method: &str,
    path: &str,
    form: Option<(&str, &str)>,
) -> (u16, Vec<String>, Value) {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = client.request(method, format!("{base}{path}"));
    if let Some((content_type, body)) = form {
        request = request
            .header("content-type", content_type)
            .body(body.to_owned());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get_all("content-type")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let body = response.bytes().await.unwrap();
    let body = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {}", String::from_utf8_lossy(&body)));
    (status, content_type, body)
}

async fn expect(base: &str, method: &str, path: &str, form: Option<(&str, &str)>, problem: Value) {
    let (status, content_type, body) = request(base, method, path, form).await;
    assert_eq!(
        Some(status as u64),
        problem["status"].as_u64(),
        "{method} {path}: status"
    );
    assert_eq!(
        content_type,
        ["application/problem+json"],
        "{method} {path}"
    );
    assert_eq!(body, problem, "{method} {path}");
}

const FORM: &str = "application/x-www-form-urlencoded";

mod axum_side {
    use super::*;
    use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
    use axum::extract::{Form, Path, Query};
    use axum::routing::{get, post};

    #[derive(Debug, thiserror::Error, ApiError)]
    enum Rejected {
        #[error(transparent)]
        #[status(transparent)]
        Path(#[from] PathRejection),
        #[error(transparent)]
        #[status(transparent)]
        Query(#[from] QueryRejection),
        #[error(transparent)]
        #[status(transparent)]
        Form(#[from] FormRejection),
    }

    async fn item(id: Result<Path<u32>, PathRejection>) -> Result<String, Rejected> {
        Ok(id?.0.to_string())
    }

    async fn search(q: Result<Query<Search>, QueryRejection>) -> Result<String, Rejected> {
        Ok(q?.limit.to_string())
    }

    async fn form(f: Result<Form<Search>, FormRejection>) -> Result<String, Rejected> {
        Ok(f?.limit.to_string())
    }

    pub async fn start() -> String {
        let app = axum::Router::new()
            .route("/items/{id}", get(item))
            // Two captures for a one-value `Path`: axum's own 500.
            .route("/pairs/{a}/{b}", get(item))
            .route("/search", get(search))
            .route("/form", post(form));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}")
    }
}

#[tokio::test]
async fn axum_rejections_are_problems() {
    let base = axum_side::start().await;
    expect(
        &base,
        "GET",
        "/items/abc",
        None,
        json!({
            "title": "Bad Request",
            "status": 400,
            "detail": "Invalid URL: Cannot parse `abc` to a `u32`"
        }),
    )
    .await;
    expect(
        &base,
        "GET",
        "/search?limit=x",
        None,
        json!({
            "title": "Bad Request",
            "status": 400,
            "detail": "Failed to deserialize query string: limit: invalid digit found in string"
        }),
    )
    .await;
    expect(
        &base,
        "POST",
        "/form",
        Some(("application/json", "{}")),
        json!({
            "title": "Unsupported Media Type",
            "status": 415,
            "detail": "Form requests must have `Content-Type: application/x-www-form-urlencoded`"
        }),
    )
    .await;
    expect(
        &base,
        "POST",
        "/form",
        Some((FORM, "limit=x")),
        json!({
            "title": "Unprocessable Content",
            "status": 422,
            "detail": "Failed to deserialize form body: limit: invalid digit found in string"
        }),
    )
    .await;
    // A 5xx: no text at all, not even axum's.
    expect(
        &base,
        "GET",
        "/pairs/1/2",
        None,
        json!({"title": "Internal Server Error", "status": 500}),
    )
    .await;
}

mod actix_side {
    use super::*;
    use actix_web::error::InternalError;
    use actix_web::{App, HttpServer, web};

    fn problem<E: ApiError + actix_web::ResponseError + 'static>(error: E) -> actix_web::Error {
        let response = apierror::actix::response(&error);
        InternalError::from_response(error, response).into()
    }

    async fn item(id: web::Path<u32>) -> String {
        id.to_string()
    }

    async fn search(q: web::Query<Search>) -> String {
        q.limit.to_string()
    }

    async fn form(f: web::Form<Search>) -> String {
        f.limit.to_string()
    }

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
                let server = HttpServer::new(|| {
                    App::new()
                        .app_data(web::PathConfig::default().error_handler(|e, _| problem(e)))
                        .app_data(web::QueryConfig::default().error_handler(|e, _| problem(e)))
                        .app_data(
                            web::FormConfig::default()
                                .limit(32)
                                .error_handler(|e, _| problem(e)),
                        )
                        .route("/items/{id}", web::get().to(item))
                        .route("/search", web::get().to(search))
                        .route("/form", web::post().to(form))
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
        Server {
            base: format!("http://{addr}"),
            handle: receiver.recv().unwrap(),
        }
    }
}

#[tokio::test]
async fn actix_rejections_are_problems() {
    let server = actix_side::start();
    let base = &server.base;
    expect(
        base,
        "GET",
        "/items/abc",
        None,
        json!({
            "title": "Bad Request",
            "status": 400,
            "detail": "Path deserialize error: can not parse \"abc\" to a u32"
        }),
    )
    .await;
    expect(
        base,
        "GET",
        "/search?limit=x",
        None,
        json!({
            "title": "Bad Request",
            "status": 400,
            "detail": "Query deserialize error: invalid digit found in string"
        }),
    )
    .await;
    expect(
        base,
        "POST",
        "/form",
        Some(("application/json", "{}")),
        json!({"title": "Unsupported Media Type", "status": 415, "detail": "Content type error."}),
    )
    .await;
    expect(
        base,
        "POST",
        "/form",
        Some((FORM, "limit=x")),
        json!({
            "title": "Bad Request",
            "status": 400,
            "detail": "Parse error: invalid digit found in string."
        }),
    )
    .await;
    let long = format!("limit=1&pad={}", "x".repeat(40));
    expect(
        base,
        "POST",
        "/form",
        Some((FORM, &long)),
        json!({
            "title": "Content Too Large",
            "status": 413,
            "detail": "URL encoded payload is larger (52 bytes) than allowed (limit: 32 bytes)."
        }),
    )
    .await;
}

#[test]
fn actix_json_payload_errors_in_process() {
    use actix_web::error::JsonPayloadError;

    let cases = [
        (
            JsonPayloadError::ContentType,
            json!({
                "title": "Unsupported Media Type",
                "status": 415,
                "detail": "the request body must be JSON, sent with Content-Type: application/json"
            }),
        ),
        (
            JsonPayloadError::OverflowKnownLength {
                length: 99,
                limit: 10,
            },
            json!({
                "title": "Content Too Large",
                "status": 413,
                "detail": "the request body is larger than the limit of 10 bytes"
            }),
        ),
        (
            JsonPayloadError::Deserialize(serde_json::from_str::<u8>("x").unwrap_err()),
            json!({
                "title": "Bad Request",
                "status": 400,
                "detail": "the request body is not valid JSON: expected value at line 1 column 1"
            }),
        ),
        (
            JsonPayloadError::Deserialize(serde_json::from_str::<u8>("300").unwrap_err()),
            json!({
                "title": "Unprocessable Content",
                "status": 422,
                "detail": "the request body is valid JSON of the wrong shape: invalid value: integer `300`, expected u8 at line 1 column 3"
            }),
        ),
        (
            // A response that did not serialize: a 500 that says nothing.
            JsonPayloadError::Serialize(
                serde_json::to_string(&std::collections::HashMap::from([((1, 2), 3)])).unwrap_err(),
            ),
            json!({"title": "Internal Server Error", "status": 500}),
        ),
    ];
    for (error, expected) in cases {
        let body: Value = serde_json::from_slice(&error.body()).unwrap();
        assert_eq!(body, expected, "{error:?}");
        assert_eq!(
            Some(error.status().as_u16() as u64),
            expected["status"].as_u64()
        );
    }
}
