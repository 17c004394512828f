#![deny(deprecated)]

fn main() {
    // The old name of `apierror::PROBLEM_JSON`, kept as a deprecated alias.
    let _ = apierror::CONTENT_TYPE;
}
