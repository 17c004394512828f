use apierror::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[problem(openapi)]
pub enum OrderError {
    #[error("order {id} not found")]
    #[status(404)]
    NotFound { id: u64 },
}

fn main() {}
