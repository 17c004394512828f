#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(409)]
pub struct E {
    #[problem(extension)]
    #[problem(extension = "other")]
    id: u64,
}

fn main() {}
