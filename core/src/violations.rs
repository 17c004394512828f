//! Several problems of one kind: RFC 9457 §3's `errors` member, each entry a
//! `detail` and the JSON Pointer (RFC 6901) of the value it is about.

use std::borrow::Cow;
use std::fmt;

use http::StatusCode;
use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, SerializeSeq, SerializeStruct, Serializer};

use crate::render::escape_into;
use crate::{ApiError, Problem};

/// The invalid values of a request, as RFC 9457 §3 shows them: an array of
/// `{"detail": .., "pointer": ..}` objects, where `pointer` is a JSON Pointer
/// (RFC 6901) to the value in the request body.
///
/// It is an [`ApiError`] itself (422 Unprocessable Content, a `detail` that
/// counts the invalid values, the violations in an `errors` member), so a
/// handler can return it, and a derived enum can wrap it in one line:
///
/// ```
/// use apierror::{ApiError, Violations};
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// pub enum OrderError {
///     #[error(transparent)]
///     #[status(transparent)]
///     Invalid(#[from] Violations),
/// }
///
/// let mut violations = Violations::new();
/// violations.push("/lines/1/qty", "must be at least 1");
/// violations.push("#/customer/e-mail", "is not an e-mail address");
/// violations.push("note", "is too long");
///
/// let err = OrderError::from(violations);
/// assert_eq!(err.status(), 422);
/// assert_eq!(
///     serde_json::from_slice::<serde_json::Value>(&err.body()).unwrap(),
///     serde_json::json!({
///         "title": "Unprocessable Content",
///         "status": 422,
///         "detail": "3 values are invalid",
///         "errors": [
///             {"detail": "must be at least 1", "pointer": "#/lines/1/qty"},
///             {"detail": "is not an e-mail address", "pointer": "#/customer/e-mail"},
///             {"detail": "is too long", "pointer": "#/note"}
///         ]
///     })
/// );
/// ```
///
/// Or it is one extension member among others:
///
/// ```
/// use apierror::{ApiError, Violations};
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// #[error("the order cannot be placed")]
/// #[status(422)]
/// #[problem(type = "https://example.com/problems/invalid-order")]
/// pub struct InvalidOrder {
///     #[problem(extension = "errors")]
///     errors: Violations,
/// }
/// # let mut errors = Violations::new();
/// # errors.push("/qty", "must be positive");
/// # let body: serde_json::Value = serde_json::from_slice(&InvalidOrder { errors }.body()).unwrap();
/// # assert_eq!(body["errors"], serde_json::json!([{"detail": "must be positive", "pointer": "#/qty"}]));
/// ```
///
/// Pointers are kept in their RFC 6901 string form (`/lines/1/qty`, `""` for
/// the whole document) and sent in the URI fragment form of RFC 6901 §6
/// (`#/lines/1/qty`), percent-encoded where a fragment needs it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Violations {
    items: Vec<Violation>,
}

/// One entry of [`Violations`]: what is wrong, and where.
///
/// ```
/// let mut violations = apierror::Violations::new();
/// violations.push("#/a~1b/%20", "bad");
/// let v = violations.iter().next().unwrap();
/// assert_eq!((v.pointer(), v.detail()), ("/a~1b/ ", "bad"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pointer: String,
    /// `pointer` in its URI fragment form, as sent: made once, at `push`.
    fragment: String,
    detail: String,
}

impl Violation {
    /// The JSON Pointer (RFC 6901) of the invalid value, in its string form:
    /// `/items/0/qty`, or `""` for the whole document.
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// What is wrong with the value.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl Violations {
    /// No violations yet.
    ///
    /// ```
    /// assert!(apierror::Violations::new().is_empty());
    /// ```
    pub fn new() -> Violations {
        Violations { items: Vec::new() }
    }

    /// Adds a violation at `pointer`, after those already there.
    ///
    /// `pointer` is read in any of three forms:
    /// - a JSON Pointer (RFC 6901): `"/lines/0/qty"`, `""` for the whole
    ///   document; a `~` that is not `~0` or `~1` is taken as a plain `~`;
    /// - its URI fragment form (RFC 6901 §6): `"#/lines/0/qty"`, `"#"`,
    ///   percent-decoded (`"#/a%20b"` is `/a b`);
    /// - a string that starts with neither `/` nor `#` is one member name:
    ///   `"qty"` is `/qty`, and `"a/b"` is the member `a/b` (`/a~1b`).
    ///
    /// ```
    /// let mut v = apierror::Violations::new();
    /// v.push("/lines/0/qty", "must be positive");
    /// v.push("#/lines/1/qty", "must be positive");
    /// v.push("qty", "must be positive");
    /// v.push("a/b", "is odd");
    /// v.push("#", "is empty");
    /// let pointers: Vec<&str> = v.iter().map(|v| v.pointer()).collect();
    /// assert_eq!(pointers, ["/lines/0/qty", "/lines/1/qty", "/qty", "/a~1b", ""]);
    /// ```
    pub fn push(&mut self, pointer: &str, detail: impl Into<String>) {
        let pointer = normalize(pointer);
        let mut fragment = Vec::with_capacity(pointer.len() + 1);
        fragment.push(b'#');
        fragment_into(&mut fragment, &pointer);
        self.items.push(Violation {
            // Only ASCII was added to the UTF-8 of `pointer`.
            fragment: String::from_utf8(fragment).unwrap_or_default(),
            pointer,
            detail: detail.into(),
        });
    }

    /// How many violations there are.
    ///
    /// ```
    /// let mut v = apierror::Violations::new();
    /// v.push("/a", "bad");
    /// assert_eq!(v.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    ///
    /// ```
    /// assert!(apierror::Violations::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The violations, in the order they were pushed.
    ///
    /// ```
    /// let mut v = apierror::Violations::new();
    /// v.push("/b", "second");
    /// v.push("/a", "first");
    /// let details: Vec<&str> = v.iter().map(|v| v.detail()).collect();
    /// assert_eq!(details, ["second", "first"]);
    /// ```
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.items.iter()
    }

    /// Sorts by pointer (segment by segment, indices by number), keeping the
    /// push order among equal pointers. The validation adapters do this, so
    /// their output is stable.
    #[cfg_attr(not(any(feature = "validator", feature = "garde")), allow(dead_code))]
    pub(crate) fn sort_by_pointer(&mut self) {
        self.items
            .sort_by(|a, b| compare_pointers(&a.pointer, &b.pointer));
    }

    /// The `detail` of the problem: how many values are invalid.
    fn summary(&self) -> Cow<'static, str> {
        match self.items.len() {
            0 => Cow::Borrowed("the request is invalid"),
            1 => Cow::Borrowed("1 value is invalid"),
            n => Cow::Owned(format!("{n} values are invalid")),
        }
    }

    /// Appends the `errors` array to `out`.
    pub(crate) fn write_array(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"detail\":\"");
            escape_into(out, &item.detail);
            out.extend_from_slice(b"\",\"pointer\":\"");
            // The fragment form has nothing a JSON string must escape: `"`,
            // `\` and control characters are all percent-encoded.
            out.extend_from_slice(item.fragment.as_bytes());
            out.extend_from_slice(b"\"}");
        }
        out.push(b']');
    }

    /// The whole problem+json body, `detail` given.
    pub(crate) fn body_with_detail(&self, detail: &str) -> Vec<u8> {
        self.body_with(detail, "")
    }

    /// The whole problem+json body, its `detail` in two pieces.
    fn body_with(&self, detail: &str, more: &str) -> Vec<u8> {
        const HEAD: &[u8] = br#"{"title":"Unprocessable Content","status":422,"detail":""#;
        let size: usize = self
            .items
            .iter()
            .map(|v| v.detail.len() + v.fragment.len() + 32)
            .sum();
        let mut out = Vec::with_capacity(HEAD.len() + detail.len() + more.len() + size + 16);
        out.extend_from_slice(HEAD);
        escape_into(&mut out, detail);
        escape_into(&mut out, more);
        out.extend_from_slice(b"\",\"errors\":");
        self.write_array(&mut out);
        out.push(b'}');
        out
    }
}

impl<'a> IntoIterator for &'a Violations {
    type Item = &'a Violation;
    type IntoIter = std::slice::Iter<'a, Violation>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl fmt::Display for Violations {
    /// The problem's `detail`: `"2 values are invalid"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())
    }
}

impl std::error::Error for Violations {}

impl ApiError for Violations {
    /// 422 Unprocessable Content.
    fn status(&self) -> StatusCode {
        StatusCode::UNPROCESSABLE_ENTITY
    }

    fn problem(&self) -> Problem {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY)
            .with_detail(self.summary())
            .with_extension("errors", self)
    }

    fn body(&self) -> Cow<'static, [u8]> {
        match self.items.len() {
            0 | 1 => Cow::Owned(self.body_with_detail(&self.summary())),
            // The count straight into the buffer: no `format!` per response.
            n => {
                let mut digits = [0u8; 20];
                let mut at = digits.len();
                let mut rest = n;
                while rest > 0 || at == digits.len() {
                    at -= 1;
                    digits[at] = b'0' + (rest % 10) as u8;
                    rest /= 10;
                }
                let count = std::str::from_utf8(&digits[at..]).unwrap_or("");
                Cow::Owned(self.body_with(count, " values are invalid"))
            }
        }
    }

    fn problem_type(&self) -> Cow<'static, str> {
        Cow::Borrowed(crate::render::ABOUT_BLANK)
    }
}

/// Reads back the problem [`Violations`] answers with: a 422 `about:blank`
/// problem titled "Unprocessable Content" whose `errors` member is an array
/// (read as its [`Deserialize`] impl reads it). So a client's error enum can
/// hold `#[status(transparent)] Invalid(#[from] Violations)` and get the
/// violations back.
///
/// ```
/// use apierror::{ApiError, FromProblem, Problem, Violations};
///
/// let mut sent = Violations::new();
/// sent.push("/lines/1/qty", "must be at least 1");
/// let problem = Problem::from_body(&sent.body()).unwrap();
/// assert_eq!(Violations::from_problem(&problem), Some(sent));
///
/// // Another status, or no `errors` array, is not this problem.
/// assert_eq!(Violations::from_problem(&Problem::new(http::StatusCode::BAD_REQUEST)), None);
/// assert_eq!(
///     Violations::from_problem(&Problem::new(http::StatusCode::UNPROCESSABLE_ENTITY)),
///     None
/// );
/// ```
impl crate::FromProblem for Violations {
    fn from_problem(problem: &Problem) -> Option<Violations> {
        let ours = problem.status() == Some(StatusCode::UNPROCESSABLE_ENTITY)
            && problem.problem_type() == crate::render::ABOUT_BLANK
            && problem.title() == Some(crate::status::title(422));
        match problem.extension("errors") {
            Some(errors @ serde_json::Value::Array(_)) if ours => {
                Violations::deserialize(errors).ok()
            }
            _ => None,
        }
    }
}

impl Serialize for Violations {
    /// An array of `{"detail": .., "pointer": ..}` objects in push order, each
    /// pointer in its URI fragment form.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.items.len()))?;
        for item in &self.items {
            seq.serialize_element(item)?;
        }
        seq.end()
    }
}

impl Serialize for Violation {
    /// `{"detail": .., "pointer": "#/.."}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Violation", 2)?;
        s.serialize_field("detail", &self.detail)?;
        s.serialize_field("pointer", &self.fragment)?;
        s.end()
    }
}

/// Reads what [`Serialize`] writes, leniently: an entry without a string
/// `pointer` points at the whole document, one without a string `detail` has
/// an empty one, and a pointer is read in any form [`Violations::push`]
/// takes.
///
/// ```
/// let v: apierror::Violations =
///     serde_json::from_str(r##"[{"detail":"bad","pointer":"#/a%20b"},{"x":1}]"##).unwrap();
/// let pointers: Vec<&str> = v.iter().map(|v| v.pointer()).collect();
/// assert_eq!(pointers, ["/a b", ""]);
/// ```
impl<'de> Deserialize<'de> for Violations {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let entries = Vec::<serde_json::Map<String, serde_json::Value>>::deserialize(deserializer)?;
        let mut violations = Violations::new();
        for entry in entries {
            let text = |name: &str| match entry.get(name) {
                Some(serde_json::Value::String(s)) => s.as_str(),
                _ => "",
            };
            violations.push(text("pointer"), text("detail"));
        }
        Ok(violations)
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Bytes a URI fragment may hold as they are (RFC 3986: `pchar / "/" / "?"`,
/// minus `%`, which must itself be encoded to stand for `%`).
const FRAGMENT_SAFE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
                    | b'/'
                    | b'?'
            );
        b += 1;
    }
    table
};

/// Appends `pointer` percent-encoded for a URI fragment.
fn fragment_into(out: &mut Vec<u8>, pointer: &str) {
    let bytes = pointer.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if FRAGMENT_SAFE[b as usize] {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(&[b'%', HEX[(b >> 4) as usize], HEX[(b & 0xf) as usize]]);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// The RFC 6901 string form of whatever `push` was given.
fn normalize(input: &str) -> String {
    if let Some(fragment) = input.strip_prefix('#') {
        let decoded = percent_decode(fragment);
        return match decoded.as_bytes().first() {
            None => String::new(),
            Some(b'/') => fix_escapes(&decoded),
            Some(_) => member(&decoded),
        };
    }
    match input.as_bytes().first() {
        None => String::new(),
        Some(b'/') => fix_escapes(input),
        Some(_) => member(input),
    }
}

/// `/name`, with `~` and `/` escaped as RFC 6901 §3 requires.
pub(crate) fn member(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 1);
    out.push('/');
    push_token(&mut out, name);
    out
}

/// Appends one reference token, escaped.
pub(crate) fn push_token(out: &mut String, token: &str) {
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// A pointer with every `~` that is not `~0` or `~1` taken as a plain `~`.
fn fix_escapes(pointer: &str) -> String {
    let mut out = String::with_capacity(pointer.len());
    let mut chars = pointer.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '~' && !matches!(chars.peek(), Some('0' | '1')) {
            out.push('0');
        }
    }
    out
}

/// Percent-decodes `s`; a `%` not followed by two hex digits stays as it is,
/// and bytes that do not decode to UTF-8 become U+FFFD.
fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).and_then(|b| (*b as char).to_digit(16)),
                bytes.get(i + 2).and_then(|b| (*b as char).to_digit(16)),
            ) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Orders pointers segment by segment; segments that are both array indices
/// compare as numbers, so `/a/2` comes before `/a/10`.
#[cfg_attr(not(any(feature = "validator", feature = "garde")), allow(dead_code))]
fn compare_pointers(a: &str, b: &str) -> std::cmp::Ordering {
    let mut a = a.split('/');
    let mut b = b.split('/');
    loop {
        match (a.next(), b.next()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = match (index(x), index(y)) {
                    (Some(i), Some(j)) => i.cmp(&j),
                    _ => x.cmp(y),
                };
                if order.is_ne() {
                    return order;
                }
            }
        }
    }
}

#[cfg_attr(not(any(feature = "validator", feature = "garde")), allow(dead_code))]
fn index(segment: &str) -> Option<u128> {
    if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    segment.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pointers(v: &Violations) -> Vec<&str> {
        v.iter().map(Violation::pointer).collect()
    }

    #[test]
    fn push_reads_every_form() {
        let mut v = Violations::new();
        for input in [
            "", "#", "/", "#/", "/a/0", "#/a/0", "qty", "a/b", "~x", "/a~2", "/a~", "#/c%25d",
            "#/%7e0", "#/a%2Fb", "#/%zz", "#/%C3%A4", "#/%FF", "#abc",
        ] {
            v.push(input, "x");
        }
        assert_eq!(
            pointers(&v),
            [
                "",
                "",
                "/",
                "/",
                "/a/0",
                "/a/0",
                "/qty",
                "/a~1b",
                "/~0x",
                "/a~02",
                "/a~0",
                "/c%d",
                "/~0",
                "/a/b",
                "/%zz",
                "/ä",
                "/\u{fffd}",
                "/abc",
            ]
        );
    }

    #[test]
    fn fragments_follow_rfc_6901_section_6() {
        // The examples of RFC 6901 §6, pointer by pointer.
        let cases = [
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
        ];
        for (pointer, fragment) in cases {
            let mut v = Violations::new();
            v.push(pointer, "d");
            let mut out = Vec::new();
            v.write_array(&mut out);
            let expected = format!(r#"[{{"detail":"d","pointer":"{fragment}"}}]"#);
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{pointer}");
            assert_eq!(serde_json::to_string(&v).unwrap(), expected, "{pointer}");
            assert_eq!(v.iter().next().unwrap().fragment, fragment);
        }
    }

    #[test]
    fn the_body_and_the_problem_agree() {
        let mut v = Violations::new();
        v.push("/a\u{1}", "line\nbreak \"quoted\"");
        v.push("/é", "b");
        let body: serde_json::Value = serde_json::from_slice(&v.body()).unwrap();
        assert_eq!(body, serde_json::to_value(v.problem()).unwrap());
        assert_eq!(
            body["errors"],
            serde_json::json!([
                {"detail": "line\nbreak \"quoted\"", "pointer": "#/a%01"},
                {"detail": "b", "pointer": "#/%C3%A9"}
            ])
        );
    }

    #[test]
    fn sorting_compares_indices_as_numbers() {
        let mut v = Violations::new();
        for p in ["/b", "/a/10", "/a/2/x", "/a/2", "", "/a/b"] {
            v.push(p, "x");
        }
        v.sort_by_pointer();
        assert_eq!(pointers(&v), ["", "/a/2", "/a/2/x", "/a/10", "/a/b", "/b"]);
    }
}
