#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
pub struct E {
    id: u64,
}

fn main() {}
