//! `Problems::new().with_xml()` over real TCP: every `Accept` case of the
//! contract against actix-web's default 404, a resource's 405, a text 409,
//! derived errors (static and with fields) and a problem+json body written
//! by hand; `Vary` merged; JSON and XML of one error member for member; a
//! 200 untouched; a middleware without `with_xml()` unchanged. Feature
//! `xml`.

mod nego_common;

use std::sync::mpsc;
use std::thread;

use actix_web::dev::ServerHandle;
use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, HttpServer, guard, web};
use apierror::actix::Problems;
use nego_common::{HAND_JSON, NegoError, conflict};

/// GET, and HEAD with it (actix-web does not route HEAD to GET handlers).
fn read() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/ok").route(read().to(|| async { "ok" })))
        .service(web::resource("/text").route(read().to(|| async {
            HttpResponse::build(StatusCode::CONFLICT)
                .insert_header(("x-request-id", "abc-123"))
                .content_type("text/plain; charset=utf-8")
                .body("order 7 is <already> paid")
        })))
        .service(
            web::resource("/static")
                .route(read().to(|| async { Err::<HttpResponse, _>(NegoError::Archived) })),
        )
        .service(
            web::resource("/fields")
                .route(read().to(|| async { Err::<HttpResponse, _>(conflict()) })),
        )
        .service(web::resource("/hand").route(read().to(|| async {
            HttpResponse::build(StatusCode::UNPROCESSABLE_ENTITY)
                .insert_header(("content-type", "application/problem+json"))
                .insert_header(("vary", "Accept-Encoding"))
                .insert_header(("etag", "\"j1\""))
                .body(HAND_JSON)
        })))
        .service(
            web::resource("/varied")
                .route(read().to(|| async { Err::<HttpResponse, _>(NegoError::Varied) })),
        )
        .service(
            web::resource("/star")
                .route(read().to(|| async { Err::<HttpResponse, _>(NegoError::Star) })),
        )
        .service(
            web::resource("/has-accept")
                .route(read().to(|| async { Err::<HttpResponse, _>(NegoError::HasAccept) })),
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

fn start(xml: bool) -> Server {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                let problems = if xml {
                    Problems::new().with_xml()
                } else {
                    Problems::new()
                };
                App::new().configure(routes).wrap(problems)
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
async fn every_accept_case_on_every_kind_of_problem() {
    nego_common::every_case("actix", &start(true).base).await;
}

#[tokio::test]
async fn a_success_is_untouched() {
    for xml in [true, false] {
        nego_common::success_untouched(&start(xml).base).await;
    }
}

#[tokio::test]
async fn without_with_xml_nothing_changes() {
    nego_common::without_with_xml(&start(false).base).await;
}

#[tokio::test]
async fn head_gets_the_xml_problems_headers() {
    let server = start(true);
    for path in ["/no/such/path", "/static", "/fields", "/text", "/hand"] {
        nego_common::head_matches_get(&server.base, path).await;
    }
}
