//! problem+xml rendering against problem+json, side by side, for the same
//! error values as the `conversions` bench:
//! `cargo bench -p apierror-bench --bench xml`.
//!
//! - `static`: the `unit` scenario's body (rendered at compile time in both
//!   formats), alone and as a framework-free `http::Response`;
//! - `fields`: the `fields` scenario (interpolated detail, an extension), the
//!   same two ways; its XML is its JSON body transcoded;
//! - `transcode`: that JSON body into XML, the layer's path for bodies already
//!   rendered as JSON;
//! - `problem`: an owned `Problem` with an array extension, each format
//!   written directly.
//!
//! Both sides of each pair run in one harness; the XML response differs only
//! in its body and `Content-Type`.

use std::borrow::Cow;
use std::hint::black_box;
use std::time::Duration;

use apierror::{ApiError, Problem};
use apierror_bench::{Scenario, WidgetError};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use http::{HeaderValue, StatusCode, header};

fn respond(
    error: &WidgetError,
    body: Cow<'static, [u8]>,
    content_type: &'static str,
) -> http::Response<Cow<'static, [u8]>> {
    let mut response = http::Response::new(body);
    *response.status_mut() = error.status();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    error.headers(headers);
    response
}

fn json_response(error: WidgetError) -> http::Response<Cow<'static, [u8]>> {
    respond(&error, error.body(), apierror::PROBLEM_JSON)
}

fn xml_response(error: WidgetError) -> http::Response<Cow<'static, [u8]>> {
    respond(&error, error.xml_body(), apierror::PROBLEM_XML)
}

fn xml(c: &mut Criterion) {
    for (group, scenario) in [
        ("xml/static", Scenario::Unit),
        ("xml/fields", Scenario::Fields),
    ] {
        let mut g = c.benchmark_group(group);
        g.bench_function("json-body", |b| {
            b.iter_batched(
                || scenario.error(),
                |error| error.body().len(),
                BatchSize::SmallInput,
            )
        });
        g.bench_function("xml-body", |b| {
            b.iter_batched(
                || scenario.error(),
                |error| error.xml_body().len(),
                BatchSize::SmallInput,
            )
        });
        g.bench_function("json-response", |b| {
            b.iter_batched(|| scenario.error(), json_response, BatchSize::SmallInput)
        });
        g.bench_function("xml-response", |b| {
            b.iter_batched(|| scenario.error(), xml_response, BatchSize::SmallInput)
        });
        g.finish();
    }

    let json = Scenario::Fields.error().body().into_owned();
    let mut g = c.benchmark_group("xml/transcode");
    g.bench_function("fields", |b| {
        b.iter(|| apierror::xml::from_json_body(black_box(&json)))
    });
    g.bench_function("fields-problem-from-json", |b| {
        b.iter(|| Problem::from_body(black_box(&json)))
    });
    g.finish();

    let problem = Problem::new(StatusCode::UNPROCESSABLE_ENTITY)
        .with_type("https://example.com/problems/invalid")
        .with_detail("2 values are invalid: \"qty\" & <name>")
        .with_extension(
            "errors",
            serde_json::json!([
                {"detail": "must be positive", "pointer": "#/qty"},
                {"detail": "must not be empty", "pointer": "#/name"}
            ]),
        );
    let mut g = c.benchmark_group("xml/problem");
    g.bench_function("to_body", |b| {
        b.iter(|| black_box(&problem).to_body(StatusCode::UNPROCESSABLE_ENTITY))
    });
    g.bench_function("to_xml_body", |b| {
        b.iter(|| black_box(&problem).to_xml_body(StatusCode::UNPROCESSABLE_ENTITY))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(100)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = xml
}
criterion_main!(benches);
