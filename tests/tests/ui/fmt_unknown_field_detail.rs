#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error("a")]
    #[status(404)]
    #[problem(detail = "order {order_id} not found")]
    A { id: u64 },
    #[error("b")]
    #[status(404)]
    #[problem(detail = "item {1}")]
    B(u64),
    #[error("c")]
    #[status(404)]
    #[problem(detail = "{id}")]
    C,
}

fn main() {}
