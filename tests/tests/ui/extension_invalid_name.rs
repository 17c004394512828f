#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(409)]
pub struct E {
    #[problem(extension = "order-id")]
    a: u64,
    #[problem(extension = "1st")]
    b: u64,
    #[problem(extension = "")]
    c: u64,
    #[problem(extension)]
    _d: u64,
}

fn main() {}
