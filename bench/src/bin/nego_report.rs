//! The negotiation table, from Criterion's medians:
//! `cargo run -p apierror-bench --release --bin nego_report` after
//! `cargo bench -p apierror-bench --bench nego`.
//!
//! Reads `<criterion dir>/<group>/<case>/new/estimates.json`; the directory
//! is `$CRITERION_DIR`, else `$CARGO_TARGET_DIR/criterion`, else the
//! workspace's `target/criterion`. Also times the cases of each group
//! interleaved (rounds of 1,000 requests, the order reversed every round)
//! and gives the median of the per-round ratios, which load drifting
//! between Criterion's back-to-back measurements does not skew.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use apierror_bench::nego::{GROUPS, Group, Setup, run};

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

fn paired(group: &Group) -> Vec<f64> {
    const ROUNDS: usize = 201;
    const ITERS: usize = 1_000;
    let mut setups: Vec<Setup> = group.cases.iter().map(|c| Setup::new(c.1)).collect();
    let mut ratios = vec![Vec::with_capacity(ROUNDS); group.cases.len()];
    for round in 0..ROUNDS {
        let mut times = vec![0.0; group.cases.len()];
        let mut order: Vec<usize> = (0..group.cases.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for i in order {
            let (_, _, path, accept) = group.cases[i];
            let start = std::time::Instant::now();
            for _ in 0..ITERS {
                std::hint::black_box(run(&mut setups[i], path, accept));
            }
            times[i] = start.elapsed().as_secs_f64();
        }
        // Pairs: each case against the one before it at an even index.
        for (i, time) in times.iter().enumerate() {
            ratios[i].push(time / times[i - i % 2]);
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
    println!("| group | case | median (ns) | ratio | paired ratio | target |");
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    for group in &GROUPS {
        let paired = paired(group);
        for (i, &(case, ..)) in group.cases.iter().enumerate() {
            let base = median(&dir, group.name, group.cases[i - i % 2].0);
            let this = median(&dir, group.name, case);
            let (time, ratio) = match (this, base) {
                (Some(t), Some(b)) => (format!("{t:.0}"), format!("{:.3}", t / b)),
                _ => ("-".to_owned(), "-".to_owned()),
            };
            let target = if i == 1 {
                ok &= paired[i] <= group.target;
                format!("≤ {}", group.target)
            } else {
                String::new()
            };
            println!(
                "| {} | {case} | {time} | {ratio} | {:.3} | {target} |",
                group.name, paired[i]
            );
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
