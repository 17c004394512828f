//! `Violations` with 10 entries rendered, against `serde_json::to_writer` of
//! an equivalent `#[derive(Serialize)]` struct (the floor), side by side in
//! one run: `cargo bench -p apierror-bench --bench violations`.
//!
//! Both sides start from data already built and write one body into one
//! buffer; the floor's pointers are already in their fragment form, while
//! `Violations` percent-encodes its RFC 6901 pointers as it writes.

use std::hint::black_box;
use std::time::Duration;

use apierror::{ApiError, Violations};
use criterion::{Criterion, criterion_group, criterion_main};
use serde::Serialize;

const ENTRIES: usize = 10;

#[derive(Serialize)]
struct Item {
    detail: String,
    pointer: String,
}

/// The same 422 problem, as a hand-written serde type.
#[derive(Serialize)]
struct Floor {
    title: &'static str,
    status: u16,
    detail: String,
    errors: Vec<Item>,
}

fn detail(i: usize) -> String {
    format!("must be between 1 and 100, got {}", 100 + i)
}

fn violations() -> Violations {
    let mut v = Violations::new();
    for i in 0..ENTRIES {
        v.push(&format!("/lines/{i}/qty"), detail(i));
    }
    v
}

fn floor() -> Floor {
    Floor {
        title: "Unprocessable Content",
        status: 422,
        detail: format!("{ENTRIES} values are invalid"),
        errors: (0..ENTRIES)
            .map(|i| Item {
                detail: detail(i),
                pointer: format!("#/lines/{i}/qty"),
            })
            .collect(),
    }
}

fn render(c: &mut Criterion) {
    let v = violations();
    let f = floor();
    // Both sides write the same bytes.
    let ours = v.body();
    let mut theirs = Vec::new();
    serde_json::to_writer(&mut theirs, &f).unwrap();
    assert_eq!(&*ours, &theirs[..], "the two bodies differ");
    let capacity = theirs.len();

    let mut group = c.benchmark_group("violations_10_body");
    group.bench_function("floor_serde_to_writer", |b| {
        b.iter(|| {
            let mut buf = Vec::with_capacity(capacity);
            serde_json::to_writer(&mut buf, black_box(&f)).unwrap();
            buf
        })
    });
    group.bench_function("apierror_violations_body", |b| {
        b.iter(|| black_box(&v).body())
    });
    group.finish();

    let mut group = c.benchmark_group("violations_10_array");
    group.bench_function("floor_serde_to_writer", |b| {
        b.iter(|| {
            let mut buf = Vec::with_capacity(capacity);
            serde_json::to_writer(&mut buf, black_box(&f.errors)).unwrap();
            buf
        })
    });
    group.bench_function("apierror_violations_serialize", |b| {
        b.iter(|| {
            let mut buf = Vec::with_capacity(capacity);
            serde_json::to_writer(&mut buf, black_box(&v)).unwrap();
            buf
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(100)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = render
}
criterion_main!(benches);
