//! Any field name works in every attribute: names the generated code might
//! use for its own locals, raw identifiers, and names that come from a
//! `macro_rules!` caller (DESIGN.md, "Hygiene and control").

use apierror::ApiError;
use http::HeaderMap;
use serde_json::{Value, json};

fn body<E: ApiError>(error: &E) -> Value {
    serde_json::from_slice(&error.body()).expect("the body is JSON")
}

fn headers<E: ApiError>(error: &E) -> HeaderMap {
    let mut headers = HeaderMap::new();
    error.headers(&mut headers);
    headers
}

#[derive(Debug, thiserror::Error, ApiError)]
#[allow(non_snake_case)]
#[problem(header(x_fixed = "yes"))]
pub enum LocalNames {
    #[error("locals")]
    #[status(400)]
    #[problem(
        detail = "{__headers} {__writer:?} {__NAME_0} {__VALUE_0} {__field_x}",
        instance = "/n/{__headers}",
        header(x_headers = "{__headers}", x_name = "n{__NAME_0}")
    )]
    Named {
        __headers: u8,
        __writer: &'static str,
        __NAME_0: u8,
        #[problem(extension = "value")]
        __VALUE_0: u8,
        #[problem(extension = "x")]
        __field_x: u8,
    },
}

#[test]
fn fields_named_like_generated_locals() {
    let e = LocalNames::Named {
        __headers: 1,
        __writer: "w",
        __NAME_0: 2,
        __VALUE_0: 3,
        __field_x: 4,
    };
    assert_eq!(
        body(&e),
        json!({
            "title": "Bad Request",
            "status": 400,
            "detail": "1 \"w\" 2 3 4",
            "instance": "/n/1",
            "value": 3,
            "x": 4
        })
    );
    let h = headers(&e);
    assert_eq!(h["x-fixed"], "yes");
    assert_eq!(h["x-headers"], "1");
    assert_eq!(h["x-name"], "n2");
}

#[derive(Debug, thiserror::Error, ApiError)]
#[error("raw {type}")]
#[status(409)]
#[problem(
    detail = "a {type} clash in {match:?}",
    instance = "/raw/{type}",
    header(x_type = "{type}")
)]
pub struct Raw {
    #[problem(extension = "kind")]
    r#type: String,
    r#match: u8,
}

#[test]
fn raw_identifier_fields_are_named_without_r_hash() {
    let e = Raw {
        r#type: "kind".to_owned(),
        r#match: 5,
    };
    assert_eq!(
        body(&e),
        json!({
            "title": "Conflict",
            "status": 409,
            "detail": "a kind clash in 5",
            "instance": "/raw/kind",
            "kind": "kind"
        })
    );
    assert_eq!(headers(&e)["x-type"], "kind");
}

/// A type whose field names come from a macro's caller (the format strings
/// from the macro, then from the caller too): hygiene gives the caller's
/// tokens the caller's context, not the macro's.
macro_rules! caller_named {
    ($name:ident, $field:ident, $detail:literal, $instance:literal, $header:literal) => {
        #[derive(Debug, thiserror::Error, ApiError)]
        pub enum $name {
            #[error("from a macro")]
            #[status(404)]
            #[problem(
                detail = "missing {item}",
                instance = "/m/{item:>3}",
                header(x_written = "{item} {item:?}")
            )]
            Written {
                #[problem(extension)]
                $field: u32,
            },

            #[error("from the caller")]
            #[status(410)]
            #[problem(detail = $detail, instance = $instance, header(x_given = $header))]
            Given {
                #[problem(extension)]
                $field: u32,
            },
        }
    };
}

caller_named!(FromCaller, item, "gone {item:>4}", "/c/{item}", "{item}!");

#[test]
fn field_names_from_a_macro_caller() {
    let e = FromCaller::Written { item: 7 };
    assert_eq!(
        body(&e),
        json!({"title": "Not Found", "status": 404, "detail": "missing 7", "instance": "/m/%20%207", "item": 7})
    );
    assert_eq!(headers(&e)["x-written"], "7 7");
    let e = FromCaller::Given { item: 8 };
    assert_eq!(
        body(&e),
        json!({"title": "Gone", "status": 410, "detail": "gone    8", "instance": "/c/8", "item": 8})
    );
    assert_eq!(headers(&e)["x-given"], "8!");
}
