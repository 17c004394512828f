#[derive(apierror::ApiError)]
#[status(400)]
pub union U {
    a: u32,
    b: f32,
}

fn main() {}
