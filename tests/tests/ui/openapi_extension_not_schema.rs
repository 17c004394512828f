use apierror::ApiError;

#[derive(Debug, serde::Serialize)]
pub struct Sku(String);

#[derive(Debug, thiserror::Error, ApiError)]
#[problem(openapi)]
pub enum OrderError {
    #[error("out of stock")]
    #[status(409)]
    OutOfStock {
        #[problem(extension)]
        sku: Sku,
    },
}

fn main() {}
