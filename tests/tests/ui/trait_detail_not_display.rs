// A `detail` field that is not `Display` is reported on the format string
// that prints it, not on the derive.
use apierror::ApiError;

#[derive(Debug)]
pub struct Opaque;

#[derive(Debug, thiserror::Error, ApiError)]
pub enum E {
    #[error("plain")]
    #[status(400)]
    #[problem(detail = "value {value}")]
    Plain { value: Opaque },

    #[error("padded")]
    #[status(400)]
    #[problem(detail = "value {0:>8}")]
    Padded(Opaque),
}

fn main() {}
