#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[status(426)]
pub enum E {
    #[error("a")]
    A,
    #[error("b")]
    #[problem(header(upgrade = "h2c"))]
    B,
}

fn main() {}
