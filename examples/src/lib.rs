//! Runnable services built with `apierror`: a small orders service, written
//! twice, on axum ([`axum_app`]) and on actix-web ([`actix_app`]), over one
//! domain ([`orders`]) whose errors are declared once with
//! `#[derive(ApiError)]`.
//!
//! See it work with one command:
//!
//! ```text
//! cargo run -p apierror-examples --bin tour              # every failure, printed
//! cargo run -p apierror-examples --bin tour -- --actix   # the same, on actix-web
//! cargo run -p apierror-examples --bin tour -- --serve   # keep it on 127.0.0.1:3000
//! cargo run -p apierror-examples --bin client            # a Rust client gets `OrderError` back
//! ```
//!
//! Routes (all under `/orders` want `Authorization: Bearer demo-token`):
//!
//! | route | answers |
//! | --- | --- |
//! | `GET /health` | `200 ok`, static: for load and benchmark comparisons |
//! | `GET /metrics` | problem counts by status and type, from the response record |
//! | `GET /orders`, `POST /orders` | list; place (`{"lines": [{"sku": "espresso-beans", "qty": 2}]}`: at least one line, a non-empty `sku`, `qty` 1 to 100) |
//! | `GET /orders/{id}`, `DELETE /orders/{id}` | read; cancel an open order |
//! | `POST /orders/{id}/pay` | pay (`{"card": ..}`; card `4000000000000002` is declined) |
//! | `GET /orders/export` | every order, once a minute |
//! | `GET /orders/{id}/tracking` | asks a carrier that is down: 503 |
//! | `GET /orders/{id}/invoice` | a buggy handler that panics: 500 |
//! | `GET /openapi.json` | the OpenAPI 3.1 document of the routes above ([`api`]) |
//! | `GET /problems/{name}` | a page for each of `OrderError`'s problem types |
//!
//! Seed data: order 1 is open, order 2 is paid.
//!
//! Every failure is a problem, including those the service does not write
//! itself: apierror's layer (`ProblemLayer` on axum, `Problems` on
//! actix-web) makes the router's 404 and 405 (with `Allow`) problems, the
//! `apierror` `Json` extractors answer 415, 413 (bodies over 2 MiB), 400
//! (with line and column) and 422 (with a pointer), and the create-order
//! rules (validator) answer 422 with one pointed violation per value.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod actix_app;
pub mod api;
pub mod axum_app;
pub mod client;
pub mod orders;
