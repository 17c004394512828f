#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(400)]
#[problem(type = "/a" title = "A", detail = "a" "b")]
pub struct E {
    #[problem(extension("x"))]
    id: u64,
}

fn main() {}
