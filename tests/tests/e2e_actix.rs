//! The actix-web orders service over real TCP: the same responses as the
//! axum one, HEAD, a panicking handler, the happy path, and the record in the
//! response extensions.

#[macro_use]
mod e2e_common;

use actix_web::ResponseError;
use actix_web::dev::Service;
use apierror::record::ProblemRecord;
use apierror_examples::actix_app::{self, Running};
use apierror_examples::orders::{AppState, BODY_LIMIT, OrderError};
use e2e_common::{client, send};

/// Stops the server when the test ends, pass or fail.
struct Stop(Running);

impl Drop for Stop {
    fn drop(&mut self) {
        // Dropping the future still sends the stop command.
        drop(self.0.handle.stop(false));
    }
}

async fn start() -> (String, Stop) {
    let running = actix_app::spawn("127.0.0.1:0").expect("the service starts");
    (format!("http://{}", running.addr), Stop(running))
}

all_cases!(start());

/// actix-web's `JsonConfig` knows its limit, and `Json` says it.
#[tokio::test]
async fn too_large() {
    let (base, _server) = start().await;
    let detail = format!("the request body is larger than the limit of {BODY_LIMIT} bytes");
    e2e_common::check(&base, e2e_common::too_large(&detail, vec![])).await;
}

#[tokio::test]
async fn health_is_a_plain_200() {
    let (base, _server) = start().await;
    e2e_common::health_is_a_plain_200(&base).await;
}

#[tokio::test]
async fn the_happy_path_still_works() {
    let (base, _server) = start().await;
    e2e_common::the_happy_path_still_works(&base).await;
}

#[tokio::test]
async fn the_server_keeps_serving_after_a_panic() {
    let (base, _server) = start().await;
    e2e_common::the_server_keeps_serving_after_a_panic(&base).await;
}

#[test]
fn status_code_agrees_with_the_response() {
    let errors = [
        OrderError::Unauthenticated,
        OrderError::NotFound { id: 1 },
        OrderError::Invalid(apierror::Violations::new()),
        OrderError::RateLimited { retry_after: 5 },
        OrderError::CarrierUnavailable(std::io::Error::other("down")),
        OrderError::Payment(apierror_examples::orders::PaymentDeclined {
            reason: "no".into(),
        }),
    ];
    let statuses: Vec<(u16, u16)> = errors
        .iter()
        .map(|e| {
            (
                e.status_code().as_u16(),
                e.error_response().status().as_u16(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            (401, 401),
            (404, 404),
            (422, 422),
            (429, 429),
            (503, 503),
            (402, 402)
        ]
    );
}

#[test]
fn every_problem_response_carries_its_record() {
    actix_web::rt::System::new().block_on(async {
        let app = actix_web::test::init_service(actix_app::app(AppState::default())).await;
        for (method, path, token, record) in [
            ("GET", "/orders", false, Some((401, "about:blank"))),
            (
                "DELETE",
                "/orders/2",
                true,
                Some((409, "/problems/order-state")),
            ),
            (
                "GET",
                "/orders/1/tracking",
                true,
                Some((503, "about:blank")),
            ),
            ("GET", "/orders/1", true, None),
            ("GET", "/health", false, None),
        ] {
            let mut request = actix_web::test::TestRequest::default()
                .method(method.parse().unwrap())
                .uri(path);
            if token {
                request = request.insert_header(("authorization", "Bearer demo-token"));
            }
            let response = app.call(request.to_request()).await.unwrap();
            let extensions = response.response().extensions();
            let actual = extensions
                .get::<ProblemRecord>()
                .map(|r| (r.status().as_u16(), r.problem_type()));
            assert_eq!(actual, record, "{method} {path}");
        }

        // A panic leaves the middleware as an error, rendered by actix-web
        // with the same response, record included.
        let request = actix_web::test::TestRequest::get()
            .uri("/orders/1/invoice")
            .insert_header(("authorization", "Bearer demo-token"))
            .to_request();
        let error = match app.call(request).await {
            Err(error) => error,
            Ok(response) => panic!(
                "expected the panic as an error, got {:?}",
                response.status()
            ),
        };
        let response = error.error_response();
        assert_eq!(response.status(), 500);
        assert_eq!(
            response
                .extensions()
                .get::<ProblemRecord>()
                .map(|r| r.status().as_u16()),
            Some(500)
        );
    });
}

#[tokio::test]
async fn metrics_count_problems_from_the_record() {
    let (base, _server) = start().await;
    let client = client();
    for (method, path) in [
        ("GET", "/orders/998"),
        ("GET", "/orders/999"),
        ("DELETE", "/orders/2"),
        ("GET", "/orders/1"),
    ] {
        send(&client, &base, method, path, true, None).await;
    }
    let metrics = send(&client, &base, "GET", "/metrics", false, None).await;
    assert_eq!(
        metrics.text().await.unwrap(),
        "# TYPE problems_total counter\n\
         problems_total{status=\"404\",type=\"about:blank\"} 2\n\
         problems_total{status=\"409\",type=\"/problems/order-state\"} 1\n"
    );
}
