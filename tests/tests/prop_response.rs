//! Property tests: whatever text goes into the formatted places of an error
//! (detail, instance, header values, extension strings, nested extensions),
//! every response path (`apierror::response`, axum, actix-web) answers
//! without panicking, with a body that is JSON whose members read back to
//! exactly what went in, with no header value carrying CR or LF, with no
//! header the error did not declare, and, for a 5xx, without the source
//! error's text.
//!
//! The case count comes from `PROPTEST_CASES` (default 256, sized for CI).
//! The bench-profile run is
//! `PROPTEST_CASES=10000 cargo test --release -p apierror-tests --test prop_response -- --nocapture`.

mod responses;

use std::collections::BTreeMap;
use std::time::Instant;

use apierror::{ApiError, Problem};
use http::StatusCode;
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestRunner};
use responses::{Seen, all_paths, assert_frame, is_sendable_header_value};
use serde::Serialize;
use serde_json::{Value, json};

/// Pieces that break naive escaping or header writing.
const NASTY: &[&str] = &[
    "\r\n",
    "\r",
    "\n",
    "\n\r",
    "\r\n\r\n",
    "\r\nSet-Cookie: session=evil",
    "\r\n\r\n<html>",
    "\"",
    "\\",
    "\\\"",
    "\\u0000",
    "\"},\"status\":200,\"x\":{\"",
    "\u{0}",
    "\t",
    "\u{b}",
    "\u{c}",
    "\u{1b}[31m",
    "\u{7f}",
    "\u{80}",
    "\u{85}",
    "\u{a0}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{fffd}",
    "\u{10ffff}",
    "😀",
    "é",
    "{",
    "}",
    "{0}",
    "{{}}",
    "%s%n",
    "</script>",
    "null",
    ":",
    " ",
    "a",
];

/// Arbitrary Unicode (controls included), runs of nasty pieces, and very
/// long strings (up to about 100 KiB).
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        select(NASTY).prop_map(str::to_owned),
        any::<char>().prop_map(String::from),
    ];
    prop_oneof![
        3 => vec(any::<char>(), 0..48).prop_map(String::from_iter),
        3 => vec(piece, 0..24).prop_map(|pieces| pieces.concat()),
        1 => (select(NASTY), 1usize..4096).prop_map(|(p, n)| p.repeat(n)),
    ]
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

/// Runs `test` on `cases()` inputs with the `tracing` feature's log enabled at
/// every level (so the logging paths run too), and reports count and time.
fn check<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value)) {
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(std::io::sink)
        .finish();
    let _log = tracing::subscriber::set_default(subscriber);
    let cases = cases();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let start = Instant::now();
    if let Err(failure) = runner.run(&strategy, |input| {
        test(input);
        Ok(())
    }) {
        panic!("{name}: {failure}");
    }
    eprintln!("{name}: {cases} cases in {:.2?}", start.elapsed());
}

#[derive(Debug, Clone, Serialize)]
struct Nested {
    label: String,
    tags: Vec<String>,
    by_key: BTreeMap<String, String>,
    kind: Kind,
    deeper: Option<Box<Nested>>,
}

#[derive(Debug, Clone, Serialize)]
enum Kind {
    Unit,
    Pair(String, i64),
    Named { text: String },
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Unit),
        (text(), any::<i64>()).prop_map(|(s, n)| Kind::Pair(s, n)),
        text().prop_map(|text| Kind::Named { text }),
    ]
}

fn nested() -> impl Strategy<Value = Nested> {
    let leaf = || {
        (
            text(),
            vec(text(), 0..4),
            btree_map(text(), text(), 0..4),
            kind(),
        )
            .prop_map(|(label, tags, by_key, kind)| Nested {
                label,
                tags,
                by_key,
                kind,
                deeper: None,
            })
    };
    (leaf(), proptest::option::of(leaf())).prop_map(|(mut outer, inner)| {
        outer.deeper = inner.map(Box::new);
        outer
    })
}

/// The JSON `nested` must read back as, written out by hand rather than by
/// serializing it again.
fn nested_json(n: &Nested) -> Value {
    let kind = match &n.kind {
        Kind::Unit => json!("Unit"),
        Kind::Pair(s, i) => json!({ "Pair": [s, i] }),
        Kind::Named { text } => json!({ "Named": { "text": text } }),
    };
    let by_key: serde_json::Map<String, Value> = n
        .by_key
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    json!({
        "label": n.label,
        "tags": n.tags,
        "by_key": by_key,
        "kind": kind,
        "deeper": n.deeper.as_deref().map(nested_json),
    })
}

#[derive(Debug, thiserror::Error, apierror::ApiError)]
enum Fuzzed {
    #[error("bad input: {0}")]
    #[status(400)]
    Display(String),

    #[error("conflict")]
    #[status(409)]
    #[problem(
        detail = "{text}",
        instance = "/orders/{path}",
        header(x_reason = "{reason}"),
        header(etag = "\"{reason}\"")
    )]
    Everything {
        text: String,
        path: String,
        reason: String,
        #[problem(extension)]
        note: String,
        #[problem(extension = "labels")]
        labels: Vec<String>,
        #[problem(extension = "nested")]
        nested: Nested,
    },

    #[error("slow down")]
    #[status(429)]
    #[problem(header(retry_after = "{0}"), header(cache_control = "no-store"))]
    RateLimited(String),

    #[error("database unavailable: {0}")]
    #[status(503)]
    Database(#[source] std::io::Error),

    #[error("internal: {secret}")]
    #[status(500)]
    Internal { secret: String },

    #[error(transparent)]
    #[status(transparent)]
    Inner(#[from] InnerError),
}

#[derive(Debug, thiserror::Error, apierror::ApiError)]
enum InnerError {
    #[error("inner bad {0}")]
    #[status(422)]
    #[problem(header(x_inner = "{0}"))]
    Invalid(String),

    #[error("upstream said {0}")]
    #[status(502)]
    Upstream(String),
}

/// Header `name` of `seen` is exactly `value` trimmed of surrounding spaces
/// and tabs when that is sendable and not empty, and absent otherwise
/// (dropped, never altered or split).
fn assert_formatted_header(seen: &Seen, name: &str, value: &str) {
    let value = value.trim_matches([' ', '\t']);
    let expected: Vec<&[u8]> = if !value.is_empty() && is_sendable_header_value(value.as_bytes()) {
        vec![value.as_bytes()]
    } else {
        vec![]
    };
    assert_eq!(
        seen.header(name),
        expected,
        "{}: header {name} for {value:?}",
        seen.path
    );
}

/// `text` as DESIGN.md puts a field into `instance`: RFC 3986's unreserved
/// characters (§2.3: `A-Z a-z 0-9 - . _ ~`) as they are, every other UTF-8
/// byte as `%XX` with uppercase hex (§2.1).
fn percent_encoded(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn assert_body(seen: &Seen, names: &[&str], expected: &Value) {
    assert_eq!(seen.member_names(), names, "{}: member order", seen.path);
    assert_eq!(&seen.json(), expected, "{}: body", seen.path);
}

#[test]
fn every_formatted_place_round_trips() {
    let input = (text(), text(), text(), text(), vec(text(), 0..4), nested());
    check(
        "every_formatted_place_round_trips",
        input,
        |(text, path, reason, note, labels, nested)| {
            let make = || Fuzzed::Everything {
                text: text.clone(),
                path: path.clone(),
                reason: reason.clone(),
                note: note.clone(),
                labels: labels.clone(),
                nested: nested.clone(),
            };
            let expected = json!({
                "title": "Conflict",
                "status": 409,
                "detail": text,
                "instance": format!("/orders/{}", percent_encoded(&path)),
                "note": note,
                "labels": labels,
                "nested": nested_json(&nested),
            });
            for seen in all_paths(make) {
                assert_frame(&seen, 409, &["x-reason", "etag"]);
                assert_body(
                    &seen,
                    &[
                        "title", "status", "detail", "instance", "note", "labels", "nested",
                    ],
                    &expected,
                );
                assert_formatted_header(&seen, "x-reason", &reason);
                assert_formatted_header(&seen, "etag", &format!("\"{reason}\""));
            }
            assert_eq!(
                serde_json::to_value(make().problem()).unwrap(),
                expected,
                "problem() agrees with the body"
            );
        },
    );
}

#[test]
fn display_detail_round_trips() {
    check("display_detail_round_trips", text(), |s| {
        let expected =
            json!({"title": "Bad Request", "status": 400, "detail": format!("bad input: {s}")});
        for seen in all_paths(|| Fuzzed::Display(s.clone())) {
            assert_frame(&seen, 400, &[]);
            assert_body(&seen, &["title", "status", "detail"], &expected);
        }

        // The same through `transparent`, with the inner error's header.
        let expected = json!({"title": "Unprocessable Content", "status": 422, "detail": format!("inner bad {s}")});
        for seen in all_paths(|| Fuzzed::Inner(InnerError::Invalid(s.clone()))) {
            assert_frame(&seen, 422, &["x-inner"]);
            assert_body(&seen, &["title", "status", "detail"], &expected);
            assert_formatted_header(&seen, "x-inner", &s);
        }
    });
}

#[test]
fn formatted_headers_are_exact_or_absent() {
    check("formatted_headers_are_exact_or_absent", text(), |s| {
        for seen in all_paths(|| Fuzzed::RateLimited(s.clone())) {
            assert_frame(&seen, 429, &["retry-after", "cache-control"]);
            assert_formatted_header(&seen, "retry-after", &s);
            assert_eq!(
                seen.header("cache-control"),
                [b"no-store".as_slice()],
                "{}: a fixed header survives a dropped one",
                seen.path
            );
            assert_body(
                &seen,
                &["title", "status", "detail"],
                &json!({"title": "Too Many Requests", "status": 429, "detail": "slow down"}),
            );
        }
    });
}

type MakeError<'a> = Box<dyn Fn() -> Fuzzed + 'a>;

#[test]
fn server_errors_never_show_their_source() {
    check("server_errors_never_show_their_source", text(), |secret| {
        let cases: [(u16, &[u8], MakeError); 3] = [
            (
                503,
                br#"{"title":"Service Unavailable","status":503}"#,
                Box::new(|| Fuzzed::Database(std::io::Error::other(secret.clone()))),
            ),
            (
                500,
                br#"{"title":"Internal Server Error","status":500}"#,
                Box::new(|| Fuzzed::Internal {
                    secret: secret.clone(),
                }),
            ),
            (
                502,
                br#"{"title":"Bad Gateway","status":502}"#,
                Box::new(|| Fuzzed::Inner(InnerError::Upstream(secret.clone()))),
            ),
        ];
        // The secret as it would appear inside a JSON string; a secret that
        // the fixed body happens to contain ("a", "status") proves nothing.
        let escaped = serde_json::to_string(&secret).unwrap();
        let escaped = &escaped[1..escaped.len() - 1];
        for (status, body, make) in cases {
            for seen in all_paths(make) {
                assert_frame(&seen, status, &[]);
                assert_eq!(
                    seen.body_text(),
                    String::from_utf8_lossy(body),
                    "{}: a {status} body is the fixed one",
                    seen.path
                );
                let fixed = String::from_utf8_lossy(body);
                if !escaped.is_empty() && !fixed.contains(escaped) {
                    assert!(
                        !seen.body_text().contains(escaped),
                        "{}: the source text leaked into a {status}",
                        seen.path
                    );
                }
            }
        }
    });
}

fn problem() -> impl Strategy<Value = Problem> {
    (
        400u16..=599,
        prop_oneof![Just("about:blank".to_owned()), text()],
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(text()),
        btree_map(text(), text(), 0..4),
        proptest::option::of(nested()),
    )
        .prop_map(
            |(status, problem_type, title, detail, instance, extensions, nested)| {
                let mut p = Problem::default()
                    .with_status(StatusCode::from_u16(status).unwrap())
                    .with_type(problem_type);
                if let Some(title) = title {
                    p = p.with_title(title);
                }
                if let Some(detail) = detail {
                    p = p.with_detail(detail);
                }
                if let Some(instance) = instance {
                    p = p.with_instance(instance);
                }
                for (name, value) in extensions {
                    p = p.with_extension(name, value);
                }
                if let Some(nested) = nested {
                    p = p.with_extension("nested", nested);
                }
                p
            },
        )
}

#[test]
fn hand_built_problem_round_trips() {
    check("hand_built_problem_round_trips", problem(), |p| {
        let status = p.status().unwrap().as_u16();
        let mut expected = serde_json::Map::new();
        if p.problem_type() != "about:blank" {
            expected.insert("type".into(), json!(p.problem_type()));
        }
        if let Some(title) = p.title() {
            expected.insert("title".into(), json!(title));
        }
        expected.insert("status".into(), json!(status));
        if let Some(detail) = p.detail() {
            expected.insert("detail".into(), json!(detail));
        }
        if let Some(instance) = p.instance() {
            expected.insert("instance".into(), json!(instance));
        }
        let standard: Vec<String> = expected.keys().cloned().collect();
        for (name, value) in p.extensions() {
            expected.insert(name.clone(), value.clone());
        }
        let expected = Value::Object(expected);
        for seen in all_paths(|| p.clone()) {
            assert_frame(&seen, status, &[]);
            assert_eq!(seen.json(), expected, "{}: body", seen.path);
            let names = seen.member_names();
            let order: Vec<&str> = ["type", "title", "status", "detail", "instance"]
                .into_iter()
                .filter(|n| standard.iter().any(|s| s == n))
                .collect();
            assert_eq!(
                names[..order.len()],
                order,
                "{}: standard members first",
                seen.path
            );
            assert_eq!(
                Problem::from_body(&seen.body).as_ref(),
                Some(&p),
                "{}: the body reads back as the problem",
                seen.path
            );
        }
    });
}

/// Any JSON value, with member names that are often the standard ones.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (0u64..1000).prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    let name = prop_oneof![
        select(&["type", "title", "status", "detail", "instance"][..]).prop_map(str::to_owned),
        text(),
    ];
    leaf.prop_recursive(3, 24, 6, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            btree_map(name.clone(), inner, 0..8)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// What RFC 9457 §3.1's lenient reading keeps of `members`, written out
/// independently of `Problem`.
fn lenient(members: &serde_json::Map<String, Value>) -> Value {
    let mut kept = serde_json::Map::new();
    for (name, value) in members {
        let keep = match (name.as_str(), value) {
            (_, Value::Null) => false,
            ("type", Value::String(s)) => s != "about:blank",
            ("title" | "detail" | "instance", Value::String(_)) => true,
            ("status", Value::Number(n)) => n.as_u64().is_some_and(|c| (100..=599).contains(&c)),
            ("type" | "title" | "detail" | "instance" | "status", _) => false,
            _ => true,
        };
        if keep {
            kept.insert(name.clone(), value.clone());
        }
    }
    Value::Object(kept)
}

#[test]
fn reading_any_body_is_lenient_and_never_panics() {
    let input = prop_oneof![
        any_json().prop_map(|v| (serde_json::to_vec(&v).unwrap(), Some(v))),
        vec(any::<u8>(), 0..256).prop_map(|bytes| (bytes, None)),
    ];
    check(
        "reading_any_body_is_lenient_and_never_panics",
        input,
        |(bytes, value)| {
            let problem = Problem::from_body(&bytes);
            // Compare with the text as serde_json reads it back: without its
            // `float_roundtrip` feature a float may change in the last digit.
            let value = value.map(|_| serde_json::from_slice::<Value>(&bytes).unwrap());
            match value {
                Some(Value::Object(members)) => {
                    let problem = problem.expect("a JSON object is a problem");
                    assert_eq!(serde_json::to_value(&problem).unwrap(), lenient(&members));
                    // Its own rendering reads back the same (floats again as
                    // serde_json reads them).
                    let body = problem.to_body(ApiError::status(&problem));
                    let again = Problem::from_body(&body).expect("its own body reads back");
                    let Value::Object(rendered) = serde_json::from_slice(&body).unwrap() else {
                        panic!("the body is an object");
                    };
                    assert_eq!(serde_json::to_value(&again).unwrap(), lenient(&rendered));
                    assert_eq!(
                        (
                            again.problem_type(),
                            again.title(),
                            again.detail(),
                            again.instance()
                        ),
                        (
                            problem.problem_type(),
                            problem.title(),
                            problem.detail(),
                            problem.instance()
                        )
                    );
                    assert_eq!(again.extensions().len(), problem.extensions().len());
                }
                Some(_) => assert!(problem.is_none(), "not an object: no problem"),
                None => {
                    if let Some(problem) = problem {
                        serde_json::from_slice::<Value>(
                            &problem.to_body(ApiError::status(&problem)),
                        )
                        .expect("valid JSON");
                    }
                }
            }
        },
    );
}

#[test]
fn deeply_nested_bodies_are_refused_not_a_stack_overflow() {
    for depth in [1_000, 100_000] {
        let array = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let body = format!(r#"{{"title":"t","ext":{array}}}"#);
        assert_eq!(Problem::from_body(body.as_bytes()), None, "depth {depth}");
    }
}
