#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(404)]
#[problem(title = "Order {id} not found")]
pub struct E {
    id: u64,
}

fn main() {}
