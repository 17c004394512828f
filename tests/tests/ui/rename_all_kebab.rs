#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[status(400)]
#[problem(rename_all = "kebab-case")]
pub enum E {
    #[error("a")]
    #[problem(rename_all = "SCREAMING-KEBAB-CASE")]
    A {
        #[problem(extension)]
        retry_after: u8,
    },
}

fn main() {}
