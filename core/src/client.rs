//! Reading a problem back into the error type that wrote it: the client side.

use std::sync::Arc;

use crate::Problem;

/// An error type that can be read back from the problem it answered with.
///
/// `#[derive(ApiError)]` implements it for types that ask with
/// `#[problem(client)]`, so a Rust client of an apierror service gets the
/// server's own error value back (with the `reqwest` feature, through
/// `apierror::reqwest::ProblemExt::error_for_problem`).
///
/// [`from_problem`](FromProblem::from_problem) gives a variant only when the
/// problem can have come from that variant alone:
///
/// - every field of the variant is an extension member, read back with
///   `serde::Deserialize` (an absent member reads as `null`, so an `Option`
///   field that was `None` comes back); integers round-trip up to 64 bits;
/// - the variant is told apart from the type's other variants by its `type`
///   and status, or, for an `about:blank` variant, by its status and title;
/// - a `#[status(transparent)]` variant asks its field's type (through
///   `Box<T>` and `Arc<T>`, `T`'s).
///
/// Anything else gives `None`, never a wrong variant: a problem that two
/// variants could have sent, a variant with a field that is not an extension
/// member, a member that does not deserialize, or the right `type` with
/// another status.
///
/// ```
/// use apierror::{ApiError, FromProblem, Problem};
///
/// #[derive(Debug, PartialEq, thiserror::Error, ApiError)]
/// #[problem(client)]
/// pub enum OrderError {
///     #[error("order {id} is {state}")]
///     #[status(409)]
///     #[problem(type = "https://example.com/problems/order-state")]
///     WrongState {
///         #[problem(extension)]
///         id: u64,
///         #[problem(extension)]
///         state: String,
///     },
///
///     #[error("missing token")]
///     #[status(401)]
///     #[problem(header(www_authenticate = "Bearer"))]
///     Unauthenticated,
///
///     // Not an extension member: the body cannot give it back.
///     #[error("order {id} not found")]
///     #[status(404)]
///     NotFound { id: u64 },
/// }
///
/// let sent = OrderError::WrongState { id: 7, state: "paid".into() };
/// let problem = Problem::from_body(&sent.body()).unwrap();
/// assert_eq!(OrderError::from_problem(&problem), Some(sent));
///
/// let problem = Problem::from_body(&OrderError::Unauthenticated.body()).unwrap();
/// assert_eq!(OrderError::from_problem(&problem), Some(OrderError::Unauthenticated));
///
/// let problem = Problem::from_body(&OrderError::NotFound { id: 7 }.body()).unwrap();
/// assert_eq!(OrderError::from_problem(&problem), None);
///
/// // The right type with another status is not this error.
/// let problem = Problem::new(http::StatusCode::GONE)
///     .with_type("https://example.com/problems/order-state")
///     .with_extension("id", 7)
///     .with_extension("state", "paid");
/// assert_eq!(OrderError::from_problem(&problem), None);
/// ```
///
/// A hand-written impl needs only `from_problem`. It should return `None` for
/// problems it does not recognise: a derived type with a `transparent`
/// variant of this type takes any `Some` as this type's claim.
pub trait FromProblem: Sized {
    /// The value `problem` describes, or `None` when it cannot be told for
    /// certain.
    fn from_problem(problem: &Problem) -> Option<Self>;

    /// Whether `problem` belongs to this type, and the value if it can be
    /// read back: a derived type claims a problem that one of its variants
    /// could have sent even when that variant is not recoverable, so that an
    /// enum holding it `transparent` never mistakes it for one of its own.
    #[doc(hidden)]
    fn __claim(problem: &Problem) -> Claim<Self> {
        match Self::from_problem(problem) {
            Some(value) => Claim::Claimed(Some(value)),
            None => Claim::Unclaimed,
        }
    }
}

/// Whether a type recognises a problem; not public API.
#[doc(hidden)]
#[derive(Debug)]
pub enum Claim<T> {
    /// No variant could have sent it.
    Unclaimed,
    /// A variant could have sent it; the value when exactly one could, and it
    /// reads back.
    Claimed(Option<T>),
}

impl<T> Claim<T> {
    /// Both claims: a problem claimed twice is ambiguous, and reads as `None`.
    #[inline]
    pub fn or(self, other: Claim<T>) -> Claim<T> {
        match (self, other) {
            (Claim::Unclaimed, claim) | (claim, Claim::Unclaimed) => claim,
            (Claim::Claimed(_), Claim::Claimed(_)) => Claim::Claimed(None),
        }
    }

    /// The claimed value, wrapped by `f`.
    #[inline]
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Claim<U> {
        match self {
            Claim::Unclaimed => Claim::Unclaimed,
            Claim::Claimed(value) => Claim::Claimed(value.map(f)),
        }
    }

    /// The value, if exactly one variant claimed it and it read back.
    #[inline]
    pub fn value(self) -> Option<T> {
        match self {
            Claim::Claimed(value) => value,
            Claim::Unclaimed => None,
        }
    }
}

impl<T: FromProblem> FromProblem for Box<T> {
    fn from_problem(problem: &Problem) -> Option<Self> {
        T::from_problem(problem).map(Box::new)
    }

    fn __claim(problem: &Problem) -> Claim<Self> {
        T::__claim(problem).map(Box::new)
    }
}

impl<T: FromProblem> FromProblem for Arc<T> {
    fn from_problem(problem: &Problem) -> Option<Self> {
        T::from_problem(problem).map(Arc::new)
    }

    fn __claim(problem: &Problem) -> Claim<Self> {
        T::__claim(problem).map(Arc::new)
    }
}

/// The problem's status as a number, 0 when it has none: what the derived
/// `from_problem` matches on.
#[doc(hidden)]
#[inline]
pub fn status_code(problem: &Problem) -> u16 {
    problem.status().map_or(0, |status| status.as_u16())
}

/// Extension member `name` read back as a `T`; an absent member reads as
/// `null`, so an `Option` that was `None` (and left out) comes back.
#[doc(hidden)]
#[inline]
pub fn extension<T: serde::de::DeserializeOwned>(problem: &Problem, name: &str) -> Option<T> {
    const NULL: &serde_json::Value = &serde_json::Value::Null;
    T::deserialize(problem.extension(name).unwrap_or(NULL)).ok()
}

/// `FromProblem` for a type that asks with `#[problem(client)]`; the derive
/// writes the body of `__claim`.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_from_problem {
    ({$($impl:tt)*} {$($ty:tt)*} {$($where:tt)*} |$problem:ident| $body:block) => {
        $($impl)* $crate::FromProblem for $($ty)* $($where)* {
            #[inline]
            fn from_problem($problem: &$crate::Problem) -> ::core::option::Option<Self> {
                $crate::__private::Claim::value(<Self as $crate::FromProblem>::__claim($problem))
            }

            fn __claim($problem: &$crate::Problem) -> $crate::__private::Claim<Self> $body
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::StatusCode;

    #[derive(Debug, PartialEq)]
    struct Teapot;

    impl FromProblem for Teapot {
        fn from_problem(problem: &Problem) -> Option<Self> {
            (problem.status() == Some(StatusCode::IM_A_TEAPOT)).then_some(Teapot)
        }
    }

    #[test]
    fn claims_combine() {
        let one = || Claim::Claimed(Some(1));
        assert_eq!(Claim::Unclaimed.or(one()).value(), Some(1));
        assert_eq!(one().or(Claim::Unclaimed).value(), Some(1));
        assert_eq!(one().or(one()).value(), None);
        assert_eq!(Claim::<u8>::Unclaimed.or(Claim::Unclaimed).value(), None);
        assert_eq!(Claim::Claimed(None).or(one()).value(), None);
    }

    #[test]
    fn box_and_arc_ask_the_inner_type() {
        let teapot = Problem::new(StatusCode::IM_A_TEAPOT);
        assert_eq!(Box::<Teapot>::from_problem(&teapot), Some(Box::new(Teapot)));
        assert_eq!(Arc::<Teapot>::from_problem(&teapot), Some(Arc::new(Teapot)));
        let other = Problem::new(StatusCode::GONE);
        assert_eq!(Box::<Teapot>::from_problem(&other), None);
        assert!(matches!(Arc::<Teapot>::__claim(&other), Claim::Unclaimed));
    }

    #[test]
    fn extensions_read_back() {
        let p = Problem::default()
            .with_extension("big", u64::MAX)
            .with_extension("low", i64::MIN)
            .with_extension("s", "ä\"x");
        assert_eq!(extension::<u64>(&p, "big"), Some(u64::MAX));
        assert_eq!(extension::<i64>(&p, "low"), Some(i64::MIN));
        assert_eq!(extension::<String>(&p, "s").as_deref(), Some("ä\"x"));
        assert_eq!(extension::<u32>(&p, "big"), None);
        assert_eq!(extension::<Option<u8>>(&p, "absent"), Some(None));
        assert_eq!(extension::<u8>(&p, "absent"), None);
    }
}
