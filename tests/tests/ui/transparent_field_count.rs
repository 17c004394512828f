#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error("none")]
    #[status(transparent)]
    None,
    #[error("two")]
    #[status(transparent)]
    Two(std::io::Error, std::io::Error),
}

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("unit")]
#[status(transparent)]
pub struct Unit;

fn main() {}
