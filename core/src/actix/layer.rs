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

use crate::rewrite::{self, Answer, Kind, Plan};

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
///
/// With `with_xml()` (feature `xml`) it also answers
/// problems in problem+xml to the requests that prefer it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Problems {
    #[cfg(feature = "xml")]
    xml: bool,
    _private: (),
}

impl Problems {
    /// The middleware.
    ///
    /// ```
    /// let _middleware = apierror::actix::Problems::new();
    /// ```
    pub fn new() -> Problems {
        Problems::default()
    }

    /// The middleware, negotiating problem+xml (RFC 9457 Appendix B).
    /// Feature `xml`.
    ///
    /// A request whose `Accept` prefers `application/problem+xml`,
    /// `application/xml` or `text/xml` strictly over every JSON type
    /// (`application/json`, `application/problem+json`, any `+json`, `*/*`,
    /// `application/*`) gets its problems in XML; q-values count, the most
    /// specific range deciding a type's (RFC 9110 §12.5.1), and a malformed
    /// element of `Accept` is ignored. A tie, or an `Accept` that names
    /// neither, gets JSON. Every problem through the middleware, in either
    /// format, carries `Vary: Accept`, merged with any `Vary` already there.
    ///
    /// Which problems are answered in XML:
    /// - those the middleware makes (the default 404, a resource's 405, text
    ///   and empty errors);
    /// - errors rendered while it polls the service it wraps, or whose
    ///   `error_response()` it calls (derived types,
    ///   [`Problem`](crate::Problem), any
    ///   [`apierror::actix::response`](crate::actix::response)): they write
    ///   their own XML body ([`ApiError::xml_body`](crate::ApiError::xml_body),
    ///   static for variants that use no field);
    /// - problem+json bodies rendered elsewhere, when their size is known
    ///   and at most 64 KiB and they are not `Content-Encoding`d: read whole
    ///   and transcoded, every member kept, in order. Others go out as JSON,
    ///   with `Vary: Accept`.
    ///
    /// ```
    /// use actix_web::{App, test, web};
    ///
    /// actix_web::rt::System::new().block_on(async {
    ///     let app = test::init_service(
    ///         App::new()
    ///             .service(web::resource("/orders").get(|| async { "[]" }))
    ///             .wrap(apierror::actix::Problems::new().with_xml()),
    ///     )
    ///     .await;
    ///     let request = test::TestRequest::get()
    ///         .uri("/nowhere")
    ///         .insert_header(("accept", "text/xml"))
    ///         .to_request();
    ///     let response = test::call_service(&app, request).await;
    ///     assert_eq!(response.status(), 404);
    ///     let headers = response.headers();
    ///     assert_eq!(headers.get("content-type").unwrap(), "application/problem+xml");
    ///     assert_eq!(headers.get("vary").unwrap(), "Accept");
    ///     let body = test::read_body(response).await;
    ///     assert_eq!(
    ///         &body[..],
    ///         concat!(
    ///             r#"<?xml version="1.0" encoding="UTF-8"?><problem xmlns="urn:ietf:rfc:7807">"#,
    ///             "<title>Not Found</title><status>404</status></problem>"
    ///         )
    ///         .as_bytes()
    ///     );
    /// });
    /// ```
    #[cfg(feature = "xml")]
    pub fn with_xml(self) -> Problems {
        Problems { xml: true, ..self }
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
        ready(Ok(ProblemsMiddleware {
            service,
            #[cfg(feature = "xml")]
            xml: self.xml,
        }))
    }
}

/// The service [`Problems`] wraps around another.
#[derive(Debug)]
pub struct ProblemsMiddleware<S> {
    service: S,
    #[cfg(feature = "xml")]
    xml: bool,
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
        #[cfg(feature = "xml")]
        let answer = Answer::of(self.xml, || {
            request
                .headers()
                .get_all(header::ACCEPT)
                .map(HeaderValue::as_bytes)
        });
        #[cfg(not(feature = "xml"))]
        let answer = Answer::Plain;
        ProblemsFuture {
            state: State::Inner {
                future: answer.polling(|| self.service.call(request)),
            },
            answer,
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`ProblemsMiddleware`]: the inner service's response,
    /// made a problem where it is a plain error.
    pub struct ProblemsFuture<F> {
        #[pin]
        state: State<F>,
        answer: Answer,
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
                    let answer = *this.answer;
                    let started = answer.polling(|| {
                        Poll::Ready(match std::task::ready!(future.poll(cx)) {
                            Ok(response) => start_response(response, answer),
                            Err(error) => start_error(error, answer),
                        })
                    });
                    let started = std::task::ready!(started);
                    match started {
                        Start::Ready(output) => {
                            this.state.set(State::Done);
                            return Poll::Ready(output);
                        }
                        Start::Read(reading) => this.state.set(State::Reading { reading }),
                    }
                }
                StateProj::Reading { reading } => {
                    let (origin, response) = std::task::ready!(reading.poll(cx, *this.answer));
                    this.state.set(State::Done);
                    return Poll::Ready(origin.answer(response));
                }
                // Polled after completion: a bare 500 rather than a panic.
                StateProj::Done => {
                    let response = HttpResponse::InternalServerError().finish();
                    let error =
                        actix_web::error::ErrorInternalServerError("polled after completion");
                    return Poll::Ready(Origin::Error(error).answer(finish(
                        response.into_parts().0,
                        None,
                        *this.answer,
                    )));
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
fn start_response<B: MessageBody + 'static>(
    mut response: ServiceResponse<B>,
    answer: Answer,
) -> Start<B> {
    let status = response.status().as_u16();
    if !(400..=599).contains(&status) {
        return Start::Ready(Ok(response.map_into_left_body()));
    }
    let plan = plan(response.response(), answer);
    if plan == Plan::Pass {
        return Start::Ready(Ok(response.map_into_left_body()));
    }
    if plan == Plan::Vary {
        add_vary(response.headers_mut());
        return Start::Ready(Ok(response.map_into_left_body()));
    }
    let (request, response) = response.into_parts();
    rewrite_with(Origin::Response(request), plan, response, answer)
}

/// The output for an error from the inner service, or the text body of
/// its response still to read.
fn start_error<B>(error: actix_web::Error, answer: Answer) -> Start<B> {
    let status = error.as_response_error().status_code().as_u16();
    if !(400..=599).contains(&status) {
        return Start::Ready(Err(error));
    }
    // An error's response may be one-shot (`InternalError::from_response`),
    // so the one built here is the one that goes out, rewritten or not.
    let mut response = error.error_response();
    let plan = plan(&response, answer);
    if plan == Plan::Pass {
        return Start::Ready(Err(InternalError::from_response(error, response).into()));
    }
    if plan == Plan::Vary {
        add_vary(response.headers_mut());
        return Start::Ready(Err(InternalError::from_response(error, response).into()));
    }
    rewrite_with(Origin::Error(error), plan, response, answer)
}

fn plan<B: MessageBody>(response: &HttpResponse<B>, answer: Answer) -> Plan {
    let kind = kind_of(response);
    if kind == Kind::Other {
        return Plan::Pass;
    }
    let size = match response.body().size() {
        BodySize::None => Some(0),
        BodySize::Sized(size) => Some(size),
        BodySize::Stream => None,
    };
    match kind {
        Kind::Problem { json } => {
            let encoded = || response.headers().contains_key(header::CONTENT_ENCODING);
            rewrite::plan_problem(answer, json, size, encoded)
        }
        _ => rewrite::plan(kind, size),
    }
}

/// Adds `Accept` to the response's `Vary`, unless it is there or `Vary` is
/// `*`: one field line, merged with the values already there.
fn add_vary(headers: &mut header::HeaderMap) {
    if headers.get_all(header::VARY).len() == 0 {
        headers.insert(header::VARY, HeaderValue::from_static("Accept"));
        return;
    }
    if !rewrite::vary_lacks_accept(headers.get_all(header::VARY).map(HeaderValue::as_bytes)) {
        return;
    }
    let merged =
        rewrite::vary_with_accept(headers.get_all(header::VARY).map(HeaderValue::as_bytes));
    match HeaderValue::from_bytes(&merged) {
        Ok(merged) => {
            headers.insert(header::VARY, merged);
        }
        Err(_) => headers.append(header::VARY, HeaderValue::from_static("Accept")),
    }
}

fn rewrite_with<B: MessageBody + 'static, O>(
    origin: Origin,
    plan: Plan,
    response: HttpResponse<B>,
    answer: Answer,
) -> Start<O> {
    let (head, body) = response.into_parts();
    match plan {
        Plan::Read => match body.try_into_bytes() {
            Ok(bytes) => {
                let complete = bytes.len() <= rewrite::READ_LIMIT;
                let text = &bytes[..bytes.len().min(rewrite::READ_LIMIT)];
                Start::Ready(origin.answer(finish(head, rewrite::detail(text, complete), answer)))
            }
            Err(body) => Start::Read(Reading {
                origin: Some(origin),
                head: Some(head),
                body: body.boxed(),
                text: Vec::new(),
                purpose: Purpose::Detail,
            }),
        },
        #[cfg(feature = "xml")]
        Plan::Transcode => match body.try_into_bytes() {
            Ok(bytes) => Start::Ready(origin.answer(transcoded(head, bytes, true, answer))),
            Err(body) => Start::Read(Reading {
                origin: Some(origin),
                head: Some(head),
                body: body.boxed(),
                text: Vec::new(),
                purpose: Purpose::Transcode,
            }),
        },
        // Pass and Vary are answered by the callers; actix-web keeps HEAD
        // bodies until it writes the response, so Headless does not occur.
        Plan::Pass | Plan::Vary | Plan::Bare | Plan::Headless => {
            Start::Ready(origin.answer(finish(head, None, answer)))
        }
    }
}

/// A body being read: a text's first [`rewrite::READ_LIMIT`] bytes, or a
/// whole problem+json body to transcode.
struct Reading {
    origin: Option<Origin>,
    head: Option<HttpResponse<()>>,
    body: BoxBody,
    text: Vec<u8>,
    purpose: Purpose,
}

/// Why a body is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// Its text becomes `detail`.
    Detail,
    /// Its problem+json is answered in XML.
    #[cfg(feature = "xml")]
    Transcode,
}

impl Reading {
    fn poll(&mut self, cx: &mut Context<'_>, answer: Answer) -> Poll<(Origin, HttpResponse)> {
        let limit = match self.purpose {
            Purpose::Detail => rewrite::READ_LIMIT,
            #[cfg(feature = "xml")]
            Purpose::Transcode => rewrite::TRANSCODE_LIMIT as usize,
        };
        let complete = loop {
            match std::task::ready!(Pin::new(&mut self.body).poll_next(cx)) {
                None => break Some(true),
                // A body that fails is not the text it meant to send.
                Some(Err(_)) => break None,
                Some(Ok(data)) => {
                    let room = limit - self.text.len();
                    if self.text.capacity() == 0 {
                        self.text.reserve(limit.min(data.len().max(64)));
                    }
                    self.text.extend_from_slice(&data[..data.len().min(room)]);
                    if self.text.len() == limit {
                        break Some(false);
                    }
                }
            }
        };
        let head = self
            .head
            .take()
            .unwrap_or_else(|| HttpResponse::InternalServerError().finish().into_parts().0);
        let origin = self.origin.take().unwrap_or_else(|| {
            Origin::Error(actix_web::error::ErrorInternalServerError(
                "polled after completion",
            ))
        });
        #[cfg(feature = "xml")]
        if self.purpose == Purpose::Transcode {
            let json = Bytes::from(std::mem::take(&mut self.text));
            let complete = complete == Some(true);
            return Poll::Ready((origin, transcoded(head, json, complete, answer)));
        }
        let detail = complete.and_then(|complete| rewrite::detail(&self.text, complete));
        Poll::Ready((origin, finish(head, detail, answer)))
    }
}

/// The XML answer for a problem+json body read whole (`complete`); the JSON
/// as it was when it does not transcode; a bare problem when it could not be
/// read whole.
#[cfg(feature = "xml")]
fn transcoded(head: HttpResponse<()>, json: Bytes, complete: bool, answer: Answer) -> HttpResponse {
    if !complete {
        return finish(head, None, answer);
    }
    match crate::xml::from_json_body(&json) {
        Some(xml) => respond(head, Cow::Owned(xml), crate::PROBLEM_XML, answer),
        None => {
            let mut response = head.set_body(BoxBody::new(json));
            add_vary(response.headers_mut());
            response
        }
    }
}

/// The problem response: the old head with the new body and
/// `Content-Type`, without the headers that described the old body.
fn finish(head: HttpResponse<()>, detail: Option<&str>, answer: Answer) -> HttpResponse {
    let (body, content_type) = answer.body(head.status().as_u16(), detail);
    respond(head, body, content_type, answer)
}

/// The old head with a new problem body of `content_type`.
fn respond(
    head: HttpResponse<()>,
    body: Cow<'static, [u8]>,
    content_type: &'static str,
    answer: Answer,
) -> HttpResponse {
    let body = match body {
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
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if answer.vary() {
        add_vary(headers);
    }
    response
}
