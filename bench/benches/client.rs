//! Reading an error back on the client: `Problem::from_body` and the derived
//! `FromProblem::from_problem` over a 5-member problem body (`type`, `title`,
//! `status`, `detail`, one extension), against parsing the same bytes into a
//! `serde_json::Value` (the floor). Target: at most 1.2x the floor.
//!
//! `cargo bench -p apierror-bench --bench client`

use std::hint::black_box;
use std::time::Duration;

use apierror::{ApiError, FromProblem, Problem};
use criterion::{Criterion, criterion_group, criterion_main};

/// A client's view of a service's errors: the variant read back is
/// `Conflict`, among others it must be told apart from.
#[derive(Debug, thiserror::Error, ApiError)]
#[problem(client)]
pub enum WidgetError {
    #[error("widget not found")]
    #[status(404)]
    NotFound,

    #[error("widget {id} conflicts with an existing one")]
    #[status(409)]
    #[problem(
        type = "https://example.com/problems/widget-conflict",
        title = "Widget conflict"
    )]
    Conflict {
        #[problem(extension)]
        id: u64,
    },

    #[error("widget {id} is locked")]
    #[status(423)]
    #[problem(type = "https://example.com/problems/widget-locked")]
    Locked {
        #[problem(extension)]
        id: u64,
    },

    #[error("slow down")]
    #[status(429)]
    RateLimited,

    #[error("storage failed: {0}")]
    #[status(503)]
    Storage(#[source] std::io::Error),
}

fn read_back(c: &mut Criterion) {
    let body = WidgetError::Conflict { id: 4_294_967_311 }
        .body()
        .into_owned();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&body)
            .unwrap()
            .as_object()
            .unwrap()
            .len(),
        5
    );
    assert!(matches!(
        Problem::from_body(&body).and_then(|p| WidgetError::from_problem(&p)),
        Some(WidgetError::Conflict { id: 4_294_967_311 })
    ));

    let mut group = c.benchmark_group("read_back");
    group.bench_function("floor", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)))
    });
    group.bench_function("apierror", |b| {
        b.iter(|| Problem::from_body(black_box(&body)).and_then(|p| WidgetError::from_problem(&p)))
    });
    group.bench_function("from_body", |b| {
        b.iter(|| Problem::from_body(black_box(&body)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(100)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = read_back
}
criterion_main!(benches);
