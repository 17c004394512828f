//! `apierror::actix::Problems` over real TCP: actix-web's default 404 and a
//! resource's 405 (with the `Allow` actix-web computes), `PayloadConfig`'s
//! 413, handlers' text, empty, JSON, problem and streaming responses, an
//! `Err` from a middleware, HEAD, and the headers kept and dropped.

mod layer_common;

use std::sync::mpsc;
use std::thread;

use actix_web::dev::{ServerHandle, Service as _};
use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, HttpServer, guard, web};
use apierror::ApiError;
use apierror::actix::Problems;
use layer_common::{
    Chunks, LayerError, RAW, Raw, RawBody, assert_problem, fetch, head_matches_get,
    method_not_allowed, not_found,
};
use serde_json::json;

fn respond(raw: &'static Raw) -> HttpResponse {
    let mut builder = HttpResponse::build(StatusCode::from_u16(raw.status).unwrap());
    for (name, value) in raw.headers {
        builder.append_header((*name, *value));
    }
    match raw.body {
        RawBody::Empty => builder.finish(),
        RawBody::Full(bytes) => builder.body(bytes),
        RawBody::Stream(bytes, size) => builder.body(Chunks::new(bytes, size)),
    }
}

/// GET, and HEAD with it (actix-web does not route HEAD to GET handlers).
fn read() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

fn routes(config: &mut web::ServiceConfig) {
    for raw in RAW.iter() {
        config
            .service(web::resource(raw.path).route(read().to(move || async move { respond(raw) })));
    }
    // `route` registers a resource per method, guarded at the resource.
    config.route("/t/app-route", web::get().to(|| async { "ok" }));
    config
        .service(
            web::resource("/t/problem").route(
                read().to(|| async { Err::<HttpResponse, _>(LayerError::Duplicate { id: 7 }) }),
            ),
        )
        .service(
            web::resource("/t/upload")
                .app_data(web::PayloadConfig::new(16))
                .route(web::post().to(|body: web::Bytes| async move { body.len().to_string() })),
        )
        .service(
            // Another middleware answers with an `Err` (as an auth
            // middleware does): an empty 401 with its challenge.
            web::scope("/guarded")
                .wrap_fn(|_, _| async {
                    Err::<actix_web::dev::ServiceResponse, _>(
                        actix_web::error::InternalError::from_response(
                            "no token",
                            HttpResponse::Unauthorized()
                                .insert_header(("www-authenticate", "Bearer realm=\"t\""))
                                .finish(),
                        )
                        .into(),
                    )
                })
                .route("/x", web::get().to(|| async { "never" })),
        );
}

/// Stops the server when the test ends, pass or fail.
struct Server {
    base: String,
    handle: ServerHandle,
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

fn start(layered: bool) -> Server {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                App::new()
                    .configure(routes)
                    .wrap(actix_web::middleware::Condition::new(
                        layered,
                        Problems::new(),
                    ))
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
        base,
        handle: receiver.recv().unwrap(),
    }
}

#[tokio::test]
async fn every_handler_response_as_the_contract_says() {
    layer_common::every_raw_route(&start(true).base).await;
}

#[tokio::test]
#[should_panic(expected = "content-type")]
async fn without_the_middleware_the_same_checks_fail() {
    layer_common::every_raw_route(&start(false).base).await;
}

#[tokio::test]
async fn the_default_404_and_a_resources_405_become_problems_and_405_keeps_allow() {
    let server = start(true);
    let response = fetch(&server.base, "GET", "/no/such/path", None).await;
    assert_problem("404", &response, 404, &not_found(), &[]);
    // actix-web lists the methods of the resource's method guards.
    let response = fetch(&server.base, "PUT", "/t/text-409", None).await;
    assert_problem(
        "405",
        &response,
        405,
        &method_not_allowed(),
        &[("allow", vec!["GET, HEAD"])],
    );
    let response = fetch(&server.base, "DELETE", "/t/upload", None).await;
    assert_problem(
        "405",
        &response,
        405,
        &method_not_allowed(),
        &[("allow", vec!["POST"])],
    );
    // A path registered with `route` has no resource for other methods:
    // actix-web answers its default 404, which the middleware keeps.
    let response = fetch(&server.base, "PUT", "/t/app-route", None).await;
    assert_problem("route 404", &response, 404, &not_found(), &[]);
}

#[tokio::test]
async fn the_payload_limit_413_keeps_its_text_as_detail() {
    let body = Some(vec![b'x'; 64]);
    let (status, headers, text) =
        fetch(&start(false).base, "POST", "/t/upload", body.clone()).await;
    assert_eq!(status, 413);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain"),
        "actix-web's own 413 is text"
    );
    let text = String::from_utf8(text).unwrap();
    assert!(!text.is_empty());
    let response = fetch(&start(true).base, "POST", "/t/upload", body).await;
    assert_problem(
        "413",
        &response,
        413,
        &json!({"title": "Content Too Large", "status": 413, "detail": text}),
        &[],
    );
}

#[tokio::test]
async fn an_err_from_a_middleware_becomes_a_problem() {
    let response = fetch(&start(true).base, "GET", "/guarded/x", None).await;
    assert_problem(
        "401",
        &response,
        401,
        &json!({"title": "Unauthorized", "status": 401}),
        &[("www-authenticate", vec!["Bearer realm=\"t\""])],
    );
}

#[tokio::test]
async fn a_problem_passes_byte_for_byte() {
    let want = LayerError::Duplicate { id: 7 }.body();
    for layered in [false, true] {
        let (status, headers, body) = fetch(&start(layered).base, "GET", "/t/problem", None).await;
        assert_eq!(status, 409);
        assert_eq!(headers["content-type"], "application/problem+json");
        assert_eq!(body, &*want, "layered: {layered}");
    }
}

#[tokio::test]
async fn head_gets_the_get_problems_headers_and_no_body() {
    let server = start(true);
    for path in [
        "/no/such/path",
        "/t/secret",
        "/t/empty-408",
        "/t/unauthorized",
        "/t/headers",
        "/t/text-409",
        "/t/long-emoji",
    ] {
        head_matches_get(&server.base, path, true).await;
    }
}

#[actix_web::test]
async fn in_process_a_200_passes_untouched() {
    let app =
        actix_web::test::init_service(App::new().configure(routes).wrap(Problems::new())).await;
    let request = actix_web::test::TestRequest::get()
        .uri("/t/stream")
        .to_request();
    let response = app.call(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "text/plain"
    );
    let body = actix_web::body::to_bytes(response.into_body())
        .await
        .unwrap();
    assert_eq!(&body[..], layer_common::STREAM);
}
