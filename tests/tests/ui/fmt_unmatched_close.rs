#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(400)]
#[problem(header(x_reason = "id}"))]
pub struct E {
    id: u64,
}

fn main() {}
