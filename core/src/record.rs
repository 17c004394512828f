//! A record of the problem in the response's extensions, for logging and
//! metrics layers that should not parse bodies. Opt-in: off by default.
//!
//! When on, every response this crate builds ([`response`](crate::response),
//! axum's `IntoResponse`, actix-web's `ResponseError::error_response`) carries
//! a [`ProblemRecord`] in its extensions: the status and the problem type.
//! A layer outside the handler reads it with
//! `response.extensions().get::<ProblemRecord>()`.
//!
//! # Why a process-wide switch
//!
//! The response is built inside the handler, before any layer sees it, so the
//! decision to record has to be made where the response is built; a layer can
//! only read what is already there. A switch set once at startup costs the
//! default path one relaxed atomic load and nothing else, which is what the
//! benchmarks measure.
//!
//! # Cost when on
//!
//! Inserting into a response's extensions allocates: the extension map itself
//! (`http::Extensions` and actix-web's `Extensions` start empty and unallocated),
//! its hash table and the boxed record, so three small allocations per error
//! response, plus a `String` when the problem type is not known at compile time
//! (a hand-built [`Problem`](crate::Problem) or a hand-written
//! [`ApiError`]). Derived types give a `&'static str` type.
//!
//! ```
//! use apierror::ApiError;
//! use apierror::record::{self, ProblemRecord};
//!
//! #[derive(Debug, thiserror::Error, ApiError)]
//! #[error("order {id} not found")]
//! #[status(404)]
//! #[problem(type = "https://example.com/problems/no-order")]
//! struct NoOrder {
//!     id: u64,
//! }
//!
//! // Once, at startup:
//! record::set_enabled(true);
//!
//! let response = apierror::response(&NoOrder { id: 7 });
//! let record = response.extensions().get::<ProblemRecord>().unwrap();
//! assert_eq!(record.status(), http::StatusCode::NOT_FOUND);
//! assert_eq!(record.problem_type(), "https://example.com/problems/no-order");
//! ```

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

use http::StatusCode;

use crate::ApiError;

static ENABLED: AtomicBool = AtomicBool::new(false);

/// What the response extensions say about the problem sent, when the record
/// is on (see the [module](self)): cheap to clone, no body parsing needed.
///
/// ```
/// use apierror::record::ProblemRecord;
///
/// # apierror::record::set_enabled(true);
/// let response = apierror::response(&apierror::Problem::new(http::StatusCode::GONE));
/// let record: &ProblemRecord = response.extensions().get().unwrap();
/// assert_eq!(record.status(), 410);
/// assert_eq!(record.problem_type(), "about:blank");
/// assert!(record.is_client_error());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ProblemRecord {
    status: StatusCode,
    problem_type: Cow<'static, str>,
}

impl ProblemRecord {
    /// The record of `error`: its status and problem type, as the response
    /// carries them.
    ///
    /// ```
    /// use apierror::{Problem, record::ProblemRecord};
    /// use http::StatusCode;
    ///
    /// let record = ProblemRecord::of(&Problem::new(StatusCode::CONFLICT).with_type("urn:x"));
    /// assert_eq!((record.status(), record.problem_type()), (StatusCode::CONFLICT, "urn:x"));
    /// ```
    pub fn of<E: ApiError + ?Sized>(error: &E) -> ProblemRecord {
        ProblemRecord {
            status: error.status(),
            problem_type: error.problem_type(),
        }
    }

    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The problem type URI; `about:blank` when the body has no `type`.
    pub fn problem_type(&self) -> &str {
        &self.problem_type
    }

    /// Whether the status is a 4xx.
    pub fn is_client_error(&self) -> bool {
        self.status.is_client_error()
    }

    /// Whether the status is a 5xx.
    pub fn is_server_error(&self) -> bool {
        self.status.is_server_error()
    }
}

/// Turns the record on or off for the whole process. Call it once at
/// startup, before serving; it is off until then.
///
/// ```
/// apierror::record::set_enabled(true);
/// assert!(apierror::record::enabled());
/// ```
pub fn set_enabled(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

/// Whether responses carry a [`ProblemRecord`]; see [`set_enabled`].
///
/// ```
/// let _on: bool = apierror::record::enabled();
/// ```
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// The record to insert, when the record is on.
#[inline]
pub(crate) fn of<E: ApiError + ?Sized>(error: &E) -> Option<ProblemRecord> {
    if enabled() {
        Some(ProblemRecord::of(error))
    } else {
        None
    }
}

/// The record of a bare 500, when the record is on.
#[cold]
pub(crate) fn bare_500() -> Option<ProblemRecord> {
    if enabled() {
        Some(ProblemRecord {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            problem_type: Cow::Borrowed(crate::render::ABOUT_BLANK),
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Problem;

    #[test]
    fn off_by_default_then_on() {
        // The only test in this crate that touches the switch.
        let problem = Problem::new(StatusCode::BAD_GATEWAY).with_type("urn:upstream");
        assert!(crate::response(&problem).extensions().is_empty());
        set_enabled(true);
        let response = crate::response(&problem);
        assert_eq!(
            response.extensions().get::<ProblemRecord>(),
            Some(&ProblemRecord {
                status: StatusCode::BAD_GATEWAY,
                problem_type: Cow::Borrowed("urn:upstream"),
            })
        );
        set_enabled(false);
        assert!(crate::response(&problem).extensions().is_empty());
    }
}
