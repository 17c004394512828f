#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(400)]
#[problem(detail = "{id:>$}")]
pub struct E {
    id: u64,
}

fn main() {}
