#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[status(400)]
#[problem(flatten)]
pub enum E {
    #[error("a")]
    #[problem(flatten)]
    A { context: u8 },
}

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("s")]
#[status(400)]
#[problem(flatten)]
pub struct S {
    context: u8,
}

fn main() {}
