#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(400)]
#[problem(type = 5, title = Title, detail, instance("/x"))]
pub struct E;

fn main() {}
