//! The problem layer's cost, each group side by side in one run:
//! `cargo bench -p apierror-bench --bench layer`, then
//! `cargo run -p apierror-bench --release --bin layer_report` for the table.

use std::time::Duration;

use apierror_bench::layer::{GROUPS, Setup, run};
use criterion::{Criterion, criterion_group, criterion_main};

fn layer(c: &mut Criterion) {
    for group in &GROUPS {
        let mut criterion_group = c.benchmark_group(group.name);
        for (name, setup, path) in group.cases {
            let mut setup = Setup::new(setup);
            criterion_group.bench_function(name, |b| b.iter(|| run(&mut setup, path)));
        }
        criterion_group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(100)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = layer
}
criterion_main!(benches);
