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

mod client;
#[cfg(any(feature = "axum", feature = "actix-web"))]
mod json;
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
#[cfg(any(feature = "validator", feature = "garde"))]
mod validation;
mod violations;
#[cfg(feature = "xml")]
pub mod xml;

#[cfg(feature = "actix-web")]
pub mod actix;
#[cfg(feature = "axum")]
pub mod axum;
#[cfg(feature = "xml")]
mod negotiate;
#[cfg(any(feature = "axum", feature = "actix-web"))]
mod panic;
#[cfg(feature = "reqwest")]
pub mod reqwest;
#[cfg(any(feature = "axum", feature = "actix-web"))]
mod rewrite;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

#[doc = include_str!("derive.md")]
#[doc(inline)]
pub use apierror_derive::ApiError;
pub use client::FromProblem;
#[cfg(any(feature = "axum", feature = "actix-web"))]
pub use json::JsonError;
pub use problem::Problem;
pub use types::{ProblemType, ProblemTypes};
pub use violations::{Violation, Violations};
#[cfg(feature = "xml")]
pub use xml::PROBLEM_XML;

/// The media type of every body this crate writes (RFC 9457 §6.1): the value
/// of its `Content-Type` header.
///
/// ```
/// assert_eq!(apierror::PROBLEM_JSON, "application/problem+json");
/// ```
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The old name of [`PROBLEM_JSON`], which read like the header name
/// `http::header::CONTENT_TYPE` rather than the media type it is.
///
/// ```
/// #[allow(deprecated)]
/// let media_type = apierror::CONTENT_TYPE;
/// assert_eq!(media_type, apierror::PROBLEM_JSON);
/// ```
#[deprecated(
    since = "0.1.0",
    note = "renamed to `PROBLEM_JSON`, a media type, not a header name"
)]
pub const CONTENT_TYPE: &str = PROBLEM_JSON;

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
    ///
    /// A hand-written `status()` outside 400–599 is a bug the response
    /// builders do not pass on: they send a bare 500,
    /// `{"title":"Internal Server Error","status":500}`, and log why at
    /// `ERROR` (feature `tracing`).
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

    /// The `application/problem+xml` body (RFC 9457 Appendix B): the members
    /// of [`body`](ApiError::body), in the same order, by the rules of the
    /// [`xml`] module. Feature `xml`.
    ///
    /// Derived types return a `&'static` body when it uses no field; the
    /// default transcodes [`body`](ApiError::body) in one pass.
    ///
    /// ```
    /// use apierror::ApiError;
    ///
    /// #[derive(Debug, thiserror::Error, ApiError)]
    /// #[error("order {id} not found")]
    /// #[status(404)]
    /// struct NotFound {
    ///     #[problem(extension)]
    ///     id: u64,
    /// }
    ///
    /// assert_eq!(
    ///     &*NotFound { id: 7 }.xml_body(),
    ///     concat!(
    ///         r#"<?xml version="1.0" encoding="UTF-8"?><problem xmlns="urn:ietf:rfc:7807">"#,
    ///         "<title>Not Found</title><status>404</status>",
    ///         "<detail>order 7 not found</detail><id>7</id></problem>"
    ///     )
    ///     .as_bytes()
    /// );
    /// ```
    #[cfg(feature = "xml")]
    fn xml_body(&self) -> Cow<'static, [u8]> {
        Cow::Owned(xml::body_of(self))
    }

    /// Appends the headers the error declares (for example `Retry-After`)
    /// to `headers`. `Content-Type` is not among them: the response builders
    /// set it to [`PROBLEM_JSON`] after this runs, replacing any that was
    /// appended here, so exactly one is sent.
    fn headers(&self, headers: &mut HeaderMap) {
        let _ = headers;
    }

    /// The problem type URI, without building the body: for logs and metrics.
    fn problem_type(&self) -> Cow<'static, str> {
        Cow::Owned(self.problem().problem_type().to_owned())
    }

    /// Whether this type promises the headers its status MUST carry (RFC
    /// 9110: `WWW-Authenticate` on a 401, `Allow` on a 405,
    /// `Proxy-Authenticate` on a 407, `Upgrade` on a 426), so that a response
    /// without it goes out as a bare 500 instead. `#[derive(ApiError)]`
    /// says `true`, having checked at compile time that the header is
    /// declared; a formatted value can still be dropped at run time.
    /// Hand-written impls and [`Problem`] keep the status they give.
    #[doc(hidden)]
    #[inline]
    fn __checks_required_headers(&self) -> bool {
        false
    }

    /// For `#[derive(ApiError)]`: the field of a `transparent` variant, which
    /// answers every method for it; `None` for any other variant.
    #[doc(hidden)]
    #[inline]
    fn __transparent(&self) -> Option<&dyn ApiError> {
        None
    }
}

/// The methods of an `ApiError` impl for a pointer to an `ApiError`, each
/// forwarded to the error pointed at.
macro_rules! forward_api_error {
    () => {
        #[inline]
        fn status(&self) -> StatusCode {
            (**self).status()
        }

        #[inline]
        fn problem(&self) -> Problem {
            (**self).problem()
        }

        #[inline]
        fn body(&self) -> Cow<'static, [u8]> {
            (**self).body()
        }

        #[inline]
        fn headers(&self, headers: &mut HeaderMap) {
            (**self).headers(headers)
        }

        #[inline]
        fn problem_type(&self) -> Cow<'static, str> {
            (**self).problem_type()
        }

        #[inline]
        fn __checks_required_headers(&self) -> bool {
            (**self).__checks_required_headers()
        }

        #[cfg(feature = "xml")]
        #[inline]
        fn xml_body(&self) -> Cow<'static, [u8]> {
            (**self).xml_body()
        }
    };
}

/// Forwards every method to the boxed error, so that
/// `#[status(transparent)] Boxed(Box<Inner>)` answers as `Inner` does.
///
/// ```
/// use apierror::ApiError;
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// #[error("gone")]
/// #[status(410)]
/// struct Gone;
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// enum Wrapper {
///     #[error(transparent)]
///     #[status(transparent)]
///     Boxed(Box<Gone>),
/// }
///
/// assert_eq!(Wrapper::Boxed(Box::new(Gone)).status(), 410);
/// ```
impl<T: ApiError> ApiError for Box<T> {
    forward_api_error!();
}

/// Forwards every method to the shared error, trait objects included, so
/// that `#[status(transparent)] Shared(Arc<dyn ApiError + Send + Sync>)`
/// answers as the error inside does.
///
/// ```
/// use std::sync::Arc;
///
/// use apierror::{ApiError, Problem};
///
/// let shared: Arc<dyn ApiError + Send + Sync> =
///     Arc::new(Problem::new(http::StatusCode::CONFLICT));
/// assert_eq!(shared.status(), 409);
/// assert_eq!(apierror::response(&shared).status(), 409);
/// ```
impl<T: ApiError + ?Sized> ApiError for std::sync::Arc<T> {
    forward_api_error!();
}

/// The whole response for `error`, framework-free: status,
/// `Content-Type: application/problem+json`, the error's headers and its body.
///
/// The framework integrations build the same. This one is for tests and for
/// servers with a body type of their own: the body is the bytes, as a
/// `Cow<'static, [u8]>` (borrowed when the body is static), not a hyper body,
/// so map it into yours with [`http::Response::map`] (for hyper,
/// `http_body_util::Full::new(bytes::Bytes::from(body))`). With the `tracing`
/// feature it also logs the error, as they do (module `log`), and when the
/// [`record`] is on its extensions carry a
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
///
/// // Another body type: map the bytes into it.
/// let owned: http::Response<Vec<u8>> =
///     apierror::response(&RateLimited { secs: 5 }).map(std::borrow::Cow::into_owned);
/// assert_eq!(owned.headers()["retry-after"], "5");
/// ```
#[must_use]
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
    let mut headers = HeaderMap::new();
    // First, so that it leads the headers; again after `headers()`, which may
    // have appended one: `insert` keeps the first place and leaves one value.
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(PROBLEM_JSON),
    );
    let Outgoing {
        status,
        body,
        content_type,
        record,
    } = outgoing(error, &mut headers);
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type),
    );
    close_after(status, &mut headers);
    let mut response = http::Response::new(wrap(body));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    if let Some(record) = record {
        response.extensions_mut().insert(record);
    }
    response
}

/// Adds `Connection: close` to a 413. A 413 is sent before the body is
/// read, so the rest of the upload may still be on its way, and the server
/// closes the connection rather than read it (RFC 9110 §15.5.14): hyper reads
/// what has already arrived, then closes. The field says so (RFC 9112 §9.6),
/// so that a client does not send its next request on a connection that is
/// going away. HTTP/2 servers drop the field, which HTTP/2 does not have.
/// (actix-web writes `Connection` from the response head, never from the
/// map; its `Json` reads the rest of the body instead: see `actix::Json`.)
#[inline]
pub(crate) fn close_after(status: StatusCode, headers: &mut HeaderMap) {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        headers.insert(http::header::CONNECTION, HeaderValue::from_static("close"));
    }
}

/// The body of a bare 500: what goes out when an error cannot be answered as
/// it describes itself.
pub(crate) const BARE_500: &[u8] = br#"{"title":"Internal Server Error","status":500}"#;

/// What goes out for an error, whatever the framework, besides its headers.
pub(crate) struct Outgoing {
    pub(crate) status: StatusCode,
    pub(crate) body: Cow<'static, [u8]>,
    /// `application/problem+json`, or `application/problem+xml` when a
    /// negotiating layer chose XML.
    pub(crate) content_type: &'static str,
    pub(crate) record: Option<record::ProblemRecord>,
}

/// Logs `error`, appends its headers to `headers` and decides what goes out
/// for it: its status and body, or a bare 500 (and `headers` cleared) when
/// its `status()` is not an error status, or when a derived type lacks the
/// header its status MUST carry (its formatted value was dropped).
/// `Content-Type` is the caller's to set, after this.
#[inline]
pub(crate) fn outgoing<E: ApiError + ?Sized>(error: &E, headers: &mut HeaderMap) -> Outgoing {
    log::responded(error);
    let status = error.status();
    if !(status.is_client_error() || status.is_server_error()) {
        log::not_an_error_status(status);
        return bare_500(headers);
    }
    error.headers(headers);
    if let Some(name) = status::required_header(status.as_u16()) {
        if error.__checks_required_headers() && !headers.contains_key(name) {
            log::required_header_missing(status, name);
            return bare_500(headers);
        }
    }
    let (body, content_type) = rendered(error);
    Outgoing {
        status,
        body,
        content_type,
        record: record::of(error),
    }
}

#[cold]
fn bare_500(headers: &mut HeaderMap) -> Outgoing {
    headers.clear();
    let status = StatusCode::INTERNAL_SERVER_ERROR;
    #[cfg(feature = "xml")]
    if negotiate::xml_wanted() {
        return Outgoing {
            status,
            body: Cow::Owned(Problem::new(status).to_xml_body(status)),
            content_type: PROBLEM_XML,
            record: record::bare_500(),
        };
    }
    Outgoing {
        status,
        body: Cow::Borrowed(BARE_500),
        content_type: PROBLEM_JSON,
        record: record::bare_500(),
    }
}

/// The body of `error` and its media type: problem+json, or problem+xml when
/// a layer that negotiates (`with_xml()`) chose XML for the request being
/// answered and is polling the code that renders it.
#[inline]
pub(crate) fn rendered<E: ApiError + ?Sized>(error: &E) -> (Cow<'static, [u8]>, &'static str) {
    #[cfg(feature = "xml")]
    if negotiate::xml_wanted() {
        return (error.xml_body(), PROBLEM_XML);
    }
    (error.body(), PROBLEM_JSON)
}
