#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error("a")]
    #[status(400)]
    #[problem(header(x_a = "line\nbreak"))]
    A,
    #[error("b")]
    #[status(400)]
    #[problem(header(x_b = " leading"))]
    B,
    #[error("c")]
    #[status(400)]
    #[problem(header(x_c = "caf\u{e9}"))]
    C,
    #[error("d")]
    #[status(400)]
    #[problem(header(x_d = ""))]
    D,
    #[error("e")]
    #[status(400)]
    #[problem(header(x_e = "bell\x07 {0}"))]
    E(u8),
}

fn main() {}
