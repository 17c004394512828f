//! The cost of `apierror::axum::ProblemLayer`: one request through a router,
//! with and without the layer, in one harness.
//!
//! Every [`Setup`] builds its service once; [`run`] sends one request and
//! collects the response body (one poll with a no-op waker: everything here
//! is ready at once, so no executor is timed). Groups:
//! - `layer_ok`: a 200 (`"ok"`) through the bare router, through
//!   `ProblemLayer::new().layer(router)` (the target: ≤ 1.02×, no extra
//!   allocation) and through `Router::layer` (reported);
//! - `layer_404`: a derived static 404 returned by a handler of the bare
//!   router (the floor), against the router's own empty 404 rewritten by the
//!   layer around it (the target: ≤ 1.5×) and through `Router::layer`.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use apierror::axum::{ProblemLayer, ProblemService};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::response::Response;
use axum::routing::get;
use tower::{Layer, Service};

use crate::WidgetError;

/// The router every setup starts from: a 200 at `/ok`, a derived static 404
/// at `/widget`, and axum's default fallback (an empty 404) elsewhere.
pub fn router() -> Router {
    Router::new().route("/ok", get(|| async { "ok" })).route(
        "/widget",
        get(|| async { Err::<&'static str, _>(WidgetError::NotFound) }),
    )
}

/// A service under test.
pub enum Setup {
    /// The router alone.
    Bare(Router),
    /// `ProblemLayer::new().layer(router)`.
    Around(ProblemService<Router>),
    /// `router.layer(ProblemLayer::new())`.
    RouterLayer(Router),
    /// A control: an identity `map_response` around the router, what any
    /// tower wrapper costs.
    Identity(tower::util::MapResponse<Router, fn(Response) -> Response>),
}

impl Setup {
    /// The setup by its name in the report.
    pub fn new(name: &str) -> Setup {
        match name {
            "around" => Setup::Around(ProblemLayer::new().layer(router())),
            "router_layer" => Setup::RouterLayer(router().layer(ProblemLayer::new())),
            "identity" => Setup::Identity(tower::util::MapResponse::new(
                router(),
                std::convert::identity as fn(Response) -> Response,
            )),
            _ => Setup::Bare(router()),
        }
    }

    fn call(&mut self, path: &'static str) -> Response {
        let request = http::Request::get(path)
            .body(Body::empty())
            .unwrap_or_else(|_| unreachable!("a static request is valid"));
        let output = match self {
            Setup::Bare(router) | Setup::RouterLayer(router) => block_on(router.call(request)),
            Setup::Around(service) => block_on(service.call(request)),
            Setup::Identity(service) => block_on(service.call(request)),
        };
        match output {
            Ok(response) => response,
            Err(infallible) => match infallible {},
        }
    }
}

/// One benchmarked comparison: a Criterion group, its cases (name, setup,
/// path), the first one the baseline.
pub struct Group {
    /// The Criterion group name.
    pub name: &'static str,
    /// `(case name, setup name, request path)`.
    pub cases: [(&'static str, &'static str, &'static str); 4],
    /// The ratio the second case must stay within against the first.
    pub target: f64,
}

/// Both groups.
pub const GROUPS: [Group; 2] = [
    Group {
        name: "layer_ok",
        cases: [
            ("without", "bare", "/ok"),
            ("problem_layer", "around", "/ok"),
            ("router_layer", "router_layer", "/ok"),
            ("identity_wrapper", "identity", "/ok"),
        ],
        target: 1.02,
    },
    Group {
        name: "layer_404",
        cases: [
            ("derived_static", "bare", "/widget"),
            ("problem_layer", "around", "/nowhere"),
            ("router_layer", "router_layer", "/nowhere"),
            ("identity_wrapper", "identity", "/widget"),
        ],
        target: 1.5,
    },
];

/// One request to `path` and its whole body: the unit of work timed.
#[inline]
pub fn run(setup: &mut Setup, path: &'static str) -> (http::StatusCode, Bytes) {
    let response = setup.call(path);
    let status = response.status();
    (status, crate::collect(response.into_body()))
}

fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_answers_what_it_should() {
        let mut bare = Setup::new("bare");
        let (status, body) = run(&mut bare, "/ok");
        assert_eq!((status.as_u16(), &body[..]), (200, &b"ok"[..]));
        for setup in ["around", "router_layer"] {
            let mut setup = Setup::new(setup);
            assert_eq!(run(&mut setup, "/ok"), run(&mut bare, "/ok"));
            let (status, body) = run(&mut setup, "/nowhere");
            assert_eq!(status, 404);
            assert_eq!(&body[..], br#"{"title":"Not Found","status":404}"#);
        }
        let (status, body) = run(&mut bare, "/widget");
        assert_eq!(status, 404);
        assert_eq!(
            &body[..],
            br#"{"title":"Not Found","status":404,"detail":"widget not found"}"#
        );
    }
}
