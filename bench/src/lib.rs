//! Benchmarks of apierror against the floor, hand-written responses and peer crates.
