//! DESIGN.md's runtime guarantees for what every response path sends
//! (`apierror::response`, axum's `IntoResponse`, actix-web's
//! `ResponseError`), whoever implements `ApiError`:
//!
//! - hand-written impls: a `status()` outside 400–599 is sent as a bare 500,
//!   and exactly one `Content-Type` goes out whatever `headers()` appends;
//!   `Problem`'s `problem()` agrees with its body;
//! - formatted header values are trimmed of spaces and tabs and dropped when
//!   empty, like static ones; a derived type whose 401/405/407/426 lost its
//!   MUST header that way (or to an invalid value) answers a bare 500, while
//!   `status()` and `problem()` still describe the variant; `Problem` and
//!   hand-written impls keep their status;
//! - `ApiError` for `Box<T>` and `Arc<T>` (trait objects too), so
//!   `transparent` works through them.

mod responses;

use std::fmt;
use std::sync::Arc;

use apierror::{ApiError, Problem};
use http::{HeaderMap, HeaderValue, StatusCode};
use responses::{Seen, all_paths, assert_frame, capture_logs};
use serde_json::json;

/// Implements axum's `IntoResponse` and actix-web's `ResponseError` for a
/// hand-written `ApiError`, as the integrations' docs show.
macro_rules! framework_impls {
    ($ty:ty) => {
        impl axum::response::IntoResponse for $ty {
            fn into_response(self) -> axum::response::Response {
                apierror::axum::response(&self)
            }
        }
        impl actix_web::ResponseError for $ty {
            fn status_code(&self) -> actix_web::http::StatusCode {
                apierror::actix::status(ApiError::status(self))
            }
            fn error_response(&self) -> actix_web::HttpResponse {
                apierror::actix::response(self)
            }
        }
    };
}

fn bare_500(seen: &Seen) {
    assert_frame(seen, 500, &[]);
    assert_eq!(
        seen.json(),
        json!({"title": "Internal Server Error", "status": 500}),
        "{}",
        seen.path
    );
}

// ------------------------------------------------------ hand-written impls

/// A hand-written impl whose `headers()` appends its own `Content-Type`.
#[derive(Debug)]
struct HandWritten(StatusCode);

impl fmt::Display for HandWritten {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "hand-written {}", self.0.as_u16())
    }
}

impl std::error::Error for HandWritten {}

impl ApiError for HandWritten {
    fn status(&self) -> StatusCode {
        self.0
    }
    fn problem(&self) -> Problem {
        Problem::new(self.0).with_detail(self.to_string())
    }
    fn headers(&self, headers: &mut HeaderMap) {
        headers.append("content-type", HeaderValue::from_static("text/plain"));
        headers.append("x-trace", HeaderValue::from_static("abc"));
        headers.append("content-type", HeaderValue::from_static("text/html"));
    }
}

framework_impls!(HandWritten);

#[test]
fn exactly_one_content_type_whatever_headers_appends() {
    for seen in all_paths(|| HandWritten(StatusCode::IM_A_TEAPOT)) {
        // `assert_frame` checks the one `application/problem+json`.
        assert_frame(&seen, 418, &["x-trace"]);
        assert_eq!(seen.header("x-trace"), [b"abc".as_slice()]);
        assert_eq!(
            seen.json(),
            json!({"title": "(Unused)", "status": 418, "detail": "hand-written 418"})
        );
    }
}

#[test]
fn a_hand_written_status_outside_400_599_is_a_bare_500() {
    for code in [100, 200, 204, 302, 399, 600, 999] {
        let status = StatusCode::from_u16(code).unwrap();
        let (seen, log) = capture_logs(|| all_paths(|| HandWritten(status)));
        for seen in &seen {
            bare_500(seen);
        }
        assert_eq!(
            log.lines()
                .filter(|l| l.contains("ERROR") && l.contains("outside 400-599"))
                .count(),
            3,
            "each path logs why at ERROR; log:\n{log}"
        );
    }
}

#[test]
fn a_problem_with_a_status_outside_400_599_says_500_everywhere() {
    for problem in [
        Problem::new(StatusCode::OK),
        Problem::default().with_title("no status"),
        Problem::new(StatusCode::CONFLICT).with_status(StatusCode::SEE_OTHER),
    ] {
        assert_eq!(ApiError::status(&problem), 500);
        let described = ApiError::problem(&problem);
        assert_eq!(described.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
        let body: serde_json::Value = serde_json::from_slice(&problem.body()).unwrap();
        assert_eq!(body, serde_json::to_value(&described).unwrap());
        for seen in all_paths(|| problem.clone()) {
            assert_frame(&seen, 500, &[]);
            assert_eq!(seen.json(), body, "{}", seen.path);
        }
    }
}

// ------------------------------------------------- formatted header values

#[derive(Debug, thiserror::Error, apierror::ApiError)]
enum Guarded {
    #[error("who are you")]
    #[status(401)]
    #[problem(header(www_authenticate = "{scheme}"), header(x_fixed = "yes"))]
    Unauthenticated { scheme: String },

    #[error("not here")]
    #[status(405)]
    #[problem(header(allow = "{0}"))]
    NotAllowed(String),

    #[error("proxy wants credentials")]
    #[status(407)]
    #[problem(header(proxy_authenticate = "Basic realm=\"{0}\""))]
    Proxy(String),

    #[error("upgrade needed")]
    #[status(426)]
    #[problem(header(upgrade = "{0}"))]
    Upgrade(String),

    #[error("slow down")]
    #[status(429)]
    #[problem(header(retry_after = "{0}"))]
    Slow(String),

    #[error(transparent)]
    #[status(transparent)]
    Inner(#[from] InnerAuth),
}

#[derive(Debug, thiserror::Error, apierror::ApiError)]
#[error("inner auth")]
#[status(401)]
#[problem(header(www_authenticate = "Bearer realm={realm}"))]
struct InnerAuth {
    realm: String,
}

/// The variants with a MUST header, each built with `value` in it, with
/// their status, the header's name and the value that header gets: the
/// formatted text trimmed of spaces and tabs, or `None` when that is empty or
/// not a header value.
fn must_cases(value: &str) -> Vec<(Guarded, u16, &'static str, Option<String>)> {
    let v = value.to_owned();
    let sent = |formatted: String| {
        let trimmed = formatted.trim_matches([' ', '\t']);
        (!trimmed.is_empty() && responses::is_sendable_header_value(trimmed.as_bytes()))
            .then(|| trimmed.to_owned())
    };
    vec![
        (
            Guarded::Unauthenticated { scheme: v.clone() },
            401,
            "www-authenticate",
            sent(v.clone()),
        ),
        (
            Guarded::NotAllowed(v.clone()),
            405,
            "allow",
            sent(v.clone()),
        ),
        (
            Guarded::Proxy(v.clone()),
            407,
            "proxy-authenticate",
            sent(format!("Basic realm=\"{value}\"")),
        ),
        (Guarded::Upgrade(v.clone()), 426, "upgrade", sent(v.clone())),
        (
            Guarded::Inner(InnerAuth { realm: v }),
            401,
            "www-authenticate",
            sent(format!("Bearer realm={value}")),
        ),
    ]
}

fn rebuild(error: &Guarded) -> Guarded {
    match error {
        Guarded::Unauthenticated { scheme } => Guarded::Unauthenticated {
            scheme: scheme.clone(),
        },
        Guarded::NotAllowed(v) => Guarded::NotAllowed(v.clone()),
        Guarded::Proxy(v) => Guarded::Proxy(v.clone()),
        Guarded::Upgrade(v) => Guarded::Upgrade(v.clone()),
        Guarded::Slow(v) => Guarded::Slow(v.clone()),
        Guarded::Inner(inner) => Guarded::Inner(InnerAuth {
            realm: inner.realm.clone(),
        }),
    }
}

#[test]
fn a_dropped_must_header_makes_a_bare_500() {
    // Empty once trimmed, or not a header value at all.
    for bad in ["", " ", "\t \t", "Bearer\r\nSet-Cookie: a=b", "x\u{0}"] {
        for (error, status, name, sent) in must_cases(bad) {
            if sent.is_some() {
                // `Basic realm=""` is a value: nothing is dropped.
                continue;
            }
            let (seen, log) = capture_logs(|| all_paths(|| rebuild(&error)));
            for seen in &seen {
                bare_500(seen);
            }
            assert_eq!(
                log.lines()
                    .filter(|l| l.contains("ERROR")
                        && l.contains("MUST carry")
                        && l.contains(&format!("header=\"{name}\"")))
                    .count(),
                3,
                "{status} {bad:?}: each path logs the reason at ERROR; log:\n{log}"
            );
            // The error still describes itself.
            assert_eq!(error.status(), status);
            let problem = error.problem();
            assert_eq!(problem.status().map(|s| s.as_u16()), Some(status));
            assert_eq!(
                problem.title(),
                apierror::status::info(error.status()).map(|i| i.phrase())
            );
        }
    }
}

#[test]
fn formatted_values_are_trimmed_like_static_ones() {
    for value in ["GET, HEAD", " GET ", "\tBearer x\t", "  h2c \t "] {
        for (error, status, name, sent) in must_cases(value) {
            for seen in all_paths(|| rebuild(&error)) {
                assert_eq!(seen.status, status, "{}: {value:?}", seen.path);
                assert_eq!(
                    seen.header(name),
                    [sent.as_deref().unwrap().as_bytes()],
                    "{}: {name} for {value:?}",
                    seen.path
                );
            }
        }
    }
    for (value, sent) in [
        ("30", Some("30")),
        (" 30\t", Some("30")),
        ("", None),
        (" \t ", None),
        ("3 0", Some("3 0")),
    ] {
        let (seen, log) = capture_logs(|| all_paths(|| Guarded::Slow(value.to_owned())));
        for seen in &seen {
            assert_frame(seen, 429, &["retry-after"]);
            assert_eq!(
                seen.header("retry-after"),
                sent.map(str::as_bytes).into_iter().collect::<Vec<_>>(),
                "{}: {value:?}",
                seen.path
            );
        }
        if sent.is_none() {
            assert!(
                log.lines()
                    .any(|l| l.contains("WARN") && l.contains("retry-after")),
                "an empty value is dropped and logged; log:\n{log}"
            );
        }
    }
}

/// A hand-written 401 that declares no `WWW-Authenticate`.
#[derive(Debug)]
struct HandWritten401;

impl fmt::Display for HandWritten401 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no challenge")
    }
}

impl std::error::Error for HandWritten401 {}

impl ApiError for HandWritten401 {
    fn status(&self) -> StatusCode {
        StatusCode::UNAUTHORIZED
    }
    fn problem(&self) -> Problem {
        Problem::new(StatusCode::UNAUTHORIZED)
    }
}

framework_impls!(HandWritten401);

#[test]
fn problem_and_hand_written_impls_keep_their_status() {
    for seen in all_paths(|| HandWritten401) {
        assert_frame(&seen, 401, &[]);
    }
    for code in [401, 405, 407, 426] {
        let status = StatusCode::from_u16(code).unwrap();
        for seen in all_paths(|| Problem::new(status)) {
            assert_frame(&seen, code, &[]);
            assert_eq!(seen.json()["title"], apierror::status::title(code));
        }
    }
}

// ------------------------------------------------------------ Box and Arc

#[derive(Debug, thiserror::Error, apierror::ApiError)]
enum Wrapped {
    #[error(transparent)]
    #[status(transparent)]
    Boxed(Box<Guarded>),

    #[error(transparent)]
    #[status(transparent)]
    Shared(Arc<InnerAuth>),

    #[error(transparent)]
    #[status(transparent)]
    Dynamic(Arc<dyn ApiError + Send + Sync>),
}

#[test]
fn transparent_works_through_box_and_arc() {
    let slow = || Wrapped::Boxed(Box::new(Guarded::Slow(" 30 ".into())));
    for seen in all_paths(slow) {
        assert_frame(&seen, 429, &["retry-after"]);
        assert_eq!(seen.header("retry-after"), [b"30".as_slice()]);
        assert_eq!(
            seen.json(),
            json!({"title": "Too Many Requests", "status": 429, "detail": "slow down"})
        );
    }
    assert_eq!(slow().problem_type(), "about:blank");
    assert_eq!(slow().problem(), Guarded::Slow("30".into()).problem());

    let shared = || {
        Wrapped::Shared(Arc::new(InnerAuth {
            realm: "api".into(),
        }))
    };
    for seen in all_paths(shared) {
        assert_frame(&seen, 401, &["www-authenticate"]);
        assert_eq!(
            seen.header("www-authenticate"),
            [b"Bearer realm=api".as_slice()]
        );
    }

    let dynamic = || {
        Wrapped::Dynamic(Arc::new(
            Problem::new(StatusCode::GONE).with_type("urn:example:gone"),
        ))
    };
    for seen in all_paths(dynamic) {
        assert_frame(&seen, 410, &[]);
        assert_eq!(
            seen.json(),
            json!({"type": "urn:example:gone", "title": "Gone", "status": 410})
        );
    }
    assert_eq!(dynamic().problem_type(), "urn:example:gone");
}

#[test]
fn the_must_header_promise_goes_through_box_and_arc() {
    // A derived 401 that lost its challenge, boxed or shared: a bare 500.
    let boxed = || Wrapped::Boxed(Box::new(Guarded::Unauthenticated { scheme: " ".into() }));
    let dynamic = || -> Arc<dyn ApiError + Send + Sync> {
        Arc::new(Guarded::Unauthenticated {
            scheme: "\r\n".into(),
        })
    };
    let (seen, _) = capture_logs(|| all_paths(boxed));
    seen.iter().for_each(bare_500);
    let seen = responses::core_path(&dynamic());
    bare_500(&seen);
    assert_eq!(dynamic().status(), 401);
    // A hand-written 401 keeps its status inside an `Arc<dyn ApiError>`.
    let hand: Arc<dyn ApiError + Send + Sync> = Arc::new(HandWritten401);
    assert_frame(&responses::core_path(&hand), 401, &[]);
    for seen in all_paths(|| Wrapped::Dynamic(Arc::new(HandWritten401))) {
        // The outer type is derived and promises the header: a bare 500.
        bare_500(&seen);
    }
}

/// A 413 is sent before the body is read, so the connection closes after it
/// (RFC 9110 §15.5.14) and says so (RFC 9112 §9.6): `Connection: close` from
/// `apierror::response` and axum (hyper then closes). No other status says
/// it. actix-web writes `Connection` from the response head, which apierror
/// leaves as it is: its `Json` reads the rest of the body instead, and the
/// connection carries on (`e2e_json.rs`).
#[test]
fn only_a_413_says_connection_close() {
    for code in 400..=599 {
        let status = StatusCode::from_u16(code).unwrap();
        let problem = Problem::new(status);
        let generic = apierror::response(&problem);
        let axum = apierror::axum::response(&problem);
        for (path, headers) in [("response", generic.headers()), ("axum", axum.headers())] {
            let want: &[&str] = if code == 413 { &["close"] } else { &[] };
            let got: Vec<&str> = headers
                .get_all("connection")
                .iter()
                .map(|v| v.to_str().unwrap())
                .collect();
            assert_eq!(got, want, "{path} {code}");
        }
        let actix = apierror::actix::response(&problem);
        assert!(!actix.headers().contains_key("connection"), "actix {code}");
        assert_eq!(
            actix.head().connection_type(),
            actix_web::http::ConnectionType::KeepAlive,
            "actix {code}"
        );
    }
}
