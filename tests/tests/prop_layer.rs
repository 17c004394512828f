//! Property tests of the problem layer, in process, for both frameworks:
//! whatever status, `Content-Type`, body (any text, any bytes, whole or in
//! chunks of unknown size), extra headers and method (GET or HEAD) a
//! response has, the layer never panics, and answers either the response
//! unchanged (status, every header, body byte for byte) or a valid
//! problem+json as DESIGN.md's "Every failure a problem" says, keeping every
//! header it must keep.
//!
//! The expected outcome is computed here from the contract, not from the
//! layer's code. Case count: `PROPTEST_CASES` (default 256).

mod layer_common;

use std::convert::Infallible;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use actix_web::dev::{Service as _, ServiceResponse, Transform as _};
use apierror::actix::Problems;
use apierror::axum::ProblemLayer;
use axum::body::Body;
use bytes::Bytes;
use layer_common::{Chunks, DROPPED};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};
use tower::{Layer as _, Service as _};

/// `Content-Type` values and what the contract makes of them: whether it is
/// `text/plain`, and whether its text may be read as UTF-8.
const TYPES: &[(&str, bool, bool)] = &[
    ("text/plain", true, true),
    ("text/plain; charset=utf-8", true, true),
    ("Text/Plain;Charset=\"UTF-8\"", true, true),
    ("text/plain ; charset=us-ascii", true, true),
    ("text/plain; format=flowed", true, true),
    ("text/plain; charset=iso-8859-1", true, false),
    ("text/plain; charset=utf-16", true, false),
    ("application/json", false, false),
    ("application/problem+json", false, false),
    ("application/problem+xml", false, false),
    ("text/html; charset=utf-8", false, false),
    ("text/plainer", false, false),
    ("application/octet-stream", false, false),
];

/// Extra header names: kept ones, and the ones that describe the old body.
const NAMES: &[&str] = &[
    "allow",
    "www-authenticate",
    "retry-after",
    "set-cookie",
    "vary",
    "x-custom",
    "cache-control",
    "location",
    "etag",
    "content-encoding",
    "content-digest",
    "repr-digest",
    "content-language",
];

#[derive(Clone, Debug)]
struct Case {
    status: u16,
    /// Index into `TYPES`, or none.
    content_type: Option<usize>,
    body: Vec<u8>,
    /// Chunk size for a body of unknown size; `None`: size known.
    chunks: Option<usize>,
    headers: Vec<(&'static str, String)>,
    head: bool,
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        2 => select(vec![
            100, 200, 201, 204, 301, 302, 304, 400, 401, 404, 405, 408, 413, 415, 418, 422,
            429, 450, 499, 500, 502, 503, 504, 511, 599,
        ]),
        1 => 100u16..=599,
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => Just(Vec::new()),
        3 => any::<String>().prop_map(String::into_bytes),
        // Long text of multibyte characters, across the 1 KiB cut.
        3 => (vec(any::<char>(), 200..1500)).prop_map(|cs| cs.into_iter().collect::<String>().into_bytes()),
        2 => vec(any::<u8>(), 0..2100),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        status(),
        proptest::option::weighted(0.8, 0..TYPES.len()),
        body(),
        proptest::option::of(1usize..300),
        vec((select(NAMES), "[a-zA-Z0-9=;,/\" ]{0,12}"), 0..6),
        any::<bool>(),
    )
        .prop_map(|(status, content_type, body, chunks, headers, head)| Case {
            status,
            content_type,
            body,
            chunks,
            headers,
            head,
        })
}

/// What the client must get, by the contract.
#[derive(Debug)]
enum Want {
    Unchanged,
    /// A problem with this body; `detail` may also be left out when the text
    /// is valid UTF-8 only as far as the layer may read (1 KiB + 3 bytes).
    Problem {
        body: Value,
        detail_optional: bool,
    },
}

fn cut(text: &str) -> &str {
    let mut end = text.len().min(1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn want(case: &Case) -> Want {
    if !(400..=599).contains(&case.status) {
        return Want::Unchanged;
    }
    let bare = json!({"title": apierror::status::title(case.status), "status": case.status});
    let problem = |body| Want::Problem {
        body,
        detail_optional: false,
    };
    let Some(index) = case.content_type else {
        // Empty (size known to be 0) or passes through.
        return if case.chunks.is_none() && case.body.is_empty() {
            problem(bare)
        } else {
            Want::Unchanged
        };
    };
    let (_, text, utf8) = TYPES[index];
    if !text {
        return Want::Unchanged;
    }
    if case.status >= 500 || !utf8 {
        return problem(bare);
    }
    let mut with_detail = bare.clone();
    match std::str::from_utf8(&case.body) {
        Ok(text) if cut(text).is_empty() => problem(bare),
        Ok(text) => {
            with_detail["detail"] = json!(cut(text));
            problem(with_detail)
        }
        Err(error) => {
            // Valid up to the cut, invalid only past what may be read.
            let valid = &case.body[..error.valid_up_to()];
            let text = std::str::from_utf8(valid).unwrap();
            if valid.len() >= 1024 && !cut(text).is_empty() {
                with_detail["detail"] = json!(cut(text));
                Want::Problem {
                    body: with_detail,
                    detail_optional: true,
                }
            } else {
                problem(bare)
            }
        }
    }
}

fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..100_000 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("not ready after 100000 polls");
}

/// One response as both sides see it: status, headers in order, body.
#[derive(Debug, PartialEq)]
struct Seen {
    status: u16,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl Seen {
    fn values(&self, name: &str) -> Vec<&[u8]> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| &v[..])
            .collect()
    }
}

/// The headers the handler sends, in order.
fn raw_headers(case: &Case) -> Vec<(String, Vec<u8>)> {
    let mut headers = Vec::new();
    if let Some(index) = case.content_type {
        headers.push((
            "content-type".to_owned(),
            TYPES[index].0.as_bytes().to_vec(),
        ));
    }
    for (name, value) in &case.headers {
        headers.push(((*name).to_owned(), value.as_bytes().to_vec()));
    }
    headers
}

fn axum_response(case: &Case) -> http::Response<Body> {
    let bytes = Bytes::from(case.body.clone());
    let body = match case.chunks {
        None => Body::from(bytes),
        Some(size) => Body::new(Chunks::new(
            Box::leak(case.body.clone().into_boxed_slice()),
            size,
        )),
    };
    let mut response = http::Response::new(body);
    *response.status_mut() = http::StatusCode::from_u16(case.status).unwrap();
    for (name, value) in raw_headers(case) {
        response.headers_mut().append(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            http::HeaderValue::from_bytes(&value).unwrap(),
        );
    }
    response
}

fn through_axum(case: &Case) -> Seen {
    let response_case = case.clone();
    let inner = tower::service_fn(move |_: http::Request<Body>| {
        let response = axum_response(&response_case);
        async move { Ok::<_, Infallible>(response) }
    });
    let mut service = ProblemLayer::new().layer(inner);
    let method = if case.head { "HEAD" } else { "GET" };
    let request = http::Request::builder()
        .method(method)
        .uri("/")
        .body(Body::empty())
        .unwrap();
    let response = block_on(service.call(request)).unwrap();
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    let body = block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
        .unwrap()
        .to_vec();
    Seen {
        status,
        headers,
        body,
    }
}

fn through_actix(case: &Case) -> Seen {
    let response_case = case.clone();
    let inner = actix_web::dev::fn_service(move |request: actix_web::dev::ServiceRequest| {
        let case = response_case.clone();
        async move {
            let mut builder = actix_web::HttpResponse::build(
                actix_web::http::StatusCode::from_u16(case.status).unwrap(),
            );
            for (name, value) in raw_headers(&case) {
                builder.append_header((name, value));
            }
            let response = match case.chunks {
                None => builder.body(case.body.clone()),
                Some(size) => builder.body(Chunks::new(
                    Box::leak(case.body.clone().into_boxed_slice()),
                    size,
                )),
            };
            Ok::<ServiceResponse, actix_web::Error>(request.into_response(response))
        }
    });
    let service = block_on(Problems::new().new_transform(inner)).unwrap();
    let method = if case.head {
        actix_web::http::Method::HEAD
    } else {
        actix_web::http::Method::GET
    };
    let request = actix_web::test::TestRequest::default()
        .method(method)
        .to_srv_request();
    let response = block_on(service.call(request)).unwrap();
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    let body = block_on(actix_web::body::to_bytes(response.into_body()))
        .unwrap_or_else(|_| panic!("actix body"))
        .to_vec();
    Seen {
        status,
        headers,
        body,
    }
}

fn by_name(headers: &[(String, Vec<u8>)]) -> std::collections::BTreeMap<&str, Vec<&[u8]>> {
    let mut map = std::collections::BTreeMap::<&str, Vec<&[u8]>>::new();
    for (name, value) in headers {
        map.entry(name).or_default().push(value);
    }
    map
}

/// Checks what `framework` answered for `case` against the contract.
fn check(framework: &str, case: &Case, seen: &Seen) {
    let raw = Seen {
        status: case.status,
        headers: raw_headers(case),
        body: case.body.clone(),
    };
    match want(case) {
        Want::Unchanged => {
            let mut seen_headers = seen.headers.clone();
            // The frameworks may add a length for a body of known size.
            seen_headers.retain(|(n, _)| n != "content-length");
            assert_eq!(seen.status, raw.status, "{framework}: status");
            // Values in order per name; actix-web's map does not keep the
            // order between names.
            assert_eq!(
                by_name(&seen_headers),
                by_name(&raw.headers),
                "{framework}: headers unchanged"
            );
            // actix-web keeps a HEAD body until it writes the response; axum's
            // layer hands it on as it came.
            assert_eq!(seen.body, raw.body, "{framework}: body byte for byte");
        }
        Want::Problem {
            body,
            detail_optional,
        } => {
            assert_eq!(seen.status, case.status, "{framework}: status kept");
            assert_eq!(
                seen.values("content-type"),
                [b"application/problem+json".as_slice()],
                "{framework}: content-type"
            );
            let get_body = if case.head && framework == "axum" {
                assert!(seen.body.is_empty(), "{framework}: HEAD has no body");
                None
            } else {
                Some(&seen.body)
            };
            if let Some(get_body) = get_body {
                let got: Value = serde_json::from_slice(get_body)
                    .unwrap_or_else(|e| panic!("{framework}: not JSON ({e})"));
                let mut without_detail = body.clone();
                without_detail.as_object_mut().unwrap().remove("detail");
                assert!(
                    got == body || (detail_optional && got == without_detail),
                    "{framework}: body {got} != {body}"
                );
                let lengths = seen.values("content-length");
                assert!(
                    lengths.is_empty() || lengths == [get_body.len().to_string().as_bytes()],
                    "{framework}: content-length {lengths:?} for {} bytes",
                    get_body.len()
                );
            } else {
                // HEAD: the length is the GET problem's, or absent.
                let lengths = seen.values("content-length");
                assert!(lengths.len() <= 1, "{framework}: one content-length");
                if let Some(length) = lengths.first() {
                    let length: usize = std::str::from_utf8(length).unwrap().parse().unwrap();
                    let detail = body.get("detail").and_then(Value::as_str);
                    let mut get = json!({"title": body["title"], "status": body["status"]});
                    if let Some(detail) = detail {
                        get["detail"] = json!(detail);
                    }
                    let mut options = vec![serde_json::to_vec(&get).unwrap().len()];
                    if detail_optional {
                        get.as_object_mut().unwrap().remove("detail");
                        options.push(serde_json::to_vec(&get).unwrap().len());
                    }
                    assert!(
                        options.contains(&length),
                        "{framework}: HEAD length {length}, GET {options:?}"
                    );
                }
            }
            // Every header the handler sent is kept, with all its values
            // in order, except those that described the old body.
            for (name, _) in &raw.headers {
                let name = name.as_str();
                if name == "content-type" || name == "content-length" {
                    continue;
                }
                if DROPPED.contains(&name) {
                    assert!(seen.values(name).is_empty(), "{framework}: {name} dropped");
                } else {
                    assert_eq!(
                        seen.values(name),
                        raw.values(name),
                        "{framework}: {name} kept"
                    );
                }
            }
        }
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

#[test]
fn any_response_through_either_layer_is_unchanged_or_the_contracts_problem() {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&case(), |case| {
        check("axum", &case, &through_axum(&case));
        check("actix-web", &case, &through_actix(&case));
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
