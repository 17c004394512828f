//! Turning a framework's own error responses (an empty 404, a `text/plain`
//! 413) into problems: what the axum layer and the actix-web middleware share.
//!
//! The glue asks [`kind`] from the status and `Content-Type` alone, then
//! [`plan`] with the body's size, so that a response it passes through is
//! never touched, let alone read. A text body is read up to [`READ_LIMIT`]
//! bytes; [`detail`] cuts it; [`body`] writes the problem; [`DROPPED`] names
//! the headers that described the old body.

use std::borrow::Cow;
use std::io::Write as _;
use std::sync::OnceLock;

/// The longest `detail` taken from a text body, in bytes.
pub(crate) const DETAIL_LIMIT: usize = 1024;

/// How much of a text body is read: the detail's 1 KiB and the 3 bytes that
/// can finish a character begun inside it, so every character that starts
/// in the first KiB is judged whole.
pub(crate) const READ_LIMIT: usize = DETAIL_LIMIT + 3;

/// Headers that describe the old body and are removed from a rewritten
/// response; `Content-Type` and `Content-Length` are set anew.
///
/// `Transfer-Encoding` is framing of the old body (RFC 9112 §6.2 forbids it
/// beside the new `Content-Length`); `Repr-Digest` is the old
/// representation's digest (RFC 9530), dropped for the reason
/// `Content-Digest` is.
pub(crate) const DROPPED: [&str; 5] = [
    "content-encoding",
    "etag",
    "content-digest",
    "repr-digest",
    "transfer-encoding",
];

/// What a response is, judged from its status and `Content-Type` only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Not an error, or a body of a type the layer leaves alone.
    Other,
    /// Already `application/problem+json` (`json`) or `+xml`: passed
    /// through, or, under a layer that negotiates, given `Vary` (and
    /// transcoded when XML was chosen and it is JSON).
    Problem { json: bool },
    /// An error whose body is `text/plain`. `detail` says whether the text
    /// may become the problem's `detail`: a 4xx in UTF-8 (or US-ASCII, or no
    /// charset named). Otherwise the body is never read.
    Text { detail: bool },
    /// An error with no `Content-Type`: a problem only when its body is empty.
    Untyped,
}

/// What the glue does with a response of some [`Kind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Hand it on untouched and unread.
    Pass,
    /// Answer the problem without `detail`; the old body is dropped unread.
    Bare,
    /// Read up to [`READ_LIMIT`] bytes of the text, then answer with it as
    /// `detail`.
    Read,
    /// HEAD only: the problem's headers without `Content-Length`, because the
    /// body the GET problem would carry cannot be known (a stack below the
    /// layer already dropped the text that would be its `detail`).
    #[cfg_attr(not(feature = "axum"), allow(dead_code))]
    Headless,
    /// A problem that is kept: only `Vary: Accept` is added.
    #[cfg_attr(not(feature = "xml"), allow(dead_code))]
    Vary,
    /// A problem+json body to read whole and answer in XML.
    #[cfg(feature = "xml")]
    Transcode,
}

/// The format a layer answers problems in, as the request negotiated it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    /// problem+json, no negotiation: a layer without `with_xml()`.
    Plain,
    /// problem+json, negotiated: every problem gets `Vary: Accept`.
    #[cfg(feature = "xml")]
    Json,
    /// problem+xml, negotiated.
    #[cfg(feature = "xml")]
    Xml,
}

impl Answer {
    /// The answer for a request whose `Accept` field values `accept` lists,
    /// under a layer that negotiates when `negotiate` is true.
    #[cfg(feature = "xml")]
    #[inline]
    pub(crate) fn of<'a, I>(negotiate: bool, accept: impl Fn() -> I) -> Answer
    where
        I: Iterator<Item = &'a [u8]>,
    {
        if !negotiate {
            Answer::Plain
        } else if crate::negotiate::prefers_xml(accept) {
            Answer::Xml
        } else {
            Answer::Json
        }
    }

    /// Whether problems carry `Vary: Accept`.
    #[inline]
    pub(crate) fn vary(self) -> bool {
        self != Answer::Plain
    }

    /// Whether problems are written in XML.
    #[cfg(feature = "xml")]
    #[inline]
    pub(crate) fn xml(self) -> bool {
        self == Answer::Xml
    }

    /// The body for `status` with an optional `detail`, in this format, and
    /// its media type.
    pub(crate) fn body(
        self,
        status: u16,
        detail: Option<&str>,
    ) -> (Cow<'static, [u8]>, &'static str) {
        #[cfg(feature = "xml")]
        if self.xml() {
            return (xml_body(status, detail), crate::PROBLEM_XML);
        }
        (body(status, detail), crate::PROBLEM_JSON)
    }

    /// Runs `poll` (a poll of the wrapped service) so that derived errors
    /// rendered inside it write this format.
    #[inline(always)]
    pub(crate) fn polling<R>(self, poll: impl FnOnce() -> R) -> R {
        #[cfg(feature = "xml")]
        if self.xml() {
            return crate::negotiate::rendering_xml(poll);
        }
        poll()
    }
}

/// The largest problem+json body, in bytes, that a layer which chose XML
/// reads to transcode; a larger one (or one of unknown size, or encoded)
/// goes out as it is, with `Vary: Accept`.
#[cfg(feature = "xml")]
pub(crate) const TRANSCODE_LIMIT: u64 = 64 * 1024;

/// The plan for a problem (`json`: problem+json) of `size` bytes, under
/// `answer`; `encoded` says whether it has a `Content-Encoding` (asked only
/// when it would be transcoded).
pub(crate) fn plan_problem(
    answer: Answer,
    json: bool,
    size: Option<u64>,
    encoded: impl FnOnce() -> bool,
) -> Plan {
    #[cfg(feature = "xml")]
    if answer.xml() && json && size.is_some_and(|s| s <= TRANSCODE_LIMIT) && !encoded() {
        return Plan::Transcode;
    }
    #[cfg(not(feature = "xml"))]
    let _ = (json, size, encoded);
    if answer.vary() {
        Plan::Vary
    } else {
        Plan::Pass
    }
}

/// The kind of a response with `status` and this `Content-Type` value.
pub(crate) fn kind(status: u16, content_type: Option<&[u8]>) -> Kind {
    let detail = match status {
        400..=499 => true,
        500..=599 => false,
        _ => return Kind::Other,
    };
    let Some(value) = content_type else {
        return Kind::Untyped;
    };
    let (essence, params) = match value.iter().position(|&b| b == b';') {
        Some(i) => (&value[..i], &value[i + 1..]),
        None => (value, &[][..]),
    };
    let essence = trim(essence);
    if essence.eq_ignore_ascii_case(b"text/plain") {
        Kind::Text {
            detail: detail && utf8_charset(params),
        }
    } else if essence.eq_ignore_ascii_case(b"application/problem+json") {
        Kind::Problem { json: true }
    } else if essence.eq_ignore_ascii_case(b"application/problem+xml") {
        Kind::Problem { json: false }
    } else {
        Kind::Other
    }
}

/// The plan for a response of `kind` whose body is known to be `size` bytes
/// (`None`: unknown).
pub(crate) fn plan(kind: Kind, size: Option<u64>) -> Plan {
    match kind {
        Kind::Other | Kind::Problem { .. } => Plan::Pass,
        Kind::Untyped if size == Some(0) => Plan::Bare,
        Kind::Untyped => Plan::Pass,
        Kind::Text { detail: false } => Plan::Bare,
        Kind::Text { detail: true } if size == Some(0) => Plan::Bare,
        Kind::Text { detail: true } => Plan::Read,
    }
}

/// The plan for a response to HEAD whose body is empty, where the stack
/// below may have dropped the body of the GET response and kept its
/// `Content-Length` (`declared`), as axum's router does. The answer is the
/// one the GET response gets, or [`Plan::Headless`] when that one's length
/// depends on text that is gone.
#[cfg_attr(not(feature = "axum"), allow(dead_code))]
pub(crate) fn plan_head(kind: Kind, declared: Option<u64>) -> Plan {
    match kind {
        Kind::Text { detail: true } if declared == Some(0) => Plan::Bare,
        Kind::Text { detail: true } => Plan::Headless,
        // No length declared: the body was empty to begin with.
        _ => plan(kind, Some(declared.unwrap_or(0))),
    }
}

/// Whether the parameters of a `text/plain` type let its bytes be read as
/// UTF-8: no `charset`, or `utf-8`, or `us-ascii`.
fn utf8_charset(params: &[u8]) -> bool {
    for param in params.split(|&b| b == b';') {
        let Some(eq) = param.iter().position(|&b| b == b'=') else {
            continue;
        };
        if !trim(&param[..eq]).eq_ignore_ascii_case(b"charset") {
            continue;
        }
        let value = trim(&param[eq + 1..]);
        let value = value
            .strip_prefix(b"\"")
            .and_then(|v| v.strip_suffix(b"\""))
            .unwrap_or(value);
        return value.eq_ignore_ascii_case(b"utf-8")
            || value.eq_ignore_ascii_case(b"utf8")
            || value.eq_ignore_ascii_case(b"us-ascii");
    }
    true
}

/// The length that `Content-Length` field values `values` declare, when
/// there is exactly one and it is a number: for a response the layer may
/// rewrite, and for a request body over the limit (actix-web's `Json`).
pub(crate) fn declared_length<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> Option<u64> {
    let mut values = values.into_iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    std::str::from_utf8(value).ok()?.parse().ok()
}

/// Whether a response whose `Vary` field values are `values` must still get
/// `Accept` in it: neither an `Accept` member nor `*` (which already says the
/// response varies on everything, RFC 9110 §12.5.5) is there.
#[cfg_attr(not(feature = "xml"), allow(dead_code))]
pub(crate) fn vary_lacks_accept<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> bool {
    !values.into_iter().any(|value| {
        value
            .split(|&b| b == b',')
            .map(trim)
            .any(|member| member == b"*" || member.eq_ignore_ascii_case(b"accept"))
    })
}

/// The one `Vary` value that lists `values` and `Accept`.
#[cfg_attr(not(feature = "xml"), allow(dead_code))]
pub(crate) fn vary_with_accept<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut merged = Vec::with_capacity(32);
    for value in values {
        let value = trim(value);
        if !value.is_empty() {
            merged.extend_from_slice(value);
            merged.extend_from_slice(b", ");
        }
    }
    merged.extend_from_slice(b"Accept");
    merged
}

/// `bytes` without HTTP's optional whitespace (spaces and tabs) around it.
fn trim(bytes: &[u8]) -> &[u8] {
    let is_ows = |b: &u8| *b == b' ' || *b == b'\t';
    let start = bytes.iter().position(|b| !is_ows(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !is_ows(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// The `detail` for the first bytes of a text body: `text` is what was read
/// (at most [`READ_LIMIT`] bytes), `complete` whether that was the whole
/// body. `None` when the text is empty or not UTF-8; otherwise the text cut
/// at [`DETAIL_LIMIT`] bytes on a character boundary.
pub(crate) fn detail(text: &[u8], complete: bool) -> Option<&str> {
    let valid = match std::str::from_utf8(text) {
        Ok(valid) => valid,
        // Cut short by the read limit inside a character that starts past
        // the first KiB: the part before it stands.
        Err(error) if !complete && error.error_len().is_none() => {
            std::str::from_utf8(&text[..error.valid_up_to()]).ok()?
        }
        Err(_) => return None,
    };
    let mut end = valid.len().min(DETAIL_LIMIT);
    while !valid.is_char_boundary(end) {
        end -= 1;
    }
    let detail = &valid[..end];
    (!detail.is_empty()).then_some(detail)
}

/// The problem+json body for `status` with an optional `detail`:
/// `{"title":..,"status":..,"detail":..}`, `title` the IANA phrase.
/// Without a detail it is a static body, built once per status.
pub(crate) fn body(status: u16, detail: Option<&str>) -> Cow<'static, [u8]> {
    match detail {
        None => bare(status),
        Some(detail) => Cow::Owned(write(status, Some(detail))),
    }
}

/// [`body`] in problem+xml: the same members, transcoded by the
/// [`xml`](crate::xml) module's rules; without a detail a static body.
#[cfg(feature = "xml")]
pub(crate) fn xml_body(status: u16, detail: Option<&str>) -> Cow<'static, [u8]> {
    match detail {
        None => {
            static BARE: OnceLock<Box<[Box<[u8]>]>> = OnceLock::new();
            let table = BARE.get_or_init(|| {
                (400..=599)
                    .map(|status| transcode(&write(status, None)).into_boxed_slice())
                    .collect()
            });
            match status
                .checked_sub(400)
                .and_then(|i| table.get(usize::from(i)))
            {
                Some(body) => Cow::Borrowed(body),
                None => Cow::Owned(transcode(&write(status, None))),
            }
        }
        Some(detail) => Cow::Owned(transcode(&write(status, Some(detail)))),
    }
}

/// The XML of a JSON body this module wrote (always one object).
#[cfg(feature = "xml")]
fn transcode(json: &[u8]) -> Vec<u8> {
    crate::xml::from_json_body(json).unwrap_or_else(|| {
        let status = http::StatusCode::INTERNAL_SERVER_ERROR;
        crate::Problem::new(status).to_xml_body(status)
    })
}

fn bare(status: u16) -> Cow<'static, [u8]> {
    static BARE: OnceLock<Box<[Box<[u8]>]>> = OnceLock::new();
    let table = BARE.get_or_init(|| {
        (400..=599)
            .map(|status| write(status, None).into_boxed_slice())
            .collect()
    });
    match status
        .checked_sub(400)
        .and_then(|i| table.get(usize::from(i)))
    {
        Some(body) => Cow::Borrowed(body),
        None => Cow::Owned(write(status, None)),
    }
}

fn write(status: u16, detail: Option<&str>) -> Vec<u8> {
    let title = crate::status::title(status);
    let extra = detail.map_or(0, |d| d.len() + d.len() / 8 + 12);
    let mut out = Vec::with_capacity(32 + title.len() + extra);
    out.extend_from_slice(b"{\"title\":\"");
    crate::render::escape_into(&mut out, title);
    // Writing into a Vec cannot fail.
    let _ = write!(out, "\",\"status\":{status}");
    if let Some(detail) = detail {
        out.extend_from_slice(b",\"detail\":\"");
        crate::render::escape_into(&mut out, detail);
        out.push(b'"');
    }
    out.push(b'}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(kind(200, None), Kind::Other);
        assert_eq!(kind(302, Some(b"text/plain")), Kind::Other);
        assert_eq!(kind(404, None), Kind::Untyped);
        assert_eq!(
            kind(413, Some(b"text/plain; charset=utf-8")),
            Kind::Text { detail: true }
        );
        assert_eq!(
            kind(413, Some(b" Text/Plain ;Charset=\"UTF-8\"")),
            Kind::Text { detail: true }
        );
        assert_eq!(
            kind(400, Some(b"text/plain; charset=iso-8859-1")),
            Kind::Text { detail: false }
        );
        assert_eq!(kind(500, Some(b"text/plain")), Kind::Text { detail: false });
        assert_eq!(
            kind(409, Some(b"application/problem+json")),
            Kind::Problem { json: true }
        );
        assert_eq!(
            kind(409, Some(b"Application/Problem+XML; charset=utf-8")),
            Kind::Problem { json: false }
        );
        assert_eq!(kind(409, Some(b"application/json")), Kind::Other);
        assert_eq!(kind(409, Some(b"text/plainer")), Kind::Other);
        assert_eq!(kind(409, Some(b"")), Kind::Other);
    }

    #[test]
    fn plans() {
        let text = Kind::Text { detail: true };
        assert_eq!(plan(Kind::Untyped, Some(0)), Plan::Bare);
        assert_eq!(plan(Kind::Untyped, None), Plan::Pass);
        assert_eq!(plan(Kind::Untyped, Some(3)), Plan::Pass);
        assert_eq!(plan(text, None), Plan::Read);
        assert_eq!(plan(text, Some(0)), Plan::Bare);
        assert_eq!(plan(Kind::Text { detail: false }, None), Plan::Bare);
        assert_eq!(plan_head(text, Some(0)), Plan::Bare);
        assert_eq!(plan_head(text, Some(7)), Plan::Headless);
        assert_eq!(plan_head(text, None), Plan::Headless);
        assert_eq!(plan_head(Kind::Untyped, None), Plan::Bare);
        assert_eq!(plan_head(Kind::Untyped, Some(7)), Plan::Pass);
    }

    #[test]
    fn detail_is_cut_on_a_char_boundary() {
        let text = format!("{}€tail", "a".repeat(1022));
        let cut = detail(&text.as_bytes()[..READ_LIMIT], false).unwrap();
        assert_eq!(cut, "a".repeat(1022));
        let text = format!("{}😀", "a".repeat(1023));
        assert_eq!(
            detail(&text.as_bytes()[..READ_LIMIT], true),
            Some(&*"a".repeat(1023))
        );
        let text = "é".repeat(600);
        assert_eq!(
            detail(&text.as_bytes()[..READ_LIMIT], false),
            Some(&*"é".repeat(512))
        );
        assert_eq!(detail(b"", true), None);
        assert_eq!(detail(b"ab\xff", true), None);
        assert_eq!(detail(b"ab\xe2\x82", true), None);
        assert_eq!(detail(b"short", true), Some("short"));
    }

    #[test]
    fn vary() {
        assert!(vary_lacks_accept([]));
        assert!(vary_lacks_accept([&b"Origin"[..]]));
        assert!(vary_lacks_accept([&b"Accept-Encoding, Origin"[..]]));
        assert!(!vary_lacks_accept([&b"origin, ACCEPT"[..]]));
        assert!(!vary_lacks_accept([&b"Origin"[..], b" accept "]));
        assert!(!vary_lacks_accept([&b"*"[..]]));
        assert_eq!(
            vary_with_accept([&b"Origin"[..], b" Accept-Encoding "]),
            b"Origin, Accept-Encoding, Accept"
        );
        assert_eq!(vary_with_accept([&b""[..]]), b"Accept");
    }

    #[cfg(feature = "xml")]
    #[test]
    fn xml_bodies() {
        const OPEN: &str =
            r#"<?xml version="1.0" encoding="UTF-8"?><problem xmlns="urn:ietf:rfc:7807">"#;
        assert_eq!(
            &*xml_body(404, None),
            format!("{OPEN}<title>Not Found</title><status>404</status></problem>").as_bytes()
        );
        assert!(matches!(xml_body(404, None), Cow::Borrowed(_)));
        assert_eq!(
            &*xml_body(413, Some("too <big> & \"late\"\r")),
            format!(
                "{OPEN}<title>Content Too Large</title><status>413</status>\
                 <detail>too &lt;big&gt; &amp; \"late\"&#13;</detail></problem>"
            )
            .as_bytes()
        );
        assert_eq!(Answer::Xml.body(405, None).1, "application/problem+xml");
        assert_eq!(Answer::Json.body(405, None).1, "application/problem+json");
        assert!(!Answer::Plain.vary() && Answer::Json.vary() && Answer::Xml.vary());
    }

    #[test]
    fn problem_plans() {
        assert_eq!(
            plan_problem(Answer::Plain, true, Some(10), || false),
            Plan::Pass
        );
        #[cfg(feature = "xml")]
        {
            assert_eq!(
                plan_problem(Answer::Json, true, Some(10), || false),
                Plan::Vary
            );
            assert_eq!(
                plan_problem(Answer::Xml, true, Some(10), || false),
                Plan::Transcode
            );
            assert_eq!(
                plan_problem(Answer::Xml, false, Some(10), || false),
                Plan::Vary
            );
            assert_eq!(plan_problem(Answer::Xml, true, None, || false), Plan::Vary);
            assert_eq!(
                plan_problem(Answer::Xml, true, Some(10), || true),
                Plan::Vary
            );
            assert_eq!(
                plan_problem(Answer::Xml, true, Some(TRANSCODE_LIMIT + 1), || false),
                Plan::Vary
            );
        }
    }

    #[test]
    fn bodies() {
        assert_eq!(&*body(404, None), br#"{"title":"Not Found","status":404}"#);
        assert!(matches!(body(404, None), Cow::Borrowed(_)));
        assert_eq!(
            &*body(413, Some("too \"big\"\n")),
            br#"{"title":"Content Too Large","status":413,"detail":"too \"big\"\n"}"#
        );
        assert_eq!(
            &*body(499, None),
            br#"{"title":"Client Error","status":499}"#
        );
        assert_eq!(&*body(600, None), br#"{"title":"Error","status":600}"#);
    }
}
