//! Interleaved A/B timing of `flatten` against separate fields, for a
//! loaded machine where Criterion's back-to-back groups drift apart:
//! `cargo run -p apierror-bench --release --example flatten_ab`.

use std::hint::black_box;
use std::time::Instant;

use apierror_bench::flatten::{allocations, flattened, into_response, separate};
use apierror_bench::{CountingAlloc, collect};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn main() {
    const N: u32 = 20_000;
    let mut a = Vec::new();
    let mut b = Vec::new();
    for _ in 0..41 {
        let errors: Vec<_> = (0..N).map(|_| separate()).collect();
        let start = Instant::now();
        for error in errors {
            let (_, body) = into_response(error).into_parts();
            black_box(collect(body));
        }
        a.push(start.elapsed().as_nanos() as f64 / f64::from(N));
        let errors: Vec<_> = (0..N).map(|_| flattened()).collect();
        let start = Instant::now();
        for error in errors {
            let (_, body) = into_response(error).into_parts();
            black_box(collect(body));
        }
        b.push(start.elapsed().as_nanos() as f64 / f64::from(N));
    }
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (ma, mb) = (a[a.len() / 2], b[b.len() / 2]);
    println!(
        "allocations per conversion: separate fields {}, flatten {}",
        allocations(separate),
        allocations(flattened)
    );
    println!(
        "separate fields: {ma:.0} ns, flatten: {mb:.0} ns, ratio {:.2} (medians of 41 rounds; building the error and dropping it untimed except its drop)",
        mb / ma
    );
}
