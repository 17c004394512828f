//! `#[problem(rename_all = "..")]`: extension members named after fields
//! follow serde's rules on the type or the variant (the variant's wins);
//! explicit names never change. Expected names are written from serde's
//! documented rules for fields (`very_tasty` is `VERY_TASTY`, `VeryTasty`,
//! `veryTasty`; `lowercase` and `snake_case` keep a snake_case field), and
//! checked once more against serde_derive itself.

mod responses;

use apierror::ApiError;
use responses::{all_paths, assert_frame};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// The head every struct below shares.
fn limited(members: Value) -> Value {
    let mut body = json!({"title": "Too Many Requests", "status": 429, "detail": "limited"});
    let body_members = body.as_object_mut().unwrap();
    body_members.extend(members.as_object().unwrap().clone());
    body
}

/// Every response path sends exactly `expected`, each member once, and
/// `problem()` reads the same extension members back.
fn assert_body<E, F>(make: F, status: u16, declared: &[&str], expected: &Value)
where
    E: ApiError + axum::response::IntoResponse + actix_web::ResponseError,
    F: Fn() -> E,
{
    for seen in all_paths(&make) {
        assert_frame(&seen, status, declared);
        assert_eq!(&seen.json(), expected, "{}", seen.path);
        // Fails on a member sent twice, which `json()` would hide.
        let sent = seen.member_names();
        assert_eq!(
            sent.len(),
            expected.as_object().unwrap().len(),
            "{}",
            seen.path
        );
    }
    let problem = make().problem();
    let mut wanted = expected.as_object().unwrap().clone();
    for standard in ["type", "title", "status", "detail", "instance"] {
        wanted.remove(standard);
    }
    assert_eq!(problem.extensions(), &wanted, "problem()");
}

/// A struct with one rule, and a serde mirror with the same rule.
macro_rules! rule_struct {
    ($name:ident, $mirror:ident, $rule:literal) => {
        #[derive(Debug, thiserror::Error, ApiError)]
        #[error("limited")]
        #[status(429)]
        #[problem(rename_all = $rule)]
        struct $name {
            #[problem(extension)]
            user_id: u32,
            #[problem(extension)]
            retry_after_secs: u64,
            #[problem(extension)]
            x1: bool,
            #[problem(extension = "explicit_name")]
            explicit: u8,
            #[problem(extension)]
            r#loop: u8,
            not_sent: u8,
        }

        impl $name {
            fn new() -> Self {
                $name {
                    user_id: 7,
                    retry_after_secs: 30,
                    x1: true,
                    explicit: 1,
                    r#loop: 2,
                    not_sent: 3,
                }
            }
        }

        #[derive(Serialize)]
        #[serde(rename_all = $rule)]
        struct $mirror {
            user_id: u32,
            retry_after_secs: u64,
            x1: bool,
            #[serde(rename = "explicit_name")]
            explicit: u8,
            r#loop: u8,
        }

        impl $mirror {
            fn new() -> Self {
                $mirror {
                    user_id: 7,
                    retry_after_secs: 30,
                    x1: true,
                    explicit: 1,
                    r#loop: 2,
                }
            }
        }
    };
}

rule_struct!(Lower, LowerSerde, "lowercase");
rule_struct!(Upper, UpperSerde, "UPPERCASE");
rule_struct!(Pascal, PascalSerde, "PascalCase");
rule_struct!(Camel, CamelSerde, "camelCase");
rule_struct!(Snake, SnakeSerde, "snake_case");
rule_struct!(Screaming, ScreamingSerde, "SCREAMING_SNAKE_CASE");

#[test]
fn lowercase_keeps_snake_case_fields() {
    let expected = limited(json!({
        "user_id": 7, "retry_after_secs": 30, "x1": true, "explicit_name": 1, "loop": 2
    }));
    assert_body(Lower::new, 429, &[], &expected);
}

#[test]
fn uppercase() {
    let expected = limited(json!({
        "USER_ID": 7, "RETRY_AFTER_SECS": 30, "X1": true, "explicit_name": 1, "LOOP": 2
    }));
    assert_body(Upper::new, 429, &[], &expected);
}

#[test]
fn pascal_case() {
    let expected = limited(json!({
        "UserId": 7, "RetryAfterSecs": 30, "X1": true, "explicit_name": 1, "Loop": 2
    }));
    assert_body(Pascal::new, 429, &[], &expected);
}

#[test]
fn camel_case() {
    let expected = limited(json!({
        "userId": 7, "retryAfterSecs": 30, "x1": true, "explicit_name": 1, "loop": 2
    }));
    assert_body(Camel::new, 429, &[], &expected);
}

#[test]
fn snake_case() {
    let expected = limited(json!({
        "user_id": 7, "retry_after_secs": 30, "x1": true, "explicit_name": 1, "loop": 2
    }));
    assert_body(Snake::new, 429, &[], &expected);
}

#[test]
fn screaming_snake_case() {
    let expected = limited(json!({
        "USER_ID": 7, "RETRY_AFTER_SECS": 30, "X1": true, "explicit_name": 1, "LOOP": 2
    }));
    assert_body(Screaming::new, 429, &[], &expected);
}

/// The extension members of a body: everything but the standard members.
fn extensions(body: &[u8]) -> Map<String, Value> {
    let mut members: Map<String, Value> = serde_json::from_slice(body).unwrap();
    for standard in ["type", "title", "status", "detail", "instance"] {
        members.remove(standard);
    }
    members
}

#[test]
fn every_rule_names_members_as_serde_derive_names_fields() {
    let pairs: [(Map<String, Value>, Value); 6] = [
        (extensions(&Lower::new().body()), json!(LowerSerde::new())),
        (extensions(&Upper::new().body()), json!(UpperSerde::new())),
        (extensions(&Pascal::new().body()), json!(PascalSerde::new())),
        (extensions(&Camel::new().body()), json!(CamelSerde::new())),
        (extensions(&Snake::new().body()), json!(SnakeSerde::new())),
        (
            extensions(&Screaming::new().body()),
            json!(ScreamingSerde::new()),
        ),
    ];
    for (ours, serde) in pairs {
        assert_eq!(Value::Object(ours), serde);
    }
}

/// On an enum: the type's rule for every variant, a variant's own rule
/// instead of it, explicit names as written, `transparent` untouched.
#[derive(Debug, thiserror::Error, ApiError)]
#[status(400)]
#[problem(rename_all = "camelCase")]
enum Orders {
    #[error("order {order_id} is on hold")]
    #[status(409)]
    OnHold {
        #[problem(extension)]
        order_id: u64,
        #[problem(extension)]
        hold_reason: &'static str,
        #[problem(extension = "legacy_code")]
        code: u16,
    },

    #[error("bad quantity")]
    #[problem(rename_all = "SCREAMING_SNAKE_CASE")]
    BadQuantity {
        #[problem(extension)]
        max_quantity: u32,
        #[problem(extension = "givenQty")]
        given: u32,
    },

    #[error("bad coupon")]
    #[problem(rename_all = "snake_case")]
    BadCoupon {
        #[problem(extension)]
        coupon_code: &'static str,
    },

    #[error("no field")]
    Plain,

    #[error(transparent)]
    #[status(transparent)]
    Inner(Lower),
}

#[test]
fn enum_rule_applies_to_every_variant() {
    let expected = json!({
        "title": "Conflict", "status": 409, "detail": "order 12 is on hold",
        "orderId": 12, "holdReason": "fraud check", "legacy_code": 7
    });
    assert_body(
        || Orders::OnHold {
            order_id: 12,
            hold_reason: "fraud check",
            code: 7,
        },
        409,
        &[],
        &expected,
    );
}

#[test]
fn a_variant_rule_wins_over_the_enum_rule() {
    let expected = json!({
        "title": "Bad Request", "status": 400, "detail": "bad quantity",
        "MAX_QUANTITY": 10, "givenQty": 11
    });
    assert_body(
        || Orders::BadQuantity {
            max_quantity: 10,
            given: 11,
        },
        400,
        &[],
        &expected,
    );
    let expected = json!({
        "title": "Bad Request", "status": 400, "detail": "bad coupon",
        "coupon_code": "SPRING"
    });
    assert_body(
        || Orders::BadCoupon {
            coupon_code: "SPRING",
        },
        400,
        &[],
        &expected,
    );
}

#[test]
fn transparent_variants_keep_the_inner_types_names() {
    let expected = limited(json!({
        "user_id": 7, "retry_after_secs": 30, "x1": true, "explicit_name": 1, "loop": 2
    }));
    assert_body(|| Orders::Inner(Lower::new()), 429, &[], &expected);
}

#[test]
fn a_variant_without_fields_keeps_its_static_body() {
    assert!(matches!(
        Orders::Plain.body(),
        std::borrow::Cow::Borrowed(br#"{"title":"Bad Request","status":400,"detail":"no field"}"#)
    ));
}

/// Renamed names in format strings: placeholders still name fields.
#[derive(Debug, thiserror::Error, ApiError)]
#[error("wait {retry_after_secs}s")]
#[status(503)]
#[problem(
    rename_all = "PascalCase",
    detail = "retry in {retry_after_secs}s",
    instance = "/limits/{user_id}",
    header(retry_after = "{retry_after_secs}")
)]
struct Busy {
    #[problem(extension)]
    retry_after_secs: u64,
    #[problem(extension)]
    user_id: u32,
}

#[test]
fn format_strings_still_name_fields_by_their_rust_names() {
    let expected = json!({
        "title": "Service Unavailable", "status": 503, "detail": "retry in 5s",
        "instance": "/limits/3", "RetryAfterSecs": 5, "UserId": 3
    });
    assert_body(
        || Busy {
            retry_after_secs: 5,
            user_id: 3,
        },
        503,
        &["retry-after"],
        &expected,
    );
}

/// Names from a `macro_rules!` caller and raw identifiers are renamed too.
macro_rules! from_caller {
    ($field:ident) => {
        #[derive(Debug, thiserror::Error, ApiError)]
        #[error("caller")]
        #[status(422)]
        #[problem(rename_all = "camelCase")]
        struct FromCaller {
            #[problem(extension)]
            $field: u8,
            #[problem(extension)]
            r#type_name: u8,
        }
    };
}

from_caller!(caller_field);

#[test]
fn names_from_a_macro_caller_and_raw_identifiers_are_renamed() {
    let expected = json!({
        "title": "Unprocessable Content", "status": 422, "detail": "caller",
        "callerField": 1, "typeName": 2
    });
    assert_body(
        || FromCaller {
            caller_field: 1,
            r#type_name: 2,
        },
        422,
        &[],
        &expected,
    );
}
