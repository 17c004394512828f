//! The problem layer's table, from Criterion's medians and live allocation
//! counts: `cargo run -p apierror-bench --release --bin layer_report` after
//! `cargo bench -p apierror-bench --bench layer`.
//!
//! Reads `<criterion dir>/<group>/<case>/new/estimates.json`; the directory
//! is `$CRITERION_DIR`, else `$CARGO_TARGET_DIR/criterion`, else the
//! workspace's `target/criterion`. Allocations are counted here, per request,
//! in the steady state (the third of three runs).
//!
//! On a shared machine, load drifts between Criterion's back-to-back
//! measurements of two cases; the report therefore also times the cases
//! interleaved (rounds of 1,000 requests each, the order reversed every
//! round) and gives the median of the per-round ratios: `paired ratio`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use apierror_bench::layer::{GROUPS, Setup, run};
use apierror_bench::{CountingAlloc, allocated};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn criterion_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CRITERION_DIR") {
        return dir.into();
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return Path::new(&dir).join("criterion");
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/criterion")
}

fn median(dir: &Path, group: &str, case: &str) -> Option<f64> {
    let path = dir.join(group).join(case).join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["median"]["point_estimate"].as_f64()
}

fn allocations(setup: &str, path: &'static str) -> usize {
    let mut setup = Setup::new(setup);
    let mut count = 0;
    for _ in 0..3 {
        let before = allocated();
        let result = std::hint::black_box(run(&mut setup, path));
        count = allocated() - before;
        drop(result);
    }
    count
}

/// The median over `ROUNDS` of (time of `case` / time of the baseline), the
/// cases of `group` timed in turn within each round.
fn paired(group: &apierror_bench::layer::Group) -> Vec<f64> {
    const ROUNDS: usize = 301;
    const ITERS: usize = 1_000;
    let mut setups: Vec<Setup> = group.cases.iter().map(|(_, s, _)| Setup::new(s)).collect();
    let mut ratios = vec![Vec::with_capacity(ROUNDS); group.cases.len()];
    for round in 0..ROUNDS {
        let mut times = vec![0.0; group.cases.len()];
        let mut order: Vec<usize> = (0..group.cases.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for i in order {
            let path = group.cases[i].2;
            let start = std::time::Instant::now();
            for _ in 0..ITERS {
                std::hint::black_box(run(&mut setups[i], path));
            }
            times[i] = start.elapsed().as_secs_f64();
        }
        for (i, time) in times.iter().enumerate() {
            ratios[i].push(time / times[0]);
        }
    }
    ratios
        .into_iter()
        .map(|mut r| {
            r.sort_by(f64::total_cmp);
            r[r.len() / 2]
        })
        .collect()
}

fn main() -> ExitCode {
    let dir = criterion_dir();
    let mut ok = true;
    for group in &GROUPS {
        println!("\n{}\n", group.name);
        println!(
            "| case | Criterion median (ns) | ratio of medians | paired ratio | allocations |"
        );
        println!("|---|---:|---:|---:|---:|");
        let pairs = paired(group);
        let mut summary = String::new();
        let base = median(&dir, group.name, group.cases[0].0);
        let base_allocs = allocations(group.cases[0].1, group.cases[0].2);
        for (i, (name, setup, path)) in group.cases.into_iter().enumerate() {
            let m = median(&dir, group.name, name);
            let allocs = allocations(setup, path);
            let ratio = m.zip(base).map(|(m, b)| m / b);
            println!(
                "| {name} | {} | {} | {:.3} | {allocs} |",
                m.map_or("(not run)".into(), |m| format!("{m:.1}")),
                ratio.map_or("-".into(), |r| format!("{r:.3}")),
                pairs[i],
            );
            if i == 1 {
                let met = ratio.is_some_and(|r| r <= group.target) && pairs[i] <= group.target;
                let allocs_met = group.name != "layer_ok" || allocs == base_allocs;
                summary = format!(
                    "\ntarget {}: {} ≤ {}× (both ratios) {}{}",
                    group.name,
                    name,
                    group.target,
                    if met { "met" } else { "NOT met" },
                    if group.name == "layer_ok" {
                        format!(
                            "; allocations {allocs} vs {base_allocs}: {}",
                            if allocs_met { "no extra" } else { "EXTRA" }
                        )
                    } else {
                        String::new()
                    }
                );
                ok &= met && allocs_met;
            }
        }
        println!("{summary}");
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
