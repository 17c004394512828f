//! The orders service on axum.
//!
//! Handlers return `Result<_, OrderError>`; the JSON bodies are read with
//! [`apierror::axum::Json`], whose rejections are problems (415, 413, 400
//! with line and column, 422 with a pointer); and
//! [`apierror::axum::ProblemLayer`] around the whole router turns what the
//! router answers by itself (the 404 of an unknown path, the 405 of a wrong
//! method with its `Allow`) into problems too. Every failure the service
//! answers with is a problem.

use std::net::SocketAddr;
use std::sync::Arc;

use apierror::axum::{Json, ProblemLayer, ProblemService};
use apierror::record::ProblemRecord;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Router, ServiceExt, middleware};
use tokio::net::TcpListener;
use tower_layer::Layer;

use crate::orders::{
    AppState, BODY_LIMIT, Metrics, NewOrder, Order, OrderError, Payment, Tracking, authenticate,
};

/// The whole service: [`router`] inside [`ProblemLayer`], so that the
/// router's own answers (an unknown path, a wrong method) become problems
/// too. Serve it with `ServiceExt::<Request>::into_make_service`, as
/// [`serve`] does.
pub fn app() -> ProblemService<Router> {
    ProblemLayer::new().layer(router())
}

/// The routes, the body limit, the catch-panic layer and the metrics layer:
/// [`app`] without the problem layer around it.
///
/// Turns on [`apierror::record`] (process-wide), because the metrics layer
/// counts problems from the record in each response's extensions.
pub fn router() -> Router {
    apierror::record::set_enabled(true);
    let state = AppState::default();
    Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
        .merge(apierror::axum::problem_pages::<OrderError, AppState>())
        .route("/metrics", get(metrics))
        .route("/orders", get(list).post(create))
        .route("/orders/export", get(export))
        .route("/orders/{id}", get(order).delete(cancel))
        .route("/orders/{id}/pay", post(pay))
        .route("/orders/{id}/tracking", get(tracking))
        .route("/orders/{id}/invoice", get(invoice))
        // Bodies over the limit: `Json` answers 413 problem+json.
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // A panicking handler answers 500 problem+json instead of dropping
        // the connection.
        .layer(apierror::axum::CatchPanicLayer::new())
        // Outside the catch-panic layer, so panics are counted too.
        .layer(middleware::map_response_with_state(
            state.metrics.clone(),
            count_problems,
        ))
        .with_state(state)
}

/// Serves [`app`] on `listener` until the process ends.
pub async fn serve(listener: TcpListener) -> std::io::Result<()> {
    axum::serve(listener, ServiceExt::<Request>::into_make_service(app())).await
}

/// Starts the service on an ephemeral loopback port, on the current tokio
/// runtime, and returns its address. It stops with the runtime.
pub async fn spawn() -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(serve(listener));
    Ok(addr)
}

/// The caller showed the demo bearer token.
#[derive(Debug)]
pub struct Authenticated;

impl<S: Send + Sync> FromRequestParts<S> for Authenticated {
    type Rejection = OrderError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, OrderError> {
        let value = parts.headers.get(header::AUTHORIZATION);
        authenticate(value.map(|v| v.as_bytes())).map(|()| Authenticated)
    }
}

/// The `{id}` of the path; a path whose id is not a number has no resource.
#[derive(Debug)]
pub struct OrderId(pub u64);

impl<S: Send + Sync> FromRequestParts<S> for OrderId {
    type Rejection = OrderError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, OrderError> {
        match Path::<u64>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(OrderId(id)),
            Err(_) => Err(OrderError::NoRoute),
        }
    }
}

async fn count_problems(State(metrics): State<Arc<Metrics>>, response: Response) -> Response {
    if let Some(record) = response.extensions().get::<ProblemRecord>() {
        metrics.count(record);
    }
    response
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::api::json(),
    )
        .into_response()
}

async fn health() -> &'static str {
    "ok"
}

async fn metrics(State(state): State<AppState>) -> String {
    state.metrics.render()
}

async fn list(_: Authenticated, State(state): State<AppState>) -> Json<Vec<Order>> {
    Json(state.store.list())
}

async fn create(
    _: Authenticated,
    State(state): State<AppState>,
    Json(new): Json<NewOrder>,
) -> Result<impl IntoResponse, OrderError> {
    let order = state.store.create(new)?;
    let location = format!("/orders/{}", order.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(order),
    ))
}

async fn order(
    _: Authenticated,
    State(state): State<AppState>,
    OrderId(id): OrderId,
) -> Result<Json<Order>, OrderError> {
    Ok(Json(state.store.get(id)?))
}

async fn cancel(
    _: Authenticated,
    State(state): State<AppState>,
    OrderId(id): OrderId,
) -> Result<Json<Order>, OrderError> {
    Ok(Json(state.store.cancel(id)?))
}

async fn pay(
    _: Authenticated,
    State(state): State<AppState>,
    OrderId(id): OrderId,
    Json(payment): Json<Payment>,
) -> Result<Json<Order>, OrderError> {
    Ok(Json(state.store.pay(id, &payment)?))
}

async fn export(
    _: Authenticated,
    State(state): State<AppState>,
) -> Result<Json<Vec<Order>>, OrderError> {
    Ok(Json(state.store.export()?))
}

async fn tracking(
    _: Authenticated,
    State(state): State<AppState>,
    OrderId(id): OrderId,
) -> Result<Json<Tracking>, OrderError> {
    Ok(Json(state.store.tracking(id)?))
}

async fn invoice(
    _: Authenticated,
    State(state): State<AppState>,
    OrderId(id): OrderId,
) -> Result<String, OrderError> {
    state.store.invoice(id)
}
