use apierror::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
pub enum OrderError {
    #[error("order {id} not found")]
    #[status(404)]
    #[problem(openapi)]
    NotFound { id: u64 },
}

fn main() {}
