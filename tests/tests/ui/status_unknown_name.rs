#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error("a")]
    #[status(NOT_FOND)]
    A,
    #[error("b")]
    #[status(not_found)]
    B,
    #[error("c")]
    #[status(Banana)]
    C,
}

fn main() {}
