#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error("a")]
    #[status(404)]
    #[status(410)]
    A,
}

fn main() {}
