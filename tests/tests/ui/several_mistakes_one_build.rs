// Mistakes in different attributes, keys and variants are all reported at once.
#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error("a")]
    #[status(200)]
    #[problem(titel = "x", type = "not a uri", detail = "{nope}")]
    A,
    #[error("b")]
    B,
    #[error("c")]
    #[status(401)]
    C {
        #[problem(extension = "status")]
        id: u64,
    },
}

fn main() {}
