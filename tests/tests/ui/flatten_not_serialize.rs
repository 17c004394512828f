#[derive(Debug)]
pub struct Context;

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(409)]
pub struct E {
    #[problem(flatten)]
    context: Context,
}

fn main() {}
