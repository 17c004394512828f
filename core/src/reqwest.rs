//! The client side with reqwest (feature `reqwest`): a failed response read
//! back as the server's own error type.
//!
//! ```no_run
//! use apierror::ApiError;
//! use apierror::reqwest::{Error, ProblemExt};
//!
//! #[derive(Debug, thiserror::Error, ApiError)]
//! #[problem(client)]
//! pub enum OrderError {
//!     #[error("order {id} is already paid")]
//!     #[status(409)]
//!     #[problem(type = "https://example.com/problems/paid")]
//!     AlreadyPaid {
//!         #[problem(extension)]
//!         id: u64,
//!     },
//! }
//!
//! async fn cancel(client: &reqwest::Client, id: u64) -> Result<(), Error<OrderError>> {
//!     client
//!         .delete(format!("http://127.0.0.1:3000/orders/{id}"))
//!         .send()
//!         .await?
//!         .error_for_problem::<OrderError>()
//!         .await?;
//!     Ok(())
//! }
//!
//! # async fn run(client: reqwest::Client) {
//! match cancel(&client, 2).await {
//!     Ok(()) => println!("cancelled"),
//!     Err(Error::Api(OrderError::AlreadyPaid { id })) => println!("order {id} was paid"),
//!     Err(Error::Problem(problem)) => println!("other failure: {problem}"),
//!     Err(Error::Transport(error)) => println!("no answer: {error}"),
//! }
//! # }
//! ```

use std::fmt;
use std::future::Future;

use http::StatusCode;
use reqwest::Response;

use crate::{FromProblem, Problem};

/// The largest error body read, in bytes: a longer one is not parsed.
pub const BODY_LIMIT: usize = 64 * 1024;

/// What [`ProblemExt::error_for_problem`] gives for a response that is not a
/// success.
///
/// Its `Display` is one line for a log, with the cause's own text; its
/// [`source`](std::error::Error::source) continues from that cause, so a
/// reporter that walks the chain prints each text once.
///
/// ```
/// use apierror::Problem;
/// use apierror::reqwest::Error;
/// use http::StatusCode;
///
/// let error: Error<std::io::Error> = Error::Problem(Problem::new(StatusCode::BAD_GATEWAY));
/// assert_eq!(error.to_string(), "the server answered 502 Bad Gateway");
/// assert_eq!(error.status(), Some(StatusCode::BAD_GATEWAY));
/// ```
#[derive(Debug)]
pub enum Error<E> {
    /// The server's own error, read back from its problem.
    Api(E),
    /// An error response that `E` does not recognise, or whose body is not a
    /// problem: then it is [`Problem::new`] of the response status.
    /// Its `status` is always the response's.
    Problem(Problem),
    /// No complete response: connection, timeout, redirect, or a body cut
    /// short.
    Transport(reqwest::Error),
}

impl<E> Error<E> {
    /// The response status, when the error came from a response and it is
    /// known here: always for [`Error::Problem`], never for [`Error::Api`]
    /// (ask the error itself), and for [`Error::Transport`] when reqwest
    /// knows it.
    ///
    /// ```
    /// use apierror::reqwest::Error;
    /// assert_eq!(Error::Api(std::fmt::Error).status(), None);
    /// ```
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(_) => None,
            Error::Problem(problem) => problem.status(),
            Error::Transport(error) => error.status(),
        }
    }
}

impl<E> From<reqwest::Error> for Error<E> {
    /// A transport failure, so that `send().await?` and
    /// `error_for_problem().await?` share one error type.
    ///
    /// ```
    /// # async fn run() -> Result<(), apierror::reqwest::Error<std::fmt::Error>> {
    /// let response = reqwest::Client::new().get("http://127.0.0.1:9/").send().await?;
    /// # let _ = response; Ok(()) }
    /// ```
    fn from(error: reqwest::Error) -> Self {
        Error::Transport(error)
    }
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(error) => write!(f, "the server answered: {error}"),
            Error::Problem(problem) => {
                f.write_str("the server answered")?;
                if let Some(status) = problem.status() {
                    write!(f, " {}", status.as_u16())?;
                }
                if let Some(title) = problem.title() {
                    write!(f, " {title}")?;
                }
                if problem.problem_type() != "about:blank" {
                    write!(f, " ({})", problem.problem_type())?;
                }
                if let Some(detail) = problem.detail() {
                    write!(f, ": {detail}")?;
                }
                Ok(())
            }
            Error::Transport(error) => write!(f, "the request failed: {error}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for Error<E> {
    /// The cause after the one `Display` already shows.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Api(error) => error.source(),
            Error::Problem(_) => None,
            Error::Transport(error) => std::error::Error::source(error),
        }
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for reqwest::Response {}
}

/// Reads an error response back as a typed error; implemented for
/// [`reqwest::Response`].
pub trait ProblemExt: sealed::Sealed + Sized {
    /// `Ok(self)` for a response that is not 4xx or 5xx, its body unread.
    /// For a 4xx or 5xx, reads the body (at most [`BODY_LIMIT`] bytes) and
    /// gives:
    ///
    /// - [`Error::Api`] when the body is an `application/problem+json`
    ///   problem that `E` recognises ([`FromProblem`]);
    /// - [`Error::Problem`] for any other complete response: the problem read
    ///   leniently (RFC 9457 §3.1), or, when the body is not
    ///   `application/problem+json`, not a JSON object, or longer than
    ///   [`BODY_LIMIT`], [`Problem::new`] of the status;
    /// - [`Error::Transport`] when the body cannot be read to its end (a
    ///   connection closed early, a body shorter than its `Content-Length`).
    ///
    /// The response status decides, not the body's `status` member: the
    /// problem is given the response status before `E` reads it.
    ///
    /// ```no_run
    /// # #[derive(Debug, thiserror::Error, apierror::ApiError)]
    /// # #[problem(client)]
    /// # #[error("gone")] #[status(410)] struct Gone;
    /// use apierror::reqwest::ProblemExt;
    ///
    /// # async fn run() -> Result<(), apierror::reqwest::Error<Gone>> {
    /// let text = reqwest::get("http://127.0.0.1:3000/orders/7")
    ///     .await?
    ///     .error_for_problem::<Gone>()
    ///     .await?
    ///     .text()
    ///     .await?;
    /// # let _ = text; Ok(()) }
    /// ```
    fn error_for_problem<E: FromProblem>(
        self,
    ) -> impl Future<Output = Result<Response, Error<E>>> + Send;
}

impl ProblemExt for Response {
    fn error_for_problem<E: FromProblem>(
        self,
    ) -> impl Future<Output = Result<Response, Error<E>>> + Send {
        error_for_problem(self)
    }
}

async fn error_for_problem<E: FromProblem>(mut response: Response) -> Result<Response, Error<E>> {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(response);
    }
    let is_problem = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .is_some_and(|value| is_problem_json(value.as_bytes()));
    let Some(body) = read_limited(&mut response).await? else {
        return Err(Error::Problem(Problem::new(status)));
    };
    let problem = if is_problem {
        Problem::from_body(&body)
    } else {
        None
    };
    let Some(problem) = problem else {
        return Err(Error::Problem(Problem::new(status)));
    };
    let problem = problem.with_status(status);
    match E::from_problem(&problem) {
        Some(error) => Err(Error::Api(error)),
        None => Err(Error::Problem(problem)),
    }
}

/// The whole body, or `None` as soon as it is longer than [`BODY_LIMIT`].
async fn read_limited(response: &mut Response) -> Result<Option<Vec<u8>>, reqwest::Error> {
    let expected = response
        .content_length()
        .map_or(0, |length| length.min(BODY_LIMIT as u64 + 1) as usize);
    let mut body = Vec::with_capacity(expected);
    while let Some(chunk) = response.chunk().await? {
        if chunk.len() > BODY_LIMIT - body.len() {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// `application/problem+json`, in any case, with any parameters.
fn is_problem_json(value: &[u8]) -> bool {
    let essence = value.split(|&b| b == b';').next().unwrap_or_default();
    essence
        .trim_ascii()
        .eq_ignore_ascii_case(crate::PROBLEM_JSON.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_json_media_type() {
        for yes in [
            &b"application/problem+json"[..],
            b"Application/Problem+JSON",
            b"application/problem+json; charset=utf-8",
            b" application/problem+json ;x=y",
        ] {
            assert!(is_problem_json(yes), "{yes:?}");
        }
        for no in [
            &b"application/json"[..],
            b"text/html",
            b"application/problem+jsonx",
            b"application/problem+xml",
            b"",
        ] {
            assert!(!is_problem_json(no), "{no:?}");
        }
    }

    #[test]
    fn display_is_one_line_per_kind() {
        let p = Problem::new(StatusCode::CONFLICT)
            .with_type("https://example.com/p")
            .with_detail("order 7 is paid");
        let e: Error<std::fmt::Error> = Error::Problem(p);
        assert_eq!(
            e.to_string(),
            "the server answered 409 Conflict (https://example.com/p): order 7 is paid"
        );
        assert_eq!(
            Error::Api(std::fmt::Error).to_string(),
            "the server answered: an error occurred when formatting an argument"
        );
    }
}
