// A type without `Display`/`Error` (thiserror's derive forgotten) gets one
// error per trait it needs, on the type name, none inside the derive: `Error`
// for `ApiError`, and (the actix-web feature is on here) `Display` and `Debug`
// for actix-web's `ResponseError`.
use apierror::ApiError;

#[derive(Debug, ApiError)]
#[status(404)]
pub enum NoThiserror {
    NotFound { id: u64 },

    #[problem(detail = "gone {0}")]
    #[status(410)]
    Gone(u64),
}

#[derive(ApiError)]
#[status(400)]
#[problem(header(x_a = "b"))]
pub struct Bare;

fn main() {}
