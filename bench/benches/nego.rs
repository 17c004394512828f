//! Negotiation's cost in the problem layer, each group side by side in one
//! run: `cargo bench -p apierror-bench --bench nego`, then
//! `cargo run -p apierror-bench --release --bin nego_report` for the table.

use std::time::Duration;

use apierror_bench::nego::{GROUPS, Setup, run};
use criterion::{Criterion, criterion_group, criterion_main};

fn nego(c: &mut Criterion) {
    for group in &GROUPS {
        let mut criterion_group = c.benchmark_group(group.name);
        for &(name, layer, path, accept) in group.cases {
            let mut setup = Setup::new(layer);
            criterion_group.bench_function(name, |b| b.iter(|| run(&mut setup, path, accept)));
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
    targets = nego
}
criterion_main!(benches);
