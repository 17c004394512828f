#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error("a")]
    #[status(401)]
    A,
    #[error("b")]
    #[status(UNAUTHORIZED)]
    #[problem(header(www_authenticate = "Bearer"))]
    Fine,
}

fn main() {}
