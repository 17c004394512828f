//! `Json<T>` for actix-web, whose rejections are problems, and `ApiError` for
//! actix-web's own rejection types.

use std::cell::RefCell;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use actix_web::body::BoxBody;
use actix_web::dev::{JsonBody, Payload};
use actix_web::error::{
    JsonPayloadError, PathError, PayloadError, QueryPayloadError, UrlencodedError,
};
use actix_web::http::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, Responder, ResponseError};
use http::StatusCode;
use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::value::RawValue;

use crate::json::{JsonError, Unserializable, error_status};
use crate::{ApiError, Problem, Violations};

/// actix-web's `web::Json` extractor and responder, with problems for
/// rejections: a drop-in replacement for `web::Json`.
///
/// As an extractor it answers a request it cannot read with a [`JsonError`]:
/// 415 when the content type is not JSON, 413 over the limit, 400 when the
/// body is not valid JSON (`detail` says at which line and column), 422 when
/// it is valid JSON of the wrong shape, with an `errors` member whose pointer
/// names the failing place.
///
/// It honours a `web::JsonConfig` in the app data as `web::Json` does: its
/// `limit`, its `content_type` predicate and `content_type_required`; never
/// its `error_handler`, since the answer is always the problem. Without a
/// config the rules are `web::Json`'s defaults: a 2 MB limit, and a content
/// type whose subtype or suffix is `json`. Compressed bodies are decoded when
/// actix-web's compression features are on, as for `web::Json`.
///
/// A body over the limit, whether its `Content-Length` says so or it is
/// chunked (or compressed) and found over while it is read, is answered with
/// the 413 once the rest of it (at most 16 MiB) has been read and dropped,
/// unlike `web::Json`: then the client, still sending, gets its answer, and
/// the connection carries on. actix-web would otherwise close it after the
/// answer without a `Connection: close`.
///
/// ```
/// use actix_web::{App, web};
/// use apierror::actix::Json;
///
/// #[derive(serde::Deserialize, serde::Serialize)]
/// struct Line {
///     item: String,
///     qty: u32,
/// }
///
/// async fn create(Json(line): Json<Line>) -> Json<Line> {
///     Json(line)
/// }
///
/// let app = App::new()
///     .app_data(web::JsonConfig::default().limit(4096))
///     .route("/lines", web::post().to(create));
/// ```
///
/// As a responder it is `200 OK` with `Content-Type: application/json`; a
/// value that fails to serialize answers a 500 problem without the reason.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The value.
    ///
    /// ```
    /// assert_eq!(apierror::actix::Json(7).into_inner(), 7);
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> From<T> for Json<T> {
    fn from(value: T) -> Self {
        Json(value)
    }
}

/// `web::JsonConfig`'s default limit.
const DEFAULT_LIMIT: usize = 2_097_152;

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = JsonError;
    type Future = Pin<Box<dyn Future<Output = Result<Json<T>, JsonError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let Some(limit) = accepted(req) else {
            return Box::pin(std::future::ready(Err(JsonError::unsupported_media_type())));
        };
        let declared = crate::rewrite::declared_length(
            req.headers()
                .get_all(CONTENT_LENGTH)
                .map(HeaderValue::as_bytes),
        );
        if let Some(length) = declared
            && length > limit as u64
        {
            // Over the limit by its own account: answered without reading
            // it, but only once the rest of it is in (see `drain`).
            let mut payload = payload.take();
            return Box::pin(async move {
                if length <= DRAIN_LIMIT {
                    drain(&mut payload, length).await;
                }
                Err(JsonError::too_large(Some(limit)))
            });
        }
        // The content type is settled; `JsonBody` reads (and decompresses)
        // the body up to the limit and checks its syntax. A body that says
        // its size and is not encoded cannot outgrow the limit now; any other
        // one may, and then the rest of it is read as above. For that,
        // `JsonBody` reads it through a handle that leaves it here.
        let sized = declared.is_some() && !req.headers().contains_key(CONTENT_ENCODING);
        let rest = (!sized).then(|| Rc::new(RefCell::new(payload.take())));
        let mut through = match &rest {
            Some(rest) => {
                let stream: Pin<Box<dyn futures_core::Stream<Item = _>>> =
                    Box::pin(Shared(Rc::clone(rest)));
                Payload::from(stream)
            }
            None => payload.take(),
        };
        let body = JsonBody::<Box<RawValue>>::new(req, &mut through, None, false).limit(limit);
        Box::pin(async move {
            match body.await {
                Ok(raw) => JsonError::from_slice(raw.get().as_bytes()).map(Json),
                Err(error) => {
                    if let (JsonPayloadError::Overflow { .. }, Some(rest)) = (&error, rest) {
                        // `JsonBody`'s handle is gone with it: the body is
                        // ours again.
                        let mut rest = rest.borrow_mut().take();
                        drain(&mut rest, DRAIN_LIMIT).await;
                    }
                    Err(payload_error(&error))
                }
            }
        })
    }
}

/// A request body read by `JsonBody` through a handle, so that what is left
/// of it when `JsonBody` gives up can still be read.
struct Shared(Rc<RefCell<Payload>>);

impl futures_core::Stream for Shared {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut *self.0.borrow_mut()).poll_next(cx)
    }
}

/// The most of a body over the limit that [`drain`] reads: 16 MiB.
const DRAIN_LIMIT: u64 = 16 << 20;

/// Reads and drops what is left of a body over the limit, until it ends or
/// more than `budget` bytes have come.
///
/// actix-web (actix-http 3.11) stops reading a connection once the handler
/// has dropped its body, and after the answer closes the connection if the
/// body had not all come in, without a `Connection: close` to say so (RFC
/// 9112 §9.6; actix-web issue #3967). A client still sending its body then
/// meets a closed connection and may never read the 413, and a client with a
/// connection pool may send its next request on that connection and lose it.
/// Once the whole body is read, the connection carries on as after any other
/// answer. A body that goes on past the budget is left there: the connection
/// closes as before.
async fn drain(payload: &mut Payload, budget: u64) {
    use futures_core::Stream;

    let mut read = 0u64;
    while read <= budget {
        match std::future::poll_fn(|cx| Pin::new(&mut *payload).poll_next(cx)).await {
            Some(Ok(chunk)) => read += chunk.len() as u64,
            _ => return,
        }
    }
}

/// The body limit for `req`, or `None` when its content type is refused:
/// `web::JsonConfig`'s rules, read without running its error handler.
fn accepted(req: &HttpRequest) -> Option<usize> {
    let config = req.app_data::<actix_web::web::JsonConfig>().or_else(|| {
        req.app_data::<actix_web::web::Data<actix_web::web::JsonConfig>>()
            .map(|data| data.as_ref())
    });
    match config {
        None => match req.mime_type() {
            Ok(Some(mime))
                if mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json") =>
            {
                Some(DEFAULT_LIMIT)
            }
            _ => None,
        },
        Some(config) => probe(config, req),
    }
}

/// actix-web keeps a `JsonConfig`'s settings private, so they are read by
/// asking a copy of it, whose error handler is the default one, about a
/// request with the same `Content-Type` and a `Content-Length` no limit
/// allows: the answer is either the content-type error or the limit.
///
/// The question is put to a [`Probe`], a tiny app of this thread's own, and
/// never to an `HttpRequest` made by `actix_web::test::TestRequest`: each of
/// those gets a fresh app state, and when it drops, actix-web pools its inner
/// in that same state, a cycle never freed (it leaked about 3 kB a request).
/// The probe app's requests come from and go back to its own pool, which the
/// app clears when it drops; the config is lent to each request and comes
/// off it when it is pooled. So a probe keeps nothing of a request but one
/// pooled request per thread, whatever the configs and content types, and
/// caches nothing keyed by a config (whose address a later app may reuse).
fn probe(config: &actix_web::web::JsonConfig, req: &HttpRequest) -> Option<usize> {
    let content_type = req.headers().get(CONTENT_TYPE);
    let answer = PROBE
        .try_with(|probe| probe.as_ref().map(|probe| probe.ask(config, content_type)))
        .ok()
        .flatten()
        // No probe on this thread (it is being torn down, or its app did not
        // start): a probe app for this request alone, dropped after it.
        .or_else(|| Probe::new().map(|probe| probe.ask(config, content_type)));
    match answer.flatten() {
        Some(Answer::Refused) => None,
        Some(Answer::Limit(limit)) => Some(limit),
        None => Some(DEFAULT_LIMIT),
    }
}

thread_local! {
    /// This thread's probe, built on its first `JsonConfig`: one per thread,
    /// whatever the configs, since the config is lent to each question.
    static PROBE: Option<Probe> = Probe::new();
}

/// What `web::Json` made of the probe request.
#[derive(Clone, Copy)]
enum Answer {
    /// The content type is refused.
    Refused,
    /// The content type is accepted, with this body limit.
    Limit(usize),
}

/// One question to the probe app: sends a request with `content_type`,
/// lending `config` to it, and returns the answer.
type Ask = dyn Fn(&actix_web::web::JsonConfig, Option<&HeaderValue>) -> Option<Answer>;

/// An app with no data and a default service that runs `web::Json`'s
/// extractor on each request, under a `JsonConfig` lent for that request.
struct Probe {
    ask: Box<Ask>,
}

impl Probe {
    /// The probe app, or `None` if it did not start at once (it has nothing
    /// to wait for, so it always does). Its start cannot fail: it has no data
    /// factories and its one service starts infallibly.
    fn new() -> Option<Probe> {
        use actix_web::dev::{Service, ServiceRequest, fn_service};
        use std::cell::Cell;
        use std::rc::Rc;

        // The config for the request in flight, and the answer to it.
        let lent: Rc<Cell<Option<Rc<actix_web::dev::Extensions>>>> = Rc::default();
        let answer: Rc<Cell<Option<Answer>>> = Rc::default();
        let service = {
            let (lent, answer) = (Rc::clone(&lent), Rc::clone(&answer));
            fn_service(move |mut req: ServiceRequest| {
                if let Some(config) = lent.take() {
                    // The app made this request for this call and nothing
                    // else holds it: the container goes on top of the app's
                    // (empty) data, and comes off when the request is pooled.
                    req.add_data_container(config);
                    answer.set(extract(req.request()));
                }
                std::future::ready(Ok::<_, actix_web::Error>(
                    req.into_response(HttpResponse::NoContent().finish()),
                ))
            })
        };
        let app = actix_web::App::new().default_service(service);
        let mut cx = Context::from_waker(Waker::noop());
        let mut start = Box::pin(actix_web::test::init_service(app));
        let Poll::Ready(app) = start.as_mut().poll(&mut cx) else {
            return None;
        };
        let ask = move |config: &actix_web::web::JsonConfig, content_type: Option<&HeaderValue>| {
            let mut container = actix_web::dev::Extensions::new();
            container.insert(config.clone().error_handler(|error, _| error.into()));
            lent.set(Some(Rc::new(container)));
            answer.set(None);
            let mut request = actix_web::test::TestRequest::default()
                .insert_header((CONTENT_LENGTH, HeaderValue::from(usize::MAX)));
            if let Some(content_type) = content_type {
                request = request.insert_header((CONTENT_TYPE, content_type.clone()));
            }
            let mut cx = Context::from_waker(Waker::noop());
            let call = std::pin::pin!(app.call(request.to_request()));
            // Dropping the response hands the request back to the pool.
            let _ = call.poll(&mut cx);
            lent.set(None);
            answer.take()
        };
        Some(Probe { ask: Box::new(ask) })
    }

    /// The config's answer for a request with `content_type`.
    fn ask(
        &self,
        config: &actix_web::web::JsonConfig,
        content_type: Option<&HeaderValue>,
    ) -> Option<Answer> {
        (self.ask)(config, content_type)
    }
}

/// `web::Json`'s answer for the probe request `req`, polled once: its checks
/// of the content type and length come before it reads anything.
fn extract(req: &HttpRequest) -> Option<Answer> {
    let mut extract =
        <actix_web::web::Json<IgnoredAny> as FromRequest>::from_request(req, &mut Payload::None);
    let mut cx = Context::from_waker(Waker::noop());
    let Poll::Ready(Err(error)) = Pin::new(&mut extract).poll(&mut cx) else {
        return None;
    };
    match error.as_error::<JsonPayloadError>() {
        Some(JsonPayloadError::ContentType) => Some(Answer::Refused),
        Some(JsonPayloadError::OverflowKnownLength { limit, .. }) => Some(Answer::Limit(*limit)),
        // The limit let `usize::MAX` bytes through: the empty body failed.
        Some(JsonPayloadError::Deserialize(_)) => Some(Answer::Limit(usize::MAX)),
        _ => None,
    }
}

/// What actix-web's `JsonPayloadError` means, as this crate's [`JsonError`].
fn payload_error(error: &JsonPayloadError) -> JsonError {
    match error {
        JsonPayloadError::ContentType => JsonError::unsupported_media_type(),
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => JsonError::too_large(Some(*limit)),
        JsonPayloadError::Deserialize(error) => JsonError::from_serde(error),
        JsonPayloadError::Payload(error) if error.status_code().as_u16() == 413 => {
            JsonError::too_large(None)
        }
        _ => JsonError::unreadable(),
    }
}

impl<T: Serialize> Responder for Json<T> {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        match serde_json::to_vec(&self.0) {
            Ok(body) => HttpResponse::Ok()
                .insert_header((CONTENT_TYPE, HeaderValue::from_static("application/json")))
                .body(body),
            Err(error) => super::response(&Unserializable(error)),
        }
    }
}

impl ResponseError for JsonError {
    fn status_code(&self) -> actix_web::http::StatusCode {
        super::status(ApiError::status(self))
    }

    fn error_response(&self) -> HttpResponse {
        super::response(self)
    }
}

impl ResponseError for Violations {
    fn status_code(&self) -> actix_web::http::StatusCode {
        super::status(ApiError::status(self))
    }

    /// The 422 problem with the violations in `errors`.
    ///
    /// ```
    /// use actix_web::ResponseError;
    ///
    /// let mut v = apierror::Violations::new();
    /// v.push("/qty", "must be positive");
    /// assert_eq!(v.error_response().status(), 422);
    /// ```
    fn error_response(&self) -> HttpResponse {
        super::response(self)
    }
}

impl ApiError for JsonPayloadError {
    /// actix-web's own status: 415, 413, 400, 422 for valid JSON of the
    /// wrong shape (actix-web itself says 400), 500 for a response that did
    /// not serialize.
    fn status(&self) -> StatusCode {
        match self {
            JsonPayloadError::Serialize(_) => StatusCode::INTERNAL_SERVER_ERROR,
            error => ApiError::status(&payload_error(error)),
        }
    }

    /// The problem [`Json`](struct@Json) answers with for the same failure,
    /// without `errors`: actix-web does not track where a shape error is.
    ///
    /// ```
    /// use actix_web::error::JsonPayloadError;
    /// use apierror::ApiError;
    ///
    /// let err = JsonPayloadError::Overflow { limit: 10 };
    /// assert_eq!(err.status(), 413);
    /// assert_eq!(
    ///     err.problem().detail(),
    ///     Some("the request body is larger than the limit of 10 bytes")
    /// );
    /// ```
    fn problem(&self) -> Problem {
        match self {
            JsonPayloadError::Serialize(_) => Problem::new(StatusCode::INTERNAL_SERVER_ERROR),
            error => payload_error(error).problem(),
        }
    }
}

/// The problem for a rejection that carries no JSON path: its status, its
/// text as `detail` for a 4xx, nothing for a 5xx.
fn plain<E: ResponseError + ?Sized>(error: &E) -> Problem {
    let status = error_status(error.status_code().as_u16());
    let problem = Problem::new(status);
    if status.is_client_error() {
        problem.with_detail(error.to_string())
    } else {
        problem
    }
}

macro_rules! plain_rejection {
    ($($ty:ident: $doc:literal),* $(,)?) => {$(
        impl ApiError for $ty {
            #[doc = $doc]
            fn status(&self) -> StatusCode {
                error_status(self.status_code().as_u16())
            }

            /// The status, and actix-web's text as `detail` for a 4xx; a 5xx
            /// has no `detail`.
            fn problem(&self) -> Problem {
                plain(self)
            }
        }
    )*};
}

plain_rejection! {
    PathError: "actix-web's own status for it: 400 (`web::Path` itself answers 404 unless a `PathConfig` error handler passes the error on).",
    QueryPayloadError: "actix-web's own status: 400.",
    UrlencodedError: "actix-web's own status: 415, 413, 411, 400, or 500 for a response that did not serialize.",
}
