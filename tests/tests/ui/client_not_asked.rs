// Only a type that asks with `#[problem(client)]` implements `FromProblem`:
// a feature turned on elsewhere in the build never changes what the derive
// emits.
use apierror::FromProblem;

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("quiet")]
#[status(400)]
pub struct Quiet;

fn main() {
    let _ = Quiet::from_problem(&apierror::Problem::default());
}
