//! DESIGN.md's runtime guarantees for what every response path sends
//! (`apierror::response`, axum's `IntoResponse`, actix-web's
//! `ResponseError`), whoever implements `ApiError`:
//!
//! - hand-written impls: a `status()` outside 400–599 is sent as a bare 500,
//!   and exactly one `Content-Type` goes out whatever `headers()` appends;
//!   `Problem`'s `problem()` agrees with its body.

mod responses;

use std::fmt;

use apierror::{ApiError, Problem};
use http::{HeaderMap, HeaderValue, StatusCode};
use responses::{Seen, all_paths, assert_frame, capture_logs};
use serde_json::json;

/// Implements axum's `IntoResponse` and actix-web's `ResponseError` for a
/// hand-written `ApiError`, as the integrations' docs show.
macro_rules! framework_impls {
    ($ty:ty) => {
        impl axum::response::IntoResponse for $ty {
            fn into_response(self) -> axum::response::Response {
                apierror::axum::response(&self)
            }
        }
        impl actix_web::ResponseError for $ty {
            fn status_code(&self) -> actix_web::http::StatusCode {
                apierror::actix::status(ApiError::status(self))
            }
            fn error_response(&self) -> actix_web::HttpResponse {
                apierror::actix::response(self)
            }
        }
    };
}

fn bare_500(seen: &Seen) {
    assert_frame(seen, 500, &[]);
    assert_eq!(
        seen.json(),
        json!({"title": "Internal Server Error", "status": 500}),
        "{}",
        seen.path
    );
}

// ------------------------------------------------------ hand-written impls

/// A hand-written impl whose `headers()` appends its own `Content-Type`.
#[derive(Debug)]
struct HandWritten(StatusCode);

impl fmt::Display for HandWritten {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "hand-written {}", self.0.as_u16())
    }
}

impl std::error::Error for HandWritten {}

impl ApiError for HandWritten {
    fn status(&self) -> StatusCode {
        self.0
    }
    fn problem(&self) -> Problem {
        Problem::new(self.0).with_detail(self.to_string())
    }
    fn headers(&self, headers: &mut HeaderMap) {
        headers.append("content-type", HeaderValue::from_static("text/plain"));
        headers.append("x-trace", HeaderValue::from_static("abc"));
        headers.append("content-type", HeaderValue::from_static("text/html"));
    }
}

framework_impls!(HandWritten);

#[test]
fn exactly_one_content_type_whatever_headers_appends() {
    for seen in all_paths(|| HandWritten(StatusCode::IM_A_TEAPOT)) {
        // `assert_frame` checks the one `application/problem+json`.
        assert_frame(&seen, 418, &["x-trace"]);
        assert_eq!(seen.header("x-trace"), [b"abc".as_slice()]);
        assert_eq!(
            seen.json(),
            json!({"title": "(Unused)", "status": 418, "detail": "hand-written 418"})
        );
    }
}

#[test]
fn a_hand_written_status_outside_400_599_is_a_bare_500() {
    for code in [100, 200, 204, 302, 399, 600, 999] {
        let status = StatusCode::from_u16(code).unwrap();
        let (seen, log) = capture_logs(|| all_paths(|| HandWritten(status)));
        for seen in &seen {
            bare_500(seen);
        }
        assert_eq!(
            log.lines()
                .filter(|l| l.contains("ERROR") && l.contains("outside 400-599"))
                .count(),
            3,
            "each path logs why at ERROR; log:\n{log}"
        );
    }
}

#[test]
fn a_problem_with_a_status_outside_400_599_says_500_everywhere() {
    for problem in [
        Problem::new(StatusCode::OK),
        Problem::default().with_title("no status"),
        Problem::new(StatusCode::CONFLICT).with_status(StatusCode::SEE_OTHER),
    ] {
        assert_eq!(ApiError::status(&problem), 500);
        let described = ApiError::problem(&problem);
        assert_eq!(described.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
        let body: serde_json::Value = serde_json::from_slice(&problem.body()).unwrap();
        assert_eq!(body, serde_json::to_value(&described).unwrap());
        for seen in all_paths(|| problem.clone()) {
            assert_frame(&seen, 500, &[]);
            assert_eq!(seen.json(), body, "{}", seen.path);
        }
    }
}
