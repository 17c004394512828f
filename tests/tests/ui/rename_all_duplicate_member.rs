#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[status(400)]
#[problem(rename_all = "camelCase")]
pub enum E {
    #[error("a")]
    A {
        #[problem(extension = "userId")]
        user: u8,
        #[problem(extension)]
        user_id: u8,
    },

    #[error("b")]
    #[problem(rename_all = "UPPERCASE")]
    B {
        #[problem(extension)]
        code: u8,
        #[problem(extension = "CODE")]
        other: u8,
    },
}

fn main() {}
