//! Heap allocations per conversion, counted by a global allocator:
//! `cargo run -p apierror-bench --release --bin allocs`.

use apierror_bench::{CountingAlloc, IMPLEMENTATIONS, Scenario, actix, allocations};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn main() {
    print!("| scenario |");
    for (name, _) in IMPLEMENTATIONS {
        print!(" {name} |");
    }
    println!();
    println!("|---{}", "|---:".repeat(IMPLEMENTATIONS.len()) + "|");
    for scenario in Scenario::ALL {
        print!("| {} |", scenario.name());
        for (_, conversion) in IMPLEMENTATIONS {
            print!(" {} |", allocations(conversion, scenario));
        }
        println!();
    }
    println!();
    for scenario in Scenario::ALL {
        println!(
            "{}: apierror with hyper's ReasonPhrase: {} allocations",
            scenario.name(),
            allocations(apierror_bench::apierror_with_reason_phrase, scenario)
        );
    }
    println!();
    print!("| scenario (actix-web) |");
    for (name, _) in actix::IMPLEMENTATIONS {
        print!(" {name} |");
    }
    println!();
    println!("|---{}", "|---:".repeat(actix::IMPLEMENTATIONS.len()) + "|");
    for scenario in Scenario::ALL {
        print!("| {} |", scenario.name());
        for (_, conversion) in actix::IMPLEMENTATIONS {
            print!(" {} |", actix::allocations(conversion, scenario));
        }
        println!();
    }
}
