//! Reading a JSON request body, shared by the axum and actix-web extractors:
//! what counts as JSON, how a body becomes `T`, and the problem each failure
//! answers with.

use std::borrow::Cow;
use std::fmt;

use http::StatusCode;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::error::Category;

use crate::{ApiError, Problem, Violations};

/// Why a JSON request body was rejected: the rejection of
/// `apierror::axum::Json` and `apierror::actix::Json` (features `axum`,
/// `actix-web`), and an [`ApiError`] like any other, so it answers with a
/// problem:
///
/// | failure | status | body |
/// | --- | --- | --- |
/// | `Content-Type` not JSON | 415 | `detail` names the expected type |
/// | body over the limit | 413 | `detail` gives the limit when the framework knows it |
/// | not valid JSON (judged over the whole body) | 400 | `detail` gives line and column |
/// | valid JSON of the wrong shape | 422 | an `errors` member with one violation, pointing at the place |
/// | the body could not be read | 400 | |
///
/// ```
/// use apierror::{ApiError, JsonError};
///
/// #[derive(Debug, serde::Deserialize)]
/// struct Order {
///     lines: Vec<Line>,
/// }
/// #[derive(Debug, serde::Deserialize)]
/// struct Line {
///     qty: u32,
/// }
///
/// let err = JsonError::from_slice::<Order>(br#"{"lines": [{"qty": 1}, {"qty": -1}]}"#).unwrap_err();
/// assert_eq!(err.status(), 422);
/// assert_eq!(
///     serde_json::from_slice::<serde_json::Value>(&err.body()).unwrap(),
///     serde_json::json!({
///         "title": "Unprocessable Content",
///         "status": 422,
///         "detail": "the request body is valid JSON of the wrong shape",
///         "errors": [{
///             "detail": "invalid value: integer `-1`, expected u32",
///             "pointer": "#/lines/1/qty"
///         }]
///     })
/// );
///
/// let err = JsonError::from_slice::<Order>(b"{\"lines\": [}").unwrap_err();
/// assert_eq!(err.status(), 400);
/// assert_eq!(
///     err.problem().detail(),
///     Some("the request body is not valid JSON: expected value at line 1 column 12")
/// );
/// ```
#[derive(Debug)]
pub struct JsonError {
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    UnsupportedMediaType,
    TooLarge {
        limit: Option<usize>,
    },
    Unreadable,
    /// serde_json's message, with line and column.
    Syntax(String),
    Shape(Violations),
    /// A shape error whose place is not known (actix-web's own rejection).
    ShapeNoPath(String),
}

const SHAPE: &str = "the request body is valid JSON of the wrong shape";

impl JsonError {
    /// Reads `bytes` as `T`: syntax over the whole body first (400), then
    /// the shape (422, with the place that failed). What both extractors do
    /// once they have the body.
    ///
    /// ```
    /// let n: u8 = apierror::JsonError::from_slice(b" 7 ").unwrap();
    /// assert_eq!(n, 7);
    /// // A shape error early in the body, a syntax error later: 400.
    /// let err = apierror::JsonError::from_slice::<u8>(b"[1, }").unwrap_err();
    /// assert_eq!(apierror::ApiError::status(&err), 400);
    /// ```
    pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonError> {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Ok(value) => match deserializer.end() {
                Ok(()) => Ok(value),
                Err(error) => Err(JsonError::syntax(&error)),
            },
            // Whatever serde_json calls the error (it reports an enum
            // given a number as a syntax error), valid JSON is a shape error.
            Err(error) => match serde_json::from_slice::<IgnoredAny>(bytes) {
                Err(syntax) => Err(JsonError::syntax(&syntax)),
                Ok(_) => {
                    let detail = match (error.inner().classify(), message(error.inner())) {
                        // serde_json's words, on valid JSON, for an enum given
                        // anything but a string or an object of one member.
                        (Category::Syntax, m) if m == "expected value" => {
                            "expected a variant: a string, or an object with one member".to_owned()
                        }
                        (_, m) => m,
                    };
                    Err(JsonError::shape(&pointer_of(error.path()), detail))
                }
            },
        }
    }

    pub(crate) fn unsupported_media_type() -> JsonError {
        JsonError {
            kind: Kind::UnsupportedMediaType,
        }
    }

    pub(crate) fn too_large(limit: Option<usize>) -> JsonError {
        JsonError {
            kind: Kind::TooLarge { limit },
        }
    }

    pub(crate) fn unreadable() -> JsonError {
        JsonError {
            kind: Kind::Unreadable,
        }
    }

    /// A shape error that serde_path_to_error located.
    #[cfg_attr(not(feature = "axum"), allow(dead_code))]
    pub(crate) fn located(error: &serde_path_to_error::Error<serde_json::Error>) -> JsonError {
        JsonError::shape(&pointer_of(error.path()), message(error.inner()))
    }

    /// A serde_json error from reading a whole body, by its category.
    pub(crate) fn from_serde(error: &serde_json::Error) -> JsonError {
        match error.classify() {
            Category::Data => JsonError {
                kind: Kind::ShapeNoPath(error.to_string()),
            },
            _ => JsonError::syntax(error),
        }
    }

    /// A shape error at `pointer`, what is wrong given.
    fn shape(pointer: &str, detail: String) -> JsonError {
        let mut violations = Violations::new();
        violations.push(pointer, detail);
        JsonError {
            kind: Kind::Shape(violations),
        }
    }

    pub(crate) fn syntax(error: &serde_json::Error) -> JsonError {
        JsonError {
            kind: Kind::Syntax(error.to_string()),
        }
    }

    /// The `detail` member.
    fn detail(&self) -> Cow<'static, str> {
        match &self.kind {
            Kind::UnsupportedMediaType => Cow::Borrowed(
                "the request body must be JSON, sent with Content-Type: application/json",
            ),
            Kind::TooLarge { limit: Some(limit) } => Cow::Owned(format!(
                "the request body is larger than the limit of {limit} bytes"
            )),
            Kind::TooLarge { limit: None } => Cow::Borrowed("the request body is too large"),
            Kind::Unreadable => Cow::Borrowed("the request body could not be read"),
            Kind::Syntax(error) => {
                Cow::Owned(format!("the request body is not valid JSON: {error}"))
            }
            Kind::Shape(_) => Cow::Borrowed(SHAPE),
            Kind::ShapeNoPath(error) => Cow::Owned(format!("{SHAPE}: {error}")),
        }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Shape(violations) => {
                f.write_str(SHAPE)?;
                for v in violations {
                    write!(f, ": {} at {:?}", v.detail(), v.pointer())?;
                }
                Ok(())
            }
            _ => f.write_str(&self.detail()),
        }
    }
}

impl std::error::Error for JsonError {}

impl ApiError for JsonError {
    fn status(&self) -> StatusCode {
        match self.kind {
            Kind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Kind::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::Unreadable | Kind::Syntax(_) => StatusCode::BAD_REQUEST,
            Kind::Shape(_) | Kind::ShapeNoPath(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn problem(&self) -> Problem {
        let problem = Problem::new(self.status()).with_detail(self.detail());
        match &self.kind {
            Kind::Shape(violations) => problem.with_extension("errors", violations),
            _ => problem,
        }
    }

    fn body(&self) -> Cow<'static, [u8]> {
        match &self.kind {
            Kind::Shape(violations) => Cow::Owned(violations.body_with_detail(SHAPE)),
            _ => Cow::Owned(self.problem().to_body(self.status())),
        }
    }

    fn problem_type(&self) -> Cow<'static, str> {
        Cow::Borrowed(crate::render::ABOUT_BLANK)
    }
}

#[cfg_attr(not(feature = "axum"), allow(dead_code))]
/// Whether a `Content-Type` value is `application/json` or
/// `application/<anything>+json`, parameters allowed, case-insensitive.
pub(crate) fn is_json(content_type: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(content_type) else {
        return false;
    };
    let essence = text.split(';').next().unwrap_or("").trim();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    if !token(kind) || !token(subtype) || !kind.eq_ignore_ascii_case("application") {
        return false;
    }
    let subtype = subtype.to_ascii_lowercase();
    subtype == "json" || (subtype.len() > 5 && subtype.ends_with("+json"))
}

/// The RFC 6901 pointer of a serde_path_to_error path; a segment that cannot
/// be named ends it.
pub(crate) fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    use std::fmt::Write as _;

    let mut pointer = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => {
                let _ = write!(pointer, "/{index}");
            }
            Segment::Map { key } => {
                pointer.push('/');
                crate::violations::push_token(&mut pointer, key);
            }
            Segment::Enum { variant } => {
                pointer.push('/');
                crate::violations::push_token(&mut pointer, variant);
            }
            Segment::Unknown => break,
        }
    }
    // Always a pointer, never a bare name: `push` reads "" as the document.
    pointer
}

/// A framework's status for its own rejection, as an error status: anything
/// outside 400–599 becomes 500.
pub(crate) fn error_status(code: u16) -> StatusCode {
    match StatusCode::from_u16(code) {
        Ok(status) if status.is_client_error() || status.is_server_error() => status,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// serde_json's message without its " at line L column C".
pub(crate) fn message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    if error.line() == 0 {
        return text;
    }
    let position = format!(" at line {} column {}", error.line(), error.column());
    match text.strip_suffix(&position) {
        Some(message) => message.to_owned(),
        None => text,
    }
}

/// A response value that serde could not serialize: a 500 with no detail;
/// the reason goes to the log.
#[derive(Debug)]
pub(crate) struct Unserializable(pub(crate) serde_json::Error);

impl fmt::Display for Unserializable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the JSON response could not be serialized: {}", self.0)
    }
}

impl std::error::Error for Unserializable {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl ApiError for Unserializable {
    fn status(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn problem(&self) -> Problem {
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn body(&self) -> Cow<'static, [u8]> {
        Cow::Borrowed(br#"{"title":"Internal Server Error","status":500}"#)
    }

    fn problem_type(&self) -> Cow<'static, str> {
        Cow::Borrowed(crate::render::ABOUT_BLANK)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        for (value, json) in [
            ("application/json", true),
            ("Application/JSON; charset=utf-8", true),
            ("application/problem+json", true),
            ("application/vnd.api+json ;x=y", true),
            ("application/+json", false),
            ("application/jsonx", false),
            ("text/json", false),
            ("text/plain", false),
            ("application/json/x", false),
            ("", false),
            ("json", false),
        ] {
            assert_eq!(is_json(value.as_bytes()), json, "{value}");
        }
        assert!(!is_json(b"application/json\xff"));
    }
}
