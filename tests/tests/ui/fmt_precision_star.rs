#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(400)]
#[problem(detail = "{ratio:.*}")]
pub struct E {
    ratio: f64,
}

fn main() {}
