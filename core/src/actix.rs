//! actix-web integration (feature `actix-web`).
//!
//! Every `#[derive(ApiError)]` type implements actix-web's `ResponseError`
//! (both `status_code` and `error_response`), so handlers return
//! `Result<_, YourError>` and `?` works; [`Problem`] is a `ResponseError` and
//! a `Responder` too.
//!
//! ```
//! use actix_web::{App, web};
//! use apierror::ApiError;
//!
//! #[derive(Debug, thiserror::Error, ApiError)]
//! pub enum OrderError {
//!     #[error("order {id} not found")]
//!     #[status(404)]
//!     NotFound { id: u64 },
//! }
//!
//! async fn order(id: web::Path<u64>) -> Result<web::Json<u64>, OrderError> {
//!     Err(OrderError::NotFound { id: id.into_inner() })
//! }
//!
//! let app = App::new()
//!     .route("/orders/{id}", web::get().to(order))
//!     // Optional: a panicking handler answers with a 500 problem.
//!     .wrap(apierror::actix::CatchPanic::new());
//! ```
//!
//! actix-web 4 is on `http` 0.2 while this crate is on `http` 1: statuses
//! cross by `u16`, headers by their bytes, and nothing that fails to cross is
//! unwrapped (it cannot fail for what this crate produces; a header that did
//! would be left out). With the `tracing` feature each response is logged
//! (see `apierror::log`); with the [`record`](crate::record) on, its
//! extensions carry a [`ProblemRecord`](crate::record::ProblemRecord).

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::StatusCode as ActixStatus;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, Responder, ResponseError};

use crate::panic::{CatchUnwind, Panicked};

mod pages;
use crate::{ApiError, Problem};
pub use pages::problem_pages;

mod layer;
pub use layer::{Problems, ProblemsFuture, ProblemsMiddleware};
mod json;
pub use json::Json;

/// `http` 1's status as actix-web's (`http` 0.2), by its number.
///
/// ```
/// let status = apierror::actix::status(http::StatusCode::TOO_MANY_REQUESTS);
/// assert_eq!(status, actix_web::http::StatusCode::TOO_MANY_REQUESTS);
/// ```
#[inline]
pub fn status(status: http::StatusCode) -> ActixStatus {
    // Both crates accept exactly 100..=999, so this cannot fall back.
    ActixStatus::from_u16(status.as_u16()).unwrap_or(ActixStatus::INTERNAL_SERVER_ERROR)
}

/// The actix-web response for any [`ApiError`]: what derived types'
/// `ResponseError::error_response` returns. Use it to implement
/// `ResponseError` for a hand-written `ApiError`.
///
/// ```
/// use actix_web::{HttpResponse, ResponseError};
/// use apierror::{ApiError, Problem};
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
/// impl ResponseError for Teapot {
///     fn status_code(&self) -> actix_web::http::StatusCode {
///         apierror::actix::status(ApiError::status(self))
///     }
///     fn error_response(&self) -> HttpResponse {
///         apierror::actix::response(self)
///     }
/// }
///
/// let response = Teapot.error_response();
/// assert_eq!(response.status(), 418);
/// assert_eq!(response.headers().get("content-type").unwrap(), "application/problem+json");
/// ```
#[must_use]
pub fn response<E: ApiError + ?Sized>(error: &E) -> HttpResponse {
    // `headers()` writes an `http` 1 map; it stays unallocated unless the
    // error declares a header.
    let mut own = http::HeaderMap::new();
    let crate::Outgoing {
        status: code,
        body,
        content_type,
        record,
    } = crate::outgoing(error, &mut own);
    let mut response = HttpResponse::with_body(status(code), body);
    // The status line says what the title says: free here, a field of the head.
    response.head_mut().reason = crate::status::stale_reason(code.as_u16());
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if !own.is_empty() {
        append_converted(headers, &own);
    }
    if let Some(record) = record {
        response.extensions_mut().insert(record);
    }
    response.map_into_boxed_body()
}

/// Appends the error's own headers, but a `Content-Type`, to actix-web's map:
/// each name and value crosses from `http` 1 to `http` 0.2 by its bytes.
fn append_converted(headers: &mut header::HeaderMap, own: &http::HeaderMap) {
    for (name, value) in own {
        if name == http::header::CONTENT_TYPE {
            continue;
        }
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_str().as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            headers.append(name, value);
        }
    }
}

#[doc(hidden)]
pub use self::{response as actix_response, status as actix_status};

impl ResponseError for Problem {
    /// The problem's status; 500 when it has none that is an error status.
    fn status_code(&self) -> ActixStatus {
        status(ApiError::status(self))
    }

    /// The problem as a problem+json response.
    ///
    /// ```
    /// use actix_web::ResponseError;
    /// use apierror::Problem;
    ///
    /// let response = Problem::new(http::StatusCode::GONE).error_response();
    /// assert_eq!(response.status(), 410);
    /// assert_eq!(response.headers().get("content-type").unwrap(), "application/problem+json");
    /// ```
    fn error_response(&self) -> HttpResponse {
        response(self)
    }
}

impl Responder for Problem {
    type Body = BoxBody;

    /// The problem as a problem+json response, for handlers that return a
    /// `Problem` as their success value.
    ///
    /// ```
    /// use actix_web::{Responder, test::TestRequest};
    /// use apierror::Problem;
    ///
    /// let request = TestRequest::default().to_http_request();
    /// let response = Problem::new(http::StatusCode::CONFLICT).respond_to(&request);
    /// assert_eq!(response.status(), 409);
    /// ```
    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        response(&self)
    }
}

impl ResponseError for Panicked {
    fn status_code(&self) -> ActixStatus {
        ActixStatus::INTERNAL_SERVER_ERROR
    }

    fn error_response(&self) -> HttpResponse {
        response(self)
    }
}

/// Middleware that turns a panic in what it wraps into a 500 problem:
/// `{"title":"Internal Server Error","status":500}`, with no trace of the
/// panic message. The message goes to the log (feature `tracing`, as the
/// `error` field of the event for the response), besides what the panic hook
/// prints. Without it, a panicking handler drops the connection.
///
/// One line on an app; wrap it last so that it is the outermost middleware and
/// also catches panics in the others:
///
/// ```
/// use actix_web::{App, web};
///
/// async fn buggy() -> &'static str {
///     let lines: Vec<&str> = Vec::new();
///     lines[0]
/// }
///
/// let app = App::new()
///     .route("/buggy", web::get().to(buggy))
///     .wrap(apierror::actix::CatchPanic::new());
/// ```
///
/// The 500 leaves the middleware as an `actix_web::Error` (the panicked
/// request is gone, so there is no `HttpRequest` to build a
/// `ServiceResponse` from); actix-web renders it with this crate's response.
/// It costs nothing per request beyond a `catch_unwind` around each poll.
#[derive(Clone, Copy, Debug, Default)]
pub struct CatchPanic {
    _private: (),
}

impl CatchPanic {
    /// The middleware.
    ///
    /// ```
    /// let _middleware = apierror::actix::CatchPanic::new();
    /// ```
    pub fn new() -> CatchPanic {
        CatchPanic { _private: () }
    }
}

impl<S, B> Transform<S, ServiceRequest> for CatchPanic
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Transform = CatchPanicMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<CatchPanicMiddleware<S>, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(CatchPanicMiddleware { service }))
    }
}

/// The service [`CatchPanic`] wraps around another.
#[derive(Debug)]
pub struct CatchPanicMiddleware<S> {
    service: S,
}

impl<S, B> Service<ServiceRequest> for CatchPanicMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Future = CatchPanicFuture<S::Future>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        CatchPanicFuture {
            inner: CatchUnwind::call(|| self.service.call(request)),
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`CatchPanicMiddleware`]: the inner service's response,
    /// or the 500 problem as an error if it panicked.
    pub struct CatchPanicFuture<F> {
        #[pin]
        inner: CatchUnwind<F>,
    }
}

impl<F, B> Future for CatchPanicFuture<F>
where
    F: Future<Output = Result<ServiceResponse<B>, actix_web::Error>>,
{
    type Output = Result<ServiceResponse<B>, actix_web::Error>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().inner.poll(cx).map(|output| match output {
            Ok(output) => output,
            Err(panicked) => Err(panicked.into()),
        })
    }
}

impl<F> std::fmt::Debug for CatchPanicFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatchPanicFuture").finish_non_exhaustive()
    }
}
