//! actix-web integration (feature `actix-web`): derived types implement
//! `ResponseError`, and [`Problem`] does too, and is a `Responder`.
//!
//! actix-web 4 is on `http` 0.2 while this crate is on `http` 1: statuses
//! cross by `u16`, headers by their bytes, and nothing that fails to cross is
//! unwrapped.

use actix_web::http::StatusCode as ActixStatus;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, Responder, ResponseError};

use crate::{ApiError, Problem};

/// `http` 1's status as actix-web's.
#[inline]
pub fn actix_status(status: http::StatusCode) -> ActixStatus {
    ActixStatus::from_u16(status.as_u16()).unwrap_or(ActixStatus::INTERNAL_SERVER_ERROR)
}

/// The response for a derived type's `ResponseError::error_response`.
pub fn actix_response<E: ApiError + ?Sized>(error: &E) -> HttpResponse {
    let (parts, body) = crate::response(error).into_parts();
    let mut response = HttpResponse::with_body(actix_status(parts.status), body);
    let headers = response.headers_mut();
    for (name, value) in &parts.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_str().as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            headers.append(name, value);
        }
    }
    response.map_into_boxed_body()
}

impl ResponseError for Problem {
    fn status_code(&self) -> ActixStatus {
        actix_status(ApiError::status(self))
    }

    fn error_response(&self) -> HttpResponse {
        actix_response(self)
    }
}

impl Responder for Problem {
    type Body = actix_web::body::BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        actix_response(&self)
    }
}
