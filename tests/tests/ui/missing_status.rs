#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error("a")]
    A,
    #[error("b")]
    #[status(404)]
    B,
    #[error("c")]
    C { id: u64 },
    #[error("d")]
    D(u8),
}

fn main() {}
