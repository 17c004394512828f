//! `Problems`: every plain error response of what it wraps becomes a
//! problem.

use std::borrow::Cow;
use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::error::InternalError;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};

use crate::rewrite::{self, Kind, Plan};

/// Middleware that turns every 4xx/5xx response whose body is empty or
/// `text/plain` into an `application/problem+json` one: the default 404, a
/// resource's 405, the extractors' text errors (`PayloadConfig`'s 413,
/// `JsonConfig`'s 400), errors that other middleware return.
///
/// ```
/// use actix_web::{App, web};
///
/// let app = App::new()
///     .service(web::resource("/orders").get(|| async { "[]" }))
///     .wrap(apierror::actix::Problems::new());
/// ```
///
/// What it does, exactly:
/// - the status is kept; the body is `{"title":..,"status":..}` with the
///   IANA phrase as `title` and the status as `status`;
/// - for a 4xx, non-empty UTF-8 text becomes `detail`, cut at 1 KiB on a
///   character boundary (at most 1 KiB + 3 bytes are read); a 5xx gets no
///   `detail` and its body is never read, so internals never leak;
/// - every header is kept (`Allow`, `WWW-Authenticate`, `Retry-After`, ...)
///   except those that described the old body: `Content-Type` is set anew
///   and `Content-Length` is written by actix-web from the new body;
///   `Content-Encoding`, `ETag`, `Content-Digest`, `Repr-Digest` and
///   `Transfer-Encoding` are dropped;
/// - a response to HEAD is the GET problem; actix-web sends its headers,
///   `Content-Length` included, and no body;
/// - everything else passes through untouched and unread: 1xx–3xx
///   responses, problems, bodies of any other `Content-Type`, and bodies of
///   unknown size with no `Content-Type` (a stream). Their body stays the
///   left side of the `EitherBody`: no boxing, no allocation.
///
/// An `Err` from the services it wraps (another middleware's
/// `ErrorUnauthorized`, say) is rewritten the same way, from its
/// `error_response()`, and goes on as an `Err` that answers with that
/// response.
///
/// # `405 Method Not Allowed` and `Allow`
///
/// A `web::resource` whose routes have method guards (`.get(..)`,
/// `.route(web::post().to(..))`, `guard::Any(guard::Get()).or(guard::Head())`)
/// answers an other method with an empty 405 that lists them in `Allow`
/// (actix-web 4.3 and later); this middleware makes it a problem and keeps
/// `Allow`. `App::route`, `Scope::route` and the `#[get]`-style macros
/// register one resource per method, so actix-web answers a wrong method
/// there with its default 404: give a path's methods one `web::resource` to
/// get the 405. A 405 you answer yourself must name the methods (RFC 9110
/// §15.5.6); a derived variant with `#[status(405)]` refuses to compile
/// without `#[problem(header(allow = ".."))]`. The middleware never invents
/// an `Allow`: it cannot know a resource's methods.
#[derive(Clone, Copy, Debug, Default)]
pub struct Problems {
    _private: (),
}

impl Problems {
    /// The middleware.
    ///
    /// ```
    /// let _middleware = apierror::actix::Problems::new();
    /// ```
    pub fn new() -> Problems {
        Problems { _private: () }
    }
}

impl<S, B> Transform<S, ServiceRequest> for Problems
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = ProblemsMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<ProblemsMiddleware<S>, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(ProblemsMiddleware { service }))
    }
}

/// The service [`Problems`] wraps around another.
#[derive(Debug)]
pub struct ProblemsMiddleware<S> {
    service: S,
}

impl<S, B> Service<ServiceRequest> for ProblemsMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = ProblemsFuture<S::Future>;

    actix_web::dev::forward_ready!(service);

    #[inline]
    fn call(&self, request: ServiceRequest) -> Self::Future {
        ProblemsFuture {
            state: State::Inner {
                future: self.service.call(request),
            },
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`ProblemsMiddleware`]: the inner service's response,
    /// made a problem where it is a plain error.
    pub struct ProblemsFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project_lite::pin_project! {
    #[project = StateProj]
    enum State<F> {
        Inner { #[pin] future: F },
        Reading { reading: Reading },
        Done,
    }
}

type Output<B> = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>;

impl<F, B> Future for ProblemsFuture<F>
where
    F: Future<Output = Result<ServiceResponse<B>, actix_web::Error>>,
    B: MessageBody + 'static,
{
    type Output = Output<B>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Output<B>> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Inner { future } => {
                    let started = match std::task::ready!(future.poll(cx)) {
                        Ok(response) => start_response(response),
                        Err(error) => start_error(error),
                    };
                    match started {
                        Start::Ready(output) => {
                            this.state.set(State::Done);
                            return Poll::Ready(output);
                        }
                        Start::Read(reading) => this.state.set(State::Reading { reading }),
                    }
                }
                StateProj::Reading { reading } => {
                    let (origin, response) = std::task::ready!(reading.poll(cx));
                    this.state.set(State::Done);
                    return Poll::Ready(origin.answer(response));
                }
                // Polled after completion: a bare 500 rather than a panic.
                StateProj::Done => {
                    let response = HttpResponse::InternalServerError().finish();
                    let error =
                        actix_web::error::ErrorInternalServerError("polled after completion");
                    return Poll::Ready(
                        Origin::Error(error).answer(finish(response.into_parts().0, None)),
                    );
                }
            }
        }
    }
}

impl<F> std::fmt::Debug for ProblemsFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProblemsFuture").finish_non_exhaustive()
    }
}

/// Where a rewritten response goes: back with its request, or as the
/// response of the error it came from.
enum Origin {
    Response(HttpRequest),
    Error(actix_web::Error),
}

impl Origin {
    fn answer<B>(self, response: HttpResponse) -> Output<B> {
        match self {
            Origin::Response(request) => {
                Ok(ServiceResponse::new(request, response).map_into_right_body())
            }
            Origin::Error(error) => Err(InternalError::from_response(error, response).into()),
        }
    }
}

/// What the start of a response found.
enum Start<B> {
    /// The output as it goes out.
    Ready(Output<B>),
    /// A text body still to read.
    Read(Reading),
}

/// The kind of a response, from its status and `Content-Type`.
fn kind_of<B>(response: &HttpResponse<B>) -> Kind {
    rewrite::kind(
        response.status().as_u16(),
        response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(HeaderValue::as_bytes),
    )
}

/// The output for a response, or the text body still to read.
#[inline]
fn start_response<B: MessageBody + 'static>(response: ServiceResponse<B>) -> Start<B> {
    let status = response.status().as_u16();
    if !(400..=599).contains(&status) {
        return Start::Ready(Ok(response.map_into_left_body()));
    }
    let plan = plan(response.response());
    if plan == Plan::Pass {
        return Start::Ready(Ok(response.map_into_left_body()));
    }
    let (request, response) = response.into_parts();
    rewrite_with(Origin::Response(request), plan, response)
}

/// The output for an error from the inner service, or the text body of
/// its response still to read.
fn start_error<B>(error: actix_web::Error) -> Start<B> {
    let status = error.as_response_error().status_code().as_u16();
    if !(400..=599).contains(&status) {
        return Start::Ready(Err(error));
    }
    // An error's response may be one-shot (`InternalError::from_response`),
    // so the one built here is the one that goes out, rewritten or not.
    let response = error.error_response();
    let plan = plan(&response);
    if plan == Plan::Pass {
        return Start::Ready(Err(InternalError::from_response(error, response).into()));
    }
    rewrite_with(Origin::Error(error), plan, response)
}

fn plan<B: MessageBody>(response: &HttpResponse<B>) -> Plan {
    let kind = kind_of(response);
    if matches!(kind, Kind::Other | Kind::Problem) {
        return Plan::Pass;
    }
    let size = match response.body().size() {
        BodySize::None => Some(0),
        BodySize::Sized(size) => Some(size),
        BodySize::Stream => None,
    };
    rewrite::plan(kind, size)
}

fn rewrite_with<B: MessageBody + 'static, O>(
    origin: Origin,
    plan: Plan,
    response: HttpResponse<B>,
) -> Start<O> {
    let (head, body) = response.into_parts();
    match plan {
        Plan::Read => match body.try_into_bytes() {
            Ok(bytes) => {
                let complete = bytes.len() <= rewrite::READ_LIMIT;
                let text = &bytes[..bytes.len().min(rewrite::READ_LIMIT)];
                Start::Ready(origin.answer(finish(head, rewrite::detail(text, complete))))
            }
            Err(body) => Start::Read(Reading {
                origin: Some(origin),
                head: Some(head),
                body: body.boxed(),
                text: Vec::new(),
            }),
        },
        // Pass is answered by the callers; actix-web keeps HEAD bodies until
        // it writes the response, so Headless does not occur.
        Plan::Pass | Plan::Bare | Plan::Headless => Start::Ready(origin.answer(finish(head, None))),
    }
}

/// A text body being read, up to [`rewrite::READ_LIMIT`] bytes.
struct Reading {
    origin: Option<Origin>,
    head: Option<HttpResponse<()>>,
    body: BoxBody,
    text: Vec<u8>,
}

impl Reading {
    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<(Origin, HttpResponse)> {
        let complete = loop {
            match std::task::ready!(Pin::new(&mut self.body).poll_next(cx)) {
                None => break Some(true),
                // A body that fails is not the text it meant to send.
                Some(Err(_)) => break None,
                Some(Ok(data)) => {
                    let room = rewrite::READ_LIMIT - self.text.len();
                    if self.text.capacity() == 0 {
                        self.text
                            .reserve(rewrite::READ_LIMIT.min(data.len().max(64)));
                    }
                    self.text.extend_from_slice(&data[..data.len().min(room)]);
                    if self.text.len() == rewrite::READ_LIMIT {
                        break Some(false);
                    }
                }
            }
        };
        let detail = complete.and_then(|complete| rewrite::detail(&self.text, complete));
        let head = self
            .head
            .take()
            .unwrap_or_else(|| HttpResponse::InternalServerError().finish().into_parts().0);
        let origin = self.origin.take().unwrap_or_else(|| {
            Origin::Error(actix_web::error::ErrorInternalServerError(
                "polled after completion",
            ))
        });
        Poll::Ready((origin, finish(head, detail)))
    }
}

/// The problem response: the old head with the new body and
/// `Content-Type`, without the headers that described the old body.
fn finish(head: HttpResponse<()>, detail: Option<&str>) -> HttpResponse {
    let body = match rewrite::body(head.status().as_u16(), detail) {
        Cow::Borrowed(body) => Bytes::from_static(body),
        Cow::Owned(body) => Bytes::from(body),
    };
    let mut response = head.set_body(BoxBody::new(body));
    let headers = response.headers_mut();
    for name in rewrite::DROPPED {
        headers.remove(name);
    }
    // actix-web writes the length of the new body itself.
    headers.remove(header::CONTENT_LENGTH);
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(crate::PROBLEM_JSON),
    );
    response
}
