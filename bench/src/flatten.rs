//! `#[problem(flatten)]` against the same members as separate fields, in the
//! `fields` scenario: a 409 whose detail interpolates a `u64` and a `String`
//! that needs escaping, with three extension members (`id`, `tenant`,
//! `attempt`). Both send byte-identical bodies (checked below).

use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::{CONFLICT_ID, CONFLICT_NAME};

/// The extension members as separate fields.
#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum Separate {
    /// `fields`, three extension fields.
    #[error("widget {id} conflicts with {name}")]
    #[status(CONFLICT)]
    #[problem(
        type = "https://example.com/problems/widget-conflict",
        title = "Widget conflict"
    )]
    Conflict {
        /// An extension member.
        #[problem(extension)]
        id: u64,
        /// Needs escaping in JSON.
        name: String,
        /// An extension member.
        #[problem(extension)]
        tenant: String,
        /// An extension member.
        #[problem(extension)]
        attempt: u32,
    },
}

/// The same members from one flattened struct.
#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum Flattened {
    /// `fields`, one flattened field.
    #[error("widget {} conflicts with {name}", context.id)]
    #[status(CONFLICT)]
    #[problem(
        type = "https://example.com/problems/widget-conflict",
        title = "Widget conflict"
    )]
    Conflict {
        /// Its members become extension members.
        #[problem(flatten)]
        context: ConflictContext,
        /// Needs escaping in JSON.
        name: String,
    },
}

/// The members `Flattened` spreads.
#[derive(Debug, Serialize)]
pub struct ConflictContext {
    /// The widget.
    pub id: u64,
    /// The tenant.
    pub tenant: String,
    /// How many tries so far.
    pub attempt: u32,
}

/// The tenant both send.
pub const TENANT: &str = "acme-eu";
/// The attempt both send.
pub const ATTEMPT: u32 = 3;

/// The `Separate` error of the scenario.
pub fn separate() -> Separate {
    Separate::Conflict {
        id: CONFLICT_ID,
        name: CONFLICT_NAME.to_owned(),
        tenant: TENANT.to_owned(),
        attempt: ATTEMPT,
    }
}

/// The `Flattened` error of the scenario.
pub fn flattened() -> Flattened {
    Flattened::Conflict {
        context: ConflictContext {
            id: CONFLICT_ID,
            tenant: TENANT.to_owned(),
            attempt: ATTEMPT,
        },
        name: CONFLICT_NAME.to_owned(),
    }
}

/// The axum response of either, as the benches time it.
pub fn into_response(error: impl IntoResponse) -> Response {
    error.into_response()
}

/// Heap allocations of one conversion of the error `make` builds (built
/// outside the count), when the caller installed [`crate::CountingAlloc`].
pub fn allocations<E: IntoResponse>(make: fn() -> E) -> usize {
    use std::sync::atomic::Ordering;
    let mut count = 0;
    // The first runs may initialize lazy statics; the last one is the steady state.
    for _ in 0..3 {
        let error = make();
        let before = crate::ALLOCATIONS.load(Ordering::Relaxed);
        let (_, body) =
            std::hint::black_box(into_response(std::hint::black_box(error))).into_parts();
        drop(std::hint::black_box(crate::collect(body)));
        count = crate::ALLOCATIONS.load(Ordering::Relaxed) - before;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_send_the_same_bytes() {
        let separate = crate::collect(separate().into_response().into_body());
        let flattened = crate::collect(flattened().into_response().into_body());
        assert_eq!(separate, flattened);
        let body: serde_json::Value = serde_json::from_slice(&flattened).unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "type": "https://example.com/problems/widget-conflict",
                "title": "Widget conflict",
                "status": 409,
                "detail": format!("widget {CONFLICT_ID} conflicts with {CONFLICT_NAME}"),
                "id": CONFLICT_ID,
                "tenant": TENANT,
                "attempt": ATTEMPT,
            })
        );
    }
}
