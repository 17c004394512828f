// `crate = ".."` takes a path as a string, on the type only.
use apierror::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[problem(crate = "my-crate::apierror")]
pub enum NotAPath {
    #[error("a")]
    #[status(404)]
    #[problem(crate = "apierror")]
    A,
}

#[derive(Debug, thiserror::Error, ApiError)]
#[error("b")]
#[status(404)]
#[problem(crate = apierror)]
pub struct NotAString;

#[derive(Debug, thiserror::Error, ApiError)]
#[error("c")]
#[status(404)]
#[problem(framework_impls = "no")]
pub struct NotABool;

fn main() {}
