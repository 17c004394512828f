#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[status(400)]
#[problem(rename_all = "camelcase")]
pub enum E {
    #[error("a")]
    #[problem(rename_all = "Title Case")]
    A,
}

fn main() {}
