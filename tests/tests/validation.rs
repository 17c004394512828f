//! The validator and garde adapters: nested structs and list items become
//! pointer segments, struct-level errors point at the struct, details are the
//! validator's messages or sentences from code and parameters, and the output
//! is sorted by pointer. Then the whole 422 through a derived enum.

use apierror::{ApiError, Violations};
use serde_json::json;

fn entries(v: &Violations) -> Vec<(String, String)> {
    v.iter()
        .map(|v| (v.pointer().to_owned(), v.detail().to_owned()))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(p, d)| ((*p).to_owned(), (*d).to_owned()))
        .collect()
}

mod with_validator {
    use super::*;
    use validator::{Validate, ValidationError};

    #[derive(Debug, Validate)]
    #[validate(schema(function = "lines_fit", skip_on_field_errors = false))]
    pub struct Order {
        #[validate(length(min = 1, max = 40))]
        pub customer: String,
        #[validate(email(message = "is not an e-mail address"))]
        pub email: String,
        #[validate(nested, length(min = 1))]
        pub lines: Vec<Line>,
        #[validate(nested)]
        pub address: Address,
    }

    // validator's `length` on `lines` keeps the value as a parameter.
    #[derive(Debug, Validate, serde::Serialize)]
    pub struct Line {
        #[validate(length(min = 1))]
        pub item: String,
        #[validate(range(min = 1, max = 100))]
        pub qty: u32,
    }

    #[derive(Debug, Validate)]
    pub struct Address {
        #[validate(length(equal = 5))]
        pub zip: String,
    }

    fn lines_fit(order: &Order) -> Result<(), ValidationError> {
        if order.lines.len() > 2 {
            return Err(
                ValidationError::new("too_many_lines").with_message("at most 2 lines".into())
            );
        }
        Ok(())
    }

    pub fn bad_order() -> Order {
        Order {
            customer: String::new(),
            email: "nobody".into(),
            lines: vec![
                Line {
                    item: "tea".into(),
                    qty: 1,
                },
                Line {
                    item: "milk".into(),
                    qty: 0,
                },
                Line {
                    item: String::new(),
                    qty: 101,
                },
            ],
            address: Address { zip: "123".into() },
        }
    }

    #[test]
    fn nested_structs_and_lists_become_pointers() {
        let errors = bad_order().validate().unwrap_err();
        let violations = Violations::from(errors);
        assert_eq!(
            entries(&violations),
            pairs(&[
                ("", "at most 2 lines"),
                ("/address/zip", "must have a length of exactly 5"),
                ("/customer", "must have a length between 1 and 40"),
                ("/email", "is not an e-mail address"),
                ("/lines/1/qty", "must be at least 1 and at most 100"),
                ("/lines/2/item", "must have a length of at least 1"),
                ("/lines/2/qty", "must be at least 1 and at most 100"),
            ])
        );
    }

    #[test]
    fn a_valid_value_has_none() {
        let order = Order {
            customer: "Ada".into(),
            email: "ada@example.com".into(),
            lines: vec![Line {
                item: "tea".into(),
                qty: 1,
            }],
            address: Address {
                zip: "12345".into(),
            },
        };
        assert!(order.validate().is_ok());
        assert!(Violations::from(validator::ValidationErrors::new()).is_empty());
    }
}

mod with_garde {
    use super::*;
    use garde::Validate;

    #[derive(Debug, Validate)]
    pub struct Order {
        #[garde(length(min = 1, max = 40))]
        pub customer: String,
        #[garde(dive, length(min = 1))]
        pub lines: Vec<Line>,
        #[garde(dive)]
        pub address: Address,
        #[garde(inner(length(max = 3)))]
        pub tags: Vec<String>,
        #[garde(dive)]
        pub extras: std::collections::BTreeMap<String, Line>,
    }

    #[derive(Debug, Validate)]
    pub struct Line {
        #[garde(length(min = 1))]
        pub item: String,
        #[garde(range(min = 1, max = 100))]
        pub qty: u32,
    }

    #[derive(Debug, Validate)]
    pub struct Address {
        #[garde(length(min = 5, max = 5))]
        pub zip: String,
    }

    #[test]
    fn nested_structs_lists_and_map_keys_become_pointers() {
        let order = Order {
            customer: String::new(),
            lines: vec![
                Line {
                    item: "tea".into(),
                    qty: 1,
                },
                Line {
                    item: "milk".into(),
                    qty: 0,
                },
            ],
            address: Address { zip: "123".into() },
            tags: vec!["ok".into(), "long".into()],
            extras: [(
                "a/b".to_owned(),
                Line {
                    item: "x".into(),
                    qty: 0,
                },
            )]
            .into(),
        };
        let report = order.validate().unwrap_err();
        let violations = Violations::from(report);
        let pointers: Vec<&str> = violations.iter().map(|v| v.pointer()).collect();
        assert_eq!(
            pointers,
            [
                "/address/zip",
                "/customer",
                "/extras/a~1b/qty",
                "/lines/1/qty",
                "/tags/1"
            ]
        );
        // garde's own messages are the details.
        for v in &violations {
            assert!(!v.detail().is_empty(), "{}", v.pointer());
        }
    }
}

#[derive(Debug, thiserror::Error, ApiError)]
enum CreateError {
    #[error(transparent)]
    #[status(transparent)]
    Invalid(#[from] Violations),
}

impl From<validator::ValidationErrors> for CreateError {
    fn from(errors: validator::ValidationErrors) -> Self {
        CreateError::Invalid(errors.into())
    }
}

fn create(order: &with_validator::Order) -> Result<(), CreateError> {
    validator::Validate::validate(order)?;
    Ok(())
}

#[test]
fn the_whole_422_through_a_derived_enum() {
    let err = create(&with_validator::bad_order()).unwrap_err();
    assert_eq!(err.status(), 422);
    let body: serde_json::Value = serde_json::from_slice(&err.body()).unwrap();
    assert_eq!(
        body,
        json!({
            "title": "Unprocessable Content",
            "status": 422,
            "detail": "7 values are invalid",
            "errors": [
                {"detail": "at most 2 lines", "pointer": "#"},
                {"detail": "must have a length of exactly 5", "pointer": "#/address/zip"},
                {"detail": "must have a length between 1 and 40", "pointer": "#/customer"},
                {"detail": "is not an e-mail address", "pointer": "#/email"},
                {"detail": "must be at least 1 and at most 100", "pointer": "#/lines/1/qty"},
                {"detail": "must have a length of at least 1", "pointer": "#/lines/2/item"},
                {"detail": "must be at least 1 and at most 100", "pointer": "#/lines/2/qty"}
            ]
        })
    );
}
