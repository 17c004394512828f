//! axum integration (feature `axum`).
//!
//! Every `#[derive(ApiError)]` type implements axum's `IntoResponse`, and so
//! does [`Problem`], so handlers return them directly:
//!
//! ```
//! use apierror::ApiError;
//! use axum::{Json, Router, extract::Path, routing::get};
//!
//! #[derive(Debug, thiserror::Error, ApiError)]
//! pub enum OrderError {
//!     #[error("order {id} not found")]
//!     #[status(404)]
//!     NotFound { id: u64 },
//! }
//!
//! async fn order(Path(id): Path<u64>) -> Result<Json<u64>, OrderError> {
//!     Err(OrderError::NotFound { id })
//! }
//!
//! let app: Router = Router::new()
//!     .route("/orders/{id}", get(order))
//!     // Optional: a panicking handler answers with a 500 problem.
//!     .layer(apierror::axum::CatchPanicLayer::new());
//! ```
//!
//! The response has the error's status, `Content-Type:
//! application/problem+json`, the headers the error declares, and the body.
//! With the `tracing` feature it is logged (see `apierror::log`); with the
//! [`record`](crate::record) on, its extensions carry a
//! [`ProblemRecord`](crate::record::ProblemRecord).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum_core::body::Body;
use axum_core::response::{IntoResponse, Response};
use http::Request;

use crate::panic::CatchUnwind;

mod pages;
use crate::{ApiError, Problem};
pub use pages::problem_pages;

mod layer;
pub use layer::{ProblemFuture, ProblemLayer, ProblemService};
mod json;
pub use json::Json;

/// The axum response for any [`ApiError`]: what derived types'
/// `IntoResponse` returns. Use it to implement `IntoResponse` for a
/// hand-written `ApiError`.
///
/// ```
/// use apierror::{ApiError, Problem};
/// use axum::response::{IntoResponse, Response};
///
/// #[derive(Debug)]
/// struct Teapot;
/// # impl std::fmt::Display for Teapot {
/// #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("teapot") }
/// # }
/// # impl std::error::Error for Teapot {}
/// impl ApiError for Teapot {
///     fn status(&self) -> http::StatusCode {
///         http::StatusCode::IM_A_TEAPOT
///     }
///     fn problem(&self) -> Problem {
///         Problem::new(self.status())
///     }
/// }
///
/// impl IntoResponse for Teapot {
///     fn into_response(self) -> Response {
///         apierror::axum::response(&self)
///     }
/// }
///
/// let response = Teapot.into_response();
/// assert_eq!(response.status(), 418);
/// assert_eq!(response.headers()["content-type"], "application/problem+json");
/// ```
#[inline]
#[must_use]
pub fn response<E: ApiError + ?Sized>(error: &E) -> Response {
    crate::build(error, Body::from)
}

#[doc(hidden)]
pub use self::response as axum_response;

impl IntoResponse for Problem {
    /// The problem as a response, with its status (500 when it has none that
    /// is an error status) and its members as the body.
    ///
    /// ```
    /// use apierror::Problem;
    /// use axum::response::IntoResponse;
    /// use http::StatusCode;
    ///
    /// let response = Problem::new(StatusCode::GONE).with_detail("moved on").into_response();
    /// assert_eq!(response.status(), StatusCode::GONE);
    /// assert_eq!(response.headers()["content-type"], "application/problem+json");
    /// ```
    fn into_response(self) -> Response {
        response(&self)
    }
}

/// A tower layer that turns a panic in the services it wraps into a 500
/// problem: `{"title":"Internal Server Error","status":500}`, with no trace of
/// the panic message. The message goes to the log (feature `tracing`, as the
/// `error` field of the event for the response), besides what the panic hook
/// prints.
///
/// One line on a router:
///
/// ```
/// use axum::{Router, routing::get};
///
/// async fn buggy() -> &'static str {
///     let lines: Vec<&str> = Vec::new();
///     lines[0]
/// }
///
/// let app: Router = Router::new()
///     .route("/buggy", get(buggy))
///     .layer(apierror::axum::CatchPanicLayer::new());
/// ```
///
/// Layers added after it (outside it) see the 500 like any other response,
/// [`ProblemRecord`](crate::record::ProblemRecord) included when the record is
/// on. It costs nothing per request beyond a `catch_unwind` around each poll;
/// the response body is passed through untouched.
#[derive(Clone, Copy, Debug, Default)]
pub struct CatchPanicLayer {
    _private: (),
}

impl CatchPanicLayer {
    /// The layer.
    ///
    /// ```
    /// let _layer = apierror::axum::CatchPanicLayer::new();
    /// ```
    pub fn new() -> CatchPanicLayer {
        CatchPanicLayer { _private: () }
    }
}

impl<S> tower_layer::Layer<S> for CatchPanicLayer {
    type Service = CatchPanic<S>;

    fn layer(&self, inner: S) -> CatchPanic<S> {
        CatchPanic { inner }
    }
}

/// The service [`CatchPanicLayer`] wraps around another.
///
/// ```
/// use axum::{Router, routing::get};
/// use tower::ServiceExt;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// async fn boom() -> &'static str {
///     panic!("secret internals")
/// }
///
/// let app = Router::new()
///     .route("/", get(boom))
///     .layer(apierror::axum::CatchPanicLayer::new());
/// let request = http::Request::get("/").body(axum::body::Body::empty()).unwrap();
/// let response = app.oneshot(request).await.unwrap();
/// assert_eq!(response.status(), 500);
/// assert_eq!(response.headers()["content-type"], "application/problem+json");
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct CatchPanic<S> {
    inner: S,
}

impl<S, B> tower_service::Service<Request<B>> for CatchPanic<S>
where
    S: tower_service::Service<Request<B>, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = CatchPanicFuture<S::Future>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        CatchPanicFuture {
            inner: CatchUnwind::call(|| self.inner.call(request)),
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`CatchPanic`]: the inner service's response, or a 500
    /// problem if it panicked.
    pub struct CatchPanicFuture<F> {
        #[pin]
        inner: CatchUnwind<F>,
    }
}

impl<F, E> Future for CatchPanicFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().inner.poll(cx).map(|output| match output {
            Ok(output) => output,
            Err(panicked) => Ok(response(&panicked)),
        })
    }
}

impl<F> std::fmt::Debug for CatchPanicFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatchPanicFuture").finish_non_exhaustive()
    }
}
