#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(409)]
pub struct E {
    #[problem(extention)]
    id: u64,
    #[problem(header(x = "1"))]
    other: u64,
}

fn main() {}
