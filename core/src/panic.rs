//! A handler panic as a problem: what the integrations' catch-panic
//! middleware answer with.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

use http::StatusCode;

use crate::{ApiError, Problem};

/// A handler panicked. Answers with a bare 500 problem; the panic message is
/// in its `Display`, which goes to the log, never to the body.
#[derive(Debug)]
pub(crate) struct Panicked {
    message: Cow<'static, str>,
}

impl Panicked {
    pub(crate) fn new(payload: Box<dyn Any + Send>) -> Panicked {
        let message = match payload.downcast::<String>() {
            Ok(message) => Cow::Owned(*message),
            Err(payload) => match payload.downcast_ref::<&'static str>() {
                Some(message) => Cow::Borrowed(*message),
                None => Cow::Borrowed("a panic payload that is not a string"),
            },
        };
        Panicked { message }
    }
}

impl fmt::Display for Panicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "handler panicked: {}", self.message)
    }
}

impl std::error::Error for Panicked {}

impl ApiError for Panicked {
    fn status(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn problem(&self) -> Problem {
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn body(&self) -> Cow<'static, [u8]> {
        Cow::Borrowed(crate::BARE_500)
    }

    fn problem_type(&self) -> Cow<'static, str> {
        Cow::Borrowed(crate::render::ABOUT_BLANK)
    }
}

pin_project_lite::pin_project! {
    /// Polls `inner`, turning a panic into `Err(Panicked)`; after that it is
    /// done and never polls `inner` again.
    pub(crate) struct CatchUnwind<F> {
        #[pin]
        inner: Option<F>,
        panicked: Option<Panicked>,
    }
}

impl<F> CatchUnwind<F> {
    /// Calls `call` (a service's `call`, which may itself panic) and wraps
    /// the future it returns.
    pub(crate) fn call(call: impl FnOnce() -> F) -> CatchUnwind<F> {
        match catch_unwind(AssertUnwindSafe(call)) {
            Ok(inner) => CatchUnwind {
                inner: Some(inner),
                panicked: None,
            },
            Err(payload) => CatchUnwind {
                inner: None,
                panicked: Some(Panicked::new(payload)),
            },
        }
    }
}

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Panicked>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let Some(inner) = this.inner.as_mut().as_pin_mut() else {
            let panicked = this.panicked.take().unwrap_or(Panicked {
                message: Cow::Borrowed("polled after completion"),
            });
            return Poll::Ready(Err(panicked));
        };
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => {
                this.inner.set(None);
                Poll::Ready(Ok(output))
            }
            Err(payload) => {
                this.inner.set(None);
                Poll::Ready(Err(Panicked::new(payload)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::pin::pin;
    use std::task::Waker;

    use super::*;

    fn poll<F: Future>(future: Pin<&mut F>) -> Poll<F::Output> {
        future.poll(&mut Context::from_waker(Waker::noop()))
    }

    #[test]
    fn passes_output_through_then_stays_done() {
        let mut future = pin!(CatchUnwind::call(|| std::future::ready(7)));
        assert!(matches!(poll(future.as_mut()), Poll::Ready(Ok(7))));
        match poll(future.as_mut()) {
            Poll::Ready(Err(done)) => assert_eq!(
                done.to_string(),
                "handler panicked: polled after completion"
            ),
            _ => panic!("a finished future answers an error, without panicking"),
        }
    }

    #[test]
    fn catches_a_panic_in_call_and_in_poll() {
        let call = CatchUnwind::call(|| -> std::future::Ready<()> { panic!("in call") });
        match poll(pin!(call)) {
            Poll::Ready(Err(p)) => assert_eq!(p.to_string(), "handler panicked: in call"),
            _ => panic!("expected the panic"),
        }

        let mut polls = 0;
        let future = std::future::poll_fn(move |_| {
            polls += 1;
            if polls == 1 {
                Poll::Pending
            } else {
                panic!("on poll {polls}")
            }
        });
        let mut future = pin!(CatchUnwind::call(|| future));
        assert!(matches!(
            poll(future.as_mut()),
            Poll::<Result<(), _>>::Pending
        ));
        match poll(future.as_mut()) {
            Poll::Ready(Err(p)) => assert_eq!(p.to_string(), "handler panicked: on poll 2"),
            _ => panic!("expected the panic"),
        }
    }

    #[test]
    fn message_and_body() {
        let p = Panicked::new(Box::new(String::from("index out of bounds")));
        assert_eq!(p.to_string(), "handler panicked: index out of bounds");
        let p = Panicked::new(Box::new("static message"));
        assert_eq!(p.to_string(), "handler panicked: static message");
        let p = Panicked::new(Box::new(7_u8));
        assert_eq!(
            p.to_string(),
            "handler panicked: a panic payload that is not a string"
        );
        assert_eq!(
            p.body(),
            Problem::new(StatusCode::INTERNAL_SERVER_ERROR).to_body(p.status())
        );
    }
}
