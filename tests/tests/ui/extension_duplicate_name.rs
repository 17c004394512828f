#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(409)]
pub struct E {
    #[problem(extension)]
    id: u64,
    #[problem(extension = "id")]
    other: u64,
}

fn main() {}
