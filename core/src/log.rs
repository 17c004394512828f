//! What the crate tells the log (feature `tracing`).
//!
//! Every time an error becomes a response ([`response`](crate::response),
//! axum's `IntoResponse`, actix-web's `ResponseError::error_response`, the
//! catch-panic middleware), one event is emitted with target `apierror::log`
//! and these fields:
//!
//! | field | value |
//! | --- | --- |
//! | `status` | the response status, as a number |
//! | `problem_type` | the problem type URI (`about:blank` when the body has no `type`) |
//! | `error` | the error's `Display` text |
//! | `source_chain` | the `source()` chain, `: `-separated; only when there is a source |
//!
//! Text from an error is escaped: a CR, LF, tab or other control character
//! is written `\r`, `\n`, `\t` or `\u{1b}`, so an attacker who controls part of
//! an error message cannot start a forged log line. A `Display` that returns
//! `Err` is noted as `[Display returned an error]` after what it wrote, and
//! never makes a subscriber panic.
//!
//! A 5xx body hides the error's internals (RFC 9457 §5); this event is where
//! they go. By default 5xx are logged at `ERROR` and 4xx at `DEBUG`;
//! [`set_level`] changes that per class. When the level is not enabled,
//! nothing is formatted: the cost is `tracing`'s callsite check.
//!
//! Without the `tracing` feature the crate logs nothing and this module is
//! not public.
//!
//! ```
//! # #[cfg(feature = "tracing")] {
//! use apierror::log;
//! use apierror::status::Class;
//! use tracing::Level;
//!
//! // Once, at startup: 4xx at INFO, 5xx stay at ERROR.
//! log::set_level(Class::ClientError, Some(Level::INFO));
//! assert_eq!(log::level(Class::ClientError), Some(Level::INFO));
//! # }
//! ```

use crate::ApiError;

#[cfg(feature = "tracing")]
pub use self::config::{level, set_level};

#[cfg(feature = "tracing")]
mod config {
    use std::sync::atomic::{AtomicU8, Ordering};

    use tracing::Level;

    use crate::status::Class;

    const OFF: u8 = 0;

    /// Index 0: 4xx, index 1: 5xx; each a level as `encode` writes it.
    pub(super) static LEVELS: [AtomicU8; 2] = [AtomicU8::new(4), AtomicU8::new(1)];

    pub(super) fn index(class: Class) -> usize {
        match class {
            Class::ClientError => 0,
            Class::ServerError => 1,
        }
    }

    fn encode(level: Option<Level>) -> u8 {
        match level {
            None => OFF,
            Some(Level::ERROR) => 1,
            Some(Level::WARN) => 2,
            Some(Level::INFO) => 3,
            Some(Level::DEBUG) => 4,
            Some(_) => 5,
        }
    }

    pub(super) fn decode(level: u8) -> Option<Level> {
        match level {
            1 => Some(Level::ERROR),
            2 => Some(Level::WARN),
            3 => Some(Level::INFO),
            4 => Some(Level::DEBUG),
            5 => Some(Level::TRACE),
            _ => None,
        }
    }

    /// Sets the level at which responses of one status class are logged;
    /// `None` stops logging them. Process-wide; call it once at startup.
    /// The defaults are `ERROR` for 5xx and `DEBUG` for 4xx.
    ///
    /// ```
    /// use apierror::status::Class;
    /// use tracing::Level;
    ///
    /// apierror::log::set_level(Class::ServerError, Some(Level::WARN));
    /// apierror::log::set_level(Class::ClientError, None);
    /// assert_eq!(apierror::log::level(Class::ServerError), Some(Level::WARN));
    /// assert_eq!(apierror::log::level(Class::ClientError), None);
    /// ```
    pub fn set_level(class: Class, level: Option<Level>) {
        LEVELS[index(class)].store(encode(level), Ordering::Relaxed);
    }

    /// The level at which responses of `class` are logged; see [`set_level`].
    ///
    /// ```
    /// use apierror::status::Class;
    ///
    /// let _level: Option<tracing::Level> = apierror::log::level(Class::ClientError);
    /// ```
    pub fn level(class: Class) -> Option<Level> {
        decode(LEVELS[index(class)].load(Ordering::Relaxed))
    }
}

/// Emits the event for `error` becoming a response.
#[cfg(feature = "tracing")]
pub(crate) fn responded<E: ApiError + ?Sized>(error: &E) {
    use std::sync::atomic::Ordering;

    use tracing::Level;

    use crate::status::Class;

    let status = error.status();
    let class = if status.is_server_error() {
        Class::ServerError
    } else {
        Class::ClientError
    };
    // tracing's callsites are static, so each level needs its own.
    macro_rules! emit {
        ($level:expr) => {
            if tracing::enabled!($level) {
                if error.source().is_some() {
                    tracing::event!(
                        $level,
                        status = status.as_u16(),
                        problem_type = %error.problem_type(),
                        error = %Text(error),
                        source_chain = %SourceChain(error),
                        "responding with a problem"
                    );
                } else {
                    tracing::event!(
                        $level,
                        status = status.as_u16(),
                        problem_type = %error.problem_type(),
                        error = %Text(error),
                        "responding with a problem"
                    );
                }
            }
        };
    }
    match config::LEVELS[config::index(class)].load(Ordering::Relaxed) {
        1 => emit!(Level::ERROR),
        2 => emit!(Level::WARN),
        3 => emit!(Level::INFO),
        4 => emit!(Level::DEBUG),
        5 => emit!(Level::TRACE),
        _ => {}
    }
}

#[cfg(not(feature = "tracing"))]
#[inline(always)]
pub(crate) fn responded<E: ApiError + ?Sized>(_: &E) {}

/// The `source()` chain of an error, `: `-separated, each one as [`Text`]
/// writes it.
#[cfg(feature = "tracing")]
struct SourceChain<'a, E: ?Sized>(&'a E);

#[cfg(feature = "tracing")]
impl<E: std::error::Error + ?Sized> std::fmt::Display for SourceChain<'_, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut source = self.0.source();
        let mut first = true;
        while let Some(error) = source {
            if !first {
                f.write_str(": ")?;
            }
            first = false;
            std::fmt::Display::fmt(&Text(error), f)?;
            source = error.source();
        }
        Ok(())
    }
}

/// A value's `Display` text as the log gets it.
///
/// Control characters (CR, LF, tab, ESC and every other C0 or C1 control
/// and DEL) and the Unicode line and paragraph separators are escaped,
/// `\r`, `\n`, `\t` or `\u{1b}`, so text from an error can never start a
/// line of its own in a log file, nor drive a terminal.
///
/// A `Display` that returns `Err` on its own is noted after what it wrote,
/// never passed on: a subscriber that formats fields with `format!`
/// (tracing-subscriber's JSON, OpenTelemetry, Sentry) would panic on it.
/// Only a failure of the subscriber's own writer is an `Err`.
#[cfg(feature = "tracing")]
struct Text<T>(T);

#[cfg(feature = "tracing")]
impl<T: std::fmt::Display> std::fmt::Display for Text<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = Writer { f, failed: false };
        if std::fmt::Write::write_fmt(&mut out, format_args!("{}", self.0)).is_ok() {
            return Ok(());
        }
        if out.failed {
            return Err(std::fmt::Error);
        }
        out.f.write_str(" [Display returned an error]")
    }
}

/// Escapes text on its way to the formatter, telling the formatter's own
/// failures from the value's.
#[cfg(feature = "tracing")]
struct Writer<'a, 'f> {
    f: &'a mut std::fmt::Formatter<'f>,
    failed: bool,
}

#[cfg(feature = "tracing")]
impl Writer<'_, '_> {
    fn escaped(&mut self, s: &str) -> std::fmt::Result {
        let mut start = 0;
        for (i, c) in s.char_indices() {
            if !(c.is_control() || c == '\u{2028}' || c == '\u{2029}') {
                continue;
            }
            self.f.write_str(&s[start..i])?;
            match c {
                '\n' => self.f.write_str("\\n")?,
                '\r' => self.f.write_str("\\r")?,
                '\t' => self.f.write_str("\\t")?,
                c => write!(self.f, "\\u{{{:x}}}", u32::from(c))?,
            }
            start = i + c.len_utf8();
        }
        self.f.write_str(&s[start..])
    }
}

#[cfg(feature = "tracing")]
impl std::fmt::Write for Writer<'_, '_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let result = self.escaped(s);
        self.failed |= result.is_err();
        result
    }
}

/// A hand-written `status()` outside 400–599: a bare 500 went out instead.
#[cold]
pub(crate) fn not_an_error_status(status: http::StatusCode) {
    #[cfg(feature = "tracing")]
    tracing::error!(
        status = status.as_u16(),
        "ApiError::status() returned a status outside 400-599; sent a bare 500 instead"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = status;
}

/// A derived type's header that its status MUST carry was dropped at run
/// time: a bare 500 went out instead.
#[cold]
pub(crate) fn required_header_missing(status: http::StatusCode, name: &str) {
    #[cfg(feature = "tracing")]
    tracing::error!(
        status = status.as_u16(),
        header = name,
        "the header this status MUST carry was dropped (its formatted value was empty or invalid); sent a bare 500 instead"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = (status, name);
}

pub(crate) fn header_dropped(name: &str) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        header = name,
        "dropped a header whose formatted value is empty or not a valid header value"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = name;
}

pub(crate) fn extension_dropped(name: &str, error: &dyn std::fmt::Display) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        extension = name,
        error = %Text(error),
        "left out an extension member that failed to serialize or nests too deep"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = (name, error);
}

/// A member of a `#[problem(flatten)]` field left out; `member` comes from
/// the field's value, so it is logged in its escaped (`Debug`) form.
pub(crate) fn flattened_member_dropped(field: &str, member: &str, reason: &dyn std::fmt::Display) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        extension = field,
        member = ?member,
        reason = ?reason.to_string(),
        "left out a member of a flattened extension"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = (field, member, reason);
}

/// A `#[problem(flatten)]` field left out as a whole: not a map or a struct,
/// or its `Serialize` failed.
pub(crate) fn flatten_dropped(field: &str, error: &dyn std::fmt::Display) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        extension = field,
        error = ?error.to_string(),
        "left out a flattened extension as a whole"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = (field, error);
}
