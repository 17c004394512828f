//! Every compile-time diagnostic of the derive, one UI test each: the error
//! lands on the user's token and nothing else is reported.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
