#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("inner")]
#[status(404)]
pub struct Inner;

#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error(transparent)]
    #[status(transparent)]
    #[problem(title = "Not here", header(retry_after = "1"))]
    A(Inner),
}

fn main() {}
