#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error("a")]
    #[status(404, 500)]
    A,
    #[error("b")]
    #[status()]
    B,
    #[error("c")]
    #[status(+)]
    C,
    #[error("d")]
    #[status(404.0)]
    D,
    #[error("e")]
    #[status(type)]
    F,
}

fn main() {}
