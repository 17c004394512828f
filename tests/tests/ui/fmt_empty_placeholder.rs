#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error("a")]
    #[status(400)]
    #[problem(detail = "bad {}")]
    A(u64),
    #[error("b")]
    #[status(400)]
    #[problem(detail = "bad {:?}")]
    B(u64),
    #[error("c")]
    #[status(400)]
    #[problem(detail = "bad {a-b}")]
    C(u64),
}

fn main() {}
