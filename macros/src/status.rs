//! What the derive must know about statuses at compile time: the names of
//! `http::StatusCode`'s constants, the headers HTTP requires with a status, and
//! the default titles, so that bodies are byte-string literals the compiler
//! need not build (evaluating `apierror::status::title` in a `const` for every
//! variant more than doubled `cargo check` of a large enum). The data is
//! `table.rs`, which `apierror::status` compiles too: one source for both.

mod table;

macro_rules! tables {
    (
        errors {$(
            $code:literal $name:ident $phrase:literal [$((
                $strength:ident, $header:literal, $prose:literal, $reference:literal, $example:literal
            )),*];
        )*}
        others {$($other:literal $other_name:ident;)*}
    ) => {
        /// The constants of `http::StatusCode`, by name.
        const NAMES: &[(&str, u16)] = &[
            $((stringify!($name), $code),)*
            $((stringify!($other_name), $other),)*
        ];

        /// The IANA reason phrase of every registered error status.
        const TITLES: &[(u16, &str)] = &[$(($code, $phrase),)*];

        /// The headers tied to a status: code, strength, wire name, name in
        /// prose, reference, example value.
        const HEADERS: &[(u16, &str, &str, &str, &str, &str)] = &[
            $($((
                $code, stringify!($strength), $header, $prose, $reference, $example
            ),)*)*
        ];
    };
}

table::status_table!(tables);

/// The `http::StatusCode` constant `name`, with its code.
pub fn by_name(name: &str) -> Option<(&'static str, u16)> {
    NAMES.iter().find(|(n, _)| *n == name).copied()
}

/// The names of `http::StatusCode`'s constants.
pub fn names() -> impl Iterator<Item = &'static str> {
    NAMES.iter().map(|&(name, _)| name)
}

/// A header that RFC 9110 says a response with this status MUST carry:
/// its name in an attribute, its name in prose, an example value, and where
/// it is required.
pub struct Required {
    pub attr: String,
    pub header: &'static str,
    pub example: &'static str,
    pub reference: &'static str,
}

pub fn required_header(code: u16) -> Option<Required> {
    HEADERS
        .iter()
        .find(|&&(c, strength, ..)| c == code && strength == "Must")
        .map(|&(_, _, wire, header, reference, example)| Required {
            attr: wire.replace('-', "_"),
            header,
            example,
            reference,
        })
}

/// The default title of a 4xx or 5xx `code`: its IANA reason phrase, or the
/// class's title for an unregistered code (as `apierror::status::title`).
pub fn title(code: u16) -> &'static str {
    match TITLES.iter().find(|&&(c, _)| c == code) {
        Some(&(_, title)) => title,
        None => match code / 100 {
            4 => "Client Error",
            5 => "Server Error",
            _ => "Error",
        },
    }
}
