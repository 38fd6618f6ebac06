//! The benchmark: what a JSON-RPC call through the router and a function
//! component costs, next to the alternatives, all started and measured in
//! one run so that the ratios hold on a noisy machine.
//!
//! ```text
//! cargo bench -p bench --bench rpc             # full: concurrency 1, 8, 64
//! cargo bench -p bench --bench rpc -- --quick  # smoke check: concurrency 1, 8, short
//! cargo bench -p bench --bench rpc -- --list   # the targets, pairs and ratios, nothing run
//! ```
//!
//! What it measures is declared in one table, `bench/src/targets.rs`: each
//! target (what serves it, the request it gets, its rows), the pairs
//! measured head to head and the ratios read off the rows, which name
//! targets by id; the table is checked before anything starts. Targets,
//! each its own process: the app on the project's host (single calls, and
//! batches of 100 with and without grouping per function); the floor of a
//! chain, two minimal components (`bench/bare-chain/`: raw numbers, no
//! JSON) chained the same way, and the minimal one alone; the router alone
//! (a method it answers without a call) and the function alone (on a
//! public route), which split a call's cost between them; a process per
//! call (a native front starting a runtime process per call, the design
//! this project replaces); a native jsonrpsee server, single calls and
//! batches of 100; the same function in Rust, Python and TypeScript
//! (`examples/polyglot/`), with each one's component size and first call;
//! and the same on real Spin when a `spin` binary is on PATH or named by
//! `SPIN_BIN`. Prints a report (`report.rs`), writes it to
//! `target/bench/latest.md`, and ends with a `ratios:` line.

mod baselines;
mod head_to_head;
mod manifests;
mod measure;
mod report;
mod servers;
mod workloads;

use bench::check::check;
use bench::plan::Plan;
use bench::targets::TABLE;
use head_to_head::Outcome;
use measure::Row;
use servers::Servers;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    if baselines::serve_if_asked(&runtime, &args) {
        return;
    }
    if let Err(problems) = check(&TABLE) {
        panic!("the benchmark's table (bench/src/targets.rs) is inconsistent:\n{problems}");
    }
    if args.iter().any(|arg| arg == "--list") {
        print!("{}", report::listing(&TABLE));
        return;
    }
    let plan = Plan::of(args.iter().any(|arg| arg == "--quick"));
    // Measure the servers as deployed, not with error backtraces switched on.
    std::env::remove_var("RUST_BACKTRACE");
    std::env::remove_var("RUST_LIB_BACKTRACE");
    manifests::build();
    let mut servers = Servers::new(spin_host::spin_cli::find());
    let runtimes = servers.runtimes();
    let first_calls = measure::first_calls(&servers);
    let started = servers.start(&TABLE);
    let pairs = measure::pairs(&TABLE, &started, &runtimes);
    let head_to_head = head_to_head::run(&runtime, &pairs, plan.rounds, plan.pair_duration);
    let rows = measure::rows(&runtime, &started, &plan);
    report::publish(&report::Run {
        table: &TABLE,
        plan: &plan,
        runtimes: &runtimes,
        rows: &rows,
        head_to_head: &head_to_head,
        first_calls: &first_calls,
    });
    drop(pairs);
    let left_running = servers.stop(started);
    if !clean(&rows, &head_to_head, &left_running) {
        std::process::exit(1);
    }
}

/// Whether the run was clean: no request had an error and no server
/// outlived it (a benchmark with either is a failed run, said here).
fn clean(rows: &[Row], head_to_head: &[Outcome], left_running: &[String]) -> bool {
    let errors: u64 = rows.iter().map(|row| row.measurement.errors).sum::<u64>()
        + head_to_head
            .iter()
            .map(|outcome| outcome.errors)
            .sum::<u64>();
    for row in rows.iter().filter(|row| row.measurement.errors > 0) {
        eprintln!(
            "{} c={}: {:?}",
            row.name, row.concurrency, row.measurement.first_error
        );
    }
    if errors > 0 {
        eprintln!("FAILED: {errors} requests had errors; a benchmark with errors is a failed run");
    }
    if !left_running.is_empty() {
        eprintln!(
            "FAILED: servers outlived the benchmark:\n{}",
            left_running.join("\n")
        );
    }
    errors == 0 && left_running.is_empty()
}
