#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("inner")]
#[status(404)]
pub struct Inner;

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[status(transparent)]
pub enum E {
    #[error(transparent)]
    A(Inner),
    #[error("b")]
    B { x: u8, y: u8 },
    #[error("c")]
    #[status(409)]
    C,
}

fn main() {}
