//! What the code `#[derive(ApiError)]` generates calls. Not public API: it may
//! change in any release.

use std::fmt;
use std::sync::OnceLock;

pub use ::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
pub use ::serde;
pub use ::std::borrow::Cow;

#[cfg(feature = "actix-web")]
pub use ::actix_web;
#[cfg(feature = "axum")]
pub use ::axum_core;

#[cfg(feature = "actix-web")]
pub use crate::actix::{actix_response, actix_status};
#[cfg(feature = "axum")]
pub use crate::axum::axum_response;
pub use crate::client::{Claim, extension, status_code};
pub use crate::render::BodyWriter;
pub use crate::render::Flattened;
use crate::{ApiError, Problem};

/// The `StatusCode` for a code the derive has checked to be 400–599.
#[inline]
pub fn status(code: u16) -> StatusCode {
    match StatusCode::from_u16(code) {
        Ok(status) => status,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Appends a header whose value is formatted from fields, with the rules
/// static values follow: surrounding spaces and tabs (HTTP's optional
/// whitespace) are trimmed, and a value left empty, one that is not a valid
/// header value (CR, LF, other control bytes), or one whose formatting fails
/// is dropped and logged, never sent.
pub fn append_formatted(headers: &mut HeaderMap, name: HeaderName, value: fmt::Arguments<'_>) {
    let value = match value.as_str() {
        Some(s) => trimmed(s).and_then(|s| HeaderValue::from_str(s).ok()),
        // Not `fmt::format`: it panics when a field's `Display` returns `Err`.
        None => {
            let mut text = String::new();
            match fmt::Write::write_fmt(&mut text, value) {
                Ok(()) => match trimmed(&text) {
                    Some(s) if s.len() == text.len() => HeaderValue::try_from(text).ok(),
                    Some(s) => HeaderValue::from_str(s).ok(),
                    None => None,
                },
                Err(_) => None,
            }
        }
    };
    match value {
        Some(value) => {
            headers.append(name, value);
        }
        None => crate::log::header_dropped(name.as_str()),
    }
}

/// `value` without surrounding spaces and tabs; `None` when nothing is left.
fn trimmed(value: &str) -> Option<&str> {
    Some(value.trim_matches([' ', '\t'])).filter(|s| !s.is_empty())
}

/// The fixed header values of a derived type, made on their first use and
/// then shared: the derive writes one `static` of them per impl, and names a
/// value by its index.
///
/// Not `const` `HeaderValue`s: evaluating `HeaderValue::from_static` at
/// compile time costs the compiler about 50,000 instructions per byte (it
/// checks each one), which for an enum with a few dozen fixed values was a
/// tenth of what the derive adds to `cargo check`; nor a `static` per value,
/// each an item that cost about 0.5 M instructions. Made on each use instead, the check cost a
/// 401 with a 38-byte `WWW-Authenticate` a quarter more instructions per
/// response; made once, a use is a load, a branch and a clone of a `static`
/// byte string.
pub struct FixedValues {
    texts: &'static [&'static str],
    made: OnceLock<Box<[Option<HeaderValue>]>>,
}

impl FixedValues {
    pub const fn new(texts: &'static [&'static str]) -> FixedValues {
        FixedValues {
            texts,
            made: OnceLock::new(),
        }
    }

    /// Value `index`; `None` if its text is not a valid header value (the
    /// derive refuses such text, so this only guards against a panic).
    #[inline]
    fn get(&self, index: usize) -> Option<HeaderValue> {
        let made = self.made.get_or_init(|| {
            self.texts
                .iter()
                .map(|text| {
                    // Checked without panicking first; then made from the
                    // `static` text itself, so clones copy no bytes.
                    HeaderValue::from_str(text)
                        .ok()
                        .map(|_| HeaderValue::from_static(text))
                })
                .collect()
        });
        made.get(index).cloned().flatten()
    }
}

/// Appends a header whose value is fixed (value `index` of `values`): a
/// plain function, cheaper to type-check in generated code than
/// `HeaderMap::append`.
#[inline]
pub fn append(headers: &mut HeaderMap, name: HeaderName, values: &FixedValues, index: usize) {
    match values.get(index) {
        Some(value) => {
            headers.append(name, value);
        }
        None => crate::log::header_dropped(name.as_str()),
    }
}

/// [`append_formatted`] for one `Display` value.
#[inline]
pub fn append_display<T: fmt::Display + ?Sized>(
    headers: &mut HeaderMap,
    name: HeaderName,
    value: &T,
) {
    append_formatted(headers, name, format_args!("{value}"));
}

/// A body known whole at compile time. The derive writes it as a string
/// literal, not a byte string: a `&str` literal needs no unsizing from an
/// array type of its own length, which made each such arm dearer to check.
#[inline]
pub const fn static_body(body: &'static str) -> Cow<'static, [u8]> {
    Cow::Borrowed(body.as_bytes())
}

/// The headers of a `transparent` variant: its field's, then each of the
/// enum's that the field did not send (the field's header of a name wins).
pub fn inherit<E: ApiError + ?Sized>(
    headers: &mut HeaderMap,
    inner: &E,
    values: &FixedValues,
    inherited: &[(HeaderName, usize)],
) {
    // How many values of each of the enum's names the map held before, so
    // that only values the field added count as the field's (an enum has a
    // handful of headers; past 16, any value counts).
    let mut before = [0usize; 16];
    for (count, (name, _)) in before.iter_mut().zip(inherited) {
        *count = headers.get_all(name).iter().count();
    }
    inner.headers(headers);
    for (i, (name, value)) in inherited.iter().enumerate() {
        let held = before.get(i).copied().unwrap_or(0);
        if headers.get_all(name).iter().count() == held {
            append(headers, name.clone(), values, *value);
        }
    }
}

/// The field of the `transparent` variant `error` is, which the derive's
/// `_` arms answer through (see `ApiError::__transparent`). Those arms match
/// only transparent variants, so the field is always there; were it not, a
/// bare 500 answers rather than a panic.
#[inline]
pub fn transparent<E: ApiError + ?Sized>(error: &E) -> &dyn ApiError {
    match error.__transparent() {
        Some(inner) => inner,
        None => &NoField,
    }
}

/// What [`transparent`] gives when there is no field: a bare 500.
#[derive(Debug)]
struct NoField;

impl fmt::Display for NoField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("internal error")
    }
}

impl std::error::Error for NoField {}

impl ApiError for NoField {
    fn status(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn problem(&self) -> Problem {
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// `status()` through a generic bound: called from the impls the derive
/// emits, it adds no error of its own when the type lacks `Error` (the
/// `ApiError` impl already reports that, on the type's name).
#[inline]
pub fn status_of<E: ApiError + ?Sized>(error: &E) -> StatusCode {
    error.status()
}

/// `problem()` of a derived type: its own body read back, so the two agree.
pub fn problem_of<E: ApiError + ?Sized>(error: &E) -> Problem {
    Problem::from_body(&error.body()).unwrap_or_else(|| Problem::new(error.status()))
}

/// `IntoResponse` for a derived type when the `axum` feature is on; nothing
/// otherwise (the feature is `apierror`'s, so the check happens here, not in
/// the user's crate).
#[cfg(feature = "axum")]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_axum {
    ({$($impl:tt)*} {$($ty:tt)*} {$($where:tt)*}) => {
        $($impl)* $crate::__private::axum_core::response::IntoResponse for $($ty)* $($where)* {
            #[inline]
            fn into_response(self) -> $crate::__private::axum_core::response::Response {
                $crate::__private::axum_response(&self)
            }
        }
    };
}

#[cfg(not(feature = "axum"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_axum {
    ($($tokens:tt)*) => {};
}

/// `ResponseError` for a derived type when the `actix-web` feature is on.
#[cfg(feature = "actix-web")]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_actix {
    ({$($impl:tt)*} {$($ty:tt)*} {$($where:tt)*}) => {
        $($impl)* $crate::__private::actix_web::ResponseError for $($ty)* $($where)* {
            #[inline]
            fn status_code(&self) -> $crate::__private::actix_web::http::StatusCode {
                $crate::__private::actix_status($crate::__private::status_of(self))
            }

            #[inline]
            fn error_response(&self) -> $crate::__private::actix_web::HttpResponse {
                $crate::__private::actix_response(self)
            }
        }
    };
}

#[cfg(not(feature = "actix-web"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_actix {
    ($($tokens:tt)*) => {};
}

/// `ApiError::xml_body` of a derived type when the `xml` feature is on (the
/// derive passes the whole method, whose arms hold each static variant's XML
/// body rendered at compile time); nothing otherwise.
#[cfg(feature = "xml")]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_xml_body {
    ($($method:tt)*) => {
        $($method)*
    };
}

#[cfg(not(feature = "xml"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_xml_body {
    ($($tokens:tt)*) => {};
}

#[cfg(feature = "xml")]
pub use crate::xml::XmlWriter;

/// The XML body of a derived variant whose body uses fields: its JSON body
/// transcoded.
#[cfg(feature = "xml")]
pub fn xml_transcoded<E: ApiError + ?Sized>(error: &E) -> Cow<'static, [u8]> {
    Cow::Owned(crate::xml::body_of(error))
}

pub use crate::__impl_from_problem as impl_from_problem;
pub use crate::{
    __impl_actix as impl_actix, __impl_axum as impl_axum, __impl_openapi as impl_openapi,
    __impl_xml_body as impl_xml_body,
};

/// `IntoResponses` for a derived type that asks with `#[problem(openapi)]`,
/// when the `utoipa` feature is on.
#[cfg(feature = "utoipa")]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_openapi {
    ({$($impl:tt)*} {$($ty:tt)*} {$($where:tt)*} {$($body:tt)*}) => {
        $($impl)* $crate::__private::utoipa::IntoResponses for $($ty)* $($where)* {
            fn responses() -> $crate::__private::openapi::Responses {
                $($body)*
            }
        }
    };
}

/// Without the feature, `#[problem(openapi)]` cannot be honoured: say which
/// feature it needs rather than emit nothing.
#[cfg(not(feature = "utoipa"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_openapi {
    ($($tokens:tt)*) => {
        ::core::compile_error! {
            "`#[problem(openapi)]` needs the `utoipa` feature of apierror: `apierror = { version = \"0.1\", features = [\"utoipa\"] }`"
        }
    };
}

#[cfg(feature = "utoipa")]
pub use crate::openapi;
#[cfg(feature = "utoipa")]
pub use ::utoipa;

pub use crate::types::ProblemType;

/// `ProblemTypes` of a `transparent` variant's field by autoref
/// specialization: `(&&TypesProbe::<T>::new()).problem_types_of()` is
/// `T::problem_types()` when `T: ProblemTypes`, an empty list otherwise, so
/// a field whose type does not list its types (a hand-written `ApiError`)
/// does not break the derive.
pub struct TypesProbe<T: ?Sized>(core::marker::PhantomData<fn() -> *const T>);

impl<T: ?Sized> TypesProbe<T> {
    #[inline]
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        TypesProbe(core::marker::PhantomData)
    }
}

/// The probe's choice when the field lists its types.
pub trait ViaProblemTypes {
    fn problem_types_of(&self) -> Vec<ProblemType>;
}

impl<T: crate::ProblemTypes + ?Sized> ViaProblemTypes for &TypesProbe<T> {
    #[inline]
    fn problem_types_of(&self) -> Vec<ProblemType> {
        T::problem_types()
    }
}

/// The probe's choice when it does not.
pub trait NoProblemTypes {
    fn problem_types_of(&self) -> Vec<ProblemType>;
}

impl<T: ?Sized> NoProblemTypes for TypesProbe<T> {
    #[inline]
    fn problem_types_of(&self) -> Vec<ProblemType> {
        Vec::new()
    }
}

/// The list `ProblemTypes::problem_types` returns, from a derived type's
/// own entries `(type, title, status, description)` and its transparent
/// fields' lists, each to go before the own entry at its index: entries
/// equal in every part once, in first-seen order.
pub fn problem_types<const N: usize>(
    own: &[(&'static str, &'static str, u16, &'static str)],
    fields: [(usize, Vec<ProblemType>); N],
) -> Vec<ProblemType> {
    let mut out: Vec<ProblemType> = Vec::with_capacity(own.len());
    let mut fields = fields.into_iter().peekable();
    for at in 0..=own.len() {
        while let Some((_, types)) = fields.next_if(|(before, _)| *before <= at) {
            for t in types {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
        if let Some(&(uri, title, status, description)) = own.get(at) {
            let t = ProblemType::__new(uri, title, status, description);
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_values_are_appended_by_index_and_invalid_text_is_dropped() {
        static VALUES: FixedValues = FixedValues::new(&["no-store", "bad\r\nInjected: yes", ""]);
        let mut headers = HeaderMap::new();
        append(&mut headers, header::CACHE_CONTROL, &VALUES, 0);
        append(&mut headers, header::WARNING, &VALUES, 1);
        append(&mut headers, header::VARY, &VALUES, 2);
        append(&mut headers, header::ALLOW, &VALUES, 3);
        // Again, from the values made on first use.
        append(&mut headers, header::CACHE_CONTROL, &VALUES, 0);
        let cache: Vec<_> = headers.get_all(header::CACHE_CONTROL).iter().collect();
        assert_eq!(cache, ["no-store", "no-store"]);
        assert!(!headers.contains_key(header::WARNING));
        assert!(!headers.contains_key("injected"));
        // An empty value is a valid one (RFC 9110, section 5.5).
        assert_eq!(
            headers.get(header::VARY).map(HeaderValue::as_bytes),
            Some(&b""[..])
        );
        assert!(!headers.contains_key(header::ALLOW));
    }

    #[test]
    fn a_type_without_a_transparent_field_answers_as_a_bare_500() {
        let problem = Problem::new(StatusCode::NOT_FOUND);
        let inner = transparent(&problem);
        assert_eq!(inner.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body: serde_json::Value = serde_json::from_slice(&inner.body()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"title": "Internal Server Error", "status": 500})
        );
    }
}
