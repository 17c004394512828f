#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error("a")]
    #[status(400)]
    #[problem(instance = "/orders/{id} now")]
    A { id: u64 },
    #[error("b")]
    #[status(400)]
    #[problem(instance = "/a#b#c")]
    B,
}

fn main() {}
