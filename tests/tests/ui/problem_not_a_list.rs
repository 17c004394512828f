#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error("a")]
    #[status(400)]
    #[problem]
    A,
    #[error("b")]
    #[status(400)]
    #[problem = "x"]
    B,
}

fn main() {}
