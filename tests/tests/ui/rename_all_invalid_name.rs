#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(409)]
#[problem(rename_all = "PascalCase")]
pub struct E {
    #[problem(extension)]
    _1st: u8,
    #[problem(extension)]
    __: u8,
}

fn main() {}
