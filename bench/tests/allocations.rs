//! Allocation counts that must not come back, counted with the bench crate's
//! counting allocator. One test in this binary, so that no other test
//! allocates while it counts:
//!
//! - `Problem`'s `ApiError::body()` writes the body straight from the problem
//!   instead of cloning it first (issue 13 item 16);
//! - apierror's actix-web response allocates no more than a hand-built one
//!   (issue 13 item 17): no intermediate `http` 1 header map, `Content-Type`
//!   written straight into actix-web's.

use apierror::{ApiError, Problem};
use apierror_bench::{CountingAlloc, Scenario, actix, allocations_of};
use http::StatusCode;

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

#[test]
fn allocation_counts() {
    problem_body_does_not_clone_the_problem();
    actix_responses_allocate_what_the_floor_does();
}

fn actix_responses_allocate_what_the_floor_does() {
    let [(_, floor), (_, apierror)] = actix::IMPLEMENTATIONS;
    for scenario in Scenario::ALL {
        let floor = actix::allocations(floor, scenario);
        let apierror = actix::allocations(apierror, scenario);
        eprintln!(
            "{}: actix floor {floor}, apierror {apierror}",
            scenario.name()
        );
        assert_eq!(apierror, floor, "{}", scenario.name());
    }
}

fn problem_body_does_not_clone_the_problem() {
    // RFC 9457's example, every member present.
    let problem = Problem::new(StatusCode::FORBIDDEN)
        .with_type("https://example.com/probs/out-of-credit")
        .with_title("You do not have enough credit.")
        .with_detail("Your current balance is 30, but that costs 50.")
        .with_instance("/account/12345/msgs/abc")
        .with_extension("balance", 30)
        .with_extension("accounts", ["/account/12345", "/account/67890"]);
    let expected = problem.to_body(StatusCode::FORBIDDEN);

    let body = allocations_of(|| problem.body());
    let to_body = allocations_of(|| problem.to_body(StatusCode::FORBIDDEN));
    let clone = allocations_of(|| problem.clone());
    eprintln!("allocations: body() {body}, to_body() {to_body}, clone() {clone}");
    assert_eq!(problem.body(), expected);
    assert!(
        body <= to_body,
        "body() makes {body} allocations, to_body() alone {to_body}"
    );
    assert!(body <= 2, "body() makes {body} allocations");
    assert!(clone > body, "the test can tell a clone ({clone})");
}
