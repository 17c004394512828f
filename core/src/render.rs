//! Writing problem+json bytes: at compile time for bodies that use no field
//! ([`StaticProblem`]), into one pre-sized buffer for the rest ([`BodyWriter`]).
//!
//! Both write the members in the order RFC 9457 lists them (`type`, `title`,
//! `status`, `detail`, `instance`, then extensions), leave `type` out when it is
//! `about:blank`, and never write `null`.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use serde::Serialize;

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

/// A byte buffer usable in `const fn`: counts every byte pushed, stores those
/// that fit. Rendering once with `N = 0` measures; rendering again with the
/// measured `N` fills.
struct ConstBuf<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> ConstBuf<N> {
    const fn push(&mut self, b: u8) {
        if self.len < N {
            self.bytes[self.len] = b;
        }
        self.len += 1;
    }

    const fn raw(&mut self, s: &str) {
        let s = s.as_bytes();
        let mut i = 0;
        while i < s.len() {
            self.push(s[i]);
            i += 1;
        }
    }

    const fn string(&mut self, s: &str) {
        self.push(b'"');
        let s = s.as_bytes();
        let mut i = 0;
        while i < s.len() {
            let b = s[i];
            match ESCAPE[b as usize] {
                0 => self.push(b),
                b'u' => {
                    self.raw("\\u00");
                    self.push(HEX[(b >> 4) as usize]);
                    self.push(HEX[(b & 0xf) as usize]);
                }
                e => {
                    self.push(b'\\');
                    self.push(e);
                }
            }
            i += 1;
        }
        self.push(b'"');
    }

    const fn member(&mut self, name: &str, value: &str) {
        self.push(b',');
        self.string(name);
        self.push(b':');
        self.string(value);
    }

    const fn status(&mut self, code: u16) {
        self.raw(",\"status\":");
        let digits = [
            (code / 100 % 10) as u8,
            (code / 10 % 10) as u8,
            (code % 10) as u8,
        ];
        let mut i = 0;
        while i < 3 {
            self.push(b'0' + digits[i]);
            i += 1;
        }
    }
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The members of a problem known at compile time, rendered by `const fn`.
///
/// `#[derive(ApiError)]` builds one per variant; when every member is known
/// (`complete`), the result is the whole body as a `&'static [u8]`, otherwise
/// the opening that a [`BodyWriter`] continues.
///
/// ```
/// use apierror::__private::StaticProblem;
///
/// const P: StaticProblem = StaticProblem {
///     problem_type: "about:blank",
///     title: "Not Found",
///     status: 404,
///     detail: Some("no such \"order\""),
///     instance: None,
///     complete: true,
/// };
/// const BODY: [u8; P.len()] = P.render();
/// assert_eq!(
///     std::str::from_utf8(&BODY).unwrap(),
///     r#"{"title":"Not Found","status":404,"detail":"no such \"order\""}"#
/// );
/// ```
#[derive(Clone, Copy, Debug)]
pub struct StaticProblem {
    /// `type`; `about:blank` is left out of the body.
    pub problem_type: &'static str,
    /// `title`.
    pub title: &'static str,
    /// `status`, 100–999.
    pub status: u16,
    /// `detail`, when known at compile time.
    pub detail: Option<&'static str>,
    /// `instance`, when known at compile time.
    pub instance: Option<&'static str>,
    /// Whether the body ends here (`}` is written).
    pub complete: bool,
}

impl StaticProblem {
    const fn write<const N: usize>(&self, out: &mut ConstBuf<N>) {
        out.push(b'{');
        if str_eq(self.problem_type, ABOUT_BLANK) {
            out.string("title");
        } else {
            out.string("type");
            out.push(b':');
            out.string(self.problem_type);
            out.push(b',');
            out.string("title");
        }
        out.push(b':');
        out.string(self.title);
        out.status(self.status);
        if let Some(detail) = self.detail {
            out.member("detail", detail);
        }
        if let Some(instance) = self.instance {
            out.member("instance", instance);
        }
        if self.complete {
            out.push(b'}');
        }
    }

    /// The length of the rendering, in bytes.
    pub const fn len(&self) -> usize {
        let mut out = ConstBuf::<0> { bytes: [], len: 0 };
        self.write(&mut out);
        out.len
    }

    /// Whether the rendering is empty; it never is.
    pub const fn is_empty(&self) -> bool {
        false
    }

    /// The rendering; `N` must be [`len`](Self::len).
    pub const fn render<const N: usize>(&self) -> [u8; N] {
        let mut out = ConstBuf::<N> {
            bytes: [0; N],
            len: 0,
        };
        self.write(&mut out);
        out.bytes
    }
}

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

/// Writes the rest of a problem body after its compile-time opening: formatted
/// members streamed straight into one buffer, extensions serialized in place.
///
/// ```
/// use apierror::__private::{BodyWriter, StaticProblem};
///
/// const P: StaticProblem = StaticProblem {
///     problem_type: "https://example.com/problems/duplicate",
///     title: "Duplicate",
///     status: 409,
///     detail: None,
///     instance: None,
///     complete: false,
/// };
/// const HEAD: [u8; P.len()] = P.render();
///
/// let id = 7u64;
/// let mut w = BodyWriter::new(&HEAD, 64);
/// w.string_member(",\"detail\":\"", format_args!("order {id} exists"));
/// w.extension(",\"id\":", &id);
/// let body = w.finish();
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
    pub fn new(head: &'static [u8], extra: usize) -> BodyWriter {
        let mut buf = Vec::with_capacity(head.len() + extra);
        buf.extend_from_slice(head);
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

    /// Writes an extension member; `opening` is `,"name":` (already escaped).
    ///
    /// A value that fails to serialize, or serializes to `null`, is left out
    /// and the body stays valid.
    pub fn extension<T: Serialize + ?Sized>(&mut self, opening: &'static str, value: &T) {
        let mark = self.buf.len();
        self.buf.extend_from_slice(opening.as_bytes());
        let start = self.buf.len();
        match serde_json::to_writer(&mut self.buf, value) {
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

    /// Closes the object and hands over the body.
    #[inline]
    pub fn finish(mut self) -> Cow<'static, [u8]> {
        self.buf.push(b'}');
        Cow::Owned(self.buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(p: StaticProblem) -> String {
        let mut out = ConstBuf::<512> {
            bytes: [0; 512],
            len: 0,
        };
        p.write(&mut out);
        assert_eq!(out.len, p.len());
        String::from_utf8(out.bytes[..out.len].to_vec()).unwrap()
    }

    #[test]
    fn static_escapes_like_serde_json() {
        let detail = "quote \" backslash \\ nl \n tab \t bell \u{7} del \u{7f} ü ✓";
        let body = render(StaticProblem {
            problem_type: "urn:x",
            title: "T",
            status: 400,
            detail: Some(detail),
            instance: Some("/a"),
            complete: true,
        });
        let value: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(value["detail"], detail);
        assert_eq!(
            body,
            format!(
                r#"{{"type":"urn:x","title":"T","status":400,"detail":{},"instance":"/a"}}"#,
                serde_json::to_string(detail).unwrap()
            )
        );
    }

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
    fn extension_failure_and_null_are_left_out() {
        struct Fails;
        impl Serialize for Fails {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no"))
            }
        }
        let mut w = BodyWriter::new(b"{\"status\":400", 0);
        w.extension(",\"a\":", &Fails);
        w.extension(",\"b\":", &None::<u8>);
        w.extension(",\"c\":", &[1, 2]);
        assert_eq!(&*w.finish(), br#"{"status":400,"c":[1,2]}"#);
    }
}
