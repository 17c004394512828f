// A transparent variant's field must be an `ApiError`: one error, at the
// field's type, however many methods answer through it.

#[derive(Debug, thiserror::Error)]
#[error("plain")]
pub struct Plain;

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[problem(header(cache_control = "no-store"))]
pub enum E {
    #[error("gone")]
    #[status(410)]
    Gone,
    #[error(transparent)]
    #[status(transparent)]
    Inner(Plain),
}

fn main() {}
