// A header field that is not `Display` is reported on the header's format
// string, not on the derive.
use apierror::ApiError;

#[derive(Debug)]
pub struct Seconds(pub u64);

#[derive(Debug, thiserror::Error, ApiError)]
pub enum E {
    #[error("slow down")]
    #[status(429)]
    #[problem(header(retry_after = "{secs}"))]
    Alone { secs: Seconds },

    #[error("slow down")]
    #[status(503)]
    #[problem(header(retry_after = "{secs} s"))]
    Formatted { secs: Seconds },
}

fn main() {}
