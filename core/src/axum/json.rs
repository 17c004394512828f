//! `Json<T>` for axum, whose rejections are problems, and `ApiError` for
//! axum's own rejection types.

use std::error::Error as StdError;
use std::ops::{Deref, DerefMut};

use axum::body::{Body, Bytes};
use axum::extract::rejection::{
    BytesRejection, FormRejection, JsonRejection, PathRejection, QueryRejection,
};
use axum_core::extract::{FromRequest, OptionalFromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{HeaderMap, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::json::{JsonError, Unserializable, is_json};
use crate::{ApiError, Problem, Violations};

/// axum's `Json` extractor and response, with problems for rejections: a
/// drop-in replacement for `axum::Json`.
///
/// As an extractor it answers a request it cannot read with a [`JsonError`]:
/// 415 when `Content-Type` is not `application/json` or a `+json` type, 413
/// over the body limit (axum's `DefaultBodyLimit`, 2 MB unless changed), 400
/// when the body is not valid JSON (`detail` says at which line and column),
/// 422 when it is valid JSON of the wrong shape, with an `errors` member
/// whose pointer names the failing place.
///
/// ```
/// use apierror::axum::Json;
/// use axum::{Router, routing::post};
///
/// #[derive(serde::Deserialize, serde::Serialize)]
/// struct Order {
///     lines: Vec<Line>,
/// }
/// #[derive(serde::Deserialize, serde::Serialize)]
/// struct Line {
///     item: String,
///     qty: u32,
/// }
///
/// async fn create(Json(order): Json<Order>) -> Json<Order> {
///     Json(order)
/// }
///
/// let app: Router = Router::new().route("/orders", post(create));
/// ```
///
/// `POST /orders` with `{"lines": [{"item": "tea", "qty": 1}, {"item": "milk", "qty": "two"}]}`
/// answers:
///
/// ```text
/// HTTP/1.1 422 Unprocessable Entity
/// content-type: application/problem+json
///
/// {"title":"Unprocessable Content","status":422,
///  "detail":"the request body is valid JSON of the wrong shape",
///  "errors":[{"detail":"invalid type: string \"two\", expected u32","pointer":"#/lines/1/qty"}]}
/// ```
///
/// As a response it is `200 OK` with `Content-Type: application/json`; a value
/// that fails to serialize answers a 500 problem without the reason (which
/// goes to the log with the `tracing` feature).
#[derive(Debug, Clone, Copy, Default)]
#[must_use]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The value.
    ///
    /// ```
    /// assert_eq!(apierror::axum::Json(7).into_inner(), 7);
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned> Json<T> {
    /// Reads `bytes` as `T` with the extractor's rules (all but the content
    /// type and the limit).
    ///
    /// ```
    /// let Ok(apierror::axum::Json(v)) = apierror::axum::Json::<Vec<u8>>::from_bytes(b"[1,2]") else {
    ///     panic!()
    /// };
    /// assert_eq!(v, [1, 2]);
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Json<T>, JsonError> {
        JsonError::from_slice(bytes).map(Json)
    }
}

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = JsonError;

    async fn from_request(req: Request, state: &S) -> Result<Self, JsonError> {
        if !json_content_type(req.headers()) {
            return Err(JsonError::unsupported_media_type());
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|rejection| body_error(&rejection))?;
        Json::from_bytes(&bytes)
    }
}

impl<T, S> OptionalFromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = JsonError;

    /// `None` when the request has no `Content-Type`, as with `axum::Json`.
    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, JsonError> {
        if req.headers().contains_key(CONTENT_TYPE) {
            <Json<T> as FromRequest<S>>::from_request(req, state)
                .await
                .map(Some)
        } else {
            Ok(None)
        }
    }
}

fn json_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .is_some_and(|value| is_json(value.as_bytes()))
}

fn body_error(rejection: &BytesRejection) -> JsonError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        JsonError::too_large(None)
    } else {
        JsonError::unreadable()
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        let mut buf = Vec::with_capacity(128);
        match serde_json::to_writer(&mut buf, &self.0) {
            Ok(()) => {
                let mut response = Response::new(Body::from(buf));
                response
                    .headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                response
            }
            Err(error) => super::response(&Unserializable(error)),
        }
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

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        super::response(&self)
    }
}

impl IntoResponse for Violations {
    /// The 422 problem with the violations in `errors`.
    ///
    /// ```
    /// use axum::response::IntoResponse;
    ///
    /// let mut v = apierror::Violations::new();
    /// v.push("/qty", "must be positive");
    /// assert_eq!(v.into_response().status(), 422);
    /// ```
    fn into_response(self) -> Response {
        super::response(&self)
    }
}

/// The first error of `error`'s source chain (itself included) of type `E`.
fn find<'a, E: StdError + 'static>(error: &'a (dyn StdError + 'static)) -> Option<&'a E> {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(found) = error.downcast_ref::<E>() {
            return Some(found);
        }
        next = error.source();
    }
    None
}

type PathError = serde_path_to_error::Error<serde_json::Error>;

/// What axum's `Json` rejection means, as this crate's [`JsonError`].
fn json_rejection(rejection: &JsonRejection) -> JsonError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => JsonError::unsupported_media_type(),
        JsonRejection::BytesRejection(rejection) => body_error(rejection),
        JsonRejection::JsonDataError(_) => match find::<PathError>(rejection) {
            Some(error) => JsonError::located(error),
            None => match find::<serde_json::Error>(rejection) {
                Some(error) => JsonError::from_serde(error),
                None => JsonError::unreadable(),
            },
        },
        _ => match (
            find::<PathError>(rejection).map(PathError::inner),
            find::<serde_json::Error>(rejection),
        ) {
            (Some(error), _) | (None, Some(error)) => JsonError::syntax(error),
            (None, None) => JsonError::unreadable(),
        },
    }
}

impl ApiError for JsonRejection {
    /// axum's own status: 415, 413, 400 or 422.
    fn status(&self) -> StatusCode {
        json_rejection(self).status()
    }

    /// The problem [`Json`](struct@Json) answers with for the same failure;
    /// a 422 has an `errors` member pointing at the failing place.
    ///
    /// ```
    /// use apierror::ApiError;
    /// use axum::extract::{FromRequest, rejection::JsonRejection};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let request = http::Request::post("/")
    ///     .header("content-type", "application/json")
    ///     .body(axum::body::Body::from(r#"{"qty": "x"}"#))
    ///     .unwrap();
    /// #[derive(Debug, serde::Deserialize)]
    /// struct Line { qty: u32 }
    /// let rejection: JsonRejection =
    ///     axum::Json::<Line>::from_request(request, &()).await.unwrap_err();
    /// assert_eq!(rejection.status(), 422);
    /// let errors = rejection.problem().extension("errors").cloned().unwrap();
    /// assert_eq!(errors[0]["pointer"], "#/qty");
    /// # }
    /// ```
    fn problem(&self) -> Problem {
        json_rejection(self).problem()
    }

    fn body(&self) -> std::borrow::Cow<'static, [u8]> {
        json_rejection(self).body()
    }
}

/// The problem for a rejection that carries no JSON path: its status, its
/// text as `detail` for a 4xx, nothing for a 5xx.
fn plain(status: StatusCode, text: impl FnOnce() -> String) -> Problem {
    let problem = Problem::new(status);
    if status.is_client_error() {
        problem.with_detail(text())
    } else {
        problem
    }
}

macro_rules! plain_rejection {
    ($($ty:ident: $doc:literal),* $(,)?) => {$(
        impl ApiError for $ty {
            #[doc = $doc]
            fn status(&self) -> StatusCode {
                crate::json::error_status(self.status().as_u16())
            }

            /// The status, and axum's text as `detail` for a 4xx; a 5xx has
            /// no `detail`.
            fn problem(&self) -> Problem {
                plain(ApiError::status(self), || self.body_text())
            }
        }
    )*};
}

plain_rejection! {
    PathRejection: "axum's own status: 400 for a segment that does not parse, 500 when the route and the extractor disagree.",
    QueryRejection: "axum's own status: 400.",
    FormRejection: "axum's own status: 415, 413, 400 or 422.",
}
