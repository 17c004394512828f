//! What the crate tells the log (feature `tracing`); nothing without it.

use crate::ApiError;

#[cfg(feature = "tracing")]
pub(crate) fn responded<E: ApiError + ?Sized>(error: &E) {
    let status = error.status();
    if status.is_server_error() {
        if tracing::enabled!(tracing::Level::ERROR) {
            tracing::error!(
                status = status.as_u16(),
                problem_type = %error.problem_type(),
                error = %error,
                source_chain = %SourceChain(error),
                "responding with a problem"
            );
        }
    } else if tracing::enabled!(tracing::Level::DEBUG) {
        tracing::debug!(
            status = status.as_u16(),
            problem_type = %error.problem_type(),
            error = %error,
            "responding with a problem"
        );
    }
}

#[cfg(not(feature = "tracing"))]
#[inline(always)]
pub(crate) fn responded<E: ApiError + ?Sized>(_: &E) {}

/// The `source()` chain of an error, `: `-separated.
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
            std::fmt::Display::fmt(error, f)?;
            source = error.source();
        }
        Ok(())
    }
}

pub(crate) fn header_dropped(name: &str) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        header = name,
        "dropped a header whose formatted value is not a valid header value"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = name;
}

pub(crate) fn extension_dropped(name: &str, error: &serde_json::Error) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        extension = name,
        error = %error,
        "left out an extension member that failed to serialize"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = (name, error);
}
