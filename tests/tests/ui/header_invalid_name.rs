#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(400)]
#[problem(header(naïve = "1"), header(_ = "2"), header(_x = "3"))]
pub struct E;

fn main() {}
