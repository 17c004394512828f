//! axum integration (feature `axum`): derived types and [`Problem`] implement
//! `IntoResponse`.

use axum_core::body::Body;
use axum_core::response::{IntoResponse, Response};

use crate::{ApiError, Problem};

/// The response for a derived type's `IntoResponse`.
#[inline]
pub fn axum_response<E: ApiError + ?Sized>(error: &E) -> Response {
    crate::response(error).map(Body::from)
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        axum_response(&self)
    }
}
