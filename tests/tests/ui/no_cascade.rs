// The mistakes are the only errors: code using the types still compiles
// against the stub impls, generic ones and the framework integrations too.
use apierror::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
pub enum E<T: std::fmt::Debug> {
    #[error("{0:?}")]
    #[status(200)]
    A(T),
}

// thiserror bounds its `Error` impl by `T: Debug`; the stub must do the same.
#[derive(Debug, thiserror::Error, ApiError)]
pub enum Unbounded<T> {
    #[error("{0:?}")]
    #[status(404)]
    #[problem(detail = "{missing}")]
    A(T),
}

#[derive(Debug, thiserror::Error, ApiError)]
#[error("b")]
#[problem(title = "B")]
pub struct B;

fn status_of(e: &E<u8>) -> http::StatusCode {
    ApiError::status(e)
}

fn generic<T: std::fmt::Debug>(e: E<T>, u: Unbounded<T>) -> (apierror::Problem, http::StatusCode) {
    (e.problem(), u.status())
}

async fn axum_handler() -> Result<&'static str, B> {
    Err(B)
}

async fn actix_handler() -> Result<&'static str, Unbounded<u8>> {
    Err(Unbounded::A(1))
}

fn main() {
    let _ = status_of(&E::A(1));
    let _ = generic(E::A(1), Unbounded::A(2));
    let _ = axum::Router::<()>::new().route("/", axum::routing::get(axum_handler));
    let _ = actix_web::App::new().route("/", actix_web::web::get().to(actix_handler));
}
