//! One Criterion group per scenario, every implementation side by side (the
//! axum ones, then actix-web's floor and apierror through actix-web):
//! `cargo bench -p apierror-bench --bench conversions`, then
//! `cargo run -p apierror-bench --release --bin report` for the table.

use std::time::Duration;

use apierror_bench::{IMPLEMENTATIONS, Scenario, actix, apierror_with_reason_phrase, convert};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

fn conversions(c: &mut Criterion) {
    for scenario in Scenario::ALL {
        let mut group = c.benchmark_group(scenario.name());
        for (name, conversion) in IMPLEMENTATIONS {
            group.bench_function(name, |b| {
                b.iter_batched(
                    || scenario.error(),
                    |error| convert(conversion, error),
                    BatchSize::SmallInput,
                );
            });
        }
        group.bench_function("apierror-reason-phrase", |b| {
            b.iter_batched(
                || scenario.error(),
                |error| convert(apierror_with_reason_phrase, error),
                BatchSize::SmallInput,
            );
        });
        for (name, conversion) in actix::IMPLEMENTATIONS {
            group.bench_function(name, |b| {
                b.iter_batched(
                    || scenario.error(),
                    |error| actix::convert(conversion, error),
                    BatchSize::SmallInput,
                );
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(100)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = conversions
}
criterion_main!(benches);
