//! Writing problem+json bytes. The derive renders every member known at
//! compile time itself, as a byte-string literal: the whole body when it uses
//! no field, else the opening that [`BodyWriter`] continues in one pre-sized
//! buffer.
//!
//! Both write the members in the order RFC 9457 lists them (`type`, `title`,
//! `status`, `detail`, `instance`, then extensions), leave `type` out when it is
//! `about:blank`, and never write `null`.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use serde::Serialize;

mod flatten;

pub use flatten::Flattened;

/// The default problem type; a body leaves it out (RFC 9457 §3.1.1).
pub(crate) const ABOUT_BLANK: &str = "about:blank";

/// What a JSON string needs for byte `b`: 0 for nothing, `b'u'` for a `\u00XX`
/// escape, else the letter after the backslash.
const ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// RFC 3986 §2.1: percent-encodings should use uppercase hex digits.
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Appends `s` to `out` as the inside of a JSON string.
pub(crate) fn escape_into(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let e = ESCAPE[b as usize];
        if e == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        if e == b'u' {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 0xf) as usize]);
        } else {
            out.push(b'\\');
            out.push(e);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Streams formatted text into a buffer as the inside of a JSON string.
struct Escaper<'a>(&'a mut Vec<u8>);

impl fmt::Write for Escaper<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        escape_into(self.0, s);
        Ok(())
    }
}

/// Streams formatted text into a buffer percent-encoded: RFC 3986's
/// unreserved characters as they are, every other byte as `%XX`.
struct PercentEncoder<'a>(&'a mut Vec<u8>);

impl fmt::Write for PercentEncoder<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                self.0.push(b);
            } else {
                self.0.extend_from_slice(&[
                    b'%',
                    HEX_UPPER[(b >> 4) as usize],
                    HEX_UPPER[(b & 0xf) as usize],
                ]);
            }
        }
        Ok(())
    }
}

/// Writes the rest of a problem body after its compile-time opening: formatted
/// members streamed straight into one buffer, extensions serialized in place.
///
/// ```
/// use apierror::__private::BodyWriter;
///
/// const HEAD: &str =
///     r#"{"type":"https://example.com/problems/duplicate","title":"Duplicate","status":409"#;
///
/// let id = 7u64;
/// let mut w = BodyWriter::new(HEAD, 64);
/// w.raw(",\"detail\":\"order ");
/// w.display(&id);
/// w.raw(" exists\"");
/// w.extension(",\"id\":", &id);
/// let body = w.finish("}");
/// assert_eq!(
///     std::str::from_utf8(&body).unwrap(),
///     r#"{"type":"https://example.com/problems/duplicate","title":"Duplicate","status":409,"detail":"order 7 exists","id":7}"#
/// );
/// ```
#[derive(Debug)]
pub struct BodyWriter {
    buf: Vec<u8>,
}

impl BodyWriter {
    /// Starts from the compile-time opening `head`, reserving `extra` more bytes.
    #[inline]
    pub fn new(head: &'static str, extra: usize) -> BodyWriter {
        let mut buf = Vec::with_capacity(head.len() + extra);
        buf.extend_from_slice(head.as_bytes());
        BodyWriter { buf }
    }

    /// Writes a string member; `opening` is `,"name":"` (already escaped).
    #[inline]
    pub fn string_member(&mut self, opening: &'static str, value: fmt::Arguments<'_>) {
        self.buf.extend_from_slice(opening.as_bytes());
        match value.as_str() {
            Some(s) => escape_into(&mut self.buf, s),
            // A Display impl that fails leaves what it wrote: still a valid string.
            None => drop(Escaper(&mut self.buf).write_fmt(value)),
        }
        self.buf.push(b'"');
    }

    /// Appends static text, already escaped by the derive.
    #[inline]
    pub fn raw(&mut self, text: &'static str) {
        self.buf.extend_from_slice(text.as_bytes());
    }

    /// Appends `value`'s `Display` text, escaped, inside a string member the
    /// derive has opened.
    #[inline]
    pub fn display<T: fmt::Display + ?Sized>(&mut self, value: &T) {
        self.formatted(format_args!("{value}"));
    }

    /// Appends the error's own `Display` text, escaped, inside a string
    /// member. Bounded by `ApiError`, not `Display`, so that a type that
    /// lacks `Display` gets that error once, on its name, not here too.
    #[inline]
    pub fn error_display<E: crate::ApiError + ?Sized>(&mut self, error: &E) {
        self.formatted(format_args!("{error}"));
    }

    /// Appends `value`'s `Debug` text, escaped, inside a string member.
    #[inline]
    pub fn debug<T: fmt::Debug + ?Sized>(&mut self, value: &T) {
        self.formatted(format_args!("{value:?}"));
    }

    /// Appends formatted text, escaped, inside a string member: a field
    /// with a width, precision or other formatting trait.
    #[inline]
    pub fn formatted(&mut self, value: fmt::Arguments<'_>) {
        // A Display impl that fails leaves what it wrote: still a valid string.
        let _ = Escaper(&mut self.buf).write_fmt(value);
    }

    /// Appends `value`'s `Display` text percent-encoded (RFC 3986: every
    /// byte but the unreserved `A-Z a-z 0-9 - . _ ~` becomes `%XX`), inside
    /// the `instance` member: a field can never change the reference's path,
    /// query or fragment, and the text needs no JSON escape.
    #[inline]
    pub fn uri_display<T: fmt::Display + ?Sized>(&mut self, value: &T) {
        self.uri_formatted(format_args!("{value}"));
    }

    /// [`uri_display`](Self::uri_display) for `Debug` text.
    #[inline]
    pub fn uri_debug<T: fmt::Debug + ?Sized>(&mut self, value: &T) {
        self.uri_formatted(format_args!("{value:?}"));
    }

    /// [`uri_display`](Self::uri_display) for formatted text.
    #[inline]
    pub fn uri_formatted(&mut self, value: fmt::Arguments<'_>) {
        // A Display impl that fails leaves what it wrote: still encoded.
        let _ = PercentEncoder(&mut self.buf).write_fmt(value);
    }

    /// Writes an extension member; `opening` is `,"name":` (already escaped).
    ///
    /// A value that fails to serialize, nests deeper than
    /// [`MAX_EXTENSION_DEPTH`] arrays or objects, or serializes to `null`, is
    /// left out and the body stays valid.
    pub fn extension<T: Serialize + ?Sized>(&mut self, opening: &'static str, value: &T) {
        let mark = self.buf.len();
        self.buf.extend_from_slice(opening.as_bytes());
        let start = self.buf.len();
        let mut serializer = serde_json::Serializer::with_formatter(&mut self.buf, Nesting(0));
        match value.serialize(&mut serializer) {
            Ok(()) if &self.buf[start..] != b"null" => {}
            Ok(()) => self.buf.truncate(mark),
            Err(error) => {
                self.buf.truncate(mark);
                let name = opening
                    .strip_prefix(",\"")
                    .and_then(|s| s.strip_suffix("\":"))
                    .unwrap_or(opening);
                crate::log::extension_dropped(name, &error);
            }
        }
    }

    /// Writes each member of `value`, a map or a struct, as an extension
    /// member (`#[problem(flatten)]` on the field `field`). `taken` lists the
    /// variant's other extension members by name; `written` records the
    /// members every `flatten` of this body has written.
    ///
    /// A member is left out and logged when its name is a standard member's,
    /// in `taken`, already written by an earlier `flatten`, or not letters,
    /// digits and `_` starting with a letter (RFC 9457 §3.2); when its value
    /// is `null`, fails to serialize or nests more than 126 arrays or
    /// objects. A value that is not a map or a struct (a number, a string, a
    /// sequence, `()`), or that fails to serialize as a whole, is left out
    /// and logged; `None` writes nothing.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use apierror::__private::{BodyWriter, Flattened};
    ///
    /// let context = BTreeMap::from([
    ///     ("tenant", serde_json::json!("acme")),
    ///     ("status", serde_json::json!("shadows a standard member")),
    ///     ("id", serde_json::json!("shadows the extension below")),
    ///     ("quota", serde_json::Value::Null),
    /// ]);
    /// let mut w = BodyWriter::new(r#"{"title":"Conflict","status":409"#, 64);
    /// let mut written = Flattened::default();
    /// w.flatten(&mut written, "context", &context, &["id"]);
    /// // Already written: left out.
    /// w.flatten(&mut written, "again", &context, &["id"]);
    /// w.extension(",\"id\":", &7);
    /// assert_eq!(
    ///     &w.finish("}")[..],
    ///     br#"{"title":"Conflict","status":409,"tenant":"acme","id":7}"#
    /// );
    /// ```
    pub fn flatten<T: Serialize + ?Sized>(
        &mut self,
        written: &mut Flattened,
        field: &'static str,
        value: &T,
        taken: &'static [&'static str],
    ) {
        flatten::write(self, written, field, value, taken);
    }

    /// Appends `tail`, the static rest of the body that closes the object,
    /// and hands over the body.
    #[inline]
    pub fn finish(mut self, tail: &'static str) -> Cow<'static, [u8]> {
        self.buf.extend_from_slice(tail.as_bytes());
        Cow::Owned(self.buf)
    }
}

/// The derive's calling convention: one expression per body, each write by
/// value after `before`, the static text since the previous one. A chain of
/// calls is cheaper for the compiler to check than a local and a statement
/// per write (about a third less per variant, measured on the 200-variant
/// benchmark crate), and folding the static text into the next call saves a
/// call per piece of it.
///
/// ```
/// use apierror::__private::BodyWriter;
///
/// let id = 7u64;
/// let body = BodyWriter::new(r#"{"title":"Conflict","status":409,"detail":"order "#, 64)
///     .then_display("", &id)
///     .then_extension(" exists\"", ",\"id\":", &id)
///     .finish("}");
/// assert_eq!(
///     &*body,
///     br#"{"title":"Conflict","status":409,"detail":"order 7 exists","id":7}"#
/// );
/// ```
impl BodyWriter {
    /// [`raw`](Self::raw)`(before)`, then [`string_member`](Self::string_member).
    #[inline]
    pub fn then_string_member(
        mut self,
        before: &'static str,
        opening: &'static str,
        value: fmt::Arguments<'_>,
    ) -> Self {
        self.raw(before);
        self.string_member(opening, value);
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

    /// [`raw`](Self::raw)`(before)`, then [`formatted`](Self::formatted).
    #[inline]
    pub fn then_formatted(mut self, before: &'static str, value: fmt::Arguments<'_>) -> Self {
        self.raw(before);
        self.formatted(value);
        self
    }

    /// [`raw`](Self::raw)`(before)`, then [`uri_display`](Self::uri_display).
    #[inline]
    pub fn then_uri_display<T: fmt::Display + ?Sized>(
        mut self,
        before: &'static str,
        value: &T,
    ) -> Self {
        self.raw(before);
        self.uri_display(value);
        self
    }

    /// [`raw`](Self::raw)`(before)`, then [`uri_debug`](Self::uri_debug).
    #[inline]
    pub fn then_uri_debug<T: fmt::Debug + ?Sized>(
        mut self,
        before: &'static str,
        value: &T,
    ) -> Self {
        self.raw(before);
        self.uri_debug(value);
        self
    }

    /// [`raw`](Self::raw)`(before)`, then [`uri_formatted`](Self::uri_formatted).
    #[inline]
    pub fn then_uri_formatted(mut self, before: &'static str, value: fmt::Arguments<'_>) -> Self {
        self.raw(before);
        self.uri_formatted(value);
        self
    }

    /// [`raw`](Self::raw)`(before)`, then [`extension`](Self::extension).
    #[inline]
    pub fn then_extension<T: Serialize + ?Sized>(
        mut self,
        before: &'static str,
        opening: &'static str,
        value: &T,
    ) -> Self {
        self.raw(before);
        self.extension(opening, value);
        self
    }

    /// [`raw`](Self::raw)`(before)`, then [`flatten`](Self::flatten).
    #[inline]
    pub fn then_flatten<T: Serialize + ?Sized>(
        mut self,
        before: &'static str,
        written: &mut Flattened,
        field: &'static str,
        value: &T,
        taken: &'static [&'static str],
    ) -> Self {
        self.raw(before);
        self.flatten(written, field, value, taken);
        self
    }
}

/// How many arrays or objects an extension value may nest: a default
/// serde_json reader gives up at 128 levels, and the problem object is one.
pub(crate) const MAX_EXTENSION_DEPTH: usize = 126;

/// Why an extension that nests too deep is left out.
pub(crate) const TOO_DEEP: &str =
    "nested deeper than 126 arrays or objects: a default serde_json reader could not read the body";

/// serde_json's compact output that fails once a value nests deeper than
/// [`MAX_EXTENSION_DEPTH`], so every body reads back with a default reader.
struct Nesting(usize);

impl Nesting {
    fn enter(&mut self) -> std::io::Result<()> {
        self.0 += 1;
        if self.0 > MAX_EXTENSION_DEPTH {
            return Err(std::io::Error::other(TOO_DEEP));
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Nesting {
    #[inline]
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.enter()?;
        writer.write_all(b"[")
    }

    #[inline]
    fn end_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0 -= 1;
        writer.write_all(b"]")
    }

    #[inline]
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.enter()?;
        writer.write_all(b"{")
    }

    #[inline]
    fn end_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0 -= 1;
        writer.write_all(b"}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_escape_matches_serde_json() {
        let s: String = (0u8..=0x7f)
            .map(char::from)
            .chain("äß✓😀".chars())
            .collect();
        let mut out = b"\"".to_vec();
        escape_into(&mut out, &s);
        out.push(b'"');
        assert_eq!(out, serde_json::to_vec(&s).unwrap());
    }

    #[test]
    fn uri_text_is_percent_encoded() {
        let mut w = BodyWriter::new("{\"instance\":\"/users/", 0);
        // RFC 3986 §2.3: unreserved characters stay as they are.
        w.uri_display("AZaz09-._~");
        w.raw("/");
        // Everything else (gen-delims, sub-delims, `%`, space, quotes,
        // controls) becomes %XX with uppercase hex (§2.1).
        w.uri_display("a b/../c?d=1#frag");
        w.raw("/");
        w.uri_display(":@!$&'()*+,;=%\"\\\n");
        w.raw("/");
        // Non-ASCII: one %XX per UTF-8 byte (§2.5).
        w.uri_display("é✓");
        w.raw("/");
        w.uri_debug("q");
        w.raw("/");
        w.uri_formatted(format_args!("{:>4}", 7));
        let body = w.finish("\"}");
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            concat!(
                r#"{"instance":"/users/AZaz09-._~/a%20b%2F..%2Fc%3Fd%3D1%23frag/"#,
                r#"%3A%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%25%22%5C%0A/%C3%A9%E2%9C%93/"#,
                r#"%22q%22/%20%20%207"}"#
            )
        );
    }

    #[test]
    fn a_failing_display_leaves_valid_encoded_text() {
        struct Fails;
        impl fmt::Display for Fails {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a b")?;
                Err(fmt::Error)
            }
        }
        let mut w = BodyWriter::new("{\"instance\":\"/", 0);
        w.uri_display(&Fails);
        assert_eq!(&*w.finish("\"}"), br#"{"instance":"/a%20b"}"#);
    }

    #[test]
    fn extension_failure_and_null_are_left_out() {
        struct Fails;
        impl Serialize for Fails {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no"))
            }
        }
        let mut w = BodyWriter::new("{\"status\":400", 0);
        w.extension(",\"a\":", &Fails);
        w.extension(",\"b\":", &None::<u8>);
        w.extension(",\"c\":", &[1, 2]);
        assert_eq!(&*w.finish("}"), br#"{"status":400,"c":[1,2]}"#);
    }
}
