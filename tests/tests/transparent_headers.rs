//! DESIGN.md: enum-level headers apply to every variant, `transparent` ones
//! included, where the inner error's header of the same name wins; enum-level
//! `type` and `title` never apply to `transparent` variants. Checked on whole
//! responses, through every path a user has.

mod responses;

use apierror::ApiError;
use responses::{all_paths, assert_frame};
use serde_json::json;

#[derive(Debug, thiserror::Error, ApiError)]
#[error("payment declined")]
#[status(402)]
#[problem(
    type = "https://example.com/problems/payment",
    header(cache_control = "max-age=5")
)]
pub struct Payment;

#[derive(Debug, thiserror::Error, ApiError)]
#[error("plain inner")]
#[status(409)]
pub struct Plain;

#[derive(Debug, thiserror::Error, ApiError)]
#[status(500)]
#[problem(
    type = "https://example.com/problems/orders",
    title = "Order failure",
    header(cache_control = "no-store", x_service = "orders")
)]
pub enum Orders {
    #[error(transparent)]
    #[status(transparent)]
    Payment(#[from] Payment),

    #[error(transparent)]
    #[status(transparent)]
    Plain(Plain),

    #[error("no such order")]
    #[status(404)]
    Own,
}

/// An enum whose transparent variant wraps another enum with enum headers.
#[derive(Debug, thiserror::Error, ApiError)]
#[problem(header(x_layer = "outer", x_service = "gateway"))]
pub enum Outer {
    #[error(transparent)]
    #[status(transparent)]
    Orders(#[from] Orders),
}

#[test]
fn the_inner_header_of_a_name_wins_and_the_others_are_added() {
    for seen in all_paths(|| Orders::Payment(Payment)) {
        assert_frame(&seen, 402, &["cache-control", "x-service"]);
        assert_eq!(seen.header("cache-control"), [b"max-age=5".as_slice()]);
        assert_eq!(seen.header("x-service"), [b"orders".as_slice()]);
        assert_eq!(
            seen.json(),
            json!({
                "type": "https://example.com/problems/payment",
                "title": "Payment Required",
                "status": 402,
                "detail": "payment declined"
            }),
            "{}: the enum's type and title do not apply",
            seen.path
        );
    }
}

#[test]
fn an_inner_error_without_headers_gets_all_of_the_enums() {
    for seen in all_paths(|| Orders::Plain(Plain)) {
        assert_frame(&seen, 409, &["cache-control", "x-service"]);
        assert_eq!(seen.header("cache-control"), [b"no-store".as_slice()]);
        assert_eq!(seen.header("x-service"), [b"orders".as_slice()]);
        assert_eq!(
            seen.json(),
            json!({"title": "Conflict", "status": 409, "detail": "plain inner"}),
            "{}: about:blank and the inner title, not the enum's",
            seen.path
        );
    }
    let problem = Orders::Plain(Plain).problem();
    assert_eq!(problem.problem_type(), "about:blank");
    assert_eq!(problem.title(), Some("Conflict"));
}

#[test]
fn own_variants_keep_the_enum_defaults() {
    for seen in all_paths(|| Orders::Own) {
        assert_frame(&seen, 404, &["cache-control", "x-service"]);
        assert_eq!(seen.header("cache-control"), [b"no-store".as_slice()]);
        assert_eq!(
            seen.json(),
            json!({
                "type": "https://example.com/problems/orders",
                "title": "Order failure",
                "status": 404,
                "detail": "no such order"
            })
        );
    }
}

#[test]
fn nested_transparent_variants_apply_the_rule_at_each_level() {
    for seen in all_paths(|| Outer::Orders(Orders::Payment(Payment))) {
        assert_frame(&seen, 402, &["cache-control", "x-service", "x-layer"]);
        assert_eq!(seen.header("cache-control"), [b"max-age=5".as_slice()]);
        assert_eq!(seen.header("x-service"), [b"orders".as_slice()]);
        assert_eq!(seen.header("x-layer"), [b"outer".as_slice()]);
        assert_eq!(seen.json()["type"], "https://example.com/problems/payment");
    }
}

#[test]
fn values_already_in_the_map_are_not_the_inner_errors() {
    let mut headers = http::HeaderMap::new();
    headers.insert("x-service", http::HeaderValue::from_static("caller"));
    Orders::Plain(Plain).headers(&mut headers);
    let services: Vec<_> = headers.get_all("x-service").iter().collect();
    assert_eq!(services, ["caller", "orders"]);
}
