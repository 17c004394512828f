//! problem+xml against problem+json, interleaved: each round times a batch of
//! one side then of the other, and the best round of each is kept, so that a
//! machine busy with other work skews both sides alike. A companion to the
//! Criterion `xml` bench for shared machines:
//! `cargo run -p apierror-bench --release --bin xml_ratio`.

use std::hint::black_box;
use std::time::Instant;

use apierror::{ApiError, Problem};
use apierror_bench::Scenario;
use http::StatusCode;

const ROUNDS: usize = 200;
const BATCH: u32 = 2_000;

/// Best ns per call of `a` and of `b`, over interleaved rounds.
fn pair(mut a: impl FnMut() -> usize, mut b: impl FnMut() -> usize) -> (f64, f64) {
    let mut best = (f64::MAX, f64::MAX);
    for _ in 0..ROUNDS {
        let start = Instant::now();
        for _ in 0..BATCH {
            black_box(a());
        }
        best.0 = best
            .0
            .min(start.elapsed().as_nanos() as f64 / f64::from(BATCH));
        let start = Instant::now();
        for _ in 0..BATCH {
            black_box(b());
        }
        best.1 = best
            .1
            .min(start.elapsed().as_nanos() as f64 / f64::from(BATCH));
    }
    best
}

fn row(name: &str, (json, xml): (f64, f64)) {
    println!(
        "| {name} | {json:.1} ns | {xml:.1} ns | {:.2} |",
        xml / json
    );
}

fn main() {
    println!("| scenario | json | xml | xml / json |");
    println!("|---|---:|---:|---:|");
    let unit = Scenario::Unit.error();
    row(
        "static body (`unit`)",
        pair(
            || black_box(&unit).body().len(),
            || black_box(&unit).xml_body().len(),
        ),
    );
    let fields = Scenario::Fields.error();
    row(
        "fields body",
        pair(
            || black_box(&fields).body().len(),
            || black_box(&fields).xml_body().len(),
        ),
    );
    let json = fields.body().into_owned();
    row(
        "fields: JSON body read as a Problem vs transcoded to XML",
        pair(
            || Problem::from_body(black_box(&json)).map_or(0, |p| p.extensions().len()),
            || apierror::xml::from_json_body(black_box(&json)).map_or(0, |x| x.len()),
        ),
    );
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
    row(
        "`Problem::to_body` vs `to_xml_body`",
        pair(
            || {
                black_box(&problem)
                    .to_body(StatusCode::UNPROCESSABLE_ENTITY)
                    .len()
            },
            || {
                black_box(&problem)
                    .to_xml_body(StatusCode::UNPROCESSABLE_ENTITY)
                    .len()
            },
        ),
    );
}
