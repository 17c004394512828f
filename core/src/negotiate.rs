//! Content negotiation between problem+json and problem+xml (feature `xml`),
//! framework-free: the layers read `Accept` with [`prefers_xml`], and say so to
//! the errors rendered inside them with [`rendering_xml`].
//!
//! The rule (DESIGN.md, "Negotiation: problem+xml"): XML when `Accept`
//! prefers `application/problem+xml`, `application/xml` or `text/xml`
//! strictly over every JSON type (`application/json`,
//! `application/problem+json`, any `+json`, and the wildcards `*/*` and
//! `application/*`); on a tie, or when `Accept` names neither, JSON.
//!
//! `Accept` is read as RFC 9110 §12.5.1 says: a list of media ranges, each
//! with an optional weight `q` (0 to 1, three decimals at most; 0 means "not
//! acceptable"); a type's weight is that of the most specific range that
//! matches it (`type/subtype;param` over `type/subtype` over `type/*` over
//! `*/*`). An element that does not parse (no `/`, a bad token, a `q` out of
//! range) is ignored and the rest still counts. Nothing here allocates.

// With `xml` alone no layer reads `Accept`: only the flag is used.
#![cfg_attr(not(any(feature = "axum", feature = "actix-web")), allow(dead_code))]

use std::cell::Cell;

/// The weight of a range with no `q`: 1, in thousandths.
const ONE: u16 = 1000;

/// The media types a problem can be answered in, and those that count as
/// asking for one of them.
#[derive(Clone, Copy)]
enum Candidate {
    ProblemXml,
    Xml,
    TextXml,
    ProblemJson,
    Json,
}

const CANDIDATES: [(Candidate, &[u8], &[u8]); 5] = [
    (Candidate::ProblemXml, b"application", b"problem+xml"),
    (Candidate::Xml, b"application", b"xml"),
    (Candidate::TextXml, b"text", b"xml"),
    (Candidate::ProblemJson, b"application", b"problem+json"),
    (Candidate::Json, b"application", b"json"),
];

/// For each candidate, the most specific range seen that matches it:
/// `(specificity, q)`, specificity 0 when none did.
#[derive(Default)]
struct Weights {
    best: [(u8, u16); 5],
    /// The highest `q` of a range naming any other `+json` type.
    other_json: u16,
    /// Whether some range names an XML type exactly.
    xml_named: bool,
}

impl Weights {
    fn add(&mut self, range: &Range<'_>) {
        for (i, (candidate, ty, subtype)) in CANDIDATES.iter().enumerate() {
            let specificity = match (range.ty, range.subtype) {
                (b"*", b"*") => 1,
                (t, b"*") if t.eq_ignore_ascii_case(ty) => 2,
                (t, s) if t.eq_ignore_ascii_case(ty) && s.eq_ignore_ascii_case(subtype) => {
                    if matches!(
                        candidate,
                        Candidate::ProblemXml | Candidate::Xml | Candidate::TextXml
                    ) {
                        self.xml_named = true;
                    }
                    3 + u8::from(range.params)
                }
                _ => continue,
            };
            let best = &mut self.best[i];
            // Equally specific ranges for one type: the more generous counts.
            if specificity > best.0 || (specificity == best.0 && range.q > best.1) {
                *best = (specificity, range.q);
            }
        }
        if range.subtype.len() > 5
            && range.subtype[range.subtype.len() - 5..].eq_ignore_ascii_case(b"+json")
        {
            self.other_json = self.other_json.max(range.q);
        }
    }

    fn q(&self, candidate: Candidate) -> u16 {
        self.best[candidate as usize].1
    }

    fn prefers_xml(&self) -> bool {
        if !self.xml_named {
            return false;
        }
        let xml = self
            .q(Candidate::ProblemXml)
            .max(self.q(Candidate::Xml))
            .max(self.q(Candidate::TextXml));
        let json = self
            .q(Candidate::ProblemJson)
            .max(self.q(Candidate::Json))
            .max(self.other_json);
        xml > json
    }
}

/// Whether the `Accept` field values that `values` lists (one per field
/// line; RFC 9110 §5.3 reads several lines as one comma-separated list)
/// prefer problem+xml. No value at all is JSON. `values` is called twice at
/// most: a first scan answers JSON for every header that names no XML type.
pub(crate) fn prefers_xml<'a, I>(values: impl Fn() -> I) -> bool
where
    I: Iterator<Item = &'a [u8]>,
{
    if !values().any(contains_xml) {
        return false;
    }
    // One field line that is exactly one XML type, as XML clients send it.
    let mut lines = values();
    if let (Some(line), None) = (lines.next(), lines.next()) {
        let line = trim(line);
        if [
            &b"application/problem+xml"[..],
            b"application/xml",
            b"text/xml",
        ]
        .iter()
        .any(|xml| line.eq_ignore_ascii_case(xml))
        {
            return true;
        }
    }
    let mut weights = Weights::default();
    for value in values() {
        for element in Elements(value) {
            if let Some(range) = Range::parse(element) {
                weights.add(&range);
            }
        }
    }
    weights.prefers_xml()
}

/// Whether `value` holds `xml` in any case.
fn contains_xml(value: &[u8]) -> bool {
    // Most headers (`*/*`, `application/json`) hold no `x` at all.
    value.iter().any(|&b| b | 0x20 == b'x')
        && value
            .windows(3)
            .any(|w| w[0] | 0x20 == b'x' && w[1] | 0x20 == b'm' && w[2] | 0x20 == b'l')
}

/// A media range with its weight.
struct Range<'a> {
    ty: &'a [u8],
    subtype: &'a [u8],
    /// Whether it has parameters other than `q`, before `q`.
    params: bool,
    /// The weight in thousandths, 0..=1000.
    q: u16,
}

impl<'a> Range<'a> {
    /// One list element: `type/subtype *( OWS ";" OWS parameter )`, where a
    /// parameter named `q` is the weight and ends the media type's own
    /// (what follows it is an accept extension, ignored).
    fn parse(element: &'a [u8]) -> Option<Range<'a>> {
        let mut parts = Params(element);
        let media = trim(parts.next()?);
        let slash = media.iter().position(|&b| b == b'/')?;
        let (ty, subtype) = (&media[..slash], &media[slash + 1..]);
        if !is_token(ty) || !is_token(subtype) || (ty == b"*" && subtype != b"*") {
            return None;
        }
        let mut range = Range {
            ty,
            subtype,
            params: false,
            q: ONE,
        };
        for param in parts {
            let param = trim(param);
            let eq = param.iter().position(|&b| b == b'=')?;
            let (name, value) = (trim(&param[..eq]), trim(&param[eq + 1..]));
            if !is_token(name) {
                return None;
            }
            if name.eq_ignore_ascii_case(b"q") {
                range.q = qvalue(value)?;
                break;
            }
            if !is_token(value) && !is_quoted(value) {
                return None;
            }
            range.params = true;
        }
        Some(range)
    }
}

/// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`, in
/// thousandths.
fn qvalue(value: &[u8]) -> Option<u16> {
    let (&first, rest) = value.split_first()?;
    let fraction = match rest {
        [] => &[][..],
        [b'.', digits @ ..] if digits.len() <= 3 => digits,
        _ => return None,
    };
    let mut thousandths: u16 = 0;
    for (i, &d) in fraction.iter().enumerate() {
        if !d.is_ascii_digit() {
            return None;
        }
        thousandths += u16::from(d - b'0') * [100, 10, 1][i];
    }
    match first {
        b'0' => Some(thousandths),
        b'1' if thousandths == 0 => Some(ONE),
        _ => None,
    }
}

/// RFC 9110 `token`: `tchar`s, at least one.
fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| TCHAR[usize::from(b)])
}

/// Whether a byte is a `tchar`: `!#$%&'*+-.^_`|~`, digits and letters.
const TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        b += 1;
    }
    table
};

/// A whole `quoted-string` (its inside already checked by the splitters).
fn is_quoted(bytes: &[u8]) -> bool {
    bytes.len() >= 2 && bytes[0] == b'"' && bytes[bytes.len() - 1] == b'"'
}

/// `bytes` without spaces and tabs around it.
fn trim(bytes: &[u8]) -> &[u8] {
    let is_ows = |b: &u8| *b == b' ' || *b == b'\t';
    let start = bytes.iter().position(|b| !is_ows(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !is_ows(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// The end of the part of `bytes` before the first `sep` outside a
/// quoted-string (a `\` inside one escapes the next byte).
fn split_at(bytes: &[u8], sep: u8) -> usize {
    let mut quoted = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quoted => i += 1,
            b'"' => quoted = !quoted,
            b if b == sep && !quoted => return i,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// The elements of a comma-separated list, empty ones skipped (RFC 9110 §5.6.1).
struct Elements<'a>(&'a [u8]);

impl<'a> Iterator for Elements<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        loop {
            if self.0.is_empty() {
                return None;
            }
            let end = split_at(self.0, b',');
            let element = trim(&self.0[..end]);
            self.0 = self.0.get(end + 1..).unwrap_or(&[]);
            if !element.is_empty() {
                return Some(element);
            }
        }
    }
}

/// The `;`-separated parts of one element: the media type, then parameters.
struct Params<'a>(&'a [u8]);

impl<'a> Iterator for Params<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.0.is_empty() {
            return None;
        }
        let end = split_at(self.0, b';');
        let part = &self.0[..end];
        self.0 = self.0.get(end + 1..).unwrap_or(&[]);
        Some(part)
    }
}

// ---------------------------------------------------------------------------
// What the errors rendered inside a layer are told

thread_local! {
    static XML: Cell<bool> = const { Cell::new(false) };
}

/// Whether a layer that chose problem+xml is polling the code running now:
/// then a derived error writes its own XML body
/// ([`ApiError::xml_body`](crate::ApiError::xml_body)) instead of JSON the
/// layer would transcode.
#[inline]
pub(crate) fn xml_wanted() -> bool {
    XML.try_with(Cell::get).unwrap_or(false)
}

/// Runs `f` (one poll of the service a layer wraps) with [`xml_wanted`]
/// true, restoring the previous value afterwards, also when `f` panics.
pub(crate) fn rendering_xml<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = XML.try_with(|xml| xml.set(self.0));
        }
    }
    let _restore = Restore(XML.try_with(|xml| xml.replace(true)).unwrap_or(false));
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xml(accept: &str) -> bool {
        lines(&[accept])
    }

    fn lines(accept: &[&str]) -> bool {
        prefers_xml(|| accept.iter().map(|line| line.as_bytes()))
    }

    #[test]
    fn the_contract_cases() {
        assert!(xml("application/problem+xml"));
        assert!(xml("application/xml;q=0.9, application/json;q=0.8"));
        assert!(xml("text/xml"));
        assert!(xml(
            "application/problem+xml, application/problem+json;q=0.5"
        ));
        // A tie is JSON.
        assert!(!xml("application/xml, application/json"));
        assert!(!xml("application/*;q=1, application/problem+xml;q=1"));
        assert!(!xml("*/*"));
        assert!(!xml("application/problem+xml, */*"));
        // Naming neither.
        assert!(!xml(""));
        assert!(!xml("text/html"));
        assert!(!lines(&[]));
        // JSON preferred.
        assert!(!xml("application/json, application/xml;q=0.9"));
        assert!(!xml("application/vnd.api+json, application/xml;q=0.9"));
        assert!(!xml(
            "application/problem+json;q=0.9, application/problem+xml;q=0.9"
        ));
    }

    #[test]
    fn q_zero_is_not_acceptable() {
        assert!(!xml("application/problem+xml;q=0, application/json"));
        assert!(!xml("application/problem+xml;q=0"));
        assert!(xml("application/problem+xml, application/json;q=0"));
        assert!(xml("text/xml, */*;q=0"));
        // The specific `q=0` overrides the wildcard for that type only.
        assert!(xml(
            "application/xml, application/*;q=0.1, application/json;q=0"
        ));
    }

    #[test]
    fn wildcards_count_for_json() {
        assert!(!xml("application/xml;q=0.5, */*;q=0.5"));
        assert!(xml("application/xml;q=0.6, */*;q=0.5"));
        assert!(!xml("application/xml;q=0.5, application/*;q=0.5"));
        assert!(xml("text/xml;q=0.5, application/*;q=0.4"));
        // `text/*` does not name XML, and is no JSON type either.
        assert!(!xml("text/*"));
        assert!(xml("text/*, application/xml;q=0.1"));
    }

    #[test]
    fn the_most_specific_range_decides_rfc_9110_example() {
        // RFC 9110 §12.5.1's example: under `text/*;q=0.3, text/plain;q=0.7,
        // text/plain;format=flowed, text/plain;format=fixed;q=0.4, */*;q=0.5`
        // text/html gets 0.3 (text/* is more specific than */*) and
        // image/jpeg 0.5 (*/* only): so does text/xml and application/json.
        let mut weights = Weights::default();
        for element in Elements(
            b"text/*;q=0.3, text/plain;q=0.7, text/plain;format=flowed, \
              text/plain;format=fixed;q=0.4, */*;q=0.5",
        ) {
            weights.add(&Range::parse(element).unwrap());
        }
        // text/xml is matched by text/* (0.3), not */* (0.5).
        assert_eq!(weights.q(Candidate::TextXml), 300);
        // application/json by */* only.
        assert_eq!(weights.q(Candidate::Json), 500);
        // And so JSON wins here, XML being unnamed anyway.
        assert!(!weights.prefers_xml());
        // `text/*;q=0.3` beats `*/*;q=0.5` for text/xml even when named
        // elsewhere with a lower weight: the exact range is more specific.
        assert!(!xml("text/*;q=0.9, text/xml;q=0.2, */*;q=0.5"));
        assert!(xml("text/xml;q=0.9, text/*;q=0.1, */*;q=0.5"));
        // A range with parameters is more specific than the bare type.
        assert!(xml(
            "application/xml;q=0.1, application/xml;charset=utf-8;q=0.9, application/json;q=0.5"
        ));
    }

    #[test]
    fn rfc_9110_q_value_grammar() {
        assert_eq!(qvalue(b"0"), Some(0));
        assert_eq!(qvalue(b"0."), Some(0));
        assert_eq!(qvalue(b"0.5"), Some(500));
        assert_eq!(qvalue(b"0.123"), Some(123));
        assert_eq!(qvalue(b"1"), Some(1000));
        assert_eq!(qvalue(b"1.000"), Some(1000));
        for bad in [
            &b""[..],
            b"1.001",
            b"2",
            b"0.1234",
            b"-1",
            b".5",
            b"0,5",
            b"1e0",
            b"0.5 ",
        ] {
            assert_eq!(qvalue(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn malformed_elements_are_ignored_and_the_rest_counts() {
        for accept in [
            "garbage, application/problem+xml",
            "application/problem+xml, application/json;q=2",
            "application/problem+xml, application/json;q=abc",
            "application/problem+xml, application/json;q=0.5000",
            "application/problem+xml, /json",
            "application/problem+xml, application/",
            "application/problem+xml, */json",
            "application/problem+xml, app lication/json",
            "application/problem+xml, application/json;;",
            "application/problem+xml, application/json;=1",
            "application/problem+xml, application/json;charset",
            ",,, application/problem+xml ,,",
            "application/problem+xml, \u{e9}/json",
        ] {
            assert!(xml(accept), "{accept}");
        }
        // Quoted commas and semicolons belong to the parameter.
        assert!(xml(r#"application/xml;p="a,b;c", application/json;q=0.5"#));
        assert!(!xml(r#"application/json;p="a,\"b", application/xml;q=0.5"#));
        // Nothing valid at all: JSON.
        assert!(!xml("xml"));
        assert!(!xml("application/xml;q=1.5"));
        assert!(!xml("\"application/xml\""));
    }

    #[test]
    fn case_and_whitespace() {
        assert!(xml("Application/Problem+XML"));
        assert!(xml(" text/xml \t; Q=0.8 , application/json ; q=0.7"));
        assert!(!xml("APPLICATION/XML;q=0.5, Application/JSON;Q=0.5"));
    }

    #[test]
    fn accept_extensions_after_q_are_ignored() {
        assert!(xml("application/xml;q=0.9;ext=1, application/json;q=0.8"));
    }

    #[test]
    fn several_field_lines_are_one_list() {
        assert!(lines(&["application/json;q=0.5", "text/xml"]));
        assert!(!lines(&["application/json", "text/xml;q=0.5"]));
        assert!(!lines(&["text/xml;q=0.5", "application/json"]));
        assert!(!lines(&["application/xml", "*/*"]));
    }

    proptest::proptest! {
        /// Any bytes: an answer, never a panic; and a malformed element
        /// added anywhere changes nothing.
        #[test]
        fn any_header_is_answered(
            lines in proptest::collection::vec(proptest::collection::vec(proptest::num::u8::ANY, 0..64), 0..3),
            valid in proptest::sample::select(vec![
                "application/problem+xml",
                "application/json",
                "text/xml;q=0.5, */*;q=0.4",
                "application/xml, application/json",
            ]),
            junk in proptest::sample::select(vec!["garbage", "/json", "a/b;q=2", "x;;=", "*/xml"]),
        ) {
            let _ = prefers_xml(|| lines.iter().map(Vec::as_slice));
            let with_junk = format!("{junk}, {valid}, {junk}");
            proptest::prop_assert_eq!(xml(valid), xml(&with_junk));
        }
    }

    #[test]
    fn the_flag_is_scoped() {
        assert!(!xml_wanted());
        let inner = rendering_xml(|| (xml_wanted(), rendering_xml(xml_wanted)));
        assert_eq!(inner, (true, true));
        assert!(!xml_wanted());
        let caught = std::panic::catch_unwind(|| rendering_xml(|| panic!("in a handler")));
        assert!(caught.is_err());
        assert!(!xml_wanted());
    }
}
