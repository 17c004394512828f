//! Diagnostics that only exist when a feature is off. The tests crate turns
//! every feature on (Cargo unifies them), so these run from core:
//! `cargo test -p apierror --test without_features` with no feature.

#[cfg(not(feature = "utoipa"))]
#[test]
fn openapi_without_the_utoipa_feature_names_it() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui-no-feature/*.rs");
}
