//! Problem type pages for axum: a `Router` with one `GET` route per type URI
//! that is an absolute-path reference.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::routing::get;
use axum_core::response::Response;
use http::{HeaderValue, StatusCode, header};

use crate::ProblemTypes;
use crate::types::{PAGE_CONTENT_TYPE, PAGE_CSP, pages};

/// A `Router` that serves a small HTML page at each problem type URI of `E`
/// that is an absolute-path reference (`/problems/out-of-stock`): the type's
/// title, status and the variant's doc comment (RFC 9457 §3.1.1: a type URI
/// should lead to documentation). Merge it into the application's router;
/// paths it does not list are left to that router (a 404 by default).
///
/// The pages are rendered once, here; every text in them is HTML-escaped,
/// they hold no script and load nothing, and each is sent with
/// `Content-Type: text/html; charset=utf-8`, a `Content-Security-Policy`
/// that forbids scripts, and `X-Content-Type-Options: nosniff`. Absolute
/// URIs (`https://...`) and `about:blank` get no page (see
/// [`ProblemType::page_path`](crate::ProblemType::page_path)).
///
/// axum panics when two routes of one router share a path, so the
/// application must not route a type URI itself, and the pages of two
/// error types that share a type URI belong in one `problem_pages` call of
/// a type that wraps both (`transparent`).
///
/// ```
/// use apierror::ApiError;
/// use axum::{Router, routing::get};
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// pub enum OrderError {
///     /// There is nothing left to ship.
///     #[error("order {id} is out of stock")]
///     #[status(409)]
///     #[problem(type = "/problems/out-of-stock", title = "Out of stock")]
///     OutOfStock { id: u64 },
/// }
///
/// let app: Router = Router::new()
///     .route("/health", get(|| async { "ok" }))
///     .merge(apierror::axum::problem_pages::<OrderError, ()>());
/// ```
pub fn problem_pages<E, S>() -> Router<S>
where
    E: ProblemTypes + ?Sized,
    S: Clone + Send + Sync + 'static,
{
    let mut router = Router::new();
    for (path, html) in pages(&E::problem_types()) {
        let html = Bytes::from(html);
        router = router.route(
            path,
            get(move || {
                let html = html.clone();
                async move { page_response(html) }
            }),
        );
    }
    router
}

fn page_response(html: Bytes) -> Response {
    let mut response = Response::new(Body::from(html));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(PAGE_CONTENT_TYPE),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}
