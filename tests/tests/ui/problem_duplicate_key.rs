#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(400)]
#[problem(type = "/a", title = "A", detail = "a", instance = "/a")]
#[problem(type = "/b", title = "B")]
#[problem(detail = "b", instance = "/b")]
pub struct E;

fn main() {}
