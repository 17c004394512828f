//! One error, every response path a user has: `apierror::response`, axum's
//! `IntoResponse` and actix-web's `ResponseError`, each read back the way a
//! client would see it (status, header bytes, body bytes). Shared by the
//! property, security and extension-failure tests.

#![allow(dead_code)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use apierror::ApiError;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

/// A response as a client sees it.
#[derive(Debug)]
pub struct Seen {
    pub path: &'static str,
    pub status: u16,
    /// Header names (lowercase) and raw value bytes, in the order sent.
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
}

impl Seen {
    /// The values of header `name`, as bytes.
    pub fn header(&self, name: &str) -> Vec<&[u8]> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
            .collect()
    }

    /// The body parsed as JSON; panics (fails the test) when it is not.
    pub fn json(&self) -> serde_json::Value {
        match serde_json::from_slice(&self.body) {
            Ok(value) => value,
            Err(e) => panic!(
                "{}: body is not valid JSON ({e}): {:?}",
                self.path,
                String::from_utf8_lossy(&self.body)
            ),
        }
    }

    /// The top-level member names, in body order; fails on a duplicate or
    /// when the body is not a JSON object.
    pub fn member_names(&self) -> Vec<String> {
        let keys = serde_json::from_slice::<Keys>(&self.body)
            .unwrap_or_else(|e| panic!("{}: body is not a JSON object: {e}", self.path))
            .0;
        for (i, key) in keys.iter().enumerate() {
            assert!(
                !keys[..i].contains(key),
                "{}: member {key:?} appears twice",
                self.path
            );
        }
        keys
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Renders the error `make` builds through all three paths. `make` is called
/// once per path, since axum's `into_response` consumes the error.
pub fn all_paths<E, F>(make: F) -> [Seen; 3]
where
    E: ApiError + axum::response::IntoResponse + actix_web::ResponseError,
    F: Fn() -> E,
{
    [core_path(&make()), axum_path(make()), actix_path(&make())]
}

pub fn core_path<E: ApiError + ?Sized>(error: &E) -> Seen {
    let response = apierror::response(error);
    Seen {
        path: "apierror::response",
        status: response.status().as_u16(),
        headers: response
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
            .collect(),
        body: response.body().to_vec(),
    }
}

pub fn axum_path<E: axum::response::IntoResponse>(error: E) -> Seen {
    let response = error.into_response();
    let (parts, body) = response.into_parts();
    let body = block_on(axum::body::to_bytes(body, usize::MAX)).expect("axum body");
    Seen {
        path: "axum",
        status: parts.status.as_u16(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
            .collect(),
        body: body.to_vec(),
    }
}

pub fn actix_path<E: actix_web::ResponseError + ?Sized>(error: &E) -> Seen {
    let response = error.error_response();
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    let body = block_on(actix_web::body::to_bytes(response.into_body()))
        .unwrap_or_else(|_| panic!("actix body"));
    Seen {
        path: "actix-web",
        status,
        headers,
        body: body.to_vec(),
    }
}

/// Polls an in-memory body future to completion; error bodies are ready at
/// once, so no runtime is needed.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1_000 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("an error body was not ready after 1000 polls");
}

/// What a header value may hold to be sent: visible ASCII, space, tab and
/// obs-text (RFC 9110 §5.5), so never CR, LF, NUL or DEL.
pub fn is_sendable_header_value(value: &[u8]) -> bool {
    value
        .iter()
        .all(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

/// Asserts what every error response shares: the status, the problem+json
/// content type exactly once, no header byte that could split the response,
/// `Connection: close` exactly on a 413 from `apierror::response` and axum
/// (RFC 9112 §9.6: the body was not read; actix-web's `Json` reads it
/// instead), and only the headers in `declared` besides those two.
pub fn assert_frame(seen: &Seen, status: u16, declared: &[&str]) {
    assert_eq!(seen.status, status, "{}: status", seen.path);
    assert_eq!(
        seen.header("content-type"),
        [b"application/problem+json".as_slice()],
        "{}: content-type",
        seen.path
    );
    for (name, value) in &seen.headers {
        assert!(
            !value.contains(&b'\r') && !value.contains(&b'\n'),
            "{}: header {name} carries CR or LF: {:?}",
            seen.path,
            String::from_utf8_lossy(value)
        );
        assert!(
            name == "content-type" || name == "connection" || declared.contains(&name.as_str()),
            "{}: undeclared header {name}: {:?}",
            seen.path,
            String::from_utf8_lossy(value)
        );
    }
    let connection: &[&[u8]] = if status == 413 && seen.path != "actix-web" {
        &[b"close"]
    } else {
        &[]
    };
    assert_eq!(
        seen.header("connection"),
        connection,
        "{}: connection",
        seen.path
    );
    assert_eq!(
        seen.json()["status"],
        status,
        "{}: body status member",
        seen.path
    );
}

struct Keys(Vec<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = Keys;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push(key);
                }
                Ok(Keys(keys))
            }
        }
        deserializer.deserialize_map(KeysVisitor)
    }
}

/// Runs `f` with a `tracing` subscriber that records every event (all
/// levels) as text, and returns what it wrote.
pub fn capture_logs<R>(f: impl FnOnce() -> R) -> (R, String) {
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let result = tracing::subscriber::with_default(subscriber, f);
    let text = String::from_utf8_lossy(&sink.0.lock().unwrap()).into_owned();
    (result, text)
}
