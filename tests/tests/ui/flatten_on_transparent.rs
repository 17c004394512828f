#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("inner")]
#[status(404)]
pub struct Inner;

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[status(500)]
pub enum E {
    #[error(transparent)]
    #[status(transparent)]
    A(#[problem(flatten)] Inner),
}

fn main() {}
