#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(409)]
pub struct E {
    #[problem(extension)]
    r#type: u8,
    #[problem(extension = "status")]
    code: u16,
    #[problem(extension = "title")]
    t: u8,
}

fn main() {}
