//! Problem type pages for actix-web: routes for `App::configure` or
//! `Scope::configure`, one per type URI that is an absolute-path reference.

use actix_web::HttpResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::{self, Bytes, ServiceConfig};

use crate::ProblemTypes;
use crate::types::{PAGE_CONTENT_TYPE, PAGE_CSP, pages};

/// Registers a small HTML page at each problem type URI of `E` that is an
/// absolute-path reference (`/problems/out-of-stock`), for `GET` and
/// `HEAD`: the type's title, status and the variant's doc comment (RFC 9457
/// §3.1.1: a type URI should lead to documentation). Pass it to
/// `App::configure`; paths it does not list are left to the application
/// (a 404 by default).
///
/// The pages are rendered once, here; every text in them is HTML-escaped,
/// they hold no script and load nothing, and each is sent with
/// `Content-Type: text/html; charset=utf-8`, a `Content-Security-Policy`
/// that forbids scripts, and `X-Content-Type-Options: nosniff`. Absolute
/// URIs (`https://...`) and `about:blank` get no page (see
/// [`ProblemType::page_path`](crate::ProblemType::page_path)). The routes
/// are registered as given, so under a `Scope` they are relative to it:
/// configure the `App` itself for the URIs to resolve.
///
/// ```
/// use actix_web::{App, web};
/// use apierror::ApiError;
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
/// let app = App::new()
///     .route("/health", web::get().to(|| async { "ok" }))
///     .configure(apierror::actix::problem_pages::<OrderError>);
/// ```
pub fn problem_pages<E: ProblemTypes + ?Sized>(config: &mut ServiceConfig) {
    for (path, html) in pages(&E::problem_types()) {
        let html = Bytes::from(html);
        let page = move || {
            let html = html.clone();
            async move { page_response(html) }
        };
        config.service(
            web::resource(path)
                .route(web::get().to(page.clone()))
                .route(web::head().to(page)),
        );
    }
}

fn page_response(html: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static(PAGE_CONTENT_TYPE),
        ))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_CSP),
        ))
        .insert_header((
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .body(html)
}
