#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[status(400)]
pub enum E {
    #[error("a")]
    #[problem(client)]
    A,
}

fn main() {}
