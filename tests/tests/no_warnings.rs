//! Generated code raises no warning, even for types with nothing to match
//! (DESIGN.md, "Hygiene and control"): this file must build under
//! `#![deny(warnings)]`.

#![deny(warnings)]

use apierror::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[status(503)]
#[problem(
    type = "https://example.com/problems/none",
    title = "None",
    header(retry_after = "30", cache_control = "no-store")
)]
pub enum NoVariantsWithHeaders {}

#[derive(Debug, thiserror::Error, ApiError)]
#[problem(header(cache_control = "no-store"))]
pub enum NoVariantsNoStatus {}

#[test]
fn zero_variant_enums_build_without_warnings() {
    fn is_api_error<E: ApiError>() {}
    is_api_error::<NoVariantsWithHeaders>();
    is_api_error::<NoVariantsNoStatus>();
}
