#![deny(unused_must_use)]

use apierror::Problem;
use http::StatusCode;

fn main() {
    let problem = Problem::new(StatusCode::CONFLICT);
    // Built and thrown away: the builders return the changed problem.
    problem.clone().with_detail("lost");
    // A response that is never sent.
    apierror::response(&problem);
    apierror::axum::response(&problem);
    apierror::actix::response(&problem);
}
