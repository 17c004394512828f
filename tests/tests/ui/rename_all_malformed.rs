#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[status(400)]
#[problem(rename_all = camelCase)]
pub enum E {
    #[error("a")]
    #[problem(rename_all)]
    A,

    #[error("b")]
    #[problem(rename_all = "camelCase", rename_all = "snake_case")]
    B,
}

fn main() {}
