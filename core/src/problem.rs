//! The owned problem-details object of RFC 9457 and its problem+json form.

use std::fmt;

use http::StatusCode;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::render::{ABOUT_BLANK, MAX_EXTENSION_DEPTH, TOO_DEEP};

/// The members RFC 9457 §3.1 defines; an extension cannot take these names.
pub(crate) const STANDARD_MEMBERS: [&str; 5] = ["type", "title", "status", "detail", "instance"];

/// A problem-details object (RFC 9457): what went wrong, as a client reads it.
///
/// Every [`ApiError`](crate::ApiError) gives one through
/// [`problem()`](crate::ApiError::problem), for logs and tests. It can also be
/// built by hand and returned from a handler, since `Problem` itself implements
/// `ApiError` (and, with the features on, axum's `IntoResponse` and actix-web's
/// `Responder`).
///
/// It serializes to exactly RFC 9457's JSON: `type`, `title`, `status`,
/// `detail`, `instance`, then the extension members; `type` is left out when it
/// is `about:blank`, and no member is ever `null` (an absent one is left out;
/// values nested inside an extension are kept as they are). It
/// deserializes leniently, as RFC 9457 §3.1 asks: a member of the wrong JSON
/// type is ignored, unknown members are kept as extensions, and a `status`
/// outside 100–599 is ignored.
///
/// ```
/// use apierror::Problem;
/// use http::StatusCode;
///
/// let problem = Problem::new(StatusCode::CONFLICT)
///     .with_type("https://example.com/problems/out-of-credit")
///     .with_title("You do not have enough credit.")
///     .with_detail("Your current balance is 30, but that costs 50.")
///     .with_instance("/account/12345/msgs/abc")
///     .with_extension("balance", 30);
///
/// assert_eq!(
///     serde_json::to_value(&problem).unwrap(),
///     serde_json::json!({
///         "type": "https://example.com/problems/out-of-credit",
///         "title": "You do not have enough credit.",
///         "status": 409,
///         "detail": "Your current balance is 30, but that costs 50.",
///         "instance": "/account/12345/msgs/abc",
///         "balance": 30
///     })
/// );
///
/// // Lenient parsing: the wrong-typed `title` is ignored, `extra` is kept.
/// let parsed: Problem =
///     serde_json::from_str(r#"{"title": 7, "status": 404, "extra": true}"#).unwrap();
/// assert_eq!(parsed.problem_type(), "about:blank");
/// assert_eq!(parsed.title(), None);
/// assert_eq!(parsed.status(), Some(StatusCode::NOT_FOUND));
/// assert_eq!(parsed.extension("extra"), Some(&serde_json::Value::Bool(true)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    problem_type: String,
    title: Option<String>,
    status: Option<StatusCode>,
    detail: Option<String>,
    instance: Option<String>,
    extensions: Map<String, Value>,
}

impl Default for Problem {
    /// An empty problem: type `about:blank`, no other member.
    fn default() -> Self {
        Problem {
            problem_type: ABOUT_BLANK.to_owned(),
            title: None,
            status: None,
            detail: None,
            instance: None,
            extensions: Map::new(),
        }
    }
}

impl From<StatusCode> for Problem {
    /// [`Problem::new`]: the status, titled with its registered reason phrase.
    ///
    /// ```
    /// use apierror::Problem;
    /// use http::StatusCode;
    ///
    /// let problem: Problem = StatusCode::NOT_FOUND.into();
    /// assert_eq!(problem, Problem::new(StatusCode::NOT_FOUND));
    /// assert_eq!(problem.title(), Some("Not Found"));
    /// ```
    fn from(status: StatusCode) -> Problem {
        Problem::new(status)
    }
}

impl Problem {
    /// A problem for `status`, titled with its registered reason phrase
    /// ([`status::title`](crate::status::title)), of type `about:blank`.
    ///
    /// ```
    /// let p = apierror::Problem::new(http::StatusCode::PAYLOAD_TOO_LARGE);
    /// assert_eq!(p.title(), Some("Content Too Large"));
    /// ```
    pub fn new(status: StatusCode) -> Problem {
        Problem {
            title: Some(crate::status::title(status.as_u16()).to_owned()),
            status: Some(status),
            ..Problem::default()
        }
    }

    /// Sets `type`, a URI reference (absolute, relative, `urn:`, `tag:`...)
    /// identifying the problem type. `about:blank` is the default and is left
    /// out of the body.
    ///
    /// ```
    /// let p = apierror::Problem::default().with_type("urn:example:out-of-stock");
    /// assert_eq!(p.problem_type(), "urn:example:out-of-stock");
    /// ```
    #[must_use]
    pub fn with_type(mut self, uri: impl Into<String>) -> Problem {
        self.problem_type = uri.into();
        self
    }

    /// Sets `title`, a short summary that does not change between occurrences.
    ///
    /// ```
    /// let p = apierror::Problem::default().with_title("Out of stock");
    /// assert_eq!(p.title(), Some("Out of stock"));
    /// ```
    #[must_use]
    pub fn with_title(mut self, title: impl Into<String>) -> Problem {
        self.title = Some(title.into());
        self
    }

    /// Sets `status`.
    ///
    /// ```
    /// use http::StatusCode;
    /// let p = apierror::Problem::default().with_status(StatusCode::GONE);
    /// assert_eq!(p.status(), Some(StatusCode::GONE));
    /// ```
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Problem {
        self.status = Some(status);
        self
    }

    /// Sets `detail`, an explanation of this occurrence for the client.
    ///
    /// ```
    /// let p = apierror::Problem::default().with_detail("only 2 left");
    /// assert_eq!(p.detail(), Some("only 2 left"));
    /// ```
    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<String>) -> Problem {
        self.detail = Some(detail.into());
        self
    }

    /// Sets `instance`, a URI reference identifying this occurrence.
    ///
    /// ```
    /// let p = apierror::Problem::default().with_instance("/orders/7");
    /// assert_eq!(p.instance(), Some("/orders/7"));
    /// ```
    #[must_use]
    pub fn with_instance(mut self, instance: impl Into<String>) -> Problem {
        self.instance = Some(instance.into());
        self
    }

    /// Adds the extension member `name`.
    ///
    /// Leaves the problem unchanged when `name` is one of the standard members
    /// (`type`, `title`, `status`, `detail`, `instance`), when `value` fails to
    /// serialize or nests more than 126 arrays or objects (logged with the
    /// `tracing` feature), or when it serializes to `null`: a problem never
    /// carries two members of one name, nor a `null` member, and its body,
    /// the problem object around the value, always reads back with a default
    /// serde_json reader (which gives up at 128 levels).
    ///
    /// ```
    /// let deep = |levels: usize| "[".repeat(levels) + &"]".repeat(levels);
    /// let value = |levels| serde_json::from_str::<serde_json::Value>(&deep(levels)).unwrap();
    /// let p = apierror::Problem::default()
    ///     .with_extension("kept", value(126))
    ///     .with_extension("dropped", value(127));
    /// assert!(p.extension("kept").is_some());
    /// assert!(p.extension("dropped").is_none());
    /// ```
    ///
    /// ```
    /// let p = apierror::Problem::default()
    ///     .with_extension("balance", 30)
    ///     .with_extension("status", "ignored")
    ///     .with_extension("missing", None::<u8>);
    /// assert_eq!(p.extensions().len(), 1);
    /// assert_eq!(p.extension("balance"), Some(&serde_json::json!(30)));
    /// ```
    #[must_use]
    pub fn with_extension(mut self, name: impl Into<String>, value: impl Serialize) -> Problem {
        let name = name.into();
        if STANDARD_MEMBERS.contains(&name.as_str()) {
            return self;
        }
        match serde_json::to_value(value) {
            Ok(Value::Null) => {}
            Ok(value) if !nests_within(&value, MAX_EXTENSION_DEPTH) => {
                crate::log::extension_dropped(&name, &TOO_DEEP);
            }
            Ok(value) => {
                self.extensions.insert(name, value);
            }
            Err(error) => crate::log::extension_dropped(&name, &error),
        }
        self
    }

    /// `type`; `about:blank` when absent.
    pub fn problem_type(&self) -> &str {
        &self.problem_type
    }

    /// `title`, if any.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// `status`, if any.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// `detail`, if any.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// `instance`, if any.
    pub fn instance(&self) -> Option<&str> {
        self.instance.as_deref()
    }

    /// The extension member `name`, if present.
    pub fn extension(&self, name: &str) -> Option<&Value> {
        self.extensions.get(name)
    }

    /// All extension members (ordered by name, unless serde_json's
    /// `preserve_order` feature is on).
    pub fn extensions(&self) -> &Map<String, Value> {
        &self.extensions
    }

    /// The problem+json body, with `status` set to `status` so that body and
    /// response always agree.
    ///
    /// ```
    /// use http::StatusCode;
    ///
    /// let body = apierror::Problem::new(StatusCode::NOT_FOUND).to_body(StatusCode::GONE);
    /// assert_eq!(body, br#"{"title":"Not Found","status":410}"#);
    /// ```
    pub fn to_body(&self, status: StatusCode) -> Vec<u8> {
        // Room for the members' text and some for each extension: mostly one
        // allocation.
        let text = [&self.title, &self.detail, &self.instance]
            .iter()
            .map(|member| member.as_ref().map_or(0, String::len))
            .sum::<usize>();
        let mut buf =
            Vec::with_capacity(64 + self.problem_type.len() + text + 32 * self.extensions.len());
        // Serializing a `Problem` cannot fail: its keys are strings and its
        // values are `serde_json::Value`s.
        let _ = serde_json::to_writer(&mut buf, &Members::new(self, Some(status)));
        buf
    }

    /// Reads a problem+json body leniently (see [`Problem`]); `None` when it
    /// is not a JSON object.
    ///
    /// ```
    /// let p = apierror::Problem::from_body(br#"{"type":"urn:x","status":"bad"}"#).unwrap();
    /// assert_eq!((p.problem_type(), p.status()), ("urn:x", None));
    /// assert!(apierror::Problem::from_body(b"[]").is_none());
    /// ```
    pub fn from_body(body: &[u8]) -> Option<Problem> {
        serde_json::from_slice(body).ok()
    }
}

/// Reads the members one by one, straight into the fields: no
/// `serde_json::Value` for the standard members, no allocation for their
/// names. A member of the wrong type, or `null`, leaves its field unset; when
/// a name repeats, the last one counts, as in a `serde_json::Value`.
struct ProblemVisitor;

impl<'de> Visitor<'de> for ProblemVisitor {
    type Value = Problem;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a problem details object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Problem, A::Error> {
        let mut problem = Problem::default();
        while let Some(name) = map.next_key::<Name>()? {
            match name {
                Name::Type => {
                    problem.problem_type = map
                        .next_value::<Lenient>()?
                        .0
                        .unwrap_or_else(|| ABOUT_BLANK.to_owned());
                }
                Name::Title => problem.title = map.next_value::<Lenient>()?.0,
                Name::Detail => problem.detail = map.next_value::<Lenient>()?.0,
                Name::Instance => problem.instance = map.next_value::<Lenient>()?.0,
                // A `Value`, not a visitor of numbers: with serde_json's
                // `arbitrary_precision` a number does not arrive as one.
                Name::Status => {
                    problem.status = match map.next_value::<Value>()? {
                        Value::Number(n) => n
                            .as_u64()
                            .filter(|code| (100..=599).contains(code))
                            .and_then(|code| StatusCode::from_u16(code as u16).ok()),
                        _ => None,
                    };
                }
                Name::Extension(name) => match map.next_value::<Value>()? {
                    Value::Null => {
                        problem.extensions.remove(&name);
                    }
                    value if !nests_within(&value, MAX_EXTENSION_DEPTH) => {
                        problem.extensions.remove(&name);
                        crate::log::extension_dropped(&name, &TOO_DEEP);
                    }
                    value => {
                        problem.extensions.insert(name, value);
                    }
                },
            }
        }
        Ok(problem)
    }
}

/// A member name, without allocating for the standard ones.
enum Name {
    Type,
    Title,
    Status,
    Detail,
    Instance,
    Extension(String),
}

impl Name {
    fn standard(name: &str) -> Option<Name> {
        Some(match name {
            "type" => Name::Type,
            "title" => Name::Title,
            "status" => Name::Status,
            "detail" => Name::Detail,
            "instance" => Name::Instance,
            _ => return None,
        })
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;

        impl Visitor<'_> for NameVisitor {
            type Value = Name;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<Name, E> {
                Ok(Name::standard(name).unwrap_or_else(|| Name::Extension(name.to_owned())))
            }

            fn visit_string<E: de::Error>(self, name: String) -> Result<Name, E> {
                Ok(Name::standard(&name).unwrap_or(Name::Extension(name)))
            }
        }

        deserializer.deserialize_str(NameVisitor)
    }
}

/// A string member read leniently: any other JSON value is read past and
/// gives `None`.
struct Lenient(Option<String>);

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LenientVisitor;

        impl<'de> Visitor<'de> for LenientVisitor {
            type Value = Lenient;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<Lenient, E> {
                Ok(Lenient(Some(s.to_owned())))
            }

            fn visit_string<E: de::Error>(self, s: String) -> Result<Lenient, E> {
                Ok(Lenient(Some(s)))
            }

            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }

            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }

            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }

            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }

            fn visit_none<E: de::Error>(self) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }

            fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Lenient, D::Error> {
                inner.deserialize_any(self)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Lenient, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Lenient(None))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Lenient, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Lenient(None))
            }
        }

        deserializer.deserialize_any(LenientVisitor)
    }
}

/// Whether `value` nests at most `levels` arrays or objects (a scalar: none).
fn nests_within(value: &Value, levels: usize) -> bool {
    match value {
        Value::Array(items) => levels > 0 && items.iter().all(|v| nests_within(v, levels - 1)),
        Value::Object(members) => {
            levels > 0 && members.values().all(|v| nests_within(v, levels - 1))
        }
        _ => true,
    }
}

/// The serialized view of a problem, with its status possibly overridden.
struct Members<'a> {
    problem: &'a Problem,
    status: Option<StatusCode>,
}

impl<'a> Members<'a> {
    fn new(problem: &'a Problem, status: Option<StatusCode>) -> Self {
        Members {
            problem,
            status: status.or(problem.status),
        }
    }
}

impl Serialize for Members<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let p = self.problem;
        let mut map = serializer.serialize_map(None)?;
        if p.problem_type != ABOUT_BLANK {
            map.serialize_entry("type", &p.problem_type)?;
        }
        if let Some(title) = &p.title {
            map.serialize_entry("title", title)?;
        }
        if let Some(status) = self.status {
            map.serialize_entry("status", &status.as_u16())?;
        }
        if let Some(detail) = &p.detail {
            map.serialize_entry("detail", detail)?;
        }
        if let Some(instance) = &p.instance {
            map.serialize_entry("instance", instance)?;
        }
        for (name, value) in &p.extensions {
            if !STANDARD_MEMBERS.contains(&name.as_str()) && !value.is_null() {
                map.serialize_entry(name, value)?;
            }
        }
        map.end()
    }
}

impl Serialize for Problem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Members::new(self, None).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Problem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ProblemVisitor)
    }
}

impl fmt::Display for Problem {
    /// `title: detail`, or whichever of them is present, or the type.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.title, &self.detail) {
            (Some(title), Some(detail)) => write!(f, "{title}: {detail}"),
            (Some(text), None) | (None, Some(text)) => f.write_str(text),
            (None, None) => f.write_str(&self.problem_type),
        }
    }
}

impl std::error::Error for Problem {}

impl crate::ApiError for Problem {
    /// The problem's `status`, or 500 when it has none or it is not an error
    /// status.
    fn status(&self) -> StatusCode {
        match self.status {
            Some(status) if status.is_client_error() || status.is_server_error() => status,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem, with `status` as the response sends it (see
    /// [`status`](crate::ApiError::status)), so that it agrees with the body.
    ///
    /// ```
    /// use apierror::{ApiError, Problem};
    /// use http::StatusCode;
    ///
    /// let problem = Problem::new(StatusCode::OK);
    /// assert_eq!(problem.status(), Some(StatusCode::OK));
    /// assert_eq!(ApiError::status(&problem), StatusCode::INTERNAL_SERVER_ERROR);
    /// assert_eq!(ApiError::problem(&problem).status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    /// assert_eq!(&*problem.body(), br#"{"title":"Error","status":500}"#);
    /// ```
    fn problem(&self) -> Problem {
        let mut problem = self.clone();
        problem.status = Some(crate::ApiError::status(self));
        problem
    }

    /// The body, written straight from the problem (no clone), with the
    /// status the response is sent with.
    fn body(&self) -> std::borrow::Cow<'static, [u8]> {
        std::borrow::Cow::Owned(self.to_body(crate::ApiError::status(self)))
    }

    fn problem_type(&self) -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Owned(self.problem_type.clone())
    }

    #[cfg(feature = "xml")]
    fn xml_body(&self) -> std::borrow::Cow<'static, [u8]> {
        std::borrow::Cow::Owned(self.to_xml_body(crate::ApiError::status(self)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lenient_parsing_follows_rfc_9457_3_1() {
        let p: Problem = serde_json::from_value(json!({
            "type": 5, "title": ["x"], "status": 700, "detail": null,
            "instance": "/i", "ext": {"a": 1}, "gone": null
        }))
        .unwrap();
        assert_eq!(p.problem_type(), "about:blank");
        assert_eq!(p.title(), None);
        assert_eq!(p.status(), None);
        assert_eq!(p.detail(), None);
        assert_eq!(p.instance(), Some("/i"));
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"instance": "/i", "ext": {"a": 1}})
        );
        assert!(serde_json::from_str::<Problem>("\"x\"").is_err());
    }

    #[test]
    fn status_bounds() {
        for (status, kept) in [
            (99, false),
            (100, true),
            (599, true),
            (600, false),
            (-1, false),
        ] {
            let p: Problem = serde_json::from_value(json!({ "status": status })).unwrap();
            assert_eq!(p.status().is_some(), kept, "{status}");
        }
        let p: Problem = serde_json::from_value(json!({ "status": 404.0 })).unwrap();
        assert_eq!(p.status(), None);
    }

    #[test]
    fn a_repeated_name_counts_last_as_in_a_value() {
        let p = Problem::from_body(
            br#"{"title":"a","title":7,"type":"urn:x","type":"urn:y","e":1,"e":null,"f":null,"f":2,"status":404,"status":"x"}"#,
        )
        .unwrap();
        assert_eq!(p.title(), None);
        assert_eq!(p.problem_type(), "urn:y");
        assert_eq!(p.status(), None);
        assert_eq!(p.extension("e"), None);
        assert_eq!(p.extension("f"), Some(&json!(2)));
    }

    #[test]
    fn escaped_names_are_the_names_they_spell() {
        let p = Problem::from_body(br#"{"typ\u0065":"urn:x","st\u0061tus":409,"a\"b":1}"#).unwrap();
        assert_eq!(p.problem_type(), "urn:x");
        assert_eq!(p.status(), Some(StatusCode::CONFLICT));
        assert_eq!(p.extension("a\"b"), Some(&json!(1)));
    }

    #[test]
    fn not_an_object_is_no_problem() {
        for body in [
            &b"[]"[..],
            b"\"x\"",
            b"1",
            b"null",
            b"",
            b"{",
            b"{}x",
            b"{\"a\":}",
        ] {
            assert_eq!(Problem::from_body(body), None, "{body:?}");
        }
        assert_eq!(Problem::from_body(b" {} "), Some(Problem::default()));
    }

    #[test]
    fn eq_and_from_status() {
        fn is_eq<T: Eq>() {}
        is_eq::<Problem>();
        let from: Problem = StatusCode::GONE.into();
        assert_eq!(from, Problem::new(StatusCode::GONE));
        assert_ne!(from, from.clone().with_extension("a", [1.5]));
    }

    #[test]
    fn round_trip_keeps_order() {
        let text = r#"{"type":"tag:example.com,2026:x","title":"T","status":422,"detail":"d","instance":"urn:uuid:1","a":[true],"z":1}"#;
        let p: Problem = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), text);
    }
}
