//! `#[problem(flatten)]` against the same members as separate fields, in the
//! `fields` scenario, side by side in one group:
//! `cargo bench -p apierror-bench --bench flatten`.

use std::time::Duration;

use apierror_bench::collect;
use apierror_bench::flatten::{flattened, into_response, separate};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

fn flatten(c: &mut Criterion) {
    let mut group = c.benchmark_group("fields-flatten");
    group.bench_function("separate-fields", |b| {
        b.iter_batched(
            separate,
            |error| {
                let (parts, body) = into_response(error).into_parts();
                (parts, collect(body))
            },
            BatchSize::SmallInput,
        );
    });
    group.bench_function("flatten", |b| {
        b.iter_batched(
            flattened,
            |error| {
                let (parts, body) = into_response(error).into_parts();
                (parts, collect(body))
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(100)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = flatten
}
criterion_main!(benches);
