#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(404u8)]
pub struct E;

fn main() {}
