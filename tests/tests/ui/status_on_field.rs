#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(404)]
pub struct E {
    #[status(500)]
    id: u64,
}

fn main() {}
