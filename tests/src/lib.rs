//! Integration, end-to-end and compile-fail tests of apierror live in
//! `tests/`; this library only makes the README's examples doctests, so the
//! front door cannot rot.

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
