#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(404)]
#[problem(instance = "/orders/{order_id}")]
pub struct E {
    id: u64,
}

fn main() {}
