//! The problem+xml form of RFC 9457 (Appendix B), feature `xml`.
//!
//! A problem in XML is the root `<problem xmlns="urn:ietf:rfc:7807">` with one
//! child element per member, in the order the JSON body has them (`type`,
//! `title`, `status`, `detail`, `instance`, then extensions; `type` left out
//! when it is `about:blank`). Inside an extension, an array is a sequence of
//! `<i>` children and an object is a sequence of elements named by its keys;
//! numbers and booleans are their JSON text.
//!
//! Where XML cannot carry a JSON value exactly:
//! - a character XML 1.0 forbids (the C0 controls other than tab, LF and CR,
//!   U+FFFE and U+FFFF) becomes U+FFFD; a CR is written `&#13;` and survives;
//! - a key that is not an XML name (an NCName: no `:`, no leading digit...)
//!   is written `<m n="key">`, and so is a key `i` inside an extension, which
//!   would otherwise read back as an array item;
//! - a `null` inside an extension is an empty element with `nil="true"`
//!   (a member is never `null`: it is left out, as in JSON);
//! - reading XML back gives strings for every scalar; only `status` is typed.
//!   An empty string, array and object all read back as `""`.
//!
//! ```
//! use apierror::Problem;
//! use http::StatusCode;
//!
//! let problem = Problem::new(StatusCode::FORBIDDEN)
//!     .with_type("https://example.com/probs/out-of-credit")
//!     .with_title("You do not have enough credit.")
//!     .with_detail("Your current balance is 30, but that costs 50.")
//!     .with_extension("balance", 30)
//!     .with_extension("accounts", ["/account/12345", "/account/67890"]);
//!
//! let xml = problem.to_xml_body(StatusCode::FORBIDDEN);
//! assert_eq!(
//!     std::str::from_utf8(&xml).unwrap(),
//!     concat!(
//!         r#"<?xml version="1.0" encoding="UTF-8"?>"#,
//!         r#"<problem xmlns="urn:ietf:rfc:7807">"#,
//!         "<type>https://example.com/probs/out-of-credit</type>",
//!         "<title>You do not have enough credit.</title>",
//!         "<status>403</status>",
//!         "<detail>Your current balance is 30, but that costs 50.</detail>",
//!         "<accounts><i>/account/12345</i><i>/account/67890</i></accounts>",
//!         "<balance>30</balance>",
//!         "</problem>"
//!     )
//! );
//!
//! // The JSON body of the same problem says the same, in the same order.
//! let json = problem.to_body(StatusCode::FORBIDDEN);
//! assert_eq!(apierror::xml::from_json_body(&json).as_deref(), Some(&*xml));
//!
//! // Read back: strings for scalars, `status` typed.
//! let back = Problem::from_xml_body(&xml).unwrap();
//! assert_eq!(back.status(), Some(StatusCode::FORBIDDEN));
//! assert_eq!(back.extension("balance"), Some(&serde_json::json!("30")));
//! ```

use std::borrow::Cow;
use std::fmt;
use std::io::Write as _;

use http::StatusCode;
use quick_xml::events::{BytesStart, Event};
use serde_json::{Map, Value};

use crate::problem::STANDARD_MEMBERS;
use crate::render::ABOUT_BLANK;
use crate::{ApiError, Problem};

/// The media type of a problem+xml body (RFC 9457 Appendix B).
///
/// ```
/// assert_eq!(apierror::PROBLEM_XML, "application/problem+xml");
/// ```
pub const PROBLEM_XML: &str = "application/problem+xml";

/// The namespace of the root element (RFC 9457 keeps RFC 7807's).
pub const NAMESPACE: &str = "urn:ietf:rfc:7807";

/// Everything before the first member.
pub(crate) const OPEN: &str =
    r#"<?xml version="1.0" encoding="UTF-8"?><problem xmlns="urn:ietf:rfc:7807">"#;
/// Everything after the last member.
pub(crate) const CLOSE: &str = "</problem>";

/// Nesting deeper than this (the problem element counted) is dropped, as the
/// JSON side drops what serde_json's default reader would refuse.
const MAX_DEPTH: usize = 128;

// ---------------------------------------------------------------------------
// Escaping

/// What text needs for byte `b`: 0 nothing, else one of the codes below.
const COPY: u8 = 0;
const LT: u8 = 1;
const GT: u8 = 2;
const AMP: u8 = 3;
const CR: u8 = 4;
const FORBIDDEN: u8 = 5;
const EF: u8 = 6;
const QUOT: u8 = 7;
const TAB: u8 = 8;
const LF: u8 = 9;
const END: u8 = 10;
const ESCAPE: u8 = 11;

const fn table(attribute: bool) -> [u8; 256] {
    let mut table = [COPY; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = FORBIDDEN;
        b += 1;
    }
    table[b'\t' as usize] = if attribute { TAB } else { COPY };
    table[b'\n' as usize] = if attribute { LF } else { COPY };
    table[b'\r' as usize] = CR;
    table[b'<' as usize] = LT;
    table[b'>' as usize] = GT;
    table[b'&' as usize] = AMP;
    if attribute {
        table[b'"' as usize] = QUOT;
    }
    // U+FFFE and U+FFFF are EF BF BE and EF BF BF.
    table[0xef] = EF;
    table
}

const TEXT: [u8; 256] = table(false);

/// For a byte inside a JSON string: as [`TEXT`], plus its end and escapes;
/// a raw control character (not JSON) is [`FORBIDDEN`].
const JSON_STRING: [u8; 256] = {
    let mut table = table(false);
    table[b'\t' as usize] = FORBIDDEN;
    table[b'\n' as usize] = FORBIDDEN;
    table[b'\r' as usize] = FORBIDDEN;
    table[b'"' as usize] = END;
    table[b'\\' as usize] = ESCAPE;
    table
};
const ATTRIBUTE: [u8; 256] = table(true);

const REPLACEMENT: &[u8] = "\u{fffd}".as_bytes();

fn escape_with(out: &mut Vec<u8>, s: &str, table: &[u8; 256]) {
    let bytes = s.as_bytes();
    let Some(first) = bytes.iter().position(|&b| table[b as usize] != COPY) else {
        out.extend_from_slice(bytes);
        return;
    };
    out.reserve(bytes.len() + 8);
    let mut start = 0;
    let mut i = first;
    while i < bytes.len() {
        let code = table[bytes[i] as usize];
        if code == COPY {
            i += 1;
            continue;
        }
        let (replacement, len): (&[u8], usize) = match code {
            LT => (b"&lt;", 1),
            GT => (b"&gt;", 1),
            AMP => (b"&amp;", 1),
            CR => (b"&#13;", 1),
            QUOT => (b"&quot;", 1),
            TAB => (b"&#9;", 1),
            LF => (b"&#10;", 1),
            FORBIDDEN => (REPLACEMENT, 1),
            _ => match bytes.get(i + 1..i + 3) {
                Some([0xbf, 0xbe | 0xbf]) => (REPLACEMENT, 3),
                _ => {
                    i += 1;
                    continue;
                }
            },
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(replacement);
        i += len;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Appends `s` as element content: markup characters escaped, a CR as
/// `&#13;`, characters XML 1.0 forbids as U+FFFD.
#[inline]
pub(crate) fn escape_text(out: &mut Vec<u8>, s: &str) {
    escape_with(out, s, &TEXT);
}

/// Appends `s` as a quoted attribute value: as [`escape_text`], and `"`, tab
/// and LF as references, so attribute-value normalization keeps them.
fn escape_attribute(out: &mut Vec<u8>, s: &str) {
    escape_with(out, s, &ATTRIBUTE);
}

// ---------------------------------------------------------------------------
// Element names

fn is_name_start(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c,
            '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Whether `key` is an XML name without a colon (an NCName, so that
/// namespaces stay well-formed).
pub(crate) fn is_xml_name(key: &str) -> bool {
    if let [first, rest @ ..] = key.as_bytes() {
        if first.is_ascii_alphabetic() || *first == b'_' {
            let plain = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
            if rest.iter().all(plain) {
                return true;
            }
        }
    }
    let mut chars = key.chars();
    match chars.next() {
        Some(c) if is_name_start(c) => chars.all(is_name_char),
        _ => false,
    }
}

/// How one value's element is named.
#[derive(Clone, Copy)]
enum Tag<'a> {
    /// An array item: `<i>`.
    Item,
    /// A name known to be an XML name: the standard members.
    Plain(&'static str),
    /// A member of the problem: its own name when that is an XML name.
    Member(&'a str),
    /// A key of an object inside an extension: as a member, except `i`, which
    /// would read back as an array item.
    Key(&'a str),
}

impl<'a> Tag<'a> {
    /// The element's name; `Err(key)` for `<m n="key">`.
    #[inline]
    fn name(self) -> Result<&'a str, &'a str> {
        match self {
            Tag::Item => Ok("i"),
            Tag::Plain(name) => Ok(name),
            Tag::Member(key) if is_xml_name(key) => Ok(key),
            Tag::Key(key) if key != "i" && is_xml_name(key) => Ok(key),
            Tag::Member(key) | Tag::Key(key) => Err(key),
        }
    }

    fn open(self, out: &mut Vec<u8>) {
        match self.name() {
            Ok(name) => {
                out.push(b'<');
                out.extend_from_slice(name.as_bytes());
            }
            Err(key) => {
                out.extend_from_slice(b"<m n=\"");
                escape_attribute(out, key);
                out.push(b'"');
            }
        }
    }

    fn close(self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"</");
        out.extend_from_slice(self.name().unwrap_or("m").as_bytes());
        out.push(b'>');
    }

    fn nil(self, out: &mut Vec<u8>) {
        self.open(out);
        out.extend_from_slice(b" nil=\"true\"/>");
    }

    fn text(self, out: &mut Vec<u8>, text: &str) {
        self.open(out);
        out.push(b'>');
        escape_text(out, text);
        self.close(out);
    }

    fn raw(self, out: &mut Vec<u8>, text: &[u8]) {
        self.open(out);
        out.push(b'>');
        out.extend_from_slice(text);
        self.close(out);
    }
}

// ---------------------------------------------------------------------------
// Problem -> XML

struct TooDeep;

/// Writes `value` under `tag`; `depth` counts the elements around it.
fn write_value(out: &mut Vec<u8>, tag: Tag, value: &Value, depth: usize) -> Result<(), TooDeep> {
    if depth >= MAX_DEPTH {
        return Err(TooDeep);
    }
    match value {
        Value::Null => tag.nil(out),
        Value::Bool(b) => tag.raw(out, if *b { b"true" } else { b"false" }),
        Value::Number(n) => {
            tag.open(out);
            out.push(b'>');
            match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => integer(out, false, u),
                (None, Some(i)) => integer(out, true, i.unsigned_abs()),
                _ => drop(write!(out, "{n}")),
            }
            tag.close(out);
        }
        Value::String(s) => tag.text(out, s),
        Value::Array(items) => {
            tag.open(out);
            out.push(b'>');
            for item in items {
                write_value(out, Tag::Item, item, depth + 1)?;
            }
            tag.close(out);
        }
        Value::Object(map) => {
            tag.open(out);
            out.push(b'>');
            for (key, value) in map {
                write_value(out, Tag::Key(key), value, depth + 1)?;
            }
            tag.close(out);
        }
    }
    Ok(())
}

impl Problem {
    /// The problem+xml body (RFC 9457 Appendix B), with `status` set to
    /// `status` so that body and response agree: the members of
    /// [`to_body`](Problem::to_body) in the same order, as the
    /// [`xml`](crate::xml) module describes. Feature `xml`.
    ///
    /// ```
    /// use http::StatusCode;
    ///
    /// let p = apierror::Problem::new(StatusCode::NOT_FOUND)
    ///     .with_detail("no <order> 7 & no \"8\"")
    ///     .with_extension("tags", serde_json::json!({"a b": null, "ok": [true, 1.5]}));
    /// assert_eq!(
    ///     std::str::from_utf8(&p.to_xml_body(StatusCode::GONE)).unwrap(),
    ///     concat!(
    ///         r#"<?xml version="1.0" encoding="UTF-8"?><problem xmlns="urn:ietf:rfc:7807">"#,
    ///         "<title>Not Found</title><status>410</status>",
    ///         "<detail>no &lt;order&gt; 7 &amp; no \"8\"</detail>",
    ///         r#"<tags><m n="a b" nil="true"/><ok><i>true</i><i>1.5</i></ok></tags>"#,
    ///         "</problem>"
    ///     )
    /// );
    /// ```
    pub fn to_xml_body(&self, status: StatusCode) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        out.extend_from_slice(OPEN.as_bytes());
        if self.problem_type() != ABOUT_BLANK {
            Tag::Plain("type").text(&mut out, self.problem_type());
        }
        if let Some(title) = self.title() {
            Tag::Plain("title").text(&mut out, title);
        }
        Tag::Plain("status").raw(&mut out, itoa_u16(status.as_u16()).as_bytes());
        if let Some(detail) = self.detail() {
            Tag::Plain("detail").text(&mut out, detail);
        }
        if let Some(instance) = self.instance() {
            Tag::Plain("instance").text(&mut out, instance);
        }
        for (name, value) in self.extensions() {
            if STANDARD_MEMBERS.contains(&name.as_str()) || value.is_null() {
                continue;
            }
            let mark = out.len();
            if write_value(&mut out, Tag::Member(name), value, 1).is_err() {
                out.truncate(mark);
                crate::log::extension_dropped(name, &too_deep());
            }
        }
        out.extend_from_slice(CLOSE.as_bytes());
        out
    }

    /// Reads a problem+xml body leniently, as [`from_body`](Problem::from_body)
    /// reads JSON: every scalar is a string, except `status` (an integer
    /// 100–599, else ignored); a standard member that is not text is ignored;
    /// unknown members are kept as extensions (`<m n="key">` under its key,
    /// `<i>` children as an array, `nil="true"` as `null`). `None` when the
    /// body is not well-formed UTF-8 XML whose root is a `problem` element.
    /// Never panics; no entity is expanded but the five XML predefines and
    /// character references. Feature `xml`.
    ///
    /// ```
    /// use http::StatusCode;
    ///
    /// let p = apierror::Problem::from_xml_body(
    ///     br#"<problem xmlns="urn:ietf:rfc:7807">
    ///           <status> 409 </status><title>Conflict &amp; more</title>
    ///           <ids><i>1</i><i>2</i></ids><m n="a b">x</m>
    ///         </problem>"#,
    /// )
    /// .unwrap();
    /// assert_eq!(p.status(), Some(StatusCode::CONFLICT));
    /// assert_eq!(p.title(), Some("Conflict & more"));
    /// assert_eq!(p.extension("ids"), Some(&serde_json::json!(["1", "2"])));
    /// assert_eq!(p.extension("a b"), Some(&serde_json::json!("x")));
    /// assert!(apierror::Problem::from_xml_body(b"<other/>").is_none());
    /// ```
    pub fn from_xml_body(body: &[u8]) -> Option<Problem> {
        read(body)
    }
}

/// A status code's digits without going through `fmt`.
struct Digits([u8; 3]);

impl Digits {
    fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

fn itoa_u16(code: u16) -> Digits {
    // Every `StatusCode` is 100..=999: three digits.
    Digits([
        b'0' + (code / 100 % 10) as u8,
        b'0' + (code / 10 % 10) as u8,
        b'0' + (code % 10) as u8,
    ])
}

fn too_deep() -> serde_json::Error {
    <serde_json::Error as serde::ser::Error>::custom(format_args!(
        "nested more than {} levels deep",
        MAX_DEPTH - 2
    ))
}

// ---------------------------------------------------------------------------
// Derived variants with fields: XML written straight into one buffer

/// Streams formatted text into a buffer as element content.
struct Escaper<'a>(&'a mut Vec<u8>);

impl fmt::Write for Escaper<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        escape_text(self.0, s);
        Ok(())
    }
}

/// Writes the rest of a problem+xml body after its compile-time opening, as
/// [`BodyWriter`](crate::__private::BodyWriter) does for JSON: formatted text
/// escaped straight into one buffer, extension members written in place.
///
/// ```
/// use apierror::__private::XmlWriter;
///
/// const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><problem xmlns="urn:ietf:rfc:7807"><title>Conflict</title><status>409</status><detail>order "#;
///
/// let mut w = XmlWriter::new(HEAD, 64);
/// w.display(&"<7>");
/// w.raw(" exists</detail>");
/// w.extension("<id>", "</id>", &7u64);
/// w.extension("<tags>", "</tags>", &["a&b"]);
/// w.extension("<none>", "</none>", &None::<u8>);
/// let body = w.finish("</problem>");
/// assert!(std::str::from_utf8(&body).unwrap().ends_with(
///     "<detail>order &lt;7&gt; exists</detail><id>7</id><tags><i>a&amp;b</i></tags></problem>"
/// ));
/// ```
#[derive(Debug)]
pub struct XmlWriter {
    buf: Vec<u8>,
}

impl XmlWriter {
    /// Starts from the compile-time opening `head`, reserving `extra` more bytes.
    #[inline]
    pub fn new(head: &'static str, extra: usize) -> XmlWriter {
        let mut buf = Vec::with_capacity(head.len() + extra);
        buf.extend_from_slice(head.as_bytes());
        XmlWriter { buf }
    }

    /// Appends static markup and text, already escaped by the derive.
    #[inline]
    pub fn raw(&mut self, text: &'static str) {
        self.buf.extend_from_slice(text.as_bytes());
    }

    /// Appends `value`'s `Display` text, escaped.
    #[inline]
    pub fn display<T: fmt::Display + ?Sized>(&mut self, value: &T) {
        self.formatted(format_args!("{value}"));
    }

    /// Appends the error's own `Display` text, escaped. Bounded by
    /// `ApiError`, not `Display`, so that a type that lacks `Display` gets
    /// that error once, on its name, not here too.
    #[inline]
    pub fn error_display<E: crate::ApiError + ?Sized>(&mut self, error: &E) {
        self.formatted(format_args!("{error}"));
    }

    /// Appends `value`'s `Debug` text, escaped.
    #[inline]
    pub fn debug<T: fmt::Debug + ?Sized>(&mut self, value: &T) {
        self.formatted(format_args!("{value:?}"));
    }

    /// Writes a text member: `open`, the formatted text escaped, `close`.
    #[inline]
    pub fn string_member(
        &mut self,
        open: &'static str,
        close: &'static str,
        value: fmt::Arguments<'_>,
    ) {
        self.raw(open);
        self.formatted(value);
        self.raw(close);
    }

    fn formatted(&mut self, value: fmt::Arguments<'_>) {
        match value.as_str() {
            Some(s) => escape_text(&mut self.buf, s),
            // A Display impl that fails leaves what it wrote: still text.
            None => drop(fmt::Write::write_fmt(&mut Escaper(&mut self.buf), value)),
        }
    }

    /// Writes an extension member between `open` and `close` (`<name>`,
    /// `</name>`): the XML of what its JSON would be. Like
    /// [`BodyWriter::extension`](crate::__private::BodyWriter::extension), a
    /// value that fails to serialize, or is `null`, is left out.
    pub fn extension<T: serde::Serialize + ?Sized>(
        &mut self,
        open: &'static str,
        close: &'static str,
        value: &T,
    ) {
        let mark = self.buf.len();
        self.raw(open);
        match value.serialize(Scalar(&mut self.buf)) {
            Ok(true) => self.raw(close),
            Ok(false) => self.buf.truncate(mark),
            Err(ScalarError::Compound) => {
                self.buf.truncate(mark);
                self.compound(member_name(open), value);
            }
            Err(ScalarError::Custom(error)) => {
                self.buf.truncate(mark);
                crate::log::extension_dropped(member_name(open), &error);
            }
        }
    }

    /// An array, object or other compound value: its JSON, transcoded.
    #[cold]
    fn compound<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let mut json = Vec::with_capacity(64);
        if let Err(error) = serde_json::to_writer(&mut json, value) {
            crate::log::extension_dropped(name, &error);
            return;
        }
        let mark = self.buf.len();
        let mut cursor = Json {
            // serde_json writes UTF-8.
            text: std::str::from_utf8(&json).unwrap_or(""),
            at: 0,
        };
        if let Some(Kind::Null) | None = cursor.value(&mut self.buf, Tag::Member(name), 1) {
            self.buf.truncate(mark);
        }
    }

    /// Appends `tail`, the static rest of the body, and hands over the body.
    #[inline]
    pub fn finish(mut self, tail: &'static str) -> Cow<'static, [u8]> {
        self.buf.extend_from_slice(tail.as_bytes());
        Cow::Owned(self.buf)
    }
}

/// The derive's calling convention, as for
/// [`BodyWriter`](crate::__private::BodyWriter): one expression per body,
/// each write by value after `before`, the static markup since the previous
/// one.
///
/// ```
/// use apierror::__private::XmlWriter;
///
/// let body = XmlWriter::new("<problem><detail>order ", 64)
///     .then_display("", &"<7>")
///     .then_extension(" exists</detail>", "<id>", "</id>", &7u64)
///     .finish("</problem>");
/// assert_eq!(
///     &*body,
///     b"<problem><detail>order &lt;7&gt; exists</detail><id>7</id></problem>"
/// );
/// ```
impl XmlWriter {
    /// [`raw`](Self::raw)`(before)`, then [`string_member`](Self::string_member).
    #[inline]
    pub fn then_string_member(
        mut self,
        before: &'static str,
        open: &'static str,
        close: &'static str,
        value: fmt::Arguments<'_>,
    ) -> Self {
        self.raw(before);
        self.string_member(open, close, value);
        self
    }

    /// [`raw`](Self::raw)`(before)`, then [`display`](Self::display).
    #[inline]
    pub fn then_display<T: fmt::Display + ?Sized>(
        mut self,
        before: &'static str,
        value: &T,
    ) -> Self {
        self.raw(before);
        self.display(value);
        self
    }

    /// [`raw`](Self::raw)`(before)`, then [`error_display`](Self::error_display).
    #[inline]
    pub fn then_error_display<E: crate::ApiError + ?Sized>(
        mut self,
        before: &'static str,
        error: &E,
    ) -> Self {
        self.raw(before);
        self.error_display(error);
        self
    }

    /// [`raw`](Self::raw)`(before)`, then [`debug`](Self::debug).
    #[inline]
    pub fn then_debug<T: fmt::Debug + ?Sized>(mut self, before: &'static str, value: &T) -> Self {
        self.raw(before);
        self.debug(value);
        self
    }

    /// [`raw`](Self::raw)`(before)`, then [`extension`](Self::extension).
    #[inline]
    pub fn then_extension<T: serde::Serialize + ?Sized>(
        mut self,
        before: &'static str,
        open: &'static str,
        close: &'static str,
        value: &T,
    ) -> Self {
        self.raw(before);
        self.extension(open, close, value);
        self
    }
}

/// `name` from `<name>`.
fn member_name(open: &str) -> &str {
    open.strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(open)
}

/// An integer's digits, without going through `fmt`: two at a time.
fn integer(out: &mut Vec<u8>, negative: bool, mut v: u64) {
    const PAIRS: &[u8; 200] = b"\
        0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    while v >= 100 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if v >= 10 {
        let pair = v as usize * 2;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        at -= 1;
        digits[at] = b'0' + v as u8;
    }
    if negative {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[at..]);
}

/// Why [`Scalar`] did not write a value.
#[derive(Debug)]
enum ScalarError {
    /// An array, object, bytes or enum variant with data: written another way.
    Compound,
    /// The value's own `Serialize` failed.
    Custom(serde_json::Error),
}

impl fmt::Display for ScalarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScalarError::Compound => f.write_str("compound value"),
            ScalarError::Custom(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for ScalarError {}

impl serde::ser::Error for ScalarError {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        ScalarError::Custom(<serde_json::Error as serde::ser::Error>::custom(msg))
    }
}

/// Writes a scalar as element text, as serde_json would write it in JSON;
/// `Ok(false)` for what JSON writes as `null` (the member is left out).
struct Scalar<'a>(&'a mut Vec<u8>);

impl Scalar<'_> {
    fn display(self, v: impl fmt::Display) -> Result<bool, ScalarError> {
        let _ = write!(self.0, "{v}");
        Ok(true)
    }

    fn integer(self, negative: bool, v: u64) -> Result<bool, ScalarError> {
        integer(self.0, negative, v);
        Ok(true)
    }

    fn float(self, v: impl serde::Serialize + Copy, finite: bool) -> Result<bool, ScalarError> {
        if !finite {
            return Ok(false);
        }
        // serde_json's own float text.
        let _ = serde_json::to_writer(&mut *self.0, &v);
        Ok(true)
    }
}

type Impossible = serde::ser::Impossible<bool, ScalarError>;

impl serde::Serializer for Scalar<'_> {
    type Ok = bool;
    type Error = ScalarError;
    type SerializeSeq = Impossible;
    type SerializeTuple = Impossible;
    type SerializeTupleStruct = Impossible;
    type SerializeTupleVariant = Impossible;
    type SerializeMap = Impossible;
    type SerializeStruct = Impossible;
    type SerializeStructVariant = Impossible;

    fn serialize_bool(self, v: bool) -> Result<bool, ScalarError> {
        self.0.extend_from_slice(if v { b"true" } else { b"false" });
        Ok(true)
    }
    fn serialize_i8(self, v: i8) -> Result<bool, ScalarError> {
        self.integer(v < 0, u64::from(v.unsigned_abs()))
    }
    fn serialize_i16(self, v: i16) -> Result<bool, ScalarError> {
        self.integer(v < 0, u64::from(v.unsigned_abs()))
    }
    fn serialize_i32(self, v: i32) -> Result<bool, ScalarError> {
        self.integer(v < 0, u64::from(v.unsigned_abs()))
    }
    fn serialize_i64(self, v: i64) -> Result<bool, ScalarError> {
        self.integer(v < 0, v.unsigned_abs())
    }
    fn serialize_i128(self, v: i128) -> Result<bool, ScalarError> {
        self.display(v)
    }
    fn serialize_u8(self, v: u8) -> Result<bool, ScalarError> {
        self.integer(false, u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<bool, ScalarError> {
        self.integer(false, u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<bool, ScalarError> {
        self.integer(false, u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<bool, ScalarError> {
        self.integer(false, v)
    }
    fn serialize_u128(self, v: u128) -> Result<bool, ScalarError> {
        self.display(v)
    }
    fn serialize_f32(self, v: f32) -> Result<bool, ScalarError> {
        self.float(v, v.is_finite())
    }
    fn serialize_f64(self, v: f64) -> Result<bool, ScalarError> {
        self.float(v, v.is_finite())
    }
    fn serialize_char(self, v: char) -> Result<bool, ScalarError> {
        escape_text(self.0, v.encode_utf8(&mut [0; 4]));
        Ok(true)
    }
    fn serialize_str(self, v: &str) -> Result<bool, ScalarError> {
        escape_text(self.0, v);
        Ok(true)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<bool, ScalarError> {
        Err(ScalarError::Compound)
    }
    fn serialize_none(self) -> Result<bool, ScalarError> {
        Ok(false)
    }
    fn serialize_some<T: serde::Serialize + ?Sized>(self, v: &T) -> Result<bool, ScalarError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<bool, ScalarError> {
        Ok(false)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<bool, ScalarError> {
        Ok(false)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<bool, ScalarError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: serde::Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<bool, ScalarError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: serde::Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<bool, ScalarError> {
        Err(ScalarError::Compound)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Impossible, ScalarError> {
        Err(ScalarError::Compound)
    }
    fn serialize_tuple(self, _: usize) -> Result<Impossible, ScalarError> {
        Err(ScalarError::Compound)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Impossible, ScalarError> {
        Err(ScalarError::Compound)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Impossible, ScalarError> {
        Err(ScalarError::Compound)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Impossible, ScalarError> {
        Err(ScalarError::Compound)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Impossible, ScalarError> {
        Err(ScalarError::Compound)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Impossible, ScalarError> {
        Err(ScalarError::Compound)
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, v: &T) -> Result<bool, ScalarError> {
        let _ = fmt::Write::write_fmt(&mut Escaper(self.0), format_args!("{v}"));
        Ok(true)
    }
}

// ---------------------------------------------------------------------------
// problem+json bytes -> XML, in one pass

/// Transcodes a problem+json body into its problem+xml body, in one pass over
/// the JSON: the same members in the same order, by the rules of the
/// [`xml`](crate::xml) module; numbers keep their JSON text. As when reading
/// JSON leniently, a standard member of the wrong type (or a `status` that is
/// not an integer 100–599), a `type` of `about:blank` and a member that is
/// `null` are left out. `None` when `json` is not one JSON object, or nests
/// deeper than serde_json reads (128 levels).
///
/// ```
/// let json = br##"{"type":"urn:x","title":"T","status":422,"errors":[{"pointer":"#/a"}],"n":null}"##;
/// let xml = apierror::xml::from_json_body(json).unwrap();
/// assert_eq!(
///     std::str::from_utf8(&xml).unwrap(),
///     concat!(
///         r#"<?xml version="1.0" encoding="UTF-8"?><problem xmlns="urn:ietf:rfc:7807">"#,
///         "<type>urn:x</type><title>T</title><status>422</status>",
///         "<errors><i><pointer>#/a</pointer></i></errors></problem>"
///     )
/// );
/// assert_eq!(apierror::xml::from_json_body(b"[1]"), None);
/// ```
pub fn from_json_body(json: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(json).ok()?;
    let mut out = Vec::with_capacity(json.len() + json.len() / 2 + OPEN.len() + CLOSE.len());
    out.extend_from_slice(OPEN.as_bytes());
    let mut json = Json { text, at: 0 };
    json.whitespace();
    json.expect(b'{')?;
    json.whitespace();
    if !json.eat(b'}') {
        loop {
            json.whitespace();
            let key = json.key()?;
            let role = match &*key {
                "type" => Role::Type,
                "status" => Role::Status,
                "title" | "detail" | "instance" => Role::Text,
                _ => Role::Extension,
            };
            json.whitespace();
            json.expect(b':')?;
            json.whitespace();
            let mark = out.len();
            let kind = json.value(&mut out, Tag::Member(&key), 1)?;
            let keep = match (role, kind) {
                (Role::Extension, Kind::Null) => false,
                (Role::Extension, _) => true,
                (Role::Text, Kind::String) => true,
                (Role::Type, Kind::String) => &out[mark..] != b"<type>about:blank</type>",
                (Role::Status, Kind::Integer(code)) => (100..=599).contains(&code),
                _ => false,
            };
            if !keep {
                out.truncate(mark);
            }
            json.whitespace();
            if json.eat(b'}') {
                break;
            }
            json.expect(b',')?;
        }
    }
    json.whitespace();
    if json.at != json.text.len() {
        return None;
    }
    out.extend_from_slice(CLOSE.as_bytes());
    Some(out)
}

/// The XML body of an [`ApiError`]: its JSON body transcoded, or, if that
/// body is not a JSON object, its problem rendered.
pub(crate) fn body_of<E: ApiError + ?Sized>(error: &E) -> Vec<u8> {
    from_json_body(&error.body()).unwrap_or_else(|| error.problem().to_xml_body(error.status()))
}

/// What a member is to the problem.
#[derive(Clone, Copy)]
enum Role {
    /// `type`: a string, left out when `about:blank`.
    Type,
    /// `status`: an integer 100–599.
    Status,
    /// `title`, `detail`, `instance`: a string.
    Text,
    /// Any other member: anything but `null`.
    Extension,
}

/// The kind of a value just written.
#[derive(Clone, Copy)]
enum Kind {
    Null,
    String,
    /// A number without fraction or exponent that fits `u64`, else `u64::MAX`.
    Integer(u64),
    Other,
}

/// A cursor over JSON text, already known to be UTF-8.
struct Json<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Json<'a> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    #[inline]
    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    #[inline]
    fn expect(&mut self, b: u8) -> Option<()> {
        self.eat(b).then_some(())
    }

    #[inline]
    fn whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.at + word.len();
        (self.text.as_bytes().get(self.at..end)? == word).then(|| self.at = end)
    }

    /// An object key, borrowed when it has no escape.
    fn key(&mut self) -> Option<Cow<'a, str>> {
        self.expect(b'"')?;
        let start = self.at;
        let bytes = self.text.as_bytes();
        loop {
            match *bytes.get(self.at)? {
                b'"' => {
                    let key = self.text.get(start..self.at)?;
                    self.at += 1;
                    return Some(Cow::Borrowed(key));
                }
                b'\\' => break,
                0..0x20 => return None,
                _ => self.at += 1,
            }
        }
        let mut key = self.text.get(start..self.at)?.to_owned();
        loop {
            match *bytes.get(self.at)? {
                b'"' => {
                    self.at += 1;
                    return Some(Cow::Owned(key));
                }
                b'\\' => key.push(self.escape()?),
                0..0x20 => return None,
                _ => {
                    let run = self.at;
                    while !matches!(bytes.get(self.at), None | Some(b'"' | b'\\' | 0..0x20)) {
                        self.at += 1;
                    }
                    key.push_str(self.text.get(run..self.at)?);
                }
            }
        }
    }

    /// The character of the escape at the cursor (a backslash).
    fn escape(&mut self) -> Option<char> {
        let bytes = self.text.as_bytes();
        let c = match *bytes.get(self.at + 1)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex(self.at + 2)?;
                self.at += 6;
                return match high {
                    0xD800..=0xDBFF => {
                        if bytes.get(self.at..self.at + 2)? != b"\\u" {
                            return None;
                        }
                        let low = self.hex(self.at + 2)?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return None;
                        }
                        self.at += 6;
                        char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                    }
                    // A lone surrogate, which serde_json refuses too.
                    0xDC00..=0xDFFF => None,
                    _ => char::from_u32(high),
                };
            }
            _ => return None,
        };
        self.at += 2;
        Some(c)
    }

    fn hex(&self, at: usize) -> Option<u32> {
        let digits = self.text.get(at..at + 4)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok()
    }

    /// The string at the cursor, escaped into `out` as element content, in
    /// one pass: runs of plain bytes are copied, the rest handled as met.
    fn string(&mut self, out: &mut Vec<u8>) -> Option<()> {
        self.expect(b'"')?;
        let bytes = self.text.as_bytes();
        let mut run = self.at;
        let mut at = self.at;
        loop {
            let b = *bytes.get(at)?;
            let code = JSON_STRING[b as usize];
            if code == COPY {
                at += 1;
                continue;
            }
            out.extend_from_slice(&bytes[run..at]);
            match code {
                END => {
                    self.at = at + 1;
                    return Some(());
                }
                ESCAPE => {
                    self.at = at;
                    let c = self.escape()?;
                    escape_text(out, c.encode_utf8(&mut [0; 4]));
                    at = self.at;
                }
                LT => {
                    out.extend_from_slice(b"&lt;");
                    at += 1;
                }
                GT => {
                    out.extend_from_slice(b"&gt;");
                    at += 1;
                }
                AMP => {
                    out.extend_from_slice(b"&amp;");
                    at += 1;
                }
                EF => match bytes.get(at + 1..at + 3) {
                    Some([0xbf, 0xbe | 0xbf]) => {
                        out.extend_from_slice(REPLACEMENT);
                        at += 3;
                    }
                    _ => {
                        out.push(b);
                        at += 1;
                    }
                },
                // A raw control character: not JSON.
                _ => return None,
            }
            run = at;
        }
    }

    /// The number at the cursor, checked against JSON's grammar; its text.
    fn number(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        let digits = |at: &mut usize| {
            let from = *at;
            while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
                *at += 1;
            }
            *at > from
        };
        let mut at = self.at;
        if bytes.get(at) == Some(&b'-') {
            at += 1;
        }
        match bytes.get(at) {
            Some(b'0') => at += 1,
            Some(b'1'..=b'9') => {
                digits(&mut at);
            }
            _ => return None,
        }
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            if !digits(&mut at) {
                return None;
            }
        }
        if let Some(b'e' | b'E') = bytes.get(at) {
            at += 1;
            if let Some(b'+' | b'-') = bytes.get(at) {
                at += 1;
            }
            if !digits(&mut at) {
                return None;
            }
        }
        self.at = at;
        self.text.get(start..at)
    }

    /// Writes the value at the cursor under `tag`; `depth` counts the
    /// containers around it, the problem object included.
    fn value(&mut self, out: &mut Vec<u8>, tag: Tag, depth: usize) -> Option<Kind> {
        let kind = match self.peek()? {
            b'"' => {
                tag.open(out);
                out.push(b'>');
                self.string(out)?;
                tag.close(out);
                Kind::String
            }
            b'{' => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                self.at += 1;
                tag.open(out);
                out.push(b'>');
                self.whitespace();
                if !self.eat(b'}') {
                    loop {
                        self.whitespace();
                        let key = self.key()?;
                        self.whitespace();
                        self.expect(b':')?;
                        self.whitespace();
                        self.value(out, Tag::Key(&key), depth + 1)?;
                        self.whitespace();
                        if self.eat(b'}') {
                            break;
                        }
                        self.expect(b',')?;
                    }
                }
                tag.close(out);
                Kind::Other
            }
            b'[' => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                self.at += 1;
                tag.open(out);
                out.push(b'>');
                self.whitespace();
                if !self.eat(b']') {
                    loop {
                        self.whitespace();
                        self.value(out, Tag::Item, depth + 1)?;
                        self.whitespace();
                        if self.eat(b']') {
                            break;
                        }
                        self.expect(b',')?;
                    }
                }
                tag.close(out);
                Kind::Other
            }
            b't' => {
                self.literal(b"true")?;
                tag.raw(out, b"true");
                Kind::Other
            }
            b'f' => {
                self.literal(b"false")?;
                tag.raw(out, b"false");
                Kind::Other
            }
            b'n' => {
                self.literal(b"null")?;
                tag.nil(out);
                Kind::Null
            }
            _ => {
                let number = self.number()?;
                tag.raw(out, number.as_bytes());
                match number.bytes().all(|b| b.is_ascii_digit()) {
                    true => Kind::Integer(number.parse().unwrap_or(u64::MAX)),
                    false => Kind::Other,
                }
            }
        };
        Some(kind)
    }
}

// ---------------------------------------------------------------------------
// XML -> Problem

/// An element being read.
struct Frame {
    /// Its key in the parent object; `None` for an array item.
    key: Option<String>,
    nil: bool,
    text: String,
    children: Vec<(Option<String>, Value)>,
    /// Something inside it nested too deep: it is dropped.
    too_deep: bool,
}

impl Frame {
    fn new(element: &BytesStart<'_>) -> Option<Frame> {
        let name = std::str::from_utf8(element.local_name().into_inner()).ok()?;
        let mut n = None;
        let mut nil = false;
        for attribute in element.attributes() {
            let attribute = attribute.ok()?;
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()?;
            match attribute.key.as_ref() {
                b"n" => n = Some(value.into_owned()),
                b"nil" => nil = value == "true",
                _ => {}
            }
        }
        let key = match (name, n) {
            ("m", Some(n)) => Some(n),
            ("i", None) => None,
            (name, _) => Some(name.to_owned()),
        };
        Some(Frame {
            key,
            nil,
            text: String::new(),
            children: Vec::new(),
            too_deep: false,
        })
    }

    fn into_value(self) -> Value {
        if self.children.is_empty() {
            return if self.nil && self.text.is_empty() {
                Value::Null
            } else {
                Value::String(self.text)
            };
        }
        if self.children.iter().all(|(key, _)| key.is_none()) {
            return Value::Array(self.children.into_iter().map(|(_, v)| v).collect());
        }
        let mut map = Map::new();
        for (key, value) in self.children {
            map.insert(key.unwrap_or_else(|| "i".to_owned()), value);
        }
        Value::Object(map)
    }
}

fn read(body: &[u8]) -> Option<Problem> {
    let text = std::str::from_utf8(body).ok()?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut problem: Option<Problem> = None;
    // The open elements inside `problem`.
    let mut stack: Vec<Frame> = Vec::new();
    // Elements open beyond `MAX_DEPTH`, skipped.
    let mut skipped = 0usize;
    loop {
        let event = reader.read_event().ok()?;
        let Some(p) = problem.as_mut() else {
            match event {
                Event::Start(e) if is_root(&e)? => problem = Some(Problem::default()),
                Event::Empty(e) if is_root(&e)? => return Some(Problem::default()),
                Event::Start(_) | Event::Empty(_) | Event::Eof => return None,
                _ => {}
            }
            continue;
        };
        match event {
            Event::Start(_) | Event::Empty(_) if skipped > 0 || stack.len() + 1 >= MAX_DEPTH => {
                if let Some(top) = stack.last_mut() {
                    top.too_deep = true;
                }
                if matches!(event, Event::Start(_)) {
                    skipped += 1;
                }
            }
            Event::End(_) if skipped > 0 => skipped -= 1,
            Event::Start(e) => stack.push(Frame::new(&e)?),
            Event::Empty(e) => {
                let frame = Frame::new(&e)?;
                close(p, &mut stack, frame);
            }
            Event::End(_) => match stack.pop() {
                Some(frame) => close(p, &mut stack, frame),
                None => return problem,
            },
            Event::Text(t) if skipped == 0 => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content().ok()?);
                }
            }
            Event::CData(t) if skipped == 0 => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content().ok()?);
                }
            }
            Event::GeneralRef(r) if skipped == 0 => {
                if let Some(top) = stack.last_mut() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => top.text.push(c),
                        Ok(None) => {
                            let name = r.decode().ok()?;
                            if let Some(s) = quick_xml::escape::resolve_xml_entity(&name) {
                                top.text.push_str(s);
                            }
                        }
                        // `&#0;` and other references to no character.
                        Err(_) => {}
                    }
                }
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// Whether `element` is a `problem` element; `None` when its attributes are
/// not well-formed.
fn is_root(element: &BytesStart<'_>) -> Option<bool> {
    for attribute in element.attributes() {
        attribute.ok()?;
    }
    Some(element.local_name().as_ref() == b"problem")
}

/// Hands a finished element to its parent, or to the problem when it is a
/// member.
fn close(problem: &mut Problem, stack: &mut [Frame], frame: Frame) {
    if let Some(parent) = stack.last_mut() {
        if frame.too_deep {
            parent.too_deep = true;
        } else {
            let key = frame.key.clone();
            parent.children.push((key, frame.into_value()));
        }
        return;
    }
    if frame.too_deep {
        return;
    }
    let key = frame.key.clone().unwrap_or_else(|| "i".to_owned());
    let standard = STANDARD_MEMBERS.iter().find(|name| **name == key).copied();
    let p = std::mem::take(problem);
    *problem = match (standard, frame.into_value()) {
        (Some("type"), Value::String(s)) => p.with_type(s),
        (Some("title"), Value::String(s)) => p.with_title(s),
        (Some("detail"), Value::String(s)) => p.with_detail(s),
        (Some("instance"), Value::String(s)) => p.with_instance(s),
        (Some("status"), Value::String(s)) => match s.trim().parse::<u16>() {
            Ok(code @ 100..=599) => match StatusCode::from_u16(code) {
                Ok(status) => p.with_status(status),
                Err(_) => p,
            },
            _ => p,
        },
        (Some(_), _) => p,
        (None, value) => p.with_extension(key, value),
    };
}
