//! `FromProblem` as the derive implements it for `#[problem(client)]`: which
//! variants come back from their own body, and which problems give `None`
//! (DESIGN.md, "The client side"). Each body here is the one the derived type
//! writes, read with `Problem::from_body` as a client reads it.

use apierror::{ApiError, FromProblem, Problem};
use http::StatusCode;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    pub max: u64,
    pub names: Vec<String>,
}

#[derive(Debug, PartialEq, thiserror::Error, ApiError)]
#[problem(client)]
pub enum Client {
    #[error("unit")]
    #[status(400)]
    Unit,

    #[error("named")]
    #[status(409)]
    #[problem(type = "https://example.com/problems/named")]
    Named {
        #[problem(extension)]
        id: u64,
        #[problem(extension = "label")]
        name: String,
        #[problem(extension)]
        limits: Limits,
        #[problem(extension)]
        note: Option<String>,
    },

    #[error("tuple")]
    #[status(422)]
    #[problem(type = "https://example.com/problems/tuple")]
    Tuple(#[problem(extension = "low")] i64),

    // Same type as `Named`, another status: a key of its own.
    #[error("named gone")]
    #[status(410)]
    #[problem(type = "https://example.com/problems/named")]
    NamedGone,

    // about:blank, 404: told apart by title.
    #[error("a")]
    #[status(404)]
    #[problem(title = "Order not found")]
    OrderMissing,

    #[error("b")]
    #[status(404)]
    #[problem(title = "Customer not found")]
    CustomerMissing,

    // Not every field is an extension member.
    #[error("internal {0}")]
    #[status(500)]
    Internal(String),

    #[error(transparent)]
    #[status(transparent)]
    Inner(Inner),

    #[error(transparent)]
    #[status(transparent)]
    Boxed(Boxed),
}

#[derive(Debug, PartialEq, thiserror::Error, ApiError)]
#[error("inner {code}")]
#[status(418)]
#[problem(client, type = "urn:example:inner")]
pub struct Inner {
    #[problem(extension)]
    pub code: u32,
}

#[derive(Debug, PartialEq, thiserror::Error, ApiError)]
#[problem(client)]
pub enum Boxed {
    #[error("boxed")]
    #[status(451)]
    Blocked,
}

fn read<E: ApiError>(error: &E) -> Problem {
    Problem::from_body(&error.body()).expect("a derived body is a JSON object")
}

fn round_trip<E: ApiError + FromProblem>(error: &E) -> Option<E> {
    E::from_problem(&read(error))
}

#[test]
fn every_recoverable_variant_comes_back() {
    let cases = [
        Client::Unit,
        Client::Named {
            id: u64::MAX,
            name: "ä \"quoted\" \u{1F600} \n".into(),
            limits: Limits {
                max: 0,
                names: vec!["x".into(), String::new()],
            },
            note: Some("n".into()),
        },
        Client::Named {
            id: 0,
            name: String::new(),
            limits: Limits {
                max: 1,
                names: vec![],
            },
            note: None,
        },
        Client::Tuple(i64::MIN),
        Client::Tuple(i64::MAX),
        Client::NamedGone,
        Client::OrderMissing,
        Client::CustomerMissing,
        Client::Inner(Inner { code: u32::MAX }),
        Client::Boxed(Boxed::Blocked),
    ];
    for error in cases {
        assert_eq!(round_trip(&error), Some(error));
    }
    assert_eq!(round_trip(&Inner { code: 7 }), Some(Inner { code: 7 }));
}

#[test]
fn a_variant_with_a_field_that_is_not_an_extension_gives_none() {
    assert_eq!(round_trip(&Client::Internal("db down".into())), None);
    assert_eq!(
        Client::from_problem(&Problem::new(StatusCode::INTERNAL_SERVER_ERROR)),
        None
    );
}

#[test]
fn the_right_type_with_another_status_gives_none() {
    let mut problem = read(&Client::Named {
        id: 1,
        name: "n".into(),
        limits: Limits {
            max: 1,
            names: vec![],
        },
        note: None,
    });
    problem = problem.with_status(StatusCode::CONFLICT);
    assert!(matches!(
        Client::from_problem(&problem),
        Some(Client::Named { .. })
    ));
    for status in [StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY] {
        assert_eq!(
            Client::from_problem(&problem.clone().with_status(status)),
            None
        );
    }
    // A problem without a status is no variant's.
    let no_status: Problem =
        serde_json::from_str(r#"{"type":"https://example.com/problems/named","id":1}"#).unwrap();
    assert_eq!(Client::from_problem(&no_status), None);
}

#[test]
fn about_blank_needs_status_and_title() {
    let order = read(&Client::OrderMissing);
    assert_eq!(order.problem_type(), "about:blank");
    assert_eq!(
        Client::from_problem(&order.clone().with_title("Not Found")),
        None
    );
    assert_eq!(
        Client::from_problem(&order.clone().with_status(StatusCode::GONE)),
        None
    );
    let untitled: Problem = serde_json::from_str(r#"{"status":400}"#).unwrap();
    assert_eq!(Client::from_problem(&untitled), None);
    // The same title under a type URI is not the about:blank variant.
    assert_eq!(
        Client::from_problem(&order.with_type("https://example.com/problems/other")),
        None
    );
}

#[test]
fn a_member_missing_or_of_the_wrong_type_gives_none() {
    let problem = Problem::new(StatusCode::UNPROCESSABLE_ENTITY)
        .with_type("https://example.com/problems/tuple");
    assert_eq!(Client::from_problem(&problem), None);
    assert_eq!(
        Client::from_problem(&problem.clone().with_extension("low", "7")),
        None
    );
    assert_eq!(
        Client::from_problem(&problem.clone().with_extension("low", u64::MAX)),
        None
    );
    assert_eq!(
        Client::from_problem(&problem.with_extension("low", -7)),
        Some(Client::Tuple(-7))
    );
}

#[test]
fn unknown_problems_give_none() {
    for problem in [
        Problem::default(),
        Problem::new(StatusCode::NOT_FOUND),
        Problem::new(StatusCode::CONFLICT).with_type("https://example.com/problems/other"),
        Problem::new(StatusCode::IM_A_TEAPOT),
    ] {
        assert_eq!(Client::from_problem(&problem), None, "{problem:?}");
    }
}

// ------------------------------------------------------------ ambiguity

#[derive(Debug, PartialEq, thiserror::Error, ApiError)]
#[problem(client)]
pub enum Twins {
    #[error("first")]
    #[status(404)]
    First,

    #[error("second")]
    #[status(404)]
    Second,

    #[error("typed a")]
    #[status(409)]
    #[problem(type = "urn:example:twin")]
    TypedA,

    #[error("typed b")]
    #[status(409)]
    #[problem(type = "urn:example:twin", title = "Another title")]
    TypedB,

    #[error("alone")]
    #[status(400)]
    Alone,
}

#[test]
fn two_about_blank_variants_with_one_status_and_title_give_none() {
    assert_eq!(round_trip(&Twins::First), None);
    assert_eq!(round_trip(&Twins::Second), None);
    assert_eq!(round_trip(&Twins::Alone), Some(Twins::Alone));
}

#[test]
fn two_variants_with_one_type_and_status_give_none_whatever_the_title() {
    assert_eq!(round_trip(&Twins::TypedA), None);
    assert_eq!(round_trip(&Twins::TypedB), None);
}

/// An inner type whose 404 cannot be read back: an outer about:blank 404 of
/// the same title must not take the inner's problem for its own.
#[derive(Debug, PartialEq, thiserror::Error, ApiError)]
#[problem(client)]
pub enum InnerLossy {
    #[error("missing {0}")]
    #[status(404)]
    Missing(String),

    #[error("teapot")]
    #[status(418)]
    Teapot,
}

#[derive(Debug, PartialEq, thiserror::Error, ApiError)]
#[problem(client)]
pub enum Outer {
    #[error("outer missing")]
    #[status(404)]
    Missing,

    #[error(transparent)]
    #[status(transparent)]
    Inner(InnerLossy),
}

#[derive(Debug, PartialEq, thiserror::Error, ApiError)]
#[problem(client)]
pub enum TwoInner {
    #[error(transparent)]
    #[status(transparent)]
    A(InnerLossy),

    #[error(transparent)]
    #[status(transparent)]
    B(InnerLossy),
}

#[test]
fn a_problem_a_transparent_variant_claims_is_never_an_own_variant() {
    assert_eq!(round_trip(&Outer::Missing), None);
    assert_eq!(
        Outer::from_problem(&read(&InnerLossy::Missing("x".into()))),
        None
    );
    assert_eq!(
        round_trip(&Outer::Inner(InnerLossy::Teapot)),
        Some(Outer::Inner(InnerLossy::Teapot))
    );
    // Two transparent variants of one type: every problem is ambiguous.
    assert_eq!(round_trip(&TwoInner::A(InnerLossy::Teapot)), None);
}

// ------------------------------------------------------------ generics, structs

#[derive(Debug, PartialEq, thiserror::Error, ApiError)]
#[problem(client)]
pub enum Generic<T: std::fmt::Debug + 'static, I: std::error::Error + 'static> {
    #[error("value")]
    #[status(400)]
    Value {
        #[problem(extension)]
        value: T,
    },

    #[error(transparent)]
    #[status(transparent)]
    Inner(I),
}

#[test]
fn generic_types_are_bounded_as_they_are_used() {
    let e = Generic::<Vec<u8>, Inner>::Value {
        value: vec![0, 255],
    };
    assert_eq!(round_trip(&e), Some(e));
    let e = Generic::<Vec<u8>, Inner>::Inner(Inner { code: 3 });
    assert_eq!(round_trip(&e), Some(e));
}

#[derive(Debug, PartialEq, thiserror::Error, ApiError)]
#[problem(client)]
pub enum Never {}

#[test]
fn an_empty_enum_reads_nothing() {
    assert_eq!(
        Never::from_problem(&Problem::new(StatusCode::BAD_REQUEST)),
        None
    );
}

#[derive(Debug, PartialEq, thiserror::Error, ApiError)]
#[error(transparent)]
#[status(transparent)]
#[problem(client)]
pub struct Wrapper(Inner);

#[derive(Debug, PartialEq, thiserror::Error, ApiError)]
#[error("named {id}")]
#[status(400)]
#[problem(client)]
pub struct NamedStruct {
    #[problem(extension)]
    pub id: u8,
    #[problem(extension = "type_")]
    pub r#type: String,
}

#[test]
fn structs_read_back_too() {
    let w = Wrapper(Inner { code: 9 });
    assert_eq!(round_trip(&w), Some(w));
    let n = NamedStruct {
        id: 255,
        r#type: "raw".into(),
    };
    assert_eq!(round_trip(&n), Some(n));
    // 256 is not a `u8`.
    let p = Problem::new(StatusCode::BAD_REQUEST)
        .with_extension("id", 256)
        .with_extension("type_", "x");
    assert_eq!(NamedStruct::from_problem(&p), None);
}
