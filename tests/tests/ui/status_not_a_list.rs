#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error("a")]
    #[status]
    A,
    #[error("b")]
    #[status = 404]
    B,
}

fn main() {}
