//! The performance table, from Criterion's medians and live allocation counts:
//! `cargo run -p apierror-bench --release --bin report` after
//! `cargo bench -p apierror-bench --bench conversions`.
//!
//! Reads `<criterion dir>/<scenario>/<implementation>/new/estimates.json`; the
//! directory is `$CRITERION_DIR`, else `$CARGO_TARGET_DIR/criterion`, else the
//! workspace's `target/criterion`. Prints a Markdown table and the targets.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use apierror_bench::{CountingAlloc, IMPLEMENTATIONS, Scenario, allocations};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

struct Row {
    name: &'static str,
    median: f64,
    allocations: usize,
}

fn criterion_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CRITERION_DIR") {
        return dir.into();
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return Path::new(&dir).join("criterion");
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/criterion")
}

/// The median point estimate in nanoseconds.
fn median(dir: &Path, scenario: &str, implementation: &str) -> Result<f64, String> {
    let path = dir
        .join(scenario)
        .join(implementation)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "{}: {e} (run `cargo bench -p apierror-bench` first)",
            path.display()
        )
    })?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    json["median"]["point_estimate"]
        .as_f64()
        .ok_or_else(|| format!("{}: no median.point_estimate", path.display()))
}

fn check(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

fn main() -> ExitCode {
    let dir = criterion_dir();
    let mut tables = Vec::new();
    for scenario in Scenario::ALL {
        let mut rows = Vec::new();
        for (name, conversion) in IMPLEMENTATIONS {
            let median = match median(&dir, scenario.name(), name) {
                Ok(median) => median,
                Err(error) => {
                    eprintln!("report: {error}");
                    return ExitCode::FAILURE;
                }
            };
            rows.push(Row {
                name,
                median,
                allocations: allocations(conversion, scenario),
            });
        }
        tables.push((scenario, rows));
    }

    println!("| scenario | implementation | median | × floor | × apierror | allocations |");
    println!("|---|---|---:|---:|---:|---:|");
    for (scenario, rows) in &tables {
        let floor = &rows[0];
        let ours = rows.iter().find(|r| r.name == "apierror").unwrap_or(floor);
        for row in rows {
            println!(
                "| {} | {} | {:.0} ns | {:.2} | {:.2} | {} |",
                scenario.name(),
                row.name,
                row.median,
                row.median / floor.median,
                row.median / ours.median,
                row.allocations,
            );
        }
    }

    println!();
    println!("Targets (ratios of medians from this run):");
    for (scenario, rows) in &tables {
        let get = |name: &str| rows.iter().find(|r| r.name == name).unwrap_or(&rows[0]);
        let (floor, ours) = (get("floor"), get("apierror"));
        let to_floor = ours.median / floor.median;
        let limit = if *scenario == Scenario::Fields {
            1.25
        } else {
            1.10
        };
        let mut line = format!(
            "- {}: apierror {to_floor:.2}× floor (≤ {limit:.2}: {})",
            scenario.name(),
            check(to_floor <= limit)
        );
        if *scenario != Scenario::Fields {
            let extra = ours.allocations as isize - floor.allocations as isize;
            line += &format!(
                "; allocations {} vs floor {} ({})",
                ours.allocations,
                floor.allocations,
                check(extra <= 0)
            );
        }
        for (peer, want) in [
            ("http-api-problem", 2.0),
            ("problem_details", 2.0),
            ("handwritten", 2.5),
        ] {
            let speedup = get(peer).median / ours.median;
            line += &format!(
                "; {speedup:.2}× faster than {peer} (≥ {want}: {})",
                check(speedup >= want)
            );
        }
        println!("{line}");
    }
    ExitCode::SUCCESS
}
