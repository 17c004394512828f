//! Property tests: arbitrary JSON values and arbitrary bytes, under arbitrary
//! content types, into `apierror::axum::Json<T>` and
//! `apierror::actix::Json<T>` give 200 or a problem with status 400, 413, 415
//! or 422 (never a 500, never a panic), whose body is problem+json agreeing
//! with the status; a 422's one pointer always resolves in the sent document.
//!
//! In process (axum's `oneshot`, actix-web's `test::call_service`); the
//! end-to-end cases over TCP are in `e2e_json.rs`. The case count comes from
//! `PROPTEST_CASES` (proptest's default 256, sized for CI).

use std::collections::BTreeMap;

use apierror::Violations;
use proptest::prelude::*;
use serde::Deserialize;
use serde_json::{Map, Value};

const LIMIT: usize = 2048;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Order {
    lines: Vec<Line>,
    #[serde(default)]
    kind: Option<Kind>,
    #[serde(default)]
    tags: BTreeMap<String, u8>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Line {
    item: String,
    qty: u32,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum Kind {
    Pickup,
    Delivery,
}

/// JSON values that often come close to an `Order`.
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("lines".to_owned()),
        Just("item".to_owned()),
        Just("qty".to_owned()),
        Just("kind".to_owned()),
        Just("tags".to_owned()),
        "[a-z/~ %\"\\\\é]{0,6}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (0u32..200).prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop_oneof![
            Just("pickup".to_owned()),
            Just("drone".to_owned()),
            ".{0,8}"
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        4 => Just(Some("application/json".to_owned())),
        1 => Just(Some("application/problem+json; charset=utf-8".to_owned())),
        1 => Just(Some("text/plain".to_owned())),
        1 => Just(None),
        1 => "[ -~]{0,30}".prop_map(Some),
    ]
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..3000),
        "[\\[\\]{}\":,0-9a-z \n\\\\-]{0,200}".prop_map(String::into_bytes),
        json_value().prop_map(|v| v.to_string().into_bytes()),
    ]
}

/// The answer as the client sees it.
struct Answer {
    status: u16,
    content_type: Vec<String>,
    body: Vec<u8>,
}

/// Checks the contract for one answer to `sent`, sent with `content_type`.
fn check(answer: &Answer, sent: &[u8], content_type: &Option<String>) -> Result<(), TestCaseError> {
    let status = answer.status;
    prop_assert!(
        [200, 400, 413, 415, 422].contains(&status),
        "status {status} for {:?}",
        String::from_utf8_lossy(sent)
    );
    match content_type.as_deref() {
        None | Some("text/plain") => prop_assert_eq!(status, 415),
        Some("application/json" | "application/problem+json; charset=utf-8") => {
            prop_assert_ne!(status, 415)
        }
        // Whatever else the generator wrote: either answer may be right.
        Some(_) => {}
    }
    if status == 200 {
        return Ok(());
    }
    prop_assert_eq!(
        &answer.content_type,
        &["application/problem+json".to_owned()]
    );
    let problem: Value = serde_json::from_slice(&answer.body).expect("the body is JSON");
    prop_assert_eq!(problem["status"].as_u64(), Some(status as u64));
    prop_assert!(problem["title"].is_string());
    prop_assert!(problem["detail"].is_string());
    if status == 422 {
        let errors = problem["errors"].as_array().expect("a 422 has errors");
        prop_assert_eq!(errors.len(), 1);
        let fragment = errors[0]["pointer"].as_str().expect("a pointer");
        prop_assert!(fragment.starts_with('#'));
        let mut read = Violations::new();
        read.push(fragment, "");
        let pointer = read.iter().next().unwrap().pointer().to_owned();
        let document: Value = serde_json::from_slice(sent).expect("a 422 was sent valid JSON");
        prop_assert!(
            document.pointer(&pointer).is_some(),
            "{pointer:?} does not resolve in {document}"
        );
    } else {
        prop_assert!(problem.get("errors").is_none());
    }
    if status == 400 {
        prop_assert!(serde_json::from_slice::<Value>(sent).is_err() || sent.len() > LIMIT);
    }
    Ok(())
}

mod axum_side {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::extract::DefaultBodyLimit;
    use axum::routing::post;
    use tower::ServiceExt;

    async fn create(apierror::axum::Json(_): apierror::axum::Json<Order>) -> &'static str {
        "ok"
    }

    pub fn run(body: Vec<u8>, content_type: Option<String>) -> Answer {
        let app = Router::new()
            .route("/", post(create))
            .layer(DefaultBodyLimit::max(LIMIT));
        let mut request = http::Request::post("/");
        if let Some(ct) = &content_type {
            request = request.header("content-type", ct.as_str());
        }
        let Ok(request) = request.body(Body::from(body)) else {
            // Not a header value http accepts: no request to send.
            return Answer {
                status: 200,
                content_type: vec![],
                body: vec![],
            };
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let response = app.oneshot(request).await.unwrap();
            let status = response.status().as_u16();
            let content_type = response
                .headers()
                .get_all("content-type")
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .collect();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            Answer {
                status,
                content_type,
                body: body.to_vec(),
            }
        })
    }
}

proptest! {
    #[test]
    fn axum_json_values(value in json_value(), ct in content_type()) {
        let sent = value.to_string().into_bytes();
        let answer = axum_side::run(sent.clone(), ct.clone());
        check(&answer, &sent, &ct)?;
        if answer.status != 415 && sent.len() <= LIMIT {
            // Valid JSON is never a 400.
            prop_assert!(answer.status == 200 || answer.status == 422, "{}", answer.status);
        }
    }

    #[test]
    fn axum_arbitrary_bytes(sent in bytes(), ct in content_type()) {
        let answer = axum_side::run(sent.clone(), ct.clone());
        check(&answer, &sent, &ct)?;
    }
}

mod actix_side {
    use super::*;
    use actix_web::{App, test, web};

    async fn create(apierror::actix::Json(_): apierror::actix::Json<Order>) -> &'static str {
        "ok"
    }

    pub fn run_all(cases: impl Strategy<Value = (Vec<u8>, Option<String>)>, valid_json: bool) {
        let system = actix_web::rt::System::new();
        let app = system.block_on(test::init_service(
            App::new()
                .app_data(web::JsonConfig::default().limit(LIMIT))
                .route("/", web::post().to(create)),
        ));
        let mut runner = proptest::test_runner::TestRunner::default();
        runner
            .run(&cases, |(sent, ct)| {
                let mut request = test::TestRequest::post().uri("/").set_payload(sent.clone());
                if let Some(ct) = &ct {
                    match actix_web::http::header::HeaderValue::from_str(ct) {
                        Ok(value) => request = request.insert_header(("content-type", value)),
                        Err(_) => return Ok(()),
                    }
                }
                let response = system.block_on(test::call_service(&app, request.to_request()));
                let status = response.status().as_u16();
                let content_type = response
                    .headers()
                    .get_all("content-type")
                    .map(|v| v.to_str().unwrap().to_owned())
                    .collect();
                let body = system.block_on(test::read_body(response)).to_vec();
                let answer = Answer {
                    status,
                    content_type,
                    body,
                };
                check(&answer, &sent, &ct)?;
                if valid_json && answer.status != 415 && sent.len() <= LIMIT {
                    prop_assert!(
                        answer.status == 200 || answer.status == 422,
                        "{}",
                        answer.status
                    );
                }
                Ok(())
            })
            .unwrap();
    }
}

#[test]
fn actix_json_values() {
    actix_side::run_all(
        (json_value(), content_type()).prop_map(|(v, ct)| (v.to_string().into_bytes(), ct)),
        true,
    );
}

#[test]
fn actix_arbitrary_bytes() {
    actix_side::run_all((bytes(), content_type()), false);
}
