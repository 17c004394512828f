// An `instance` field printed with `{x:?}` that is not `Debug` is reported
// on the format string, not on the derive.
use apierror::ApiError;

pub struct NoDebug;

#[derive(thiserror::Error, ApiError)]
#[error("not found")]
#[status(404)]
#[problem(instance = "/things/{thing:?}")]
pub struct NotFound {
    #[allow(dead_code)]
    thing: Wrapper,
}

pub struct Wrapper(NoDebug);

impl std::fmt::Debug for NotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NotFound")
    }
}

fn main() {}
