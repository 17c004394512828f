//! `#[problem(crate = "path")]` names the apierror crate when it is not
//! `::apierror`: re-exported by another crate or module, or renamed
//! (DESIGN.md, "Hygiene and control"). Cargo refuses one package under two
//! names in one manifest, so the crate is reached here through a module; the
//! derive's unit test `crate_path_replaces_every_apierror_path` checks that
//! the expansion then names `apierror` nowhere.

use serde_json::{Value, json};

pub mod facade {
    pub mod errors {
        pub use ::apierror as api;
    }
}

use facade::errors::api::ApiError as _;

#[derive(Debug, thiserror::Error, facade::errors::api::ApiError)]
#[problem(
    crate = "crate::facade::errors::api",
    header(cache_control = "no-store")
)]
pub enum Reexported {
    #[error("order {id} not found")]
    #[status(404)]
    #[problem(instance = "/orders/{id}", header(x_id = "{id}"))]
    NotFound {
        #[problem(extension)]
        id: u64,
    },

    #[error(transparent)]
    #[status(transparent)]
    Inner(#[from] Teapot),
}

#[derive(Debug, thiserror::Error, facade::errors::api::ApiError)]
#[error("short and stout")]
#[status(418)]
#[problem(crate = "facade::errors::api")]
pub struct Teapot;

fn body(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("the body is JSON")
}

#[test]
fn derives_through_a_reexport() {
    let response = facade::errors::api::response(&Reexported::NotFound { id: 3 });
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["x-id"], "3");
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(
        body(response.body()),
        json!({"title": "Not Found", "status": 404, "detail": "order 3 not found", "instance": "/orders/3", "id": 3})
    );
    let inner = Reexported::from(Teapot);
    assert_eq!(inner.status(), 418);
    assert_eq!(
        body(&inner.body()),
        json!({"title": "(Unused)", "status": 418, "detail": "short and stout"})
    );
}

#[tokio::test]
async fn the_framework_impls_come_through_the_reexport() {
    use axum::response::IntoResponse;
    let response = Teapot.into_response();
    assert_eq!(response.status(), 418);
    let response = actix_web::ResponseError::error_response(&Teapot);
    assert_eq!(response.status().as_u16(), 418);
}
