use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("a")]
#[status(409)]
pub struct E {
    #[problem(flatten = "context")]
    context: BTreeMap<String, u8>,
    #[problem(flatten, flatten)]
    twice: BTreeMap<String, u8>,
    #[problem(flaten)]
    typo: BTreeMap<String, u8>,
}

fn main() {}
