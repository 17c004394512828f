//! Property: whatever two flattened maps hold (keys drawn to include the
//! standard members' names, the variant's other extension members, invalid
//! RFC 9457 §3.2 names, arbitrary unicode and keys repeated within and across
//! the maps; values including `null` and nesting past serde_json's reading
//! limit), every response path answers without panicking, with a body that a
//! default serde_json reader parses, that holds no member twice, whose
//! standard members are the variant's own, and whose extension members are
//! exactly those the rules keep, in order. `problem()` agrees.
//!
//! The case count comes from `PROPTEST_CASES` (default 256).

mod responses;

use apierror::ApiError;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use responses::{all_paths, assert_frame};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value, json};

/// A map that may repeat a key, as a hand-written `Serialize` can.
#[derive(Debug, Clone)]
struct Entries(Vec<(String, Value)>);

impl Serialize for Entries {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

#[derive(Debug, thiserror::Error, ApiError)]
#[problem(rename_all = "camelCase")]
enum Spread {
    #[error("spread")]
    #[status(409)]
    #[problem(
        type = "https://example.com/problems/spread",
        instance = "/spread/{order_id}"
    )]
    Two {
        order_id: u32,
        #[problem(extension)]
        user_id: u32,
        #[problem(flatten)]
        first: Entries,
        #[problem(extension = "plan")]
        plan: &'static str,
        #[problem(flatten)]
        second: Entries,
    },
}

const STANDARD: [&str; 5] = ["type", "title", "status", "detail", "instance"];
/// The variant's other extension members, as sent.
const TAKEN: [&str; 2] = ["userId", "plan"];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(vec![
            "type", "title", "status", "detail", "instance", "userId", "user_id", "plan",
            "a", "b", "c", "Type", "STATUS",
        ])
        .prop_map(str::to_owned),
        3 => "[a-zA-Z][a-zA-Z0-9_]{0,5}",
        2 => select(vec![
            "", "1st", "_x", "a-b", "a b", "a.b", "größe", "ключ", "😀", "line\nbreak",
            "\u{0}", "q\"uote", "back\\slash", "type ", " type",
        ])
        .prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

fn nested(levels: usize) -> Value {
    (0..levels).fold(json!(0), |inner, _| json!([inner]))
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    let tree = leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            vec(("[a-z]{1,3}", inner), 0..4)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    });
    prop_oneof![
        8 => tree,
        1 => (124usize..=128).prop_map(nested),
    ]
}

fn entries() -> impl Strategy<Value = Entries> {
    vec((key(), value()), 0..8).prop_map(Entries)
}

/// Arrays and objects nested in `value`, itself included.
fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(members) => 1 + members.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The body the rules promise, member names in order.
fn model(order_id: u32, user_id: u32, first: &Entries, second: &Entries) -> (Vec<String>, Value) {
    let mut names: Vec<String> = ["type", "title", "status", "detail", "instance", "userId"]
        .map(str::to_owned)
        .to_vec();
    let mut body = json!({
        "type": "https://example.com/problems/spread",
        "title": "Conflict",
        "status": 409,
        "detail": "spread",
        "instance": format!("/spread/{order_id}"),
        "userId": user_id,
    });
    let members = body.as_object_mut().unwrap();
    let spread = |entries: &Entries, names: &mut Vec<String>, members: &mut Map<_, _>| {
        for (key, value) in &entries.0 {
            let kept = !STANDARD.contains(&key.as_str())
                && valid_name(key)
                && !TAKEN.contains(&key.as_str())
                && !names.contains(key)
                && !value.is_null()
                && depth(value) <= 126;
            if kept {
                names.push(key.clone());
                members.insert(key.clone(), value.clone());
            }
        }
    };
    spread(first, &mut names, members);
    names.push("plan".to_owned());
    members.insert("plan".to_owned(), json!("gold"));
    spread(second, &mut names, members);
    (names, body)
}

proptest! {
    #[test]
    fn flattened_maps_never_duplicate_or_shadow(
        order_id in any::<u32>(),
        user_id in any::<u32>(),
        first in entries(),
        second in entries(),
    ) {
        let make = || Spread::Two {
            order_id,
            user_id,
            first: first.clone(),
            plan: "gold",
            second: second.clone(),
        };
        let (names, expected) = model(order_id, user_id, &first, &second);
        for seen in all_paths(make) {
            assert_frame(&seen, 409, &[]);
            // `member_names` fails on a member sent twice.
            prop_assert_eq!(&seen.member_names(), &names, "{}", seen.path);
            prop_assert_eq!(&seen.json(), &expected, "{}", seen.path);
        }
        let mut extensions = expected.as_object().unwrap().clone();
        for standard in STANDARD {
            extensions.remove(standard);
        }
        let problem = make().problem();
        prop_assert_eq!(problem.extensions(), &extensions);
    }
}
