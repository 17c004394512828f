//! The generated code names everything by absolute path: it compiles in a
//! module that shadows the prelude and declares modules named like the crates
//! it uses (serde's `test_gen.rs` does the same).

#![no_implicit_prelude]
#![allow(dead_code, non_camel_case_types)]
#![deny(
    warnings,
    unused_qualifications,
    unused_results,
    unused_lifetimes,
    trivial_casts,
    trivial_numeric_casts,
    unreachable_pub,
    let_underscore_drop,
    clippy::pedantic
)]

pub mod shadowed {
    use ::apierror::ApiError;

    pub mod core {}
    pub mod http {}
    pub mod serde {}
    pub mod serde_json {}
    pub mod std {}

    pub struct Result;
    pub struct Option;
    pub struct Some;
    pub struct None;
    pub struct Ok;
    pub struct Err;
    pub struct String;
    pub struct Vec;
    pub struct Box;
    pub struct Cow;
    pub struct StatusCode;
    pub struct HeaderMap;
    pub struct Problem;
    pub trait Serialize {}
    pub trait Display {}
    pub trait Error {}

    #[derive(::std::fmt::Debug, ::thiserror::Error, ApiError)]
    #[status(400)]
    #[problem(type = "urn:example:hygiene", header(x_fixed = "yes"), client)]
    pub enum Shadowed<T: ::std::fmt::Debug + ::std::fmt::Display + 'static> {
        #[error("unit")]
        Unit,

        #[error("named {id}")]
        #[status(NOT_FOUND)]
        #[problem(detail = "id {id:?}", instance = "/x/{id}", header(x_id = "{id}"))]
        Named {
            #[problem(extension)]
            id: T,
        },

        #[error("tuple {0}")]
        #[status(503)]
        Tuple(#[problem(extension = "code")] u16),

        #[error("spread")]
        #[status(409)]
        #[problem(rename_all = "camelCase")]
        Spread {
            #[problem(extension)]
            retry_after: u8,
            #[problem(flatten)]
            context: ::std::collections::BTreeMap<&'static str, u8>,
        },

        #[error(transparent)]
        #[status(transparent)]
        Inner(Inner),
    }

    #[derive(::std::fmt::Debug, ::thiserror::Error, ApiError)]
    #[error("inner")]
    #[status(418)]
    #[problem(client)]
    pub struct Inner;
}

#[test]
fn compiles_and_renders_in_a_shadowing_module() {
    use ::apierror::ApiError;
    let e = shadowed::Shadowed::Named { id: 5u8 };
    ::std::assert_eq!(e.status(), 404);
    ::std::assert_eq!(
        ::std::str::from_utf8(&e.body()).unwrap(),
        r#"{"type":"urn:example:hygiene","title":"Not Found","status":404,"detail":"id 5","instance":"/x/5","id":5}"#
    );
    let mut headers = ::http::HeaderMap::new();
    e.headers(&mut headers);
    ::std::assert_eq!(headers["x-id"], "5");
    ::std::assert_eq!(headers["x-fixed"], "yes");
    let spread = shadowed::Shadowed::<u8>::Spread {
        retry_after: 3,
        context: ::std::iter::FromIterator::from_iter([("tenant_id", 9), ("retryAfter", 1)]),
    };
    ::std::assert_eq!(
        ::std::str::from_utf8(&spread.body()).unwrap(),
        r#"{"type":"urn:example:hygiene","title":"Conflict","status":409,"detail":"spread","retryAfter":3,"tenant_id":9}"#
    );
    let inner = shadowed::Shadowed::<u8>::Inner(shadowed::Inner);
    ::std::assert_eq!(inner.status(), 418);
}

#[test]
fn reads_back_in_a_shadowing_module() {
    use ::apierror::{ApiError, FromProblem};
    let e = shadowed::Shadowed::Named { id: 5u8 };
    let problem = ::apierror::Problem::from_body(&e.body()).unwrap();
    ::std::assert!(::std::matches!(
        shadowed::Shadowed::<u8>::from_problem(&problem),
        ::std::option::Option::Some(shadowed::Shadowed::Named { id: 5 })
    ));
    let inner = shadowed::Shadowed::<u8>::Inner(shadowed::Inner);
    let problem = ::apierror::Problem::from_body(&inner.body()).unwrap();
    ::std::assert!(::std::matches!(
        shadowed::Shadowed::<u8>::from_problem(&problem),
        ::std::option::Option::Some(shadowed::Shadowed::Inner(shadowed::Inner))
    ));
}
