//! The OpenAPI document both apps serve at `GET /openapi.json`: every route
//! with its success response and, through `OrderError`'s
//! `utoipa::IntoResponses` (`#[problem(openapi)]`), every problem it can
//! answer with. The two apps answer alike (the e2e suite runs one list of
//! expected responses against both), so one document describes both; CI
//! checks it with `openapi-spec-validator` and runs schemathesis against a
//! running service (`tests/openapi/check.sh`).
//!
//! The operations below are documentation only: the handlers live in
//! [`axum_app`](crate::axum_app) and [`actix_app`](crate::actix_app).

#![allow(clippy::unused_async, dead_code)]

use apierror::Problem;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use apierror::JsonError;
use apierror::openapi::Merge;

use crate::orders::{NewOrder, Order, OrderError, Payment, Tracking};

/// The document; `ApiDoc::openapi()` builds it.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "orders",
        description = "The apierror example service. Every failure is an RFC 9457 problem; each `type` URI that is a path leads to a page that documents it.",
        version = "1.0.0"
    ),
    paths(health, metrics, list, create, order, cancel, pay, export, tracking, invoice),
    modifiers(&BearerToken),
    security(("bearer" = []))
)]
pub struct ApiDoc;

/// `Authorization: Bearer demo-token`.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as JSON, for `GET /openapi.json`.
pub fn json() -> String {
    ApiDoc::openapi()
        .to_json()
        .unwrap_or_else(|_| String::from("{}"))
}

/// Liveness, with a static body.
#[utoipa::path(get, path = "/health", security(()), responses(
    (status = 200, description = "The service is up", body = String, content_type = "text/plain", example = "ok")
))]
async fn health() {}

/// Problem counts by status and type, in the Prometheus text format.
#[utoipa::path(get, path = "/metrics", security(()), responses(
    (status = 200, description = "Counters", body = String, content_type = "text/plain")
))]
async fn metrics() {}

/// Every order.
#[utoipa::path(get, path = "/orders", responses(
    (status = 200, description = "Every order", body = Vec<Order>),
    OrderError
))]
async fn list() {}

/// Places an order.
#[utoipa::path(post, path = "/orders", request_body = NewOrder, responses(
    (status = 201, description = "The order, placed", body = Order, headers(
        ("location" = String, description = "The new order's URI")
    )),
    Merge<(OrderError, JsonError)>
))]
async fn create() {}

/// One order.
#[utoipa::path(get, path = "/orders/{id}", params(("id" = u64, Path, description = "The order's id")), responses(
    (status = 200, description = "The order", body = Order),
    OrderError
))]
async fn order() {}

/// Cancels an open order.
#[utoipa::path(delete, path = "/orders/{id}", params(("id" = u64, Path, description = "The order's id")), responses(
    (status = 200, description = "The order, cancelled", body = Order),
    OrderError
))]
async fn cancel() {}

/// Pays an open order.
#[utoipa::path(post, path = "/orders/{id}/pay", params(("id" = u64, Path, description = "The order's id")), request_body = Payment, responses(
    (status = 200, description = "The order, paid", body = Order),
    Merge<(OrderError, JsonError)>
))]
async fn pay() {}

/// Every order, at most once a minute.
#[utoipa::path(get, path = "/orders/export", responses(
    (status = 200, description = "Every order", body = Vec<Order>),
    OrderError
))]
async fn export() {}

/// Where a paid order's parcel is (the demo carrier is always down).
#[utoipa::path(get, path = "/orders/{id}/tracking", params(("id" = u64, Path, description = "The order's id")), responses(
    (status = 200, description = "The carrier's answer", body = Tracking),
    OrderError
))]
async fn tracking() {}

/// The order's invoice (the demo handler has a bug and panics: the
/// catch-panic middleware answers a bare 500 problem).
#[utoipa::path(get, path = "/orders/{id}/invoice", params(("id" = u64, Path, description = "The order's id")), responses(
    (status = 200, description = "The invoice", body = String, content_type = "text/plain"),
    (status = 500, description = "The handler panicked", body = Problem, content_type = "application/problem+json"),
    OrderError
))]
async fn invoice() {}
