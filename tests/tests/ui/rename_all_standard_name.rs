#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(409)]
#[problem(rename_all = "camelCase")]
pub struct E {
    #[problem(extension)]
    _status: u8,
    #[problem(extension)]
    __type: u8,
    // An explicit name is never renamed, so this one is fine.
    #[problem(extension = "Detail")]
    detail_text: u8,
}

fn main() {}
