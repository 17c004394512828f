#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum E {
    #[error("fine")]
    #[status(200)]
    Fine,
    #[error("moved")]
    #[status(301)]
    Moved,
}

fn main() {}
