//! Extensions that fail to serialize (a map with non-string keys, a
//! `Serialize` impl that returns an error, one that fails half-way through
//! writing) leave a valid problem without that member: the status, the
//! headers and the other members are intact on every response path, and the
//! failure is logged at WARN with the member's name and serde's reason.
//! So does a value nested deeper than a default serde_json reader reads
//! (more than 126 arrays or objects inside the problem object).

mod responses;

use std::collections::BTreeMap;

use apierror::{ApiError, Problem};
use responses::{Seen, all_paths, assert_frame, capture_logs};
use serde::{Serialize, Serializer};
use serde_json::{Value, json};

#[derive(Debug)]
struct Refuses;

impl Serialize for Refuses {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("refused by design"))
    }
}

/// Serializes `{"ok":1,"bad":` before failing: the writer must take back
/// bytes it has already written.
#[derive(Debug, Serialize)]
struct FailsHalfway {
    ok: u32,
    bad: Refuses,
}

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("payment failed")]
#[status(402)]
#[problem(header(x_attempt = "{attempt}"))]
struct InnerFailing {
    attempt: u32,
    #[problem(extension)]
    ledger: Vec<FailsHalfway>,
    #[problem(extension)]
    currency: &'static str,
}

#[derive(Debug, thiserror::Error, apierror::ApiError)]
enum Failing {
    #[error("order {request} conflicts")]
    #[status(409)]
    #[problem(header(x_request_id = "{request}"), header(cache_control = "no-store"))]
    NonStringKeys {
        request: u32,
        #[problem(extension)]
        before: u32,
        #[problem(extension)]
        by_pair: BTreeMap<(u8, u8), u32>,
        #[problem(extension)]
        after: &'static str,
    },

    #[error("refused")]
    #[status(422)]
    #[problem(instance = "/refusals/{id}")]
    Refusing {
        id: u32,
        #[problem(extension)]
        refused: Refuses,
        #[problem(extension = "after")]
        after: Vec<u8>,
    },

    #[error("slow down")]
    #[status(429)]
    #[problem(header(retry_after = "{secs}"))]
    Halfway {
        secs: u64,
        #[problem(extension)]
        partial: FailsHalfway,
        #[problem(extension)]
        ratio: f64,
        #[problem(extension)]
        after: bool,
    },

    #[error("store down: {reason}")]
    #[status(503)]
    #[problem(header(retry_after = "{secs}"))]
    Server {
        secs: u64,
        reason: String,
        #[problem(extension)]
        shards: BTreeMap<Vec<u8>, u8>,
    },

    #[error(transparent)]
    #[status(transparent)]
    Payment(InnerFailing),
}

/// Every path: the expected status, exactly the declared headers, and a body
/// equal to `expected` (member order included); the log names `member` and
/// `reason` once per path.
fn assert_left_out(
    make: impl Fn() -> Failing,
    status: u16,
    headers: &[(&str, &str)],
    expected: Value,
    member: &str,
    reason: &str,
) {
    let (seen, log) = capture_logs(|| all_paths(&make));
    let declared: Vec<&str> = headers.iter().map(|(n, _)| *n).collect();
    let names: Vec<&String> = expected.as_object().unwrap().keys().collect();
    for seen in &seen {
        check_seen(seen, status, headers, &declared, &expected);
        let order = seen.member_names();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(sorted.iter().collect::<Vec<_>>(), names, "{}", seen.path);
        assert!(
            !order.iter().any(|n| n == member),
            "{}: {member} is left out",
            seen.path
        );
    }
    let warnings: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("WARN") && l.contains(member) && l.contains(reason))
        .collect();
    assert_eq!(
        warnings.len(),
        3,
        "one warning naming {member:?} and {reason:?} per path; log:\n{log}"
    );

    let problem = make().problem();
    assert_eq!(problem.status().map(|s| s.as_u16()), Some(status));
    assert_eq!(problem.extension(member), None);
}

fn check_seen(
    seen: &Seen,
    status: u16,
    headers: &[(&str, &str)],
    declared: &[&str],
    expected: &Value,
) {
    assert_frame(seen, status, declared);
    for (name, value) in headers {
        assert_eq!(
            seen.header(name),
            [value.as_bytes()],
            "{}: {name}",
            seen.path
        );
    }
    assert_eq!(&seen.json(), expected, "{}: body", seen.path);
}

#[test]
fn map_with_non_string_keys() {
    assert_left_out(
        || Failing::NonStringKeys {
            request: 7,
            before: 1,
            by_pair: BTreeMap::from([((1, 2), 3)]),
            after: "kept",
        },
        409,
        &[("x-request-id", "7"), ("cache-control", "no-store")],
        json!({"title": "Conflict", "status": 409, "detail": "order 7 conflicts", "before": 1, "after": "kept"}),
        "by_pair",
        "key must be a string",
    );
}

#[test]
fn serialize_impl_that_returns_an_error() {
    assert_left_out(
        || Failing::Refusing {
            id: 3,
            refused: Refuses,
            after: vec![1, 2],
        },
        422,
        &[],
        json!({"title": "Unprocessable Content", "status": 422, "detail": "refused", "instance": "/refusals/3", "after": [1, 2]}),
        "refused",
        "refused by design",
    );
}

#[test]
fn failure_after_partial_output_is_taken_back() {
    // `ratio` is NaN, which serde_json writes as `null`: left out silently.
    assert_left_out(
        || Failing::Halfway {
            secs: 30,
            partial: FailsHalfway {
                ok: 1,
                bad: Refuses,
            },
            ratio: f64::NAN,
            after: true,
        },
        429,
        &[("retry-after", "30")],
        json!({"title": "Too Many Requests", "status": 429, "detail": "slow down", "after": true}),
        "partial",
        "refused by design",
    );
}

#[test]
fn server_error_with_failing_extension_still_hides_its_detail() {
    assert_left_out(
        || Failing::Server {
            secs: 5,
            reason: "disk /dev/sda3 failed".into(),
            shards: BTreeMap::from([(vec![1], 1)]),
        },
        503,
        &[("retry-after", "5")],
        json!({"title": "Service Unavailable", "status": 503}),
        "shards",
        "key must be a string",
    );
}

#[test]
fn failure_inside_a_transparent_field() {
    assert_left_out(
        || {
            Failing::Payment(InnerFailing {
                attempt: 2,
                ledger: vec![FailsHalfway {
                    ok: 1,
                    bad: Refuses,
                }],
                currency: "EUR",
            })
        },
        402,
        &[("x-attempt", "2")],
        json!({"title": "Payment Required", "status": 402, "detail": "payment failed", "currency": "EUR"}),
        "ledger",
        "refused by design",
    );
}

#[test]
fn hand_built_problem_skips_a_failing_extension() {
    let (p, log) = capture_logs(|| {
        Problem::new(http::StatusCode::CONFLICT)
            .with_extension("before", 1)
            .with_extension("by_pair", BTreeMap::from([((1u8, 2u8), 3u8)]))
            .with_extension("refused", Refuses)
            .with_extension("after", "kept")
    });
    for (member, reason) in [
        ("by_pair", "key must be a string"),
        ("refused", "refused by design"),
    ] {
        let warnings = log
            .lines()
            .filter(|l| l.contains("WARN") && l.contains(member) && l.contains(reason))
            .count();
        assert_eq!(warnings, 1, "one warning for {member}:\n{log}");
    }
    for seen in all_paths(|| p.clone()) {
        assert_frame(&seen, 409, &[]);
        assert_eq!(
            seen.json(),
            json!({"title": "Conflict", "status": 409, "after": "kept", "before": 1}),
            "{}",
            seen.path
        );
    }
    assert_eq!(ApiError::status(&p), http::StatusCode::CONFLICT);
}

// ------------------------------------------------------------- deep values

/// `levels` nested arrays and objects, alternating, around a number.
fn nested(levels: usize) -> Value {
    let mut value = json!(1);
    for level in 0..levels {
        value = if level % 2 == 0 {
            json!([value])
        } else {
            json!({ "k": value })
        };
    }
    value
}

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("too deep")]
#[status(422)]
#[problem(header(cache_control = "no-store"))]
struct Deep {
    #[problem(extension)]
    before: u8,
    #[problem(extension)]
    tree: Value,
    #[problem(extension)]
    after: u8,
}

/// A default serde_json reader takes the body back; the member is there at
/// 126 levels inside the problem object and left out, logged, beyond.
#[test]
fn an_extension_nested_too_deep_is_left_out() {
    for (levels, kept) in [
        (1, true),
        (126, true),
        (127, false),
        (128, false),
        (200, false),
    ] {
        let make = || Deep {
            before: 1,
            tree: nested(levels),
            after: 2,
        };
        let (seen, log) = capture_logs(|| all_paths(make));
        for seen in &seen {
            assert_frame(seen, 422, &["cache-control"]);
            // `json()` reads with serde_json's default limit.
            let body = seen.json();
            assert_eq!(body["before"], 1, "{levels}");
            assert_eq!(body["after"], 2, "{levels}");
            assert_eq!(
                body.get("tree"),
                kept.then(|| nested(levels)).as_ref(),
                "{levels}"
            );
        }
        assert_eq!(
            log.lines()
                .filter(|l| l.contains("WARN") && l.contains("tree") && l.contains("nested deeper"))
                .count(),
            if kept { 0 } else { 3 },
            "{levels}: log:\n{log}"
        );
        let error = make();
        assert_eq!(
            Some(error.problem()),
            Problem::from_body(&error.body()),
            "{levels}: problem() agrees with body()"
        );
        assert_eq!(error.problem().extension("tree").is_some(), kept);
    }
}

#[test]
fn a_problem_never_holds_an_extension_nested_too_deep() {
    for (levels, kept) in [(126, true), (127, false), (200, false)] {
        let problem = Problem::new(http::StatusCode::UNPROCESSABLE_ENTITY)
            .with_extension("tree", nested(levels))
            .with_extension("after", 2);
        assert_eq!(problem.extension("tree").is_some(), kept, "{levels}");
        let body = problem.to_body(problem.status().unwrap());
        let read: Value = serde_json::from_slice(&body).expect("a default reader reads it");
        assert_eq!(read.get("tree"), kept.then(|| nested(levels)).as_ref());
        assert_eq!(read["after"], 2);

        // Read from a deserializer without serde_json's text limit.
        let mut members = serde_json::Map::new();
        members.insert("status".into(), json!(422));
        members.insert("tree".into(), nested(levels));
        let read: Problem = serde_json::from_value(Value::Object(members)).unwrap();
        assert_eq!(read.extension("tree").is_some(), kept, "{levels}");
        let body = read.to_body(http::StatusCode::UNPROCESSABLE_ENTITY);
        assert!(serde_json::from_slice::<Value>(&body).is_ok());
        assert_eq!(Problem::from_body(&body), Some(read));
    }
}
