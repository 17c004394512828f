//! What HTTP says about each error status: its reason phrase, its class and the
//! headers the specifications tie to it.
//!
//! The phrases are those of the [IANA HTTP Status Code Registry] today (RFC 9110
//! and later), not [`http::StatusCode::canonical_reason`], which still says
//! "Payload Too Large" for 413 and "Unprocessable Entity" for 422.
//!
//! ```
//! use apierror::status::{self, Class, Strength};
//! use http::StatusCode;
//!
//! assert_eq!(status::title(413), "Content Too Large");
//! assert_eq!(status::title(499), "Client Error"); // unregistered: titled by its class
//!
//! let info = status::info(StatusCode::UNAUTHORIZED).unwrap();
//! assert_eq!(info.class(), Class::ClientError);
//! let rule = &info.headers()[0];
//! assert_eq!((rule.name(), rule.strength()), ("www-authenticate", Strength::Must));
//! ```
//!
//! [IANA HTTP Status Code Registry]: https://www.iana.org/assignments/http-status-codes

use http::StatusCode;

/// The class of an error status (RFC 9110 §15).
///
/// ```
/// use apierror::status::Class;
///
/// assert_eq!(Class::of(404), Some(Class::ClientError));
/// assert_eq!(Class::of(503), Some(Class::ServerError));
/// assert_eq!(Class::of(302), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    /// 4xx: the request was at fault.
    ClientError,
    /// 5xx: the server failed a request that may have been valid.
    ServerError,
}

impl Class {
    /// The class of `code`, or `None` outside 400–599.
    ///
    /// ```
    /// assert_eq!(apierror::status::Class::of(600), None);
    /// ```
    pub const fn of(code: u16) -> Option<Class> {
        match code {
            400..=499 => Some(Class::ClientError),
            500..=599 => Some(Class::ServerError),
            _ => None,
        }
    }

    /// The title of an unregistered status of this class: "Client Error" or
    /// "Server Error".
    ///
    /// ```
    /// assert_eq!(apierror::status::Class::ServerError.title(), "Server Error");
    /// ```
    pub const fn title(self) -> &'static str {
        match self {
            Class::ClientError => "Client Error",
            Class::ServerError => "Server Error",
        }
    }
}

/// How strongly a specification ties a header to a status.
///
/// ```
/// use apierror::status::{self, Strength};
///
/// let rule = &status::info(http::StatusCode::RANGE_NOT_SATISFIABLE).unwrap().headers()[0];
/// assert_eq!(rule.strength(), Strength::Should);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Strength {
    /// The response MUST carry the header; `#[derive(ApiError)]` refuses to
    /// compile without it.
    Must,
    /// The response SHOULD carry the header.
    Should,
    /// The response MAY carry the header (for `Retry-After`: SHOULD when the
    /// condition is temporary).
    May,
}

/// A header that a specification ties to a status.
///
/// ```
/// let info = apierror::status::info(http::StatusCode::METHOD_NOT_ALLOWED).unwrap();
/// assert_eq!(info.headers()[0].name(), "allow");
/// assert_eq!(info.headers()[0].reference(), "RFC 9110 §15.5.6");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderRule {
    name: &'static str,
    strength: Strength,
    reference: &'static str,
}

impl HeaderRule {
    /// The header's name, lowercase.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// How strongly the specification asks for it.
    pub const fn strength(&self) -> Strength {
        self.strength
    }

    /// Where the specification says so.
    pub const fn reference(&self) -> &'static str {
        self.reference
    }
}

/// What the registry says about one registered error status.
///
/// ```
/// let info = apierror::status::info(http::StatusCode::from_u16(422).unwrap()).unwrap();
/// assert_eq!(info.phrase(), "Unprocessable Content");
/// assert!(info.headers().is_empty());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusInfo {
    code: u16,
    phrase: &'static str,
    headers: &'static [HeaderRule],
}

impl StatusInfo {
    /// The numeric code.
    pub const fn code(&self) -> u16 {
        self.code
    }

    /// The registered reason phrase, which is also the default problem title.
    pub const fn phrase(&self) -> &'static str {
        self.phrase
    }

    /// Client or server error.
    pub const fn class(&self) -> Class {
        match Class::of(self.code) {
            Some(class) => class,
            None => Class::ServerError,
        }
    }

    /// The headers specifications tie to this status, strongest first.
    pub const fn headers(&self) -> &'static [HeaderRule] {
        self.headers
    }
}

const fn rule(name: &'static str, strength: Strength, reference: &'static str) -> HeaderRule {
    HeaderRule {
        name,
        strength,
        reference,
    }
}

const fn entry(code: u16, phrase: &'static str, headers: &'static [HeaderRule]) -> StatusInfo {
    StatusInfo {
        code,
        phrase,
        headers,
    }
}

mod table;

/// Builds the registry from the rows of `table.rs`, which the derive compiles
/// too.
macro_rules! registry {
    (
        errors {$(
            $code:literal $name:ident $phrase:literal [$((
                $strength:ident, $header:literal, $prose:literal, $reference:literal, $example:literal
            )),*];
        )*}
        others {$($other:literal $other_name:ident;)*}
    ) => {
        /// Every registered 4xx and 5xx status, in order.
        static REGISTRY: &[StatusInfo] = &[
            $(entry($code, $phrase, &[$(rule($header, Strength::$strength, $reference)),*]),)*
        ];

        /// The derive accepts these names as `#[status(NAME)]`: each must be
        /// the `http::StatusCode` constant of its code.
        #[cfg(test)]
        #[test]
        fn names_are_http_constants() {
            $(assert_eq!(StatusCode::$name.as_u16(), $code, stringify!($name));)*
            $(assert_eq!(StatusCode::$other_name.as_u16(), $other, stringify!($other_name));)*
        }
    };
}

table::status_table!(registry);

/// Every registered 4xx and 5xx status, in ascending order.
///
/// ```
/// let codes: Vec<u16> = apierror::status::registered().iter().map(|s| s.code()).collect();
/// assert_eq!(codes.first(), Some(&400));
/// assert_eq!(codes.last(), Some(&511));
/// assert!(!codes.contains(&419));
/// ```
pub fn registered() -> &'static [StatusInfo] {
    REGISTRY
}

const fn find(code: u16) -> Option<&'static StatusInfo> {
    let mut i = 0;
    while i < REGISTRY.len() {
        if REGISTRY[i].code == code {
            return Some(&REGISTRY[i]);
        }
        i += 1;
    }
    None
}

/// What the registry says about `status`, if it is a registered error status.
///
/// ```
/// use http::StatusCode;
///
/// assert!(apierror::status::info(StatusCode::NOT_FOUND).is_some());
/// assert!(apierror::status::info(StatusCode::OK).is_none());
/// ```
pub fn info(status: StatusCode) -> Option<&'static StatusInfo> {
    find(status.as_u16())
}

/// The default problem title for `code`: the registered reason phrase, else
/// "Client Error" or "Server Error" by class, else "Error".
///
/// It is a `const fn`, usable in constants. The derive renders the same
/// titles from the same table (`status/table.rs`) into byte-string literals.
///
/// ```
/// assert_eq!(apierror::status::title(422), "Unprocessable Content");
/// assert_eq!(apierror::status::title(599), "Server Error");
/// ```
pub const fn title(code: u16) -> &'static str {
    match find(code) {
        Some(info) => info.phrase,
        None => match Class::of(code) {
            Some(class) => class.title(),
            None => "Error",
        },
    }
}

/// The header a response with status `code` MUST carry (RFC 9110), if any:
/// [`Strength::Must`] in the registry, as a `match` for the response path.
#[inline]
pub(crate) const fn required_header(code: u16) -> Option<&'static str> {
    match code {
        401 => Some("www-authenticate"),
        405 => Some("allow"),
        407 => Some("proxy-authenticate"),
        426 => Some("upgrade"),
        _ => None,
    }
}

/// The reason phrase actix-web should send for `code` when its
/// `canonical_reason` (`http` 0.2) or `http` 1's is not [`title`]: the
/// out-of-date 413 "Payload Too Large", 418 "I'm a teapot" and 422
/// "Unprocessable Entity", 425 (which `http` 0.2 does not name), 510 (now
/// "Not Extended (OBSOLETED)"), and the
/// unregistered codes neither names. `None` where both are current.
#[cfg(feature = "actix-web")]
#[inline]
pub(crate) const fn stale_reason(code: u16) -> Option<&'static str> {
    match code {
        413 | 418 | 422 | 425 | 510 => Some(title(code)),
        _ if find(code).is_some() => None,
        _ => match Class::of(code) {
            Some(class) => Some(class.title()),
            None => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "actix-web")]
    #[test]
    fn stale_reason_is_where_http_disagrees_with_the_registry() {
        for code in 400..=599 {
            let http_1 = StatusCode::from_u16(code).unwrap().canonical_reason();
            let http_02 = actix_web::http::StatusCode::from_u16(code)
                .unwrap()
                .canonical_reason();
            let current = http_1 == Some(title(code)) && http_02 == Some(title(code));
            assert_eq!(
                stale_reason(code),
                (!current).then(|| title(code)),
                "{code}: http 1 {http_1:?}, http 0.2 {http_02:?}"
            );
        }
    }

    #[test]
    fn required_header_is_the_registry_s_must() {
        for code in 0..=999 {
            let must: Vec<&str> = find(code)
                .map(|info| info.headers)
                .unwrap_or_default()
                .iter()
                .filter(|h| h.strength == Strength::Must)
                .map(|h| h.name)
                .collect();
            assert_eq!(required_header(code).as_slice(), must.as_slice(), "{code}");
        }
    }

    #[test]
    fn registry_is_sorted_and_complete() {
        let codes: Vec<u16> = REGISTRY.iter().map(|s| s.code).collect();
        let mut expected: Vec<u16> = (400..=418).chain(421..=426).collect();
        expected.extend([428, 429, 431, 451]);
        expected.extend((500..=508).chain([510, 511]));
        assert_eq!(codes, expected);
    }

    #[test]
    fn current_phrases_not_canonical_reason() {
        assert_eq!(title(413), "Content Too Large");
        assert_eq!(title(414), "URI Too Long");
        assert_eq!(title(416), "Range Not Satisfiable");
        assert_eq!(title(422), "Unprocessable Content");
        assert_eq!(title(418), "(Unused)");
        assert_eq!(title(450), "Client Error");
        assert_eq!(title(200), "Error");
    }

    #[test]
    fn must_headers() {
        let must: Vec<(u16, &str)> = REGISTRY
            .iter()
            .flat_map(|s| s.headers.iter().map(move |h| (s.code, h)))
            .filter(|(_, h)| h.strength == Strength::Must)
            .map(|(c, h)| (c, h.name))
            .collect();
        assert_eq!(
            must,
            [
                (401, "www-authenticate"),
                (405, "allow"),
                (407, "proxy-authenticate"),
                (426, "upgrade")
            ]
        );
    }
}
