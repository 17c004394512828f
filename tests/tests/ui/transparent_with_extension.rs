#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("inner")]
#[status(404)]
pub struct Inner;

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error(transparent)]
#[status(transparent)]
pub struct E(#[problem(extension = "inner")] Inner);

fn main() {}
