//! Content negotiation through the problem layer (`with_xml()`), written once
//! for both frameworks (`nego_axum.rs`, `nego_actix.rs`): the errors the test
//! handlers send, the `Accept` cases with the format each must get (from
//! DESIGN.md "Negotiation: problem+xml" and RFC 9110 §12.5.1), and an
//! independent reading of both body formats into one ordered tree, so the
//! JSON and XML of one error can be compared member by member, in order.

#![allow(dead_code)] // each test file uses what it needs

use quick_xml::events::{BytesStart, Event};
use serde::Serialize;
use serde_json::{Value, json};

/// `Problem::extension` for a nested object with a null, a number and a
/// boolean: every kind of nested value.
#[derive(Debug, Serialize)]
pub struct Limits {
    pub max: u32,
    pub soft: bool,
    pub note: Option<String>,
}

/// The errors the handlers return, rendered by the derive.
#[derive(Debug, thiserror::Error, apierror::ApiError)]
pub enum NegoError {
    /// Static: every standard member, no field.
    #[error("order archived")]
    #[status(410)]
    #[problem(
        type = "https://example.com/problems/archived",
        title = "Order archived",
        instance = "/orders/archived"
    )]
    Archived,

    /// With fields: a formatted detail that needs escaping in both formats,
    /// a scalar, an array and an object extension.
    #[error("order {id} conflicts with {name}")]
    #[status(409)]
    #[problem(
        type = "https://example.com/problems/conflict",
        title = "Order conflict"
    )]
    Conflict {
        #[problem(extension)]
        id: u64,
        name: String,
        #[problem(extension)]
        tags: Vec<String>,
        #[problem(extension)]
        limits: Limits,
    },

    /// A `Vary` of its own, to be merged with `Accept`.
    #[error("slow down")]
    #[status(429)]
    #[problem(header(vary = "Origin"), header(retry_after = "30"))]
    Varied,

    /// `Vary: *` already says everything.
    #[error("varies on everything")]
    #[status(400)]
    #[problem(header(vary = "*"))]
    Star,

    /// `Accept` already listed (in another case): not added twice.
    #[error("varies on accept")]
    #[status(400)]
    #[problem(header(vary = "accept-encoding, ACCEPT"))]
    HasAccept,
}

pub const CONFLICT_NAME: &str = "<b>&\"x\"</b>";

pub fn conflict() -> NegoError {
    NegoError::Conflict {
        id: 7,
        name: CONFLICT_NAME.to_owned(),
        tags: vec!["a".to_owned(), "b&c".to_owned()],
        limits: Limits {
            max: 5,
            soft: true,
            note: None,
        },
    }
}

/// A problem+json body written by hand (not by a derived error inside the
/// layer): the layer must transcode it.
pub const HAND_JSON: &str = r##"{"type":"https://example.com/problems/hand","title":"Hand made","status":422,"detail":"written <by> hand","errors":[{"detail":"must be positive","pointer":"#/qty"}]}"##;

/// An endpoint of the test services and the problem it answers, as the
/// contract says it (JSON; the XML must say the same).
pub struct Endpoint {
    pub name: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub status: u16,
    /// The JSON body, members in the contract's order (a `Value` would sort
    /// them).
    pub body: String,
    /// The whole `Vary` the problem must carry, in either format.
    pub vary: &'static str,
    /// Other headers it must keep.
    pub kept: &'static [(&'static str, &'static str)],
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint {
            name: "router-404",
            method: "GET",
            path: "/no/such/path",
            status: 404,
            body: r#"{"title":"Not Found","status":404}"#.into(),
            vary: "Accept",
            kept: &[],
        },
        Endpoint {
            name: "router-405",
            method: "PUT",
            path: "/static",
            status: 405,
            body: r#"{"title":"Method Not Allowed","status":405}"#.into(),
            vary: "Accept",
            kept: &[],
        },
        Endpoint {
            name: "text-409",
            method: "GET",
            path: "/text",
            status: 409,
            body: r#"{"title":"Conflict","status":409,"detail":"order 7 is <already> paid"}"#.into(),
            vary: "Accept",
            kept: &[("x-request-id", "abc-123")],
        },
        Endpoint {
            name: "derived-static",
            method: "GET",
            path: "/static",
            status: 410,
            body: r#"{"type":"https://example.com/problems/archived","title":"Order archived","status":410,"detail":"order archived","instance":"/orders/archived"}"#.into(),
            vary: "Accept",
            kept: &[],
        },
        Endpoint {
            name: "derived-fields",
            method: "GET",
            path: "/fields",
            status: 409,
            body: format!(
                r#"{{"type":"https://example.com/problems/conflict","title":"Order conflict","status":409,"detail":{},"id":7,"tags":["a","b&c"],"limits":{{"max":5,"soft":true,"note":null}}}}"#,
                json!(format!("order 7 conflicts with {CONFLICT_NAME}"))
            ),
            vary: "Accept",
            kept: &[],
        },
        Endpoint {
            name: "hand-json",
            method: "GET",
            path: "/hand",
            status: 422,
            body: HAND_JSON.into(),
            vary: "Accept-Encoding, Accept",
            kept: &[],
        },
        Endpoint {
            name: "vary-merged",
            method: "GET",
            path: "/varied",
            status: 429,
            body: r#"{"title":"Too Many Requests","status":429,"detail":"slow down"}"#.into(),
            vary: "Origin, Accept",
            kept: &[("retry-after", "30")],
        },
        Endpoint {
            name: "vary-star",
            method: "GET",
            path: "/star",
            status: 400,
            body: r#"{"title":"Bad Request","status":400,"detail":"varies on everything"}"#.into(),
            vary: "*",
            kept: &[],
        },
        Endpoint {
            name: "vary-has-accept",
            method: "GET",
            path: "/has-accept",
            status: 400,
            body: r#"{"title":"Bad Request","status":400,"detail":"varies on accept"}"#.into(),
            vary: "accept-encoding, ACCEPT",
            kept: &[],
        },
    ]
}

/// One `Accept` (field lines; none: absent) and whether XML must be chosen.
pub struct AcceptCase {
    pub name: &'static str,
    pub lines: &'static [&'static str],
    pub xml: bool,
}

pub const ACCEPT_CASES: &[AcceptCase] = &[
    AcceptCase {
        name: "problem-xml",
        lines: &["application/problem+xml"],
        xml: true,
    },
    AcceptCase {
        name: "xml-over-json-by-q",
        lines: &["application/xml;q=0.9, application/json;q=0.8"],
        xml: true,
    },
    AcceptCase {
        name: "tie",
        lines: &["application/xml, application/json"],
        xml: false,
    },
    AcceptCase {
        name: "any",
        lines: &["*/*"],
        xml: false,
    },
    AcceptCase {
        name: "text-xml-only",
        lines: &["text/xml"],
        xml: true,
    },
    AcceptCase {
        name: "application-wildcard-tie",
        lines: &["application/*;q=1, application/problem+xml;q=1"],
        xml: false,
    },
    AcceptCase {
        name: "malformed-ignored",
        lines: &["garbage;;, application/json;q=abc, /json, text/xml;q=0.5"],
        xml: true,
    },
    AcceptCase {
        name: "only-malformed",
        lines: &["application/problem+xml;q=2"],
        xml: false,
    },
    AcceptCase {
        name: "q0-xml-excluded",
        lines: &["application/problem+xml;q=0, application/json;q=0.1"],
        xml: false,
    },
    AcceptCase {
        name: "q0-json-excluded",
        lines: &["application/problem+xml;q=0.1, */*;q=0"],
        xml: true,
    },
    AcceptCase {
        name: "json-preferred",
        lines: &["application/problem+json, application/problem+xml;q=0.9"],
        xml: false,
    },
    AcceptCase {
        name: "two-field-lines",
        lines: &["application/json;q=0.5", "application/problem+xml"],
        xml: true,
    },
    AcceptCase {
        name: "absent",
        lines: &[],
        xml: false,
    },
];

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

pub type Fetched = (reqwest::StatusCode, reqwest::header::HeaderMap, Vec<u8>);

/// `method path` with these `Accept` field lines (reqwest sends none by
/// itself).
pub async fn fetch(base: &str, method: &str, path: &str, accept: &[&str]) -> Fetched {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
    let mut request = client().request(method, format!("{base}{path}"));
    for line in accept {
        request = request.header(reqwest::header::ACCEPT, *line);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("the whole body").to_vec();
    (status, headers, body)
}

fn values(headers: &reqwest::header::HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect()
}

/// A problem body read into a tree: members in order, scalars as their text
/// (XML carries every scalar as text; JSON's are written as JSON writes
/// them), `null` kept.
#[derive(Clone, Debug, PartialEq)]
pub enum Tree {
    Text(String),
    Null,
    List(Vec<Tree>),
    Members(Vec<(String, Tree)>),
}

/// A JSON body, members in their order on the wire.
pub fn json_tree(body: &[u8]) -> Tree {
    let mut de = serde_json::Deserializer::from_slice(body);
    let tree = serde::Deserialize::deserialize(&mut de).expect("a JSON body");
    de.end().expect("one JSON value");
    tree
}

impl<'de> serde::Deserialize<'de> for Tree {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Tree, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Tree;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Tree, E> {
                Ok(Tree::Text(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Tree, E> {
                Ok(Tree::Text(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Tree, E> {
                Ok(Tree::Text(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Tree, E> {
                Ok(Tree::Text(v.to_string()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Tree, E> {
                Ok(Tree::Text(v.to_owned()))
            }
            fn visit_unit<E>(self) -> Result<Tree, E> {
                Ok(Tree::Null)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Tree, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = a.next_element()? {
                    items.push(item);
                }
                Ok(Tree::List(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Tree, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = a.next_entry::<String, Tree>()? {
                    members.push(member);
                }
                Ok(Tree::Members(members))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// An element being read: its key, its text, its children, whether it is
/// `nil="true"`.
struct Open {
    key: String,
    text: String,
    children: Vec<(String, Tree)>,
    nil: bool,
}

fn open(e: &BytesStart<'_>) -> Open {
    let mut key = String::from_utf8(e.local_name().as_ref().to_vec()).unwrap();
    let mut nil = false;
    for attribute in e.attributes() {
        let attribute = attribute.expect("a well-formed attribute");
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .expect("an attribute value")
            .into_owned();
        match attribute.key.as_ref() {
            b"n" if key == "m" => key = value,
            b"nil" => nil = value == "true",
            b"xmlns" => assert_eq!(value, "urn:ietf:rfc:7807"),
            other => panic!("unexpected attribute {}", String::from_utf8_lossy(other)),
        }
    }
    Open {
        key,
        text: String::new(),
        children: Vec::new(),
        nil,
    }
}

impl Open {
    fn close(self, top: bool) -> (String, Tree) {
        let tree = if self.nil {
            Tree::Null
        } else if self.children.is_empty() {
            Tree::Text(self.text)
        } else {
            assert!(self.text.trim().is_empty(), "text beside elements");
            if !top && self.children.iter().all(|(k, _)| k == "i") {
                Tree::List(self.children.into_iter().map(|(_, t)| t).collect())
            } else {
                Tree::Members(self.children)
            }
        };
        (self.key, tree)
    }
}

/// A problem+xml body: the XML declaration, then a `problem` root in the
/// RFC 9457 namespace, read strictly (end names checked, every reference
/// resolved); arrays are `<i>` children, `<m n="key">` a key that is not an
/// XML name, `nil="true"` a null.
pub fn xml_tree(body: &[u8]) -> Tree {
    let text = std::str::from_utf8(body).expect("UTF-8");
    let rest = text
        .strip_prefix(r#"<?xml version="1.0" encoding="UTF-8"?>"#)
        .expect("the XML declaration");
    let mut reader = quick_xml::Reader::from_str(rest);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Open> = Vec::new();
    let mut root = None;
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let closed = match event {
            Event::Start(e) => {
                stack.push(open(&e));
                continue;
            }
            Event::Empty(e) => open(&e),
            Event::End(_) => stack.pop().expect("balanced"),
            Event::Text(t) => {
                let top = stack.last_mut().expect("text inside the root");
                top.text.push_str(&t.xml10_content().expect("text"));
                continue;
            }
            Event::GeneralRef(r) => {
                let top = stack.last_mut().expect("a reference inside the root");
                match r.resolve_char_ref().expect("a character reference") {
                    Some(c) => top.text.push(c),
                    None => {
                        let name = r.decode().expect("an entity name");
                        let s = quick_xml::escape::resolve_xml_entity(&name)
                            .expect("a predefined entity");
                        top.text.push_str(s);
                    }
                }
                continue;
            }
            Event::Eof => break,
            other => panic!("unexpected {other:?}"),
        };
        let top = stack.is_empty();
        let (key, tree) = closed.close(top);
        match stack.last_mut() {
            Some(parent) => parent.children.push((key, tree)),
            None => {
                assert_eq!(key, "problem", "the root element");
                assert!(root.replace(tree).is_none(), "one root");
            }
        }
    }
    root.expect("a root element")
}

/// Checks one problem response in the format `xml` says, against the
/// endpoint's contract, and returns its tree.
pub fn assert_answer(what: &str, response: &Fetched, endpoint: &Endpoint, xml: bool) -> Tree {
    let (status, headers, body) = response;
    assert_eq!(status.as_u16(), endpoint.status, "{what}: status");
    let content_type = if xml {
        "application/problem+xml"
    } else {
        "application/problem+json"
    };
    assert_eq!(
        values(headers, "content-type"),
        [content_type],
        "{what}: content-type"
    );
    assert_eq!(
        values(headers, "content-length"),
        [body.len().to_string()],
        "{what}: content-length"
    );
    assert_eq!(values(headers, "vary"), [endpoint.vary], "{what}: vary");
    for (name, value) in endpoint.kept {
        assert_eq!(values(headers, name), [*value], "{what}: {name}");
    }
    // A body written anew drops what described the old one; a problem
    // kept as it was keeps its validator.
    if xml || endpoint.name != "hand-json" {
        for name in ["etag", "content-encoding", "content-digest"] {
            assert!(!headers.contains_key(name), "{what}: {name}");
        }
    } else {
        assert_eq!(values(headers, "etag"), ["\"j1\""], "{what}: etag kept");
    }
    let want = json_tree(endpoint.body.as_bytes());
    let want_value: Value = serde_json::from_str(&endpoint.body).expect("an expected body");
    let tree = if xml {
        write_xml(what, body);
        xml_tree(body)
    } else {
        let got: Value = serde_json::from_slice(body).expect("a JSON body");
        assert_eq!(got, want_value, "{what}: JSON body");
        json_tree(body)
    };
    assert_eq!(tree, want, "{what}: members, values and order");
    tree
}

/// Writes an XML body to `$APIERROR_XML_DIR` (when set) for
/// `tests/xml/validate.sh`.
pub fn write_xml(what: &str, body: &[u8]) {
    let Some(dir) = std::env::var_os("APIERROR_XML_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("the XML directory");
    let name: String = what
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    std::fs::write(dir.join(format!("nego-{name}.xml")), body).expect("an XML file");
}

/// Every endpoint under every `Accept` case: the format, the headers, the
/// body; and, per endpoint, that the XML and JSON answers carry the same
/// members and values in the same order.
pub async fn every_case(framework: &str, base: &str) {
    for endpoint in endpoints() {
        let mut trees: Vec<(bool, Tree)> = Vec::new();
        for case in ACCEPT_CASES {
            let what = format!("{framework} {} {}", endpoint.name, case.name);
            let response = fetch(base, endpoint.method, endpoint.path, case.lines).await;
            let tree = assert_answer(&what, &response, &endpoint, case.xml);
            trees.push((case.xml, tree));
        }
        let xml = trees.iter().find(|(xml, _)| *xml).expect("an XML case");
        let json = trees.iter().find(|(xml, _)| !*xml).expect("a JSON case");
        assert_eq!(
            xml.1, json.1,
            "{framework} {}: XML says what JSON says",
            endpoint.name
        );
    }
}

/// A 200 is never touched: no `Vary`, its own body, whatever `Accept` says.
pub async fn success_untouched(base: &str) {
    for case in ACCEPT_CASES {
        let (status, headers, body) = fetch(base, "GET", "/ok", case.lines).await;
        assert_eq!(status, 200, "{}", case.name);
        assert!(
            !headers.contains_key("vary"),
            "{}: no vary on a 200",
            case.name
        );
        assert_eq!(
            values(&headers, "content-type"),
            ["text/plain; charset=utf-8"]
        );
        assert_eq!(body, b"ok", "{}", case.name);
    }
}

/// A layer without `with_xml()` answers JSON with no `Vary`, even to a
/// request that prefers XML.
pub async fn without_with_xml(base: &str) {
    for endpoint in endpoints() {
        let (status, headers, body) = fetch(
            base,
            endpoint.method,
            endpoint.path,
            &["application/problem+xml"],
        )
        .await;
        assert_eq!(status.as_u16(), endpoint.status, "{}", endpoint.name);
        assert_eq!(
            values(&headers, "content-type"),
            ["application/problem+json"],
            "{}",
            endpoint.name
        );
        let got: Value = serde_json::from_slice(&body).unwrap();
        let want: Value = serde_json::from_str(&endpoint.body).unwrap();
        assert_eq!(got, want, "{}", endpoint.name);
        let vary: Vec<String> = values(&headers, "vary");
        let want: Vec<String> = match endpoint.vary {
            "Accept" => vec![],
            "Accept-Encoding, Accept" => vec!["Accept-Encoding".to_owned()],
            "Origin, Accept" => vec!["Origin".to_owned()],
            other => vec![other.to_owned()],
        };
        assert_eq!(vary, want, "{}: vary as the handler sent it", endpoint.name);
    }
}

/// `HEAD` of a problem chosen in XML: the GET's status, `Content-Type`,
/// `Content-Length` and `Vary`, no body.
pub async fn head_matches_get(base: &str, path: &str) {
    let accept = &["application/problem+xml"];
    let (get_status, get_headers, get_body) = fetch(base, "GET", path, accept).await;
    let (status, headers, body) = fetch(base, "HEAD", path, accept).await;
    assert_eq!(status, get_status, "HEAD {path}");
    assert!(body.is_empty(), "HEAD {path}: no body");
    assert_eq!(
        values(&get_headers, "content-type"),
        ["application/problem+xml"]
    );
    for name in ["content-type", "vary"] {
        assert_eq!(
            values(&headers, name),
            values(&get_headers, name),
            "HEAD {path}: {name}"
        );
    }
    assert_eq!(
        values(&headers, "content-length"),
        [get_body.len().to_string()],
        "HEAD {path}: the GET problem's length"
    );
}
