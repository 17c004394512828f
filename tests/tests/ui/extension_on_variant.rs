#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error("a")]
    #[status(409)]
    #[problem(extension)]
    A { id: u64 },
}

fn main() {}
