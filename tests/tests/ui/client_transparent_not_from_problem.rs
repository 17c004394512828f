// A `transparent` variant of a `client` type asks its field's type, which
// must then ask too.
#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("inner")]
#[status(418)]
pub struct Inner;

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[problem(client)]
pub enum E {
    #[error(transparent)]
    #[status(transparent)]
    Inner(Inner),
}

fn main() {}
