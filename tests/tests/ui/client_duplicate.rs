#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[status(400)]
#[problem(client)]
#[problem(type = "https://example.com/problems/e", client)]
pub enum E {
    #[error("a")]
    A,
}

fn main() {}
