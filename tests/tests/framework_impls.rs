//! `#[problem(framework_impls = false)]`: the derive emits no axum or
//! actix-web impl, so a crate can write its own even when the features are on
//! (they are, for this test crate). Without the key this file would not
//! build: the derive's impls would conflict with these (E0119).

use apierror::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[error("short and stout")]
#[status(418)]
#[problem(framework_impls = false)]
pub struct Custom;

impl axum::response::IntoResponse for Custom {
    fn into_response(self) -> axum::response::Response {
        let mut response = apierror::response(&self).map(axum::body::Body::from);
        response
            .headers_mut()
            .insert("x-custom", http::HeaderValue::from_static("axum"));
        response
    }
}

impl actix_web::ResponseError for Custom {
    fn error_response(&self) -> actix_web::HttpResponse {
        actix_web::HttpResponse::build(actix_web::http::StatusCode::IM_A_TEAPOT)
            .insert_header(("x-custom", "actix"))
            .content_type(apierror::PROBLEM_JSON)
            .body(self.body().into_owned())
    }
}

#[derive(Debug, thiserror::Error, ApiError)]
#[problem(framework_impls = false)]
pub enum CustomEnum {
    #[error("gone")]
    #[status(410)]
    Gone,
}

impl axum::response::IntoResponse for CustomEnum {
    fn into_response(self) -> axum::response::Response {
        (http::StatusCode::GONE, "hand-written").into_response()
    }
}

/// `framework_impls = true` is the default, written out.
#[derive(Debug, thiserror::Error, ApiError)]
#[error("derived")]
#[status(409)]
#[problem(framework_impls = true)]
pub struct Derived;

#[tokio::test]
async fn hand_written_impls_are_the_ones_used() {
    use axum::response::IntoResponse;

    let response = Custom.into_response();
    assert_eq!(response.status(), 418);
    assert_eq!(response.headers()["x-custom"], "axum");
    let body = axum::body::to_bytes(response.into_body(), 1024)
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
        serde_json::json!({"title": "(Unused)", "status": 418, "detail": "short and stout"})
    );

    let response = actix_web::ResponseError::error_response(&Custom);
    assert_eq!(response.status().as_u16(), 418);
    assert_eq!(response.headers().get("x-custom").unwrap(), "actix");

    let response = CustomEnum::Gone.into_response();
    assert_eq!(response.status(), 410);
    let body = axum::body::to_bytes(response.into_body(), 1024)
        .await
        .unwrap();
    assert_eq!(&body[..], b"hand-written");

    let response = Derived.into_response();
    assert_eq!(response.status(), 409);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    assert_eq!(
        actix_web::ResponseError::error_response(&Derived)
            .status()
            .as_u16(),
        409
    );
}
