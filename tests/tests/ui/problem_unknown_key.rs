#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[status(400)]
#[problem(kind = "x")]
pub enum E {
    #[error("a")]
    #[problem(titel = "x", a::b = "y")]
    A,
}

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("s")]
#[status(400)]
#[problem(extensions = "x")]
pub struct S;

fn main() {}
