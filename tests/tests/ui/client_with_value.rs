#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[status(400)]
#[problem(client = true)]
pub enum E {
    #[error("a")]
    A,
}

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("s")]
#[status(400)]
#[problem(client(yes))]
pub struct S;

fn main() {}
