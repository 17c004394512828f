#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(METHOD_NOT_ALLOWED)]
pub struct E;

fn main() {}
