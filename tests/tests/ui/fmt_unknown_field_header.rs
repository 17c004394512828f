#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(429)]
#[problem(header(retry_after = "{seconds}"))]
pub struct E {
    secs: u64,
}

fn main() {}
