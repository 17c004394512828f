#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[status(429)]
#[problem(header(retry_after = "{secs}"))]
pub enum E {
    #[error("a")]
    A { secs: u64 },
}

fn main() {}
