//! The example service documents itself: both apps serve the same
//! `GET /openapi.json`, every `OrderError` body validates against what the
//! document says for its status on every route, and every relative type URI
//! leads to a page.

use apierror::ProblemTypes;
use apierror_examples::orders::{Action, OrderError, OrderState, PaymentDeclined};
use apierror_examples::{actix_app, api, axum_app};
use serde_json::Value;
use utoipa::OpenApi;

fn every_order_error() -> Vec<OrderError> {
    vec![
        OrderError::Unauthenticated,
        OrderError::NotFound { id: 9 },
        OrderError::NoRoute,
        OrderError::WrongState {
            id: 2,
            state: OrderState::Paid,
            action: Action::Cancel,
        },
        OrderError::Invalid({
            let mut violations = apierror::Violations::new();
            violations.push("/lines/0/qty", "must be at least 1 and at most 100");
            violations.push("/lines/1/sku", "must not be empty");
            violations
        }),
        OrderError::RateLimited { retry_after: 59 },
        OrderError::CarrierUnavailable(std::io::Error::other("down")),
        OrderError::Payment(PaymentDeclined {
            reason: "insufficient_funds".into(),
        }),
    ]
}

#[test]
fn every_example_error_validates_on_every_route() {
    let document = serde_json::to_value(api::ApiDoc::openapi()).unwrap();
    let mut operations = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = &operation["responses"];
            if !path.starts_with("/orders") {
                continue;
            }
            operations += 1;
            for error in every_order_error() {
                let sent = apierror::response(&error);
                let status = sent.status().as_u16().to_string();
                let response = responses
                    .get(&status)
                    .unwrap_or_else(|| panic!("{method} {path}: {status} undocumented"));
                let schema = &response["content"]["application/problem+json"]["schema"];
                let body: Value = serde_json::from_slice(sent.body()).unwrap();
                let validator = jsonschema::draft202012::options()
                    .should_validate_formats(true)
                    .build(schema)
                    .unwrap();
                assert!(
                    validator.is_valid(&body),
                    "{method} {path} {status}: {body} against {schema:#}"
                );
                for name in sent.headers().keys() {
                    if name != "content-type" {
                        assert!(
                            response["headers"].get(name.as_str()).is_some(),
                            "{method} {path} {status}: {name} undocumented"
                        );
                    }
                }
            }
        }
    }
    assert_eq!(operations, 8);
}

async fn check_service(base: &str) {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let response = client
        .get(format!("{base}/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let served: Value = response.json().await.unwrap();
    assert_eq!(
        served,
        serde_json::to_value(api::ApiDoc::openapi()).unwrap()
    );

    let paths: Vec<&str> = OrderError::problem_types()
        .iter()
        .filter_map(|t| t.page_path())
        .collect();
    assert_eq!(
        paths,
        ["/problems/order-state", "/problems/payment-declined"]
    );
    for path in paths {
        let response = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "text/html; charset=utf-8"
        );
    }
}

#[tokio::test]
async fn axum_serves_the_document_and_the_pages() {
    let addr = axum_app::spawn().await.unwrap();
    check_service(&format!("http://{addr}")).await;
}

#[tokio::test]
async fn actix_serves_the_document_and_the_pages() {
    let running = actix_app::spawn("127.0.0.1:0").unwrap();
    check_service(&format!("http://{}", running.addr)).await;
    running.handle.stop(true).await;
}
