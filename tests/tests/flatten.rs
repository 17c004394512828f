//! `#[problem(flatten)]`: the members of a map or struct become extension
//! members. Members that would shadow a standard member or another extension,
//! break RFC 9457 §3.2's name rule or are `null` are left out and logged at
//! WARN; a field that is not a map or a struct is left out and logged like a
//! failing extension. Every response path sends the same body, and
//! `problem()` reads it back.

mod responses;

use std::collections::{BTreeMap, HashMap};

use apierror::ApiError;
use responses::{all_paths, assert_frame, capture_logs};
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, Clone, Serialize)]
struct RequestContext {
    request_id: &'static str,
    tenant: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'static str>,
}

#[derive(Debug, thiserror::Error, ApiError)]
#[problem(rename_all = "camelCase")]
enum Quota {
    #[error("quota exceeded")]
    #[status(429)]
    #[problem(header(retry_after = "{retry_after}"))]
    Exceeded {
        retry_after: u64,
        #[problem(extension)]
        used_units: u32,
        #[problem(flatten)]
        context: RequestContext,
        #[problem(extension = "limit")]
        max: u32,
    },

    #[error("blocked")]
    #[status(403)]
    Hash {
        #[problem(flatten)]
        labels: HashMap<String, u32>,
    },

    #[error("blocked")]
    #[status(403)]
    Tree {
        #[problem(extension)]
        account_id: u64,
        #[problem(flatten)]
        first: BTreeMap<String, Value>,
        #[problem(flatten)]
        second: Value,
    },

    #[error("not a map")]
    #[status(400)]
    Number(#[problem(flatten)] u32, #[problem(extension = "kept")] bool),

    #[error("not a map")]
    #[status(400)]
    Text {
        #[problem(flatten)]
        text: String,
        #[problem(extension)]
        kept: bool,
    },

    #[error("not a map")]
    #[status(400)]
    Sequence {
        #[problem(flatten)]
        items: Vec<u8>,
        #[problem(extension)]
        kept: bool,
    },

    #[error("not a map")]
    #[status(400)]
    Unit {
        #[problem(flatten)]
        nothing: (),
        #[problem(extension)]
        kept: bool,
    },

    #[error("optional")]
    #[status(400)]
    Optional {
        #[problem(flatten)]
        context: Option<RequestContext>,
    },

    #[error("database down")]
    #[status(503)]
    Internal {
        #[problem(flatten)]
        context: RequestContext,
    },

    #[error("static")]
    #[status(404)]
    Static,
}

/// Every response path sends exactly `expected` (each member once), with the
/// status and declared headers; `problem()` reads the same extensions back.
/// Returns the log of the three paths.
fn assert_sends(
    make: impl Fn() -> Quota,
    status: u16,
    declared: &[&str],
    expected: &Value,
) -> String {
    let (seen, log) = capture_logs(|| all_paths(&make));
    for seen in &seen {
        assert_frame(seen, status, declared);
        assert_eq!(&seen.json(), expected, "{}", seen.path);
        assert_eq!(
            seen.member_names().len(),
            expected.as_object().unwrap().len(),
            "{}: a member is sent twice",
            seen.path
        );
    }
    let mut wanted = expected.as_object().unwrap().clone();
    for standard in ["type", "title", "status", "detail", "instance"] {
        wanted.remove(standard);
    }
    assert_eq!(make().problem().extensions(), &wanted, "problem()");
    log
}

/// The WARN lines about a left-out flattened member or field that name all
/// of `words`.
fn warnings<'a>(log: &'a str, words: &[&str]) -> Vec<&'a str> {
    log.lines()
        .filter(|l| l.contains("WARN") && l.contains("flattened"))
        .filter(|l| words.iter().all(|w| l.contains(w)))
        .collect()
}

fn context() -> RequestContext {
    RequestContext {
        request_id: "req-1",
        tenant: "acme",
        region: None,
    }
}

#[test]
fn a_struct_spreads_its_fields_in_place_with_its_own_names() {
    // `rename_all` renames the variant's fields, not the flattened struct's,
    // whose names are its own `Serialize`'s (serde's flatten does the same).
    let expected = json!({
        "title": "Too Many Requests", "status": 429, "detail": "quota exceeded",
        "usedUnits": 90, "request_id": "req-1", "tenant": "acme", "limit": 100
    });
    let log = assert_sends(
        || Quota::Exceeded {
            retry_after: 30,
            used_units: 90,
            context: context(),
            max: 100,
        },
        429,
        &["retry-after"],
        &expected,
    );
    assert!(warnings(&log, &[]).is_empty(), "{log}");
    // In field order, after the members before it.
    let body = Quota::Exceeded {
        retry_after: 30,
        used_units: 90,
        context: context(),
        max: 100,
    }
    .body();
    assert_eq!(
        std::str::from_utf8(&body).unwrap(),
        r#"{"title":"Too Many Requests","status":429,"detail":"quota exceeded","usedUnits":90,"request_id":"req-1","tenant":"acme","limit":100}"#
    );
}

#[test]
fn a_hash_map_spreads_its_entries() {
    let expected = json!({
        "title": "Forbidden", "status": 403, "detail": "blocked",
        "alpha": 1, "beta": 2, "gamma_3": 3
    });
    assert_sends(
        || Quota::Hash {
            labels: HashMap::from([
                ("alpha".to_owned(), 1),
                ("beta".to_owned(), 2),
                ("gamma_3".to_owned(), 3),
            ]),
        },
        403,
        &[],
        &expected,
    );
}

#[test]
fn shadowing_members_are_left_out_and_logged() {
    let make = || Quota::Tree {
        account_id: 5,
        first: BTreeMap::from([
            ("type".to_owned(), json!("https://evil.example/")),
            ("title".to_owned(), json!("forged")),
            ("status".to_owned(), json!(200)),
            ("detail".to_owned(), json!("forged")),
            ("instance".to_owned(), json!("/forged")),
            ("accountId".to_owned(), json!(6)),
            (
                "account_id".to_owned(),
                json!("not shadowed: the member is accountId"),
            ),
            ("plan".to_owned(), json!("gold")),
        ]),
        second: json!({"plan": "forged", "seats": 3}),
    };
    let expected = json!({
        "title": "Forbidden", "status": 403, "detail": "blocked",
        "accountId": 5, "account_id": "not shadowed: the member is accountId",
        "plan": "gold", "seats": 3
    });
    let log = assert_sends(make, 403, &[], &expected);
    for (member, reason) in [
        ("type", "standard member"),
        ("title", "standard member"),
        ("status", "standard member"),
        ("detail", "standard member"),
        ("instance", "standard member"),
        ("accountId", "another extension member"),
        ("plan", "another extension member"),
    ] {
        let quoted = format!("member=\"{member}\"");
        assert_eq!(
            warnings(&log, &[&quoted, reason]).len(),
            3,
            "one warning per path for {member}:\n{log}"
        );
    }
}

#[test]
fn null_and_invalid_names_are_left_out_and_logged() {
    let make = || Quota::Tree {
        account_id: 5,
        first: BTreeMap::from([
            ("gone".to_owned(), Value::Null),
            ("1st".to_owned(), json!(1)),
            ("a-b".to_owned(), json!(1)),
            ("größe".to_owned(), json!(1)),
            (String::new(), json!(1)),
            ("line\nbreak".to_owned(), json!(1)),
            ("nested_null_kept".to_owned(), json!([null, {"x": null}])),
        ]),
        second: json!({}),
    };
    let expected = json!({
        "title": "Forbidden", "status": 403, "detail": "blocked",
        "accountId": 5, "nested_null_kept": [null, {"x": null}]
    });
    let log = assert_sends(make, 403, &[], &expected);
    assert_eq!(
        warnings(&log, &["member=\"gone\"", "null"]).len(),
        3,
        "{log}"
    );
    for member in ["1st", "a-b", "größe", "", "line\\nbreak"] {
        let quoted = format!("member=\"{member}\"");
        assert_eq!(
            warnings(&log, &[&quoted, "RFC 9457"]).len(),
            3,
            "{member:?}:\n{log}"
        );
    }
    // The escaped key never starts a log line of its own.
    assert!(!log.lines().any(|l| l.starts_with("break")), "{log}");
}

#[test]
fn a_json_object_spreads_and_deep_values_are_left_out() {
    fn nested(levels: usize) -> Value {
        (0..levels).fold(json!(0), |inner, _| json!([inner]))
    }
    let make = || Quota::Tree {
        account_id: 1,
        first: BTreeMap::new(),
        second: json!({"fits": nested(126), "deep": nested(127), "name": "x"}),
    };
    let expected = json!({
        "title": "Forbidden", "status": 403, "detail": "blocked",
        "accountId": 1, "fits": nested(126), "name": "x"
    });
    let log = assert_sends(make, 403, &[], &expected);
    assert_eq!(
        warnings(&log, &["member=\"deep\"", "126"]).len(),
        3,
        "{log}"
    );
}

#[test]
fn fields_that_are_not_maps_are_left_out_and_logged() {
    type Make = Box<dyn Fn() -> Quota>;
    let cases: [(Make, &str, &str); 4] = [
        (Box::new(|| Quota::Number(7, true)), "0", "a number"),
        (
            Box::new(|| Quota::Text {
                text: "hello".into(),
                kept: true,
            }),
            "text",
            "a string",
        ),
        (
            Box::new(|| Quota::Sequence {
                items: vec![1, 2],
                kept: true,
            }),
            "items",
            "a sequence",
        ),
        (
            Box::new(|| Quota::Unit {
                nothing: (),
                kept: true,
            }),
            "nothing",
            "`()`",
        ),
    ];
    let expected =
        json!({"title": "Bad Request", "status": 400, "detail": "not a map", "kept": true});
    for (make, field, what) in cases {
        let log = assert_sends(make, 400, &[], &expected);
        let field = format!("extension=\"{field}\"");
        let found = warnings(&log, &[&field, "map or a struct", what]);
        assert_eq!(found.len(), 3, "{field}:\n{log}");
    }
}

#[test]
fn none_sends_nothing_and_some_spreads() {
    let expected = json!({"title": "Bad Request", "status": 400, "detail": "optional"});
    let log = assert_sends(|| Quota::Optional { context: None }, 400, &[], &expected);
    assert!(warnings(&log, &[]).is_empty(), "{log}");
    let expected = json!({
        "title": "Bad Request", "status": 400, "detail": "optional",
        "request_id": "req-1", "tenant": "acme", "region": "eu"
    });
    assert_sends(
        || Quota::Optional {
            context: Some(RequestContext {
                region: Some("eu"),
                ..context()
            }),
        },
        400,
        &[],
        &expected,
    );
}

#[test]
fn a_server_error_spreads_the_context_and_still_hides_its_detail() {
    let expected = json!({
        "title": "Service Unavailable", "status": 503,
        "request_id": "req-1", "tenant": "acme"
    });
    assert_sends(
        || Quota::Internal { context: context() },
        503,
        &[],
        &expected,
    );
}

#[test]
fn variants_without_flatten_keep_their_static_body() {
    assert!(matches!(
        Quota::Static.body(),
        std::borrow::Cow::Borrowed(br#"{"title":"Not Found","status":404,"detail":"static"}"#)
    ));
}

/// A generic field gets its `Serialize` bound from the derive.
#[derive(Debug, thiserror::Error, ApiError)]
#[error("generic")]
#[status(409)]
struct Generic<T: std::fmt::Debug> {
    #[problem(flatten)]
    context: T,
}

#[test]
fn a_generic_field_can_be_flattened() {
    let body: Value = serde_json::from_slice(&Generic { context: context() }.body()).unwrap();
    assert_eq!(
        body,
        json!({"title": "Conflict", "status": 409, "detail": "generic", "request_id": "req-1", "tenant": "acme"})
    );
}
