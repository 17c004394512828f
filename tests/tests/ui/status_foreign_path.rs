#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error("a")]
    #[status(http::StatusCode::NOT_FOUND)]
    A,
    #[error("b")]
    #[status(StatusCode::CONFLICT)]
    B,
    #[error("c")]
    #[status(my::NOT_FOUND)]
    C,
}

fn main() {}
