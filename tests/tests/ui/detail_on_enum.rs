#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[status(400)]
#[problem(detail = "bad", instance = "/x")]
pub enum E {
    #[error("a")]
    A,
}

fn main() {}
