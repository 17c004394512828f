//! The cost of negotiation in `apierror::axum::ProblemLayer`: one request
//! through the whole router wrapped by the layer, in one harness (the
//! `layer` module's: one poll with a no-op waker, the whole body collected).
//!
//! Groups, each case `(name, layer, path, Accept)`:
//! - `nego_static`: the derived static 404 (`unit` scenario) through
//!   `with_xml()`, asked as JSON and as XML. Target: XML ≤ 1.1× JSON.
//! - `nego_fields`: the `fields` scenario (a 409 with a formatted detail and
//!   an extension) the same two ways. Target: XML ≤ 1.3× JSON.
//! - `nego_overhead`: a JSON request (`Accept: application/json`) for the
//!   derived 404, through the layer with `with_xml()` against the layer
//!   without it. Target: ≤ 1.05×. The router's own empty 404, rewritten by
//!   the layer, is reported beside it.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use apierror::axum::{ProblemLayer, ProblemService};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::response::Response;
use axum::routing::get;
use tower::{Layer, Service};

use crate::Scenario;

/// The router every setup wraps: the `unit` scenario at `/unit`, the
/// `fields` scenario at `/fields`, axum's empty 404 elsewhere.
pub fn router() -> Router {
    Router::new()
        .route(
            "/unit",
            get(|| async { Err::<&'static str, _>(Scenario::Unit.error()) }),
        )
        .route(
            "/fields",
            get(|| async { Err::<&'static str, _>(Scenario::Fields.error()) }),
        )
}

/// A layered router under test.
pub struct Setup(ProblemService<Router>);

impl Setup {
    /// `"xml"`: `ProblemLayer::new().with_xml()`; anything else:
    /// `ProblemLayer::new()`.
    pub fn new(layer: &str) -> Setup {
        let layer = match layer {
            "xml" => ProblemLayer::new().with_xml(),
            _ => ProblemLayer::new(),
        };
        Setup(layer.layer(router()))
    }
}

/// `Accept: application/json`.
pub const JSON: &str = "application/json";
/// `Accept: application/problem+xml`.
pub const XML: &str = "application/problem+xml";

/// One benchmarked comparison: the first case is the baseline, the second
/// the one with a target.
pub struct Group {
    /// The Criterion group name.
    pub name: &'static str,
    /// `(case name, layer, path, Accept)`.
    pub cases: &'static [(&'static str, &'static str, &'static str, &'static str)],
    /// The ratio the second case must stay within against the first.
    pub target: f64,
}

/// Every group.
pub const GROUPS: [Group; 3] = [
    Group {
        name: "nego_static",
        cases: &[("json", "xml", "/unit", JSON), ("xml", "xml", "/unit", XML)],
        target: 1.1,
    },
    Group {
        name: "nego_fields",
        cases: &[
            ("json", "xml", "/fields", JSON),
            ("xml", "xml", "/fields", XML),
        ],
        target: 1.3,
    },
    Group {
        name: "nego_overhead",
        cases: &[
            ("without_xml", "plain", "/unit", JSON),
            ("with_xml", "xml", "/unit", JSON),
            ("router_404_without_xml", "plain", "/nowhere", JSON),
            ("router_404_with_xml", "xml", "/nowhere", JSON),
        ],
        target: 1.05,
    },
];

/// One request to `path` with `accept` and its whole body: the unit of work
/// timed.
#[inline]
pub fn run(
    setup: &mut Setup,
    path: &'static str,
    accept: &'static str,
) -> (http::StatusCode, Bytes) {
    let request = http::Request::get(path)
        .header(http::header::ACCEPT, accept)
        .body(Body::empty())
        .unwrap_or_else(|_| unreachable!("a static request is valid"));
    let response: Response = match block_on(setup.0.call(request)) {
        Ok(response) => response,
        Err(infallible) => match infallible {},
    };
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
    use apierror::ApiError;

    #[test]
    fn every_case_answers_what_it_should() {
        let mut xml = Setup::new("xml");
        let mut plain = Setup::new("plain");
        for scenario in [Scenario::Unit, Scenario::Fields] {
            let path = match scenario {
                Scenario::Unit => "/unit",
                _ => "/fields",
            };
            let error = scenario.error();
            let (status, body) = run(&mut xml, path, JSON);
            assert_eq!((status, &body[..]), (error.status(), &*error.body()));
            let (status, body) = run(&mut xml, path, XML);
            assert_eq!((status, &body[..]), (error.status(), &*error.xml_body()));
            let (status, body) = run(&mut plain, path, XML);
            assert_eq!((status, &body[..]), (error.status(), &*error.body()));
        }
        let (status, body) = run(&mut xml, "/nowhere", JSON);
        assert_eq!(status, 404);
        assert_eq!(&body[..], br#"{"title":"Not Found","status":404}"#);
    }
}
