// An extension that is not `Serialize` is reported on the field's type, not
// on the derive.
use apierror::ApiError;

#[derive(Debug)]
pub struct NotSerialize;

#[derive(Debug, thiserror::Error, ApiError)]
#[error("conflict")]
#[status(409)]
pub struct Conflict {
    #[problem(extension)]
    pub id: NotSerialize,
}

fn main() {}
