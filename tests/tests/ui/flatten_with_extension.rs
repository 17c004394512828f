use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(409)]
pub struct E {
    #[problem(flatten, extension)]
    context: BTreeMap<String, u8>,
    #[problem(extension = "more")]
    #[problem(flatten)]
    more: BTreeMap<String, u8>,
}

fn main() {}
