//! `ProblemLayer`: every plain error response of what it wraps becomes a
//! problem.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll, ready};

use axum_core::body::Body;
use axum_core::response::Response;
use bytes::Bytes;
use http::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, VARY};
use http::{HeaderMap, HeaderValue, Method, Request};
use http_body::Body as _;

use crate::rewrite::{self, Answer, Kind, Plan};

/// A tower layer that turns every 4xx/5xx response whose body is empty or
/// `text/plain` into an `application/problem+json` one: the router's 404 and
/// 405, `DefaultBodyLimit`'s 413, the extractors' text rejections, a timeout
/// layer's empty 408.
///
/// Around the whole router, so that the router's own answers go through it
/// too:
///
/// ```
/// use axum::{Router, ServiceExt, extract::Request, routing::get};
/// use tower::Layer;
///
/// async fn serve(listener: tokio::net::TcpListener) -> std::io::Result<()> {
///     let router = Router::new().route("/orders", get(|| async { "[]" }));
///     let app = apierror::axum::ProblemLayer::new().layer(router);
///     axum::serve(listener, ServiceExt::<Request>::into_make_service(app)).await
/// }
/// ```
///
/// or with `Router::layer`, which wraps each route and the fallback (axum
/// then boxes every layered route: a few allocations more per request):
///
/// ```
/// use axum::{Router, routing::get};
///
/// let app: Router = Router::new()
///     .route("/orders", get(|| async { "[]" }))
///     .layer(apierror::axum::ProblemLayer::new());
/// ```
///
/// What it does, exactly:
/// - the status is kept; the body is `{"title":..,"status":..}` with the
///   IANA phrase as `title` and the status as `status`;
/// - for a 4xx, non-empty UTF-8 text becomes `detail`, cut at 1 KiB on a
///   character boundary (at most 1 KiB + 3 bytes are read); a 5xx gets no
///   `detail` and its body is never read, so internals never leak;
/// - every header is kept (the router's `Allow`, `WWW-Authenticate`,
///   `Retry-After`, ...) except those that described the old body:
///   `Content-Type` and `Content-Length` are set anew, `Content-Encoding`,
///   `ETag`, `Content-Digest`, `Repr-Digest` and `Transfer-Encoding` are
///   dropped;
/// - a response to HEAD gets the headers the GET problem gets, its
///   `Content-Length` included, and no body. axum's router drops a HEAD
///   body before an outer layer sees it; when that body was text that the
///   GET problem turns into `detail`, its length cannot be known and
///   `Content-Length` is left out (which RFC 9110 §9.3.2 allows);
/// - everything else passes through untouched and unread: 1xx–3xx
///   responses, problems, bodies of any other `Content-Type`, and bodies of
///   unknown size with no `Content-Type` (a stream).
///
/// The response body is axum's `Body`: a `Body` from the inner service is
/// handed on as it is, without boxing or allocating; another body type is
/// boxed into one, as axum does.
///
/// With `with_xml()` (feature `xml`) it also answers
/// problems in problem+xml to the requests that prefer it.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProblemLayer {
    #[cfg(feature = "xml")]
    xml: bool,
    _private: (),
}

impl ProblemLayer {
    /// The layer.
    ///
    /// ```
    /// let _layer = apierror::axum::ProblemLayer::new();
    /// ```
    pub fn new() -> ProblemLayer {
        ProblemLayer::default()
    }

    /// The layer, negotiating problem+xml (RFC 9457 Appendix B). Feature
    /// `xml`.
    ///
    /// A request whose `Accept` prefers `application/problem+xml`,
    /// `application/xml` or `text/xml` strictly over every JSON type
    /// (`application/json`, `application/problem+json`, any `+json`, `*/*`,
    /// `application/*`) gets its problems in XML; q-values count, the most
    /// specific range deciding a type's (RFC 9110 §12.5.1), and a malformed
    /// element of `Accept` is ignored. A tie, or an `Accept` that names
    /// neither, gets JSON. Every problem through the layer, in either format,
    /// carries `Vary: Accept`, merged with any `Vary` already there.
    ///
    /// Which problems are answered in XML:
    /// - those the layer makes (the router's 404 and 405, text and empty
    ///   errors);
    /// - errors rendered while the layer polls the service it wraps
    ///   (derived types, [`Problem`](crate::Problem), any
    ///   [`apierror::axum::response`](crate::axum::response)): they write
    ///   their own XML body ([`ApiError::xml_body`](crate::ApiError::xml_body),
    ///   static for variants that use no field);
    /// - problem+json bodies rendered elsewhere (a spawned task, another
    ///   crate), when their size is known and at most 64 KiB and they are
    ///   not `Content-Encoding`d: read whole and transcoded, every member
    ///   kept, in order. Others go out as JSON, with `Vary: Accept`.
    ///
    /// ```
    /// use axum::{Router, routing::get};
    /// use tower::{Layer, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let app = apierror::axum::ProblemLayer::new()
    ///     .with_xml()
    ///     .layer(Router::new().route("/", get(|| async { "hi" })));
    /// let request = http::Request::get("/nowhere")
    ///     .header("accept", "application/problem+xml, application/json;q=0.5")
    ///     .body(axum::body::Body::empty())
    ///     .unwrap();
    /// let response = app.oneshot(request).await.unwrap();
    /// assert_eq!(response.status(), 404);
    /// assert_eq!(response.headers()["content-type"], "application/problem+xml");
    /// assert_eq!(response.headers()["vary"], "Accept");
    /// let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    /// assert_eq!(
    ///     &body[..],
    ///     concat!(
    ///         r#"<?xml version="1.0" encoding="UTF-8"?><problem xmlns="urn:ietf:rfc:7807">"#,
    ///         "<title>Not Found</title><status>404</status></problem>"
    ///     )
    ///     .as_bytes()
    /// );
    /// # }
    /// ```
    #[cfg(feature = "xml")]
    pub fn with_xml(self) -> ProblemLayer {
        ProblemLayer { xml: true, ..self }
    }
}

impl<S> tower_layer::Layer<S> for ProblemLayer {
    type Service = ProblemService<S>;

    fn layer(&self, inner: S) -> ProblemService<S> {
        ProblemService {
            inner,
            #[cfg(feature = "xml")]
            xml: self.xml,
        }
    }
}

/// The service [`ProblemLayer`] wraps around another.
///
/// ```
/// use axum::{Router, routing::get};
/// use tower::{Layer, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let app = apierror::axum::ProblemLayer::new().layer(Router::new().route("/", get(|| async { "hi" })));
/// let request = http::Request::get("/nowhere").body(axum::body::Body::empty()).unwrap();
/// let response = app.oneshot(request).await.unwrap();
/// assert_eq!(response.status(), 404);
/// assert_eq!(response.headers()["content-type"], "application/problem+json");
/// let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
/// assert_eq!(&body[..], br#"{"title":"Not Found","status":404}"#);
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ProblemService<S> {
    inner: S,
    #[cfg(feature = "xml")]
    xml: bool,
}

/// What the request asked that shapes the problem.
#[derive(Clone, Copy, Debug)]
struct Asked {
    head: bool,
    answer: Answer,
}

impl<S, ReqBody, ResBody> tower_service::Service<Request<ReqBody>> for ProblemService<S>
where
    S: tower_service::Service<Request<ReqBody>, Response = http::Response<ResBody>>,
    ResBody: http_body::Body<Data = Bytes> + Send + 'static,
    ResBody::Error: Into<axum_core::BoxError>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = ProblemFuture<S::Future>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    #[inline]
    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        #[cfg(feature = "xml")]
        let answer = Answer::of(self.xml, || {
            request
                .headers()
                .get_all(http::header::ACCEPT)
                .iter()
                .map(HeaderValue::as_bytes)
        });
        #[cfg(not(feature = "xml"))]
        let answer = Answer::Plain;
        let asked = Asked {
            head: request.method() == Method::HEAD,
            answer,
        };
        ProblemFuture {
            state: State::Inner {
                future: self.inner.call(request),
            },
            asked,
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`ProblemService`]: the inner service's response, made
    /// a problem where it is a plain error.
    pub struct ProblemFuture<F> {
        #[pin]
        state: State<F>,
        asked: Asked,
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

impl<F, B, E> Future for ProblemFuture<F>
where
    F: Future<Output = Result<http::Response<B>, E>>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<axum_core::BoxError>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Inner { future } => {
                    let answer = this.asked.answer;
                    let output = ready!(answer.polling(|| future.poll(cx)));
                    let response = match output {
                        Ok(response) => response,
                        Err(error) => {
                            this.state.set(State::Done);
                            return Poll::Ready(Err(error));
                        }
                    };
                    match start(response, *this.asked) {
                        Start::Ready(response) => {
                            this.state.set(State::Done);
                            return Poll::Ready(Ok(response));
                        }
                        Start::Read(reading) => this.state.set(State::Reading { reading }),
                    }
                }
                StateProj::Reading { reading } => {
                    let response = ready!(reading.poll(cx, *this.asked));
                    this.state.set(State::Done);
                    return Poll::Ready(Ok(response));
                }
                // Polled after completion: a bare 500 rather than a panic.
                StateProj::Done => {
                    let mut response = Response::new(Body::empty());
                    *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
                    return Poll::Ready(Ok(finish(response.into_parts().0, None, *this.asked)));
                }
            }
        }
    }
}

impl<F> std::fmt::Debug for ProblemFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProblemFuture").finish_non_exhaustive()
    }
}

/// What [`start`] found.
enum Start {
    /// The response as it goes out.
    Ready(Response),
    /// A text body still to read.
    Read(Reading),
}

/// The response as it goes out, or the text body still to read. Anything
/// but a 4xx/5xx leaves here untouched; the rest is [`classify`]'s.
#[inline(always)]
fn start<B>(response: http::Response<B>, asked: Asked) -> Start
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<axum_core::BoxError>,
{
    if !(400..=599).contains(&response.status().as_u16()) {
        return Start::Ready(response.map(Body::new));
    }
    classify(response, asked)
}

/// An error response: untouched, rewritten at once, or its text to read.
#[inline(never)]
fn classify<B>(response: http::Response<B>, asked: Asked) -> Start
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<axum_core::BoxError>,
{
    let status = response.status().as_u16();
    let kind = rewrite::kind(
        status,
        response
            .headers()
            .get(CONTENT_TYPE)
            .map(HeaderValue::as_bytes),
    );
    let size = response.body().size_hint().exact();
    match kind {
        Kind::Other => return Start::Ready(response.map(Body::new)),
        Kind::Problem { json } => return problem(response, json, size, asked),
        Kind::Text { .. } | Kind::Untyped => {}
    }
    let plan = if asked.head && size == Some(0) {
        rewrite::plan_head(
            kind,
            rewrite::declared_length(
                response
                    .headers()
                    .get_all(CONTENT_LENGTH)
                    .iter()
                    .map(HeaderValue::as_bytes),
            ),
        )
    } else {
        rewrite::plan(kind, size)
    };
    match plan {
        Plan::Pass | Plan::Vary => Start::Ready(response.map(Body::new)),
        #[cfg(feature = "xml")]
        Plan::Transcode => Start::Ready(response.map(Body::new)),
        Plan::Bare => Start::Ready(finish(response.into_parts().0, None, asked)),
        Plan::Headless => {
            let mut response = finish(response.into_parts().0, None, asked);
            response.headers_mut().remove(CONTENT_LENGTH);
            Start::Ready(response)
        }
        Plan::Read => {
            let (parts, body) = response.into_parts();
            let capacity = size.map_or(rewrite::READ_LIMIT, |size| {
                usize::try_from(size).map_or(rewrite::READ_LIMIT, |s| s.min(rewrite::READ_LIMIT))
            });
            Start::Read(Reading {
                parts: Some(parts),
                body: Body::new(body),
                text: Vec::with_capacity(capacity),
                purpose: Purpose::Detail,
            })
        }
    }
}

/// A response that is already a problem: untouched without negotiation;
/// else given `Vary: Accept`, and read to be transcoded when XML was chosen
/// and it is JSON.
fn problem<B>(mut response: http::Response<B>, json: bool, size: Option<u64>, asked: Asked) -> Start
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<axum_core::BoxError>,
{
    // A HEAD body that the router already dropped cannot be transcoded.
    let size = size.filter(|&size| !(asked.head && size == 0));
    let encoded = || response.headers().contains_key(CONTENT_ENCODING);
    match rewrite::plan_problem(asked.answer, json, size, encoded) {
        Plan::Pass => Start::Ready(response.map(Body::new)),
        #[cfg(feature = "xml")]
        Plan::Transcode => {
            let capacity = size.map_or(0, |size| usize::try_from(size).unwrap_or(0));
            let (parts, body) = response.into_parts();
            Start::Read(Reading {
                parts: Some(parts),
                body: Body::new(body),
                text: Vec::with_capacity(capacity),
                purpose: Purpose::Transcode,
            })
        }
        _ => {
            add_vary(response.headers_mut());
            Start::Ready(response.map(Body::new))
        }
    }
}

/// Adds `Accept` to the response's `Vary`, unless it is there or `Vary` is
/// `*`: one field line, merged with the values already there.
fn add_vary(headers: &mut HeaderMap) {
    match headers.entry(VARY) {
        http::header::Entry::Vacant(vacant) => {
            vacant.insert(HeaderValue::from_static("Accept"));
        }
        http::header::Entry::Occupied(mut occupied) => {
            if !rewrite::vary_lacks_accept(occupied.iter().map(HeaderValue::as_bytes)) {
                return;
            }
            let merged = rewrite::vary_with_accept(occupied.iter().map(HeaderValue::as_bytes));
            match HeaderValue::from_bytes(&merged) {
                Ok(merged) => {
                    occupied.insert(merged);
                }
                Err(_) => occupied.append(HeaderValue::from_static("Accept")),
            }
        }
    }
}

/// A body being read: a text's first [`rewrite::READ_LIMIT`] bytes, or a
/// whole problem+json body to transcode.
struct Reading {
    parts: Option<http::response::Parts>,
    body: Body,
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
    fn poll(&mut self, cx: &mut Context<'_>, asked: Asked) -> Poll<Response> {
        let limit = match self.purpose {
            Purpose::Detail => rewrite::READ_LIMIT,
            #[cfg(feature = "xml")]
            Purpose::Transcode => rewrite::TRANSCODE_LIMIT as usize,
        };
        let complete = loop {
            match ready!(Pin::new(&mut self.body).poll_frame(cx)) {
                None => break Some(true),
                // A body that fails is not the text it meant to send.
                Some(Err(_)) => break None,
                Some(Ok(frame)) => {
                    let Ok(data) = frame.into_data() else {
                        continue; // trailers
                    };
                    let room = limit - self.text.len();
                    self.text.extend_from_slice(&data[..data.len().min(room)]);
                    if self.text.len() == limit {
                        break Some(data.len() <= room && self.body.is_end_stream());
                    }
                }
            }
        };
        let parts = match self.parts.take() {
            Some(parts) => parts,
            None => Response::new(Body::empty()).into_parts().0,
        };
        #[cfg(feature = "xml")]
        if self.purpose == Purpose::Transcode {
            let text = std::mem::take(&mut self.text);
            return Poll::Ready(transcoded(parts, text, complete == Some(true), asked));
        }
        let detail = complete.and_then(|complete| rewrite::detail(&self.text, complete));
        Poll::Ready(finish(parts, detail, asked))
    }
}

/// The XML answer for a problem+json body read whole (`complete`); the JSON
/// as it was when it does not transcode; a bare problem when it could not be
/// read whole.
#[cfg(feature = "xml")]
fn transcoded(
    mut parts: http::response::Parts,
    json: Vec<u8>,
    complete: bool,
    asked: Asked,
) -> Response {
    if !complete {
        return finish(parts, None, asked);
    }
    let Some(xml) = crate::xml::from_json_body(&json) else {
        add_vary(&mut parts.headers);
        parts.headers.insert(CONTENT_LENGTH, length(json.len()));
        let body = if asked.head {
            Body::empty()
        } else {
            Body::from(json)
        };
        return Response::from_parts(parts, body);
    };
    respond(
        parts,
        std::borrow::Cow::Owned(xml),
        crate::PROBLEM_XML,
        asked,
    )
}

/// The problem response: the old head with the new body, `Content-Type` and
/// `Content-Length`, without the headers that described the old body.
fn finish(parts: http::response::Parts, detail: Option<&str>, asked: Asked) -> Response {
    let (body, content_type) = asked.answer.body(parts.status.as_u16(), detail);
    respond(parts, body, content_type, asked)
}

/// The old head with a new problem body of `content_type`.
fn respond(
    mut parts: http::response::Parts,
    body: std::borrow::Cow<'static, [u8]>,
    content_type: &'static str,
    asked: Asked,
) -> Response {
    let headers = &mut parts.headers;
    for name in rewrite::DROPPED {
        headers.remove(name);
    }
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CONTENT_LENGTH, length(body.len()));
    crate::close_after(parts.status, headers);
    if asked.answer.vary() {
        add_vary(headers);
    }
    let body = if asked.head {
        Body::empty()
    } else {
        Body::from(body)
    };
    Response::from_parts(parts, body)
}

/// `len` as a header value; the lengths of bodies without `detail` (all
/// under 128 bytes) come from a table built once, so they cost no
/// allocation.
fn length(len: usize) -> HeaderValue {
    static SMALL: OnceLock<Box<[HeaderValue]>> = OnceLock::new();
    let small = SMALL.get_or_init(|| (0..128_usize).map(HeaderValue::from).collect());
    match small.get(len) {
        Some(value) => value.clone(),
        None => HeaderValue::from(len),
    }
}
