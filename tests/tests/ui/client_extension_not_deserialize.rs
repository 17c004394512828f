// An extension of a `client` type must come back with `serde::Deserialize`;
// the error names the field's type.
#[derive(Debug, serde::Serialize)]
pub struct OnlySerialize;

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[problem(client)]
pub enum E {
    #[error("declined")]
    #[status(402)]
    Declined {
        #[problem(extension)]
        reason: &'static str,
    },

    #[error("other")]
    #[status(400)]
    Other(#[problem(extension = "value")] OnlySerialize),
}

fn main() {}
