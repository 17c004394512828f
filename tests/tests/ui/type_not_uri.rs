#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[status(400)]
#[problem(type = "not a uri")]
pub enum E {
    #[error("a")]
    #[problem(type = "")]
    A,
    #[error("b")]
    #[problem(type = "1http://example.com")]
    B,
    #[error("c")]
    #[problem(type = "https://example.com/%zz")]
    C,
}

fn main() {}
