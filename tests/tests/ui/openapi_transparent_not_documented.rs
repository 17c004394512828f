use apierror::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[error("payment declined")]
#[status(402)]
pub struct PaymentDeclined;

#[derive(Debug, thiserror::Error, ApiError)]
#[problem(openapi)]
pub enum OrderError {
    #[error(transparent)]
    #[status(transparent)]
    Payment(PaymentDeclined),
}

fn main() {}
