#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("fine")]
#[status(OK)]
pub struct E;

fn main() {}
