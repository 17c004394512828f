#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[status(400)]
#[problem(header(content_type = "text/plain"))]
pub enum E {
    #[error("a")]
    #[problem(header(content_length = "3", transfer_encoding = "chunked"))]
    A,
    #[error("b")]
    #[problem(header(connection = "close"), header(keep_alive = "5"), header(te = "x"), header(trailer = "x"))]
    B,
}

fn main() {}
