//! OpenAPI from the same enum (DESIGN.md, "OpenAPI from the same enum"): every
//! body a derived type sends validates, with a real JSON Schema validator,
//! against the schema its `IntoResponses` documents for that status; no
//! schema is vacuous (mutated bodies fail); the documents are self-contained;
//! and `ProblemTypes` lists what the enum can send.

use std::collections::BTreeSet;

use apierror::openapi::Merge;
use apierror::{ApiError, ProblemType, ProblemTypes};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::{IntoResponses, OpenApi, ToSchema};

/// A nested type, so the extension's schema has a `$ref` to inline.
#[derive(Debug, Serialize, ToSchema)]
pub struct Money {
    pub amount: u64,
    pub currency: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Line {
    pub sku: String,
    pub price: Money,
}

#[derive(Debug, thiserror::Error, ApiError)]
#[problem(openapi)]
pub enum PaymentError {
    /// The card was declined.
    #[error("card declined: {reason}")]
    #[status(402)]
    #[problem(type = "/problems/card-declined", title = "Card declined")]
    Declined {
        #[problem(extension)]
        reason: String,
    },

    /// The payment is already being processed.
    #[error("payment in progress")]
    #[status(409)]
    InProgress,
}

#[derive(Debug, thiserror::Error, ApiError)]
#[problem(openapi, header(x_api_version = "1"))]
pub enum OrderError {
    /// No order has this id.
    #[error("order {id} not found")]
    #[status(404)]
    NotFound { id: u64 },

    /// No customer has this id.
    #[error("customer not found")]
    #[status(404)]
    #[problem(type = "/problems/no-customer", title = "Unknown customer")]
    NoCustomer,

    /// Nothing left to ship <script>alert("x")</script> & no date yet.
    #[error("out of stock")]
    #[status(409)]
    #[problem(
        type = "/problems/out-of-stock",
        title = "Out of stock",
        detail = "order {id} is out of stock",
        instance = "/orders/{id}"
    )]
    OutOfStock {
        #[problem(extension)]
        id: u64,
        #[problem(extension = "lines")]
        items: Vec<Line>,
        #[problem(extension)]
        note: Option<String>,
        #[problem(extension)]
        total: Money,
        #[problem(extension)]
        ratio: f64,
        #[problem(extension)]
        flags: Vec<bool>,
    },

    #[error("too many requests")]
    #[status(429)]
    #[problem(
        header(retry_after = "{secs}"),
        detail = "slow down",
        instance = "/limits/orders"
    )]
    RateLimited { secs: u64 },

    /// No or a wrong bearer token.
    #[error("missing or invalid bearer token")]
    #[status(401)]
    #[problem(header(www_authenticate = "Bearer realm=\"orders\""))]
    Unauthenticated,

    /// The database is down.
    #[error("database unavailable: {0}")]
    #[status(503)]
    Database(#[source] std::io::Error),

    #[error(transparent)]
    #[status(transparent)]
    Payment(#[from] PaymentError),
}

/// One value of every variant, with values that fill every member.
fn every_order_error() -> Vec<OrderError> {
    vec![
        OrderError::NotFound { id: 7 },
        OrderError::NoCustomer,
        OrderError::OutOfStock {
            id: 7,
            items: vec![Line {
                sku: "a-1".into(),
                price: Money {
                    amount: 3,
                    currency: "EUR".into(),
                },
            }],
            note: Some("back soon".into()),
            total: Money {
                amount: 3,
                currency: "EUR".into(),
            },
            ratio: 0.5,
            flags: vec![true, false],
        },
        // `note: None` is left out of the body: extensions are never required.
        OrderError::OutOfStock {
            id: 8,
            items: Vec::new(),
            note: None,
            total: Money {
                amount: 0,
                currency: "EUR".into(),
            },
            ratio: 1.0,
            flags: Vec::new(),
        },
        OrderError::RateLimited { secs: 30 },
        OrderError::Unauthenticated,
        OrderError::Database(std::io::Error::other("password=hunter2")),
        OrderError::Payment(PaymentError::Declined {
            reason: "insufficient funds".into(),
        }),
        OrderError::Payment(PaymentError::InProgress),
    ]
}

/// A struct, a type with no doc comments, and a generic one.
#[derive(Debug, thiserror::Error, ApiError)]
#[error("gone")]
#[status(410)]
#[problem(openapi, type = "/problems/gone")]
pub struct Gone;

#[derive(Debug, thiserror::Error, ApiError)]
#[problem(openapi)]
pub enum Generic<T: std::fmt::Debug + 'static> {
    #[error("bad {value:?}")]
    #[status(400)]
    Bad {
        #[problem(extension)]
        value: T,
    },
}

fn documented(responses: &Value, status: u16) -> &Value {
    responses
        .get(status.to_string())
        .unwrap_or_else(|| panic!("no response documented for {status}: {responses:#}"))
}

fn schema_of(response: &Value) -> &Value {
    &response["content"]["application/problem+json"]["schema"]
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("not a valid JSON Schema ({e}): {schema:#}"))
}

/// Every `$ref` anywhere in `value`.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "$ref" {
                    out.push(v.to_string());
                }
                refs(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// Renders each error as it goes on the wire and checks it against the
/// response documented for its status: content type, headers, body.
fn check_every_body_validates<E: ApiError>(errors: &[E], responses: &Value) -> Vec<(u16, Value)> {
    let mut bodies = Vec::new();
    for error in errors {
        let sent = apierror::response(error);
        let status = sent.status().as_u16();
        let response = documented(responses, status);
        assert_eq!(
            sent.headers()["content-type"],
            "application/problem+json",
            "{error}"
        );
        assert!(
            response["content"]["application/problem+json"].is_object(),
            "{status} is not documented as application/problem+json: {response:#}"
        );
        for name in sent.headers().keys() {
            if name != "content-type" {
                assert!(
                    response["headers"].get(name.as_str()).is_some(),
                    "{status}: header {name} is sent but not documented: {response:#}"
                );
            }
        }
        let body: Value = serde_json::from_slice(sent.body()).expect("a JSON body");
        let schema = schema_of(response);
        let errors: Vec<String> = validator(schema)
            .iter_errors(&body)
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{status} body {body} does not validate: {errors:?}\nschema: {schema:#}"
        );
        bodies.push((status, body));
    }
    bodies
}

/// Bodies that no schema of their status may accept.
fn mutations(body: &Value, schema: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let object = body.as_object().expect("an object");
    let status = object["status"].as_u64().expect("a status");
    let mut with = |what: &str, f: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut changed = object.clone();
        f(&mut changed);
        out.push((what.to_owned(), Value::Object(changed)));
    };
    with("wrong status", &|m| {
        m.insert(
            "status".into(),
            json!(if status == 500 { 501 } else { 500 }),
        );
    });
    with("status as a string", &|m| {
        m.insert("status".into(), json!(status.to_string()));
    });
    with("changed title", &|m| {
        let title = m["title"].as_str().unwrap_or_default().to_owned();
        m.insert("title".into(), json!(format!("{title}!")));
    });
    with("title as a number", &|m| {
        m.insert("title".into(), json!(1));
    });
    with("changed type", &|m| {
        m.insert("type".into(), json!("/problems/something-else"));
    });
    if let Some(detail) = object.get("detail") {
        with("detail as a number", &|m| {
            m.insert("detail".into(), json!(1));
        });
        // A literal detail is a constant.
        if detail == "slow down" {
            with("changed literal detail", &|m| {
                m.insert("detail".into(), json!("hurry up"));
            });
        }
    }
    // Every member the schema requires, taken away one at a time; with
    // several variants on one status, what all of them require.
    let required = required_by_every_alternative(schema);
    for member in required {
        let what = format!("missing {member}");
        with(&what, &|m| {
            m.remove(&member);
        });
    }
    out
}

fn required_by_every_alternative(schema: &Value) -> BTreeSet<String> {
    let alternatives: Vec<&Value> = match schema.get("anyOf") {
        Some(Value::Array(items)) => items.iter().collect(),
        _ => vec![schema],
    };
    let sets = alternatives.iter().map(|s| {
        s["required"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(|m| m.as_str().map(str::to_owned))
                    .collect::<BTreeSet<_>>()
            })
            .unwrap_or_default()
    });
    sets.reduce(|a, b| a.intersection(&b).cloned().collect())
        .unwrap_or_default()
}

#[test]
fn every_body_validates_against_the_schema_documented_for_its_status() {
    let responses = serde_json::to_value(OrderError::responses()).unwrap();
    let bodies = check_every_body_validates(&every_order_error(), &responses);

    // Every documented status is one that some value of the enum answers.
    let sent: BTreeSet<String> = bodies.iter().map(|(s, _)| s.to_string()).collect();
    let documented: BTreeSet<String> = responses.as_object().unwrap().keys().cloned().collect();
    assert_eq!(sent, documented);
    assert_eq!(
        documented,
        ["401", "402", "404", "409", "429", "503"]
            .map(String::from)
            .into()
    );

    let generic = serde_json::to_value(Generic::<Vec<u32>>::responses()).unwrap();
    check_every_body_validates(&[Generic::Bad { value: vec![1, 2] }], &generic);
    let gone = serde_json::to_value(Gone::responses()).unwrap();
    check_every_body_validates(&[Gone], &gone);
}

#[test]
fn no_schema_is_vacuous() {
    let responses = serde_json::to_value(OrderError::responses()).unwrap();
    for (status, body) in check_every_body_validates(&every_order_error(), &responses) {
        let schema = schema_of(documented(&responses, status));
        let validator = validator(schema);
        for (what, mutated) in mutations(&body, schema) {
            // A body of another about:blank variant of the same status may
            // legitimately lack `type`; "changed type" must still fail.
            assert!(
                !validator.is_valid(&mutated),
                "{status}: {what} still validates: {mutated}\nschema: {schema:#}"
            );
        }
    }
}

#[test]
fn extension_types_are_checked_too() {
    let responses = serde_json::to_value(OrderError::responses()).unwrap();
    let schema = schema_of(documented(&responses, 409));
    let validator = validator(schema);
    let good = json!({
        "type": "/problems/out-of-stock", "title": "Out of stock", "status": 409,
        "detail": "order 7 is out of stock", "instance": "/orders/7",
        "id": 7, "lines": [{"sku": "a", "price": {"amount": 1, "currency": "EUR"}}],
        "total": {"amount": 1, "currency": "EUR"}, "ratio": 0.5, "flags": [true]
    });
    assert!(validator.is_valid(&good));
    for (member, wrong) in [
        ("id", json!("7")),
        ("id", json!(-1)),
        (
            "lines",
            json!([{"sku": "a", "price": {"amount": "1", "currency": "EUR"}}]),
        ),
        ("total", json!({"amount": 1})),
        ("ratio", json!("half")),
        ("flags", json!([1])),
        ("instance", json!(7)),
    ] {
        let mut body = good.clone();
        body[member] = wrong;
        assert!(!validator.is_valid(&body), "{member}: {body}");
    }
}

/// The whole response of one variant, written from DESIGN.md's rules.
#[test]
fn a_static_variant_is_documented_exactly() {
    let responses = serde_json::to_value(OrderError::responses()).unwrap();
    assert_eq!(
        responses["429"],
        json!({
            "description": "Too Many Requests",
            "headers": {
                "retry-after": {"schema": {"type": "string"}},
                "x-api-version": {"schema": {"type": "string"}, "example": "1"}
            },
            "content": {
                "application/problem+json": {
                    "schema": {
                        "type": "object",
                        "title": "Too Many Requests",
                        "properties": {
                            "type": {"type": "string", "enum": ["about:blank"]},
                            "title": {"type": "string", "enum": ["Too Many Requests"]},
                            "status": {"type": "integer", "enum": [429]},
                            "detail": {"type": "string", "enum": ["slow down"]},
                            "instance": {"type": "string", "enum": ["/limits/orders"]}
                        },
                        "required": ["title", "status", "detail", "instance"]
                    },
                    "examples": {
                        "RateLimited": {"value": {
                            "title": "Too Many Requests",
                            "status": 429,
                            "detail": "slow down",
                            "instance": "/limits/orders"
                        }}
                    }
                }
            }
        })
    );
}

#[test]
fn shared_statuses_are_any_of_with_every_description() {
    let responses = serde_json::to_value(OrderError::responses()).unwrap();
    let not_found = documented(&responses, 404);
    assert_eq!(
        not_found["description"],
        "No order has this id.\n\nNo customer has this id."
    );
    let any_of = schema_of(not_found)["anyOf"].as_array().unwrap();
    assert_eq!(any_of.len(), 2);
    // The static body of NoCustomer is its example; NotFound's detail varies.
    let examples = &not_found["content"]["application/problem+json"]["examples"];
    assert_eq!(
        examples,
        &json!({"NoCustomer": {"value": {
            "type": "/problems/no-customer", "title": "Unknown customer",
            "status": 404, "detail": "customer not found"
        }}})
    );
    // 409: OrderError's own variant and the transparent PaymentError's.
    let conflict = documented(&responses, 409);
    assert_eq!(schema_of(conflict)["anyOf"].as_array().unwrap().len(), 2);
    // Every example validates against its response's schema.
    for (status, response) in responses.as_object().unwrap() {
        let content = &response["content"]["application/problem+json"];
        let validator = validator(&content["schema"]);
        for (name, example) in content["examples"].as_object().into_iter().flatten() {
            assert!(
                validator.is_valid(&example["value"]),
                "{status} example {name}"
            );
        }
    }
    // The 401's WWW-Authenticate is listed with its fixed value.
    assert_eq!(
        documented(&responses, 401)["headers"]["www-authenticate"],
        json!({"schema": {"type": "string"}, "example": "Bearer realm=\"orders\""})
    );
}

#[derive(OpenApi)]
#[openapi(paths(get_order))]
struct Api;

#[utoipa::path(
    get,
    path = "/orders/{id}",
    responses((status = 200, body = u64), Merge<(OrderError, Gone)>)
)]
#[allow(dead_code)]
async fn get_order() {}

#[test]
fn a_document_listing_only_paths_has_no_dangling_ref() {
    let document = serde_json::to_value(Api::openapi()).unwrap();
    let mut found = Vec::new();
    refs(&document, &mut found);
    assert!(found.is_empty(), "{found:?}");
    let responses = &document["paths"]["/orders/{id}"]["get"]["responses"];
    for status in ["200", "401", "402", "404", "409", "410", "429", "503"] {
        assert!(responses.get(status).is_some(), "{status}: {responses:#}");
    }
}

#[test]
fn merge_joins_equal_statuses_into_one_any_of() {
    let merged = serde_json::to_value(apierror::openapi::merge([
        OrderError::responses(),
        PaymentError::responses(),
        Gone::responses(),
    ]))
    .unwrap();
    // 409 was already OrderError's two; PaymentError's is the same schema
    // again, and still listed (anyOf is not weakened by a repeat).
    assert_eq!(
        schema_of(&merged["409"])["anyOf"].as_array().unwrap().len(),
        3
    );
    assert!(merged["410"].is_object());
    let bodies = check_every_body_validates(&every_order_error(), &merged);
    assert_eq!(bodies.len(), every_order_error().len());
}

#[test]
fn problem_types_lists_every_type_in_declaration_order() {
    let expected = [
        ("about:blank", "Not Found", 404, "No order has this id."),
        (
            "/problems/no-customer",
            "Unknown customer",
            404,
            "No customer has this id.",
        ),
        (
            "/problems/out-of-stock",
            "Out of stock",
            409,
            "Nothing left to ship <script>alert(\"x\")</script> & no date yet.",
        ),
        ("about:blank", "Too Many Requests", 429, ""),
        (
            "about:blank",
            "Unauthorized",
            401,
            "No or a wrong bearer token.",
        ),
        (
            "about:blank",
            "Service Unavailable",
            503,
            "The database is down.",
        ),
        (
            "/problems/card-declined",
            "Card declined",
            402,
            "The card was declined.",
        ),
        (
            "about:blank",
            "Conflict",
            409,
            "The payment is already being processed.",
        ),
    ];
    let got: Vec<(&str, &str, u16, &str)> = OrderError::problem_types()
        .iter()
        .map(|t: &ProblemType| (t.uri(), t.title(), t.status().as_u16(), t.description()))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(
        Gone::problem_types()
            .iter()
            .map(|t| (t.uri(), t.description()))
            .collect::<Vec<_>>(),
        [(
            "/problems/gone",
            "A struct, a type with no doc comments, and a generic one."
        )]
    );
    assert_eq!(Generic::<u8>::problem_types().len(), 1);
    assert!(apierror::Problem::problem_types().is_empty());
}
