//! `apierror::Violations`: RFC 6901 pointers in and out (escaping with `~0`
//! and `~1`, the URI fragment form with percent-encoding, RFC 6901 §6), the
//! problem it is on its own, and its two uses in a derived enum.

use apierror::{ApiError, Problem, Violations};
use serde_json::{Value, json};

fn body<E: ApiError>(error: &E) -> Value {
    serde_json::from_slice(&error.body()).expect("the body is JSON")
}

fn one(pointer: &str) -> Violations {
    let mut v = Violations::new();
    v.push(pointer, "bad");
    v
}

fn wire(pointer: &str) -> Value {
    serde_json::to_value(one(pointer)).unwrap()[0]["pointer"].clone()
}

#[test]
fn rfc_6901_section_6_examples() {
    // Each JSON Pointer of RFC 6901 §5 with its fragment form from §6.
    for (pointer, fragment) in [
        ("", "#"),
        ("/foo", "#/foo"),
        ("/foo/0", "#/foo/0"),
        ("/", "#/"),
        ("/a~1b", "#/a~1b"),
        ("/c%d", "#/c%25d"),
        ("/e^f", "#/e%5Ef"),
        ("/g|h", "#/g%7Ch"),
        ("/i\\j", "#/i%5Cj"),
        ("/k\"l", "#/k%22l"),
        ("/ ", "#/%20"),
        ("/m~0n", "#/m~0n"),
    ] {
        assert_eq!(wire(pointer), fragment, "{pointer:?}");
        // The fragment form reads back to the same pointer.
        assert_eq!(one(fragment).iter().next().unwrap().pointer(), pointer);
    }
}

#[test]
fn member_names_are_escaped_with_tilde_zero_and_tilde_one() {
    for (name, pointer, fragment) in [
        ("qty", "/qty", "#/qty"),
        ("a/b", "/a~1b", "#/a~1b"),
        ("m~n", "/m~0n", "#/m~0n"),
        ("~1", "/~01", "#/~01"),
        ("~/", "/~0~1", "#/~0~1"),
    ] {
        let v = one(name);
        assert_eq!(v.iter().next().unwrap().pointer(), pointer, "{name:?}");
        assert_eq!(wire(name), fragment, "{name:?}");
    }
}

#[test]
fn fragments_are_percent_encoded_where_a_fragment_needs_it() {
    for (pointer, fragment) in [
        // Everything RFC 3986 allows in a fragment stays as it is.
        ("/azAZ09-._~!$&'()*+,;=:@/?", "#/azAZ09-._~0!$&'()*+,;=:@/?"),
        ("/#", "#/%23"),
        ("/%", "#/%25"),
        ("/[]{}<>`", "#/%5B%5D%7B%7D%3C%3E%60"),
        ("/é", "#/%C3%A9"),
        ("/😀", "#/%F0%9F%98%80"),
        ("/\u{0}\n\u{7f}", "#/%00%0A%7F"),
    ] {
        assert_eq!(wire(pointer), fragment, "{pointer:?}");
    }
}

#[test]
fn fragment_input_is_percent_decoded() {
    for (input, pointer) in [
        ("#/a%20b", "/a b"),
        ("#/%C3%A9", "/é"),
        ("#/a%2Fb", "/a/b"),
        ("#/a%7E1b", "/a~1b"),
        ("#/50%", "/50%"),
        ("#/%zz", "/%zz"),
    ] {
        assert_eq!(
            one(input).iter().next().unwrap().pointer(),
            pointer,
            "{input:?}"
        );
    }
}

#[test]
fn insertion_order_and_the_422_problem() {
    let mut v = Violations::new();
    v.push("/lines/1/qty", "must be at least 1");
    v.push("/customer", "is required");
    v.push("/lines/0/qty", "must be at least 1");
    assert_eq!(v.len(), 3);
    assert!(!v.is_empty());
    let expected = json!({
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "3 values are invalid",
        "errors": [
            {"detail": "must be at least 1", "pointer": "#/lines/1/qty"},
            {"detail": "is required", "pointer": "#/customer"},
            {"detail": "must be at least 1", "pointer": "#/lines/0/qty"}
        ]
    });
    assert_eq!(v.status(), 422);
    assert_eq!(body(&v), expected);
    assert_eq!(serde_json::to_value(v.problem()).unwrap(), expected);
    assert_eq!(v.to_string(), "3 values are invalid");

    let response = apierror::response(&v);
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );

    let mut single = Violations::new();
    single.push("/a", "x");
    assert_eq!(body(&single)["detail"], "1 value is invalid");
    assert!(Violations::new().is_empty());
}

#[test]
fn details_are_escaped_in_the_body() {
    let mut v = Violations::new();
    v.push("/a", "quote \" backslash \\ newline \n nul \u{0} end");
    assert_eq!(
        body(&v)["errors"][0]["detail"],
        "quote \" backslash \\ newline \n nul \u{0} end"
    );
}

#[test]
fn reads_back_from_a_problem() {
    let mut v = Violations::new();
    v.push("/a b/~", "first");
    v.push("", "second");
    let problem = Problem::from_body(&v.body()).unwrap();
    let back: Violations =
        serde_json::from_value(problem.extension("errors").unwrap().clone()).unwrap();
    assert_eq!(back, v);
}

#[derive(Debug, thiserror::Error, ApiError)]
enum OrderError {
    #[error("order {id} cannot be placed")]
    #[status(422)]
    #[problem(
        type = "https://example.com/problems/invalid-order",
        title = "Invalid order"
    )]
    Rejected {
        #[problem(extension)]
        id: u64,
        #[problem(extension = "errors")]
        errors: Violations,
    },

    #[error(transparent)]
    #[status(transparent)]
    Invalid(#[from] Violations),
}

#[test]
fn as_an_extension_field() {
    let mut errors = Violations::new();
    errors.push("/lines/0/qty", "must be positive");
    let err = OrderError::Rejected { id: 7, errors };
    assert_eq!(
        body(&err),
        json!({
            "type": "https://example.com/problems/invalid-order",
            "title": "Invalid order",
            "status": 422,
            "detail": "order 7 cannot be placed",
            "id": 7,
            "errors": [{"detail": "must be positive", "pointer": "#/lines/0/qty"}]
        })
    );
}

#[test]
fn as_a_transparent_variant() {
    let mut errors = Violations::new();
    errors.push("qty", "must be positive");
    errors.push("#/note", "is too long");
    let err: OrderError = errors.into();
    assert_eq!(err.status(), 422);
    assert_eq!(
        body(&err),
        json!({
            "title": "Unprocessable Content",
            "status": 422,
            "detail": "2 values are invalid",
            "errors": [
                {"detail": "must be positive", "pointer": "#/qty"},
                {"detail": "is too long", "pointer": "#/note"}
            ]
        })
    );
}
