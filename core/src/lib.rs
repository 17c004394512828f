//! Describe a service's failures once, as an error enum, and answer every one
//! of them with correct HTTP: the right status, the headers HTTP requires, and
//! an [RFC 9457] problem-details body (`application/problem+json`), straight
//! from axum and actix-web handlers.
//!
//! ```
//! use apierror::ApiError;
//!
//! #[derive(Debug, thiserror::Error, ApiError)]
//! pub enum OrderError {
//!     #[error("order {id} not found")]
//!     #[status(404)]
//!     NotFound { id: u64 },
//!
//!     #[error("order {id} already exists")]
//!     #[status(CONFLICT)]
//!     #[problem(type = "https://example.com/problems/duplicate-order", title = "Duplicate order")]
//!     Duplicate {
//!         #[problem(extension)]
//!         id: u64,
//!     },
//!
//!     #[error("too many requests")]
//!     #[status(429)]
//!     #[problem(header(retry_after = "{secs}"))]
//!     RateLimited { secs: u64 },
//!
//!     #[error("database unavailable: {0}")]
//!     #[status(503)]
//!     Database(#[source] std::io::Error),
//! }
//!
//! let err = OrderError::Duplicate { id: 7 };
//! assert_eq!(err.status(), http::StatusCode::CONFLICT);
//! assert_eq!(
//!     serde_json::from_slice::<serde_json::Value>(&err.body()).unwrap(),
//!     serde_json::json!({
//!         "type": "https://example.com/problems/duplicate-order",
//!         "title": "Duplicate order",
//!         "status": 409,
//!         "detail": "order 7 already exists",
//!         "id": 7
//!     })
//! );
//!
//! // A 5xx keeps its internals out of the body.
//! let err = OrderError::Database(std::io::Error::other("password=hunter2"));
//! assert_eq!(&*err.body(), br#"{"title":"Service Unavailable","status":503}"#);
//!
//! // Headers come from the variant's fields, validated at run time.
//! let mut headers = http::HeaderMap::new();
//! OrderError::RateLimited { secs: 30 }.headers(&mut headers);
//! assert_eq!(headers["retry-after"], "30");
//! ```
//!
//! See the [`ApiError`](derive@ApiError) derive for every attribute, and the
//! README for the axum and actix-web integrations (features `axum`,
//! `actix-web`) and logging (feature `tracing`).
//!
//! [RFC 9457]: https://www.rfc-editor.org/rfc/rfc9457

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

use std::borrow::Cow;

use http::{HeaderMap, HeaderValue, StatusCode};

#[cfg(feature = "tracing")]
pub mod log;
#[cfg(not(feature = "tracing"))]
mod log;
#[cfg(feature = "utoipa")]
pub mod openapi;
mod problem;
pub mod record;
mod render;
pub mod status;
mod types;

#[cfg(feature = "actix-web")]
pub mod actix;
#[cfg(feature = "axum")]
pub mod axum;
#[cfg(any(feature = "axum", feature = "actix-web"))]
mod panic;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

#[doc = include_str!("derive.md")]
#[doc(inline)]
pub use apierror_derive::ApiError;
pub use problem::Problem;
pub use types::{ProblemType, ProblemTypes};

/// The media type of every body this crate writes (RFC 9457 §6.1).
///
/// ```
/// assert_eq!(apierror::CONTENT_TYPE, "application/problem+json");
/// ```
pub const CONTENT_TYPE: &str = "application/problem+json";

/// An error that knows how it looks over HTTP.
///
/// Derive it with [`#[derive(ApiError)]`](derive@ApiError); the derive fills in
/// every method, rendering bodies that use no field at compile time. A hand
/// implementation needs only [`status`](ApiError::status) and
/// [`problem`](ApiError::problem):
///
/// ```
/// use apierror::{ApiError, Problem};
/// use http::StatusCode;
///
/// #[derive(Debug)]
/// struct Teapot;
///
/// impl std::fmt::Display for Teapot {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         f.write_str("short and stout")
///     }
/// }
/// impl std::error::Error for Teapot {}
///
/// impl ApiError for Teapot {
///     fn status(&self) -> StatusCode {
///         StatusCode::IM_A_TEAPOT
///     }
///     fn problem(&self) -> Problem {
///         Problem::new(self.status()).with_detail(self.to_string())
///     }
/// }
///
/// assert_eq!(
///     &*Teapot.body(),
///     br#"{"title":"(Unused)","status":418,"detail":"short and stout"}"#
/// );
/// ```
pub trait ApiError: std::error::Error {
    /// The response status; always a 4xx or 5xx for derived types.
    fn status(&self) -> StatusCode;

    /// The problem-details object, owned: for logs and tests. The response
    /// body is [`body`](ApiError::body), which agrees with it.
    fn problem(&self) -> Problem;

    /// The `application/problem+json` body, whose `status` member equals
    /// [`status`](ApiError::status).
    ///
    /// Derived types return a `&'static` body when it uses no field, and
    /// otherwise write it into one buffer.
    fn body(&self) -> Cow<'static, [u8]> {
        Cow::Owned(self.problem().to_body(self.status()))
    }

    /// Appends the headers the error declares (for example `Retry-After`)
    /// to `headers`. `Content-Type` is not among them: see
    /// [`CONTENT_TYPE`].
    fn headers(&self, headers: &mut HeaderMap) {
        let _ = headers;
    }

    /// The problem type URI, without building the body: for logs and metrics.
    fn problem_type(&self) -> Cow<'static, str> {
        Cow::Owned(self.problem().problem_type().to_owned())
    }
}

/// The whole response for `error`, framework-free: status,
/// `Content-Type: application/problem+json`, the error's headers and its body.
///
/// The framework integrations build the same; this one serves hyper users and
/// tests. With the `tracing` feature it also logs the error, as they do
/// (module `log`), and when the [`record`] is on its extensions carry a
/// [`ProblemRecord`](record::ProblemRecord).
///
/// ```
/// use apierror::ApiError;
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// #[error("slow down")]
/// #[status(429)]
/// #[problem(header(retry_after = "{secs}"))]
/// struct RateLimited {
///     secs: u64,
/// }
///
/// let response = apierror::response(&RateLimited { secs: 5 });
/// assert_eq!(response.status(), 429);
/// assert_eq!(response.headers()["content-type"], "application/problem+json");
/// assert_eq!(response.headers()["retry-after"], "5");
/// assert_eq!(
///     &**response.body(),
///     br#"{"title":"Too Many Requests","status":429,"detail":"slow down"}"#
/// );
/// ```
pub fn response<E: ApiError + ?Sized>(error: &E) -> http::Response<Cow<'static, [u8]>> {
    build(error, |body| body)
}

/// The response for `error` with its body wrapped by `wrap`: each framework
/// builds its own body type in place rather than moving a finished response.
#[inline]
pub(crate) fn build<E: ApiError + ?Sized, B>(
    error: &E,
    wrap: impl FnOnce(Cow<'static, [u8]>) -> B,
) -> http::Response<B> {
    log::responded(error);
    let mut response = http::Response::new(wrap(error.body()));
    *response.status_mut() = error.status();
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(CONTENT_TYPE),
    );
    error.headers(headers);
    if let Some(record) = record::of(error) {
        response.extensions_mut().insert(record);
    }
    response
}
