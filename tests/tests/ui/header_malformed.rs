#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error("a")]
    #[status(400)]
    #[problem(header(x::y = "1"))]
    A,
    #[error("b")]
    #[status(400)]
    #[problem(header(retry_after))]
    B,
    #[error("c")]
    #[status(400)]
    #[problem(header(retry_after = 30))]
    C,
    #[error("d")]
    #[status(400)]
    #[problem(header = "retry-after: 30")]
    D,
    #[error("e")]
    #[status(400)]
    #[problem(header("retry-after" = "30"))]
    F,
}

fn main() {}
