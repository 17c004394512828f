//! The orders service on actix-web: the same routes and answers as
//! [`axum_app`](crate::axum_app).
//!
//! Handlers return `Result<_, OrderError>`; the JSON bodies are read with
//! [`apierror::actix::Json`], whose rejections are problems (415, 413, 400
//! with line and column, 422 with a pointer); and the
//! [`apierror::actix::Problems`] middleware turns what actix-web answers by
//! itself (the 404 of an unknown path, the 405 of a wrong method with its
//! `Allow`) into problems too. Every failure is a problem.
//!
//! Each path's methods are routes of one `web::resource`: that is what makes
//! actix-web answer a wrong method with 405 and `Allow` rather than 404.

use std::future::{Ready, ready};
use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServerHandle, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{Next, from_fn};
use actix_web::{App, FromRequest, HttpRequest, HttpResponse, HttpServer, guard, web};
use apierror::actix::{Json, Problems};
use apierror::record::ProblemRecord;

use crate::orders::{AppState, NewOrder, OrderError, Payment, authenticate};

/// Registers the routes; the app must hold a `web::Data<AppState>`.
/// [`app`] does that and adds the middleware.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/health").route(read().to(health)))
        .service(web::resource("/metrics").route(read().to(metrics)))
        .service(web::resource("/openapi.json").route(read().to(openapi)))
        .configure(apierror::actix::problem_pages::<OrderError>)
        .service(
            web::resource("/orders")
                .route(read().to(list))
                .route(web::post().to(create)),
        )
        .service(web::resource("/orders/export").route(read().to(export)))
        .service(
            web::resource("/orders/{id}")
                .route(read().to(order))
                .route(web::delete().to(cancel)),
        )
        .service(web::resource("/orders/{id}/pay").route(web::post().to(pay)))
        .service(web::resource("/orders/{id}/tracking").route(read().to(tracking)))
        .service(web::resource("/orders/{id}/invoice").route(read().to(invoice)));
}

/// The whole service: state, routes, the problems middleware, the metrics
/// middleware and the catch-panic middleware.
///
/// Turns on [`apierror::record`] (process-wide), because the metrics
/// middleware counts problems from the record in each response's extensions.
pub fn app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    apierror::record::set_enabled(true);
    App::new()
        .app_data(web::Data::new(state))
        .configure(configure)
        // actix-web's own answers (404, 405 with `Allow`, ...) as problems.
        .wrap(Problems::new())
        .wrap(from_fn(count_problems))
        // Last, so outermost: a panic anywhere inside answers 500 problem+json
        // instead of dropping the connection.
        .wrap(apierror::actix::CatchPanic::new())
}

/// A running actix-web server.
#[derive(Debug)]
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Stops it.
    pub handle: ServerHandle,
}

/// Starts the service with one worker on `addr` (port 0 for an ephemeral
/// one), on a thread of its own with its own actix runtime.
pub fn spawn(addr: &str) -> std::io::Result<Running> {
    let listener = std::net::TcpListener::bind(addr)?;
    let addr = listener.local_addr()?;
    let (sender, receiver) = mpsc::channel();
    thread::Builder::new()
        .name("actix-orders".into())
        .spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let state = AppState::default();
                let server = match HttpServer::new(move || app(state.clone()))
                    .workers(1)
                    .disable_signals()
                    .listen(listener)
                {
                    Ok(server) => server.run(),
                    Err(error) => {
                        let _ = sender.send(Err(error));
                        return;
                    }
                };
                let _ = sender.send(Ok(server.handle()));
                let _ = server.await;
            });
        })?;
    let handle = receiver
        .recv()
        .map_err(|_| std::io::Error::other("the server thread ended before it started"))??;
    Ok(Running { addr, handle })
}

/// GET, and HEAD with it (actix-web does not route HEAD to GET handlers).
fn read() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// The caller showed the demo bearer token.
#[derive(Debug)]
pub struct Authenticated;

impl FromRequest for Authenticated {
    type Error = OrderError;
    type Future = Ready<Result<Self, OrderError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let value = request.headers().get(header::AUTHORIZATION);
        ready(authenticate(value.map(|v| v.as_bytes())).map(|()| Authenticated))
    }
}

/// The `{id}` of the path; a path whose id is not a number has no resource.
#[derive(Debug)]
pub struct OrderId(pub u64);

impl FromRequest for OrderId {
    type Error = OrderError;
    type Future = Ready<Result<Self, OrderError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let id = request
            .match_info()
            .get("id")
            .and_then(|id| id.parse().ok());
        ready(id.map(OrderId).ok_or(OrderError::NoRoute))
    }
}

async fn count_problems(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = request.app_data::<web::Data<AppState>>().cloned();
    let response = next.call(request).await?;
    if let (Some(state), Some(record)) = (
        state,
        response.response().extensions().get::<ProblemRecord>(),
    ) {
        state.metrics.count(record);
    }
    Ok(response)
}

async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(crate::api::json())
}

async fn health() -> &'static str {
    "ok"
}

async fn metrics(state: web::Data<AppState>) -> String {
    state.metrics.render()
}

async fn list(_: Authenticated, state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(state.store.list())
}

async fn create(
    _: Authenticated,
    state: web::Data<AppState>,
    Json(new): Json<NewOrder>,
) -> Result<HttpResponse, OrderError> {
    let order = state.store.create(new)?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/orders/{}", order.id)))
        .json(order))
}

async fn order(
    _: Authenticated,
    state: web::Data<AppState>,
    OrderId(id): OrderId,
) -> Result<HttpResponse, OrderError> {
    Ok(HttpResponse::Ok().json(state.store.get(id)?))
}

async fn cancel(
    _: Authenticated,
    state: web::Data<AppState>,
    OrderId(id): OrderId,
) -> Result<HttpResponse, OrderError> {
    Ok(HttpResponse::Ok().json(state.store.cancel(id)?))
}

async fn pay(
    _: Authenticated,
    state: web::Data<AppState>,
    OrderId(id): OrderId,
    Json(payment): Json<Payment>,
) -> Result<HttpResponse, OrderError> {
    Ok(HttpResponse::Ok().json(state.store.pay(id, &payment)?))
}

async fn export(_: Authenticated, state: web::Data<AppState>) -> Result<HttpResponse, OrderError> {
    Ok(HttpResponse::Ok().json(state.store.export()?))
}

async fn tracking(
    _: Authenticated,
    state: web::Data<AppState>,
    OrderId(id): OrderId,
) -> Result<HttpResponse, OrderError> {
    Ok(HttpResponse::Ok().json(state.store.tracking(id)?))
}

async fn invoice(
    _: Authenticated,
    state: web::Data<AppState>,
    OrderId(id): OrderId,
) -> Result<String, OrderError> {
    state.store.invoice(id)
}
