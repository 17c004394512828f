//! Benchmarks of apierror against the floor, hand-written responses and peer crates.
//!
//! Every implementation converts the same [`WidgetError`] value into a complete
//! axum [`Response`], whose body [`convert`] then collects to bytes: that pair
//! is what the Criterion benches time and what `allocs` counts. The tests at
//! the bottom check that all implementations answer the same problem.
//!
//! Scenarios ([`Scenario`]):
//! - `unit`: a 404 with a fixed detail;
//! - `fields`: a 409 whose detail interpolates a `u64` and a `String` that
//!   needs JSON escaping, with the `u64` as an extension member;
//! - `internal`: a 500 wrapping a `std::io::Error` whose text must not appear.
//!
//! Implementations ([`IMPLEMENTATIONS`]): `floor` (a hand-built response of
//! static bytes, or a borrowed `#[derive(Serialize)]` struct written into a
//! pre-sized buffer), `handwritten` (the usual `(StatusCode, headers,
//! Json(json!(..)))`), `apierror`, `http-api-problem` and `problem_details`
//! through their axum features.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use axum::body::{Body, Bytes};
use axum::response::{IntoResponse, Response};
use http::response::Parts;

pub mod layer;
pub mod nego;

/// The problem type of the `fields` scenario.
pub const CONFLICT_TYPE: &str = "https://example.com/problems/widget-conflict";
/// The title of the `fields` scenario.
pub const CONFLICT_TITLE: &str = "Widget conflict";
/// The detail of the `unit` scenario.
pub const NOT_FOUND_DETAIL: &str = "widget not found";
/// The name of the `fields` scenario, which needs JSON escaping.
pub const CONFLICT_NAME: &str = "widget-ä\"quoted\"";
/// The id of the `fields` scenario.
pub const CONFLICT_ID: u64 = 4_294_967_311;

/// The error every implementation converts.
#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum WidgetError {
    /// `unit`.
    #[error("widget not found")]
    #[status(404)]
    NotFound,

    /// `fields`.
    #[error("widget {id} conflicts with {name}")]
    #[status(CONFLICT)]
    #[problem(
        type = "https://example.com/problems/widget-conflict",
        title = "Widget conflict"
    )]
    Conflict {
        /// Also an extension member.
        #[problem(extension)]
        id: u64,
        /// Needs escaping in JSON.
        name: String,
    },

    /// `internal`.
    #[error("storage failed: {0}")]
    #[status(500)]
    Storage(#[source] std::io::Error),
}

/// One benchmarked situation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// A 404 with a fixed detail.
    Unit,
    /// A 409 with an interpolated detail and an extension member.
    Fields,
    /// A 500 wrapping an `io::Error`.
    Internal,
}

impl Scenario {
    /// All scenarios, in report order.
    pub const ALL: [Scenario; 3] = [Scenario::Unit, Scenario::Fields, Scenario::Internal];

    /// The Criterion group name.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Unit => "unit",
            Scenario::Fields => "fields",
            Scenario::Internal => "internal",
        }
    }

    /// A fresh error for this scenario (built outside the timed region).
    pub fn error(self) -> WidgetError {
        match self {
            Scenario::Unit => WidgetError::NotFound,
            Scenario::Fields => WidgetError::Conflict {
                id: CONFLICT_ID,
                name: CONFLICT_NAME.to_owned(),
            },
            Scenario::Internal => {
                WidgetError::Storage(std::io::Error::other("password=hunter2 at db-7"))
            }
        }
    }
}

/// A conversion under test.
pub type Conversion = fn(WidgetError) -> Response;

/// Every implementation, by the name Criterion files its results under; the
/// floor first.
pub const IMPLEMENTATIONS: [(&str, Conversion); 5] = [
    ("floor", floor::into_response),
    ("handwritten", handwritten::into_response),
    ("apierror", <WidgetError as IntoResponse>::into_response),
    ("http-api-problem", peers::http_api_problem),
    ("problem_details", peers::problem_details),
];

/// apierror plus hyper's `ReasonPhrase` extension, inserted on every
/// response: what a status line that matches the title (413 "Content Too
/// Large" rather than hyper's "Payload Too Large") would cost on axum. Not
/// in [`IMPLEMENTATIONS`]: the bench runs it beside them.
pub fn apierror_with_reason_phrase(error: WidgetError) -> Response {
    let mut response = error.into_response();
    response
        .extensions_mut()
        .insert(hyper::ext::ReasonPhrase::from_static(b"Content Too Large"));
    response
}

/// Runs `conversion` on `error` and collects the body: the unit of work timed.
#[inline]
pub fn convert(conversion: Conversion, error: WidgetError) -> (Parts, Bytes) {
    let (parts, body) = conversion(error).into_parts();
    (parts, collect(body))
}

/// The body's bytes. Every body here is ready at once, so one poll with a
/// no-op waker suffices and no executor is timed.
pub fn collect(body: Body) -> Bytes {
    let mut future = pin!(axum::body::to_bytes(body, usize::MAX));
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(Ok(bytes)) => bytes,
        Poll::Ready(Err(error)) => panic!("body failed: {error}"),
        Poll::Pending => panic!("body not ready"),
    }
}

pub mod flatten;

/// The lower bound: what a response costs when someone hand-builds exactly
/// these bytes.
pub mod floor {
    use axum::body::Body;
    use axum::response::Response;
    use http::{HeaderValue, StatusCode, header};
    use serde::{Serialize, Serializer};

    use crate::WidgetError;

    const NOT_FOUND: &[u8] = br#"{"title":"Not Found","status":404,"detail":"widget not found"}"#;
    const INTERNAL: &[u8] = br#"{"title":"Internal Server Error","status":500}"#;

    #[derive(Serialize)]
    struct Conflict<'a> {
        #[serde(rename = "type")]
        problem_type: &'static str,
        title: &'static str,
        status: u16,
        #[serde(serialize_with = "display")]
        detail: &'a WidgetError,
        id: u64,
    }

    /// Streams `Display` output into the JSON string: no intermediate `String`.
    fn display<S: Serializer>(error: &&WidgetError, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(*error)
    }

    fn respond(status: StatusCode, body: Body) -> Response {
        let mut response = Response::new(body);
        *response.status_mut() = status;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }

    /// The floor's conversion.
    pub fn into_response(error: WidgetError) -> Response {
        match body(&error) {
            (status, Ok(body)) => respond(status, Body::from(body)),
            (status, Err(body)) => respond(status, Body::from(body)),
        }
    }

    /// The floor's status and body, for any framework: static bytes, or the
    /// borrowed struct written into a pre-sized buffer.
    pub fn body(error: &WidgetError) -> (StatusCode, Result<&'static [u8], Vec<u8>>) {
        match error {
            WidgetError::NotFound => (StatusCode::NOT_FOUND, Ok(NOT_FOUND)),
            WidgetError::Storage(_) => (StatusCode::INTERNAL_SERVER_ERROR, Ok(INTERNAL)),
            WidgetError::Conflict { id, .. } => {
                let body = Conflict {
                    problem_type: crate::CONFLICT_TYPE,
                    title: crate::CONFLICT_TITLE,
                    status: 409,
                    detail: error,
                    id: *id,
                };
                let mut buf = Vec::with_capacity(256);
                match serde_json::to_writer(&mut buf, &body) {
                    Ok(()) => (StatusCode::CONFLICT, Err(buf)),
                    Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, Ok(INTERNAL)),
                }
            }
        }
    }
}

/// What a typical axum handler writes by hand.
pub mod handwritten {
    use axum::Json;
    use axum::response::{IntoResponse, Response};
    use http::{StatusCode, header};
    use serde_json::json;

    use crate::WidgetError;

    /// The hand-written conversion.
    pub fn into_response(error: WidgetError) -> Response {
        let (status, body) = match &error {
            WidgetError::NotFound => (
                StatusCode::NOT_FOUND,
                json!({ "title": "Not Found", "status": 404, "detail": crate::NOT_FOUND_DETAIL }),
            ),
            WidgetError::Conflict { id, .. } => (
                StatusCode::CONFLICT,
                json!({
                    "type": crate::CONFLICT_TYPE,
                    "title": crate::CONFLICT_TITLE,
                    "status": 409,
                    "detail": error.to_string(),
                    "id": id,
                }),
            ),
            WidgetError::Storage(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({ "title": "Internal Server Error", "status": 500 }),
            ),
        };
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            Json(body),
        )
            .into_response()
    }
}

/// The peer crates, used as their documentation shows, each through its own
/// axum `IntoResponse`.
pub mod peers {
    use axum::response::{IntoResponse, Response};
    use http::{StatusCode, Uri};
    use serde::Serialize;

    use crate::WidgetError;

    /// http-api-problem 0.60.
    pub fn http_api_problem(error: WidgetError) -> Response {
        use http_api_problem::HttpApiProblem;
        let problem = match &error {
            WidgetError::NotFound => {
                HttpApiProblem::with_title(StatusCode::NOT_FOUND).detail(crate::NOT_FOUND_DETAIL)
            }
            WidgetError::Conflict { id, .. } => HttpApiProblem::new(StatusCode::CONFLICT)
                .type_url(crate::CONFLICT_TYPE)
                .title(crate::CONFLICT_TITLE)
                .detail(error.to_string())
                .value("id", id),
            WidgetError::Storage(_) => {
                HttpApiProblem::with_title(StatusCode::INTERNAL_SERVER_ERROR)
            }
        };
        problem.into_response()
    }

    #[derive(Serialize)]
    struct ConflictExtensions {
        id: u64,
    }

    /// problem_details 0.11.
    pub fn problem_details(error: WidgetError) -> Response {
        use problem_details::ProblemDetails;
        match &error {
            WidgetError::NotFound => ProblemDetails::from_status_code(StatusCode::NOT_FOUND)
                .with_detail(crate::NOT_FOUND_DETAIL)
                .into_response(),
            WidgetError::Conflict { id, .. } => {
                ProblemDetails::from_status_code(StatusCode::CONFLICT)
                    .with_type(Uri::from_static(crate::CONFLICT_TYPE))
                    .with_title(crate::CONFLICT_TITLE)
                    .with_detail(error.to_string())
                    .with_extensions(ConflictExtensions { id: *id })
                    .into_response()
            }
            WidgetError::Storage(_) => {
                ProblemDetails::from_status_code(StatusCode::INTERNAL_SERVER_ERROR).into_response()
            }
        }
    }
}

/// The same conversions for actix-web: a complete `HttpResponse` whose body
/// [`actix::convert`] collects, next to a hand-built floor.
pub mod actix {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use std::sync::atomic::Ordering;

    use actix_web::body::MessageBody;
    use actix_web::http::StatusCode;
    use actix_web::http::header::{self, HeaderMap, HeaderValue};
    use actix_web::{HttpResponse, ResponseError};
    use axum::body::Bytes;

    use crate::{Scenario, WidgetError};

    /// An actix-web conversion under test.
    pub type Conversion = fn(WidgetError) -> HttpResponse;

    /// The actix-web implementations, by the name Criterion files them
    /// under in each scenario's group.
    pub const IMPLEMENTATIONS: [(&str, Conversion); 2] = [
        ("actix-floor", floor),
        ("apierror-actix", |error| error.error_response()),
    ];

    /// The floor: the same bytes hand-built into an actix-web response
    /// (`fields` serializes the same borrowed struct as the axum floor).
    pub fn floor(error: WidgetError) -> HttpResponse {
        let (status, body) = crate::floor::body(&error);
        let status =
            StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = match body {
            Ok(body) => Bytes::from_static(body),
            Err(body) => Bytes::from(body),
        };
        let mut response = HttpResponse::with_body(status, body);
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response.map_into_boxed_body()
    }

    /// Runs `conversion` on `error` and collects the body.
    #[inline]
    pub fn convert(conversion: Conversion, error: WidgetError) -> (StatusCode, HeaderMap, Bytes) {
        let response = conversion(error);
        let status = response.status();
        let headers = response.headers().clone();
        let mut body = pin!(actix_web::body::to_bytes(response.into_body()));
        match body.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(Ok(bytes)) => (status, headers, bytes),
            Poll::Ready(Err(error)) => panic!("body failed: {error}"),
            Poll::Pending => panic!("body not ready"),
        }
    }

    /// Heap allocations of one conversion and the body's collection, counted
    /// as [`crate::allocations`] counts (the error built outside).
    pub fn allocations(conversion: Conversion, scenario: Scenario) -> usize {
        let mut count = 0;
        for _ in 0..3 {
            let error = scenario.error();
            let before = crate::ALLOCATIONS.load(Ordering::Relaxed);
            let result = std::hint::black_box(
                conversion(std::hint::black_box(error))
                    .into_body()
                    .try_into_bytes()
                    .ok(),
            );
            count = crate::ALLOCATIONS.load(Ordering::Relaxed) - before;
            drop(result);
        }
        count
    }
}

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

/// A global allocator that counts allocations (`alloc`, `alloc_zeroed` and
/// `realloc` calls) on top of the system allocator. A binary opts in with
/// `#[global_allocator] static A: CountingAlloc = CountingAlloc;`.
pub struct CountingAlloc;

// SAFETY: every method forwards to `System` with the caller's arguments.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Heap allocations counted so far (0 unless [`CountingAlloc`] is the
/// global allocator).
pub fn allocated() -> usize {
    ALLOCATIONS.load(Ordering::Relaxed)
}

/// Heap allocations made by one [`convert`] of `scenario`'s error, counted
/// when [`CountingAlloc`] is the global allocator (0 otherwise). Building the
/// error and dropping the result are not counted; the error's own drop is, as
/// the conversion consumes it.
pub fn allocations(conversion: Conversion, scenario: Scenario) -> usize {
    let mut count = 0;
    // The first runs may initialize lazy statics; the last one is the steady state.
    for _ in 0..3 {
        let error = scenario.error();
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let result = std::hint::black_box(convert(conversion, std::hint::black_box(error)));
        count = ALLOCATIONS.load(Ordering::Relaxed) - before;
        drop(result);
    }
    count
}

/// Heap allocations made by `f` (its result's drop not included), counted
/// when [`CountingAlloc`] is the global allocator (0 otherwise); the steady
/// state of three runs.
pub fn allocations_of<R>(mut f: impl FnMut() -> R) -> usize {
    let mut count = 0;
    for _ in 0..3 {
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let result = std::hint::black_box(f());
        count = ALLOCATIONS.load(Ordering::Relaxed) - before;
        drop(result);
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_implementation_answers_the_same_problem() {
        for scenario in Scenario::ALL {
            let (_, floor) = IMPLEMENTATIONS[0];
            let (want_parts, want_body) = convert(floor, scenario.error());
            let want: serde_json::Value = serde_json::from_slice(&want_body).unwrap();
            for (name, conversion) in IMPLEMENTATIONS {
                let (parts, body) = convert(conversion, scenario.error());
                let got: serde_json::Value = serde_json::from_slice(&body).unwrap();
                assert_eq!(got, want, "{name} in {}", scenario.name());
                assert_eq!(parts.status, want_parts.status, "{name}");
                assert_eq!(
                    parts.headers["content-type"], "application/problem+json",
                    "{name}"
                );
                assert!(!body.windows(8).any(|w| w == b"password"), "{name}");
            }
        }
    }

    #[test]
    fn actix_answers_what_axum_does() {
        for scenario in Scenario::ALL {
            let (want_parts, want_body) = convert(IMPLEMENTATIONS[0].1, scenario.error());
            for (name, conversion) in actix::IMPLEMENTATIONS {
                let (status, headers, body) = actix::convert(conversion, scenario.error());
                assert_eq!(status.as_u16(), want_parts.status.as_u16(), "{name}");
                assert_eq!(
                    headers.get("content-type").unwrap(),
                    "application/problem+json"
                );
                assert_eq!(
                    serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
                    serde_json::from_slice::<serde_json::Value>(&want_body).unwrap(),
                    "{name} in {}",
                    scenario.name()
                );
            }
        }
    }

    #[test]
    fn fields_detail_is_escaped_once() {
        let (_, body) = convert(
            <WidgetError as IntoResponse>::into_response,
            Scenario::Fields.error(),
        );
        let got: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            got["detail"],
            format!("widget {CONFLICT_ID} conflicts with {CONFLICT_NAME}")
        );
        assert_eq!(got["id"], CONFLICT_ID);
    }
}
