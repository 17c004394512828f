#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error("a")]
    #[status(600)]
    A,
    #[error("b")]
    #[status(70000)]
    B,
    #[error("c")]
    #[status(-404)]
    C,
    #[error("d")]
    #[status(0)]
    D,
}

fn main() {}
