#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status("404")]
pub struct E;

fn main() {}
