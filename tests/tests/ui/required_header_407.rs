#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(407)]
#[problem(header(retry_after = "5"))]
pub struct E;

fn main() {}
