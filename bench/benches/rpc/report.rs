//! The report: the rows, the head-to-head pairs, the components' sizes,
//! each language's first call, the latency tail and the `ratios:` line,
//! printed and written to `target/bench/latest.md`.

use crate::head_to_head::{self, Outcome};
use crate::manifests::release_dir;
use crate::measure::Row;
use bench::entries::{Measure, Place, Ratio, Table, RATIO_CONCURRENCY};
use bench::plan::Plan;
use bench::targets::LANGUAGES;
use harness::repo_root;
use std::fmt::Write as _;

/// What a run measured, as the report gives it.
pub struct Run<'a> {
    pub table: &'a Table,
    pub plan: &'a Plan,
    /// The runtimes here, the host's first.
    pub runtimes: &'a [Place],
    pub rows: &'a [Row],
    pub head_to_head: &'a [Outcome],
    pub first_calls: &'a [(&'static str, Vec<f64>)],
}

/// Prints the report and writes it to `target/bench/latest.md`.
pub fn publish(run: &Run) {
    let report = report(run);
    println!("{report}");
    let dir = repo_root().join("target/bench");
    let _ = std::fs::create_dir_all(&dir);
    std::fs::write(dir.join("latest.md"), &report).expect("writing target/bench/latest.md");
}

fn report(run: &Run) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Machine: {}. Mode: {}. Load generator on the same machine (loopback, keep-alive).\n",
        machine(),
        if run.plan.quick { "quick" } else { "full" }
    );
    out += &rows_table(run.rows);
    let _ = writeln!(
        out,
        "\n{}",
        head_to_head::table(run.head_to_head, run.plan.rounds)
    );
    out += &sizes_table();
    out += &languages_table(run.first_calls);
    let tail = row(run.rows, run.table.tail_of, Place::Host);
    let p50 = tail.measurement.percentile_ms(50.0);
    let _ = writeln!(
        out,
        "\nAt concurrency {RATIO_CONCURRENCY}, app single calls: p99/p50 = {:.2}, p99.9/p50 = {:.2}.",
        tail.measurement.percentile_ms(99.0) / p50,
        tail.measurement.percentile_ms(99.9) / p50,
    );
    if !run.runtimes.contains(&Place::Spin) {
        let _ = writeln!(
            out,
            "\nThe Spin rows are missing: no `spin` on PATH and SPIN_BIN unset."
        );
    }
    let _ = writeln!(out, "\n{}", ratios(run));
    out
}

/// Every row: rates, latencies, errors, the server's CPU and memory.
fn rows_table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| target | conc. | requests/s | calls/s | p50 ms | p99 ms | p99.9 ms | errors | server CPU per request | server peak RSS |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for row in rows {
        let m = &row.measurement;
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {:.0} µs | {:.0} MiB |",
            row.name,
            row.concurrency,
            m.requests_per_second(),
            row.calls_per_second(),
            m.percentile_ms(50.0),
            m.percentile_ms(99.0),
            m.percentile_ms(99.9),
            m.errors,
            row.cpu_us_per_request,
            row.peak_rss_mib
        );
    }
    out
}

/// The size of each component measured.
fn sizes_table() -> String {
    let mut out = String::from("\n| component (release) | size |\n|---|---:|\n");
    for file in [
        "rpc_router.wasm",
        "double.wasm",
        "double.budgeted.wasm",
        "triple.budgeted.wasm",
        "bare_forward.wasm",
        "bare_double.wasm",
    ] {
        let size = std::fs::metadata(release_dir().join(file)).map_or(0, |m| m.len());
        let _ = writeln!(out, "| {file} | {:.0} KiB |", size as f64 / 1024.0);
    }
    out
}

/// Each language's component, as built, and its first call after the
/// polyglot app starts on each runtime.
fn languages_table(first_calls: &[(&str, Vec<f64>)]) -> String {
    let mut out = String::from("\n| the same function in | component (budgeted) |");
    for (runtime, _) in first_calls {
        let _ = write!(out, " first call on the {runtime} |");
    }
    out += "\n|---|---:|";
    out += &"---:|".repeat(first_calls.len());
    for (index, language) in LANGUAGES.iter().enumerate() {
        let size = std::fs::metadata(repo_root().join(language.component)).map_or(0, |m| m.len());
        let _ = write!(
            out,
            "\n| {} | {:.1} MiB |",
            language.name,
            size as f64 / f64::from(1 << 20)
        );
        for (_, first) in first_calls {
            let _ = write!(out, " {:.1} ms |", first[index]);
        }
    }
    out.push('\n');
    out
}

/// The `ratios:` line: the head-to-head ratios first (measured in turn),
/// then those read off the rows, each runtime's in turn.
fn ratios(run: &Run) -> String {
    let mut line = String::from("ratios:");
    for outcome in run.head_to_head {
        let _ = write!(line, " {}={:.2}", outcome.key, outcome.ratio);
    }
    for &runtime in run.runtimes {
        for ratio in run
            .table
            .ratios
            .iter()
            .filter(|ratio| ratio.on.includes(runtime))
        {
            let value = read_off(run.rows, ratio, runtime);
            let _ = write!(
                line,
                " {}={value:.*}",
                runtime.key(ratio.key),
                ratio.decimals
            );
        }
    }
    line
}

/// `ratio` on `runtime`, from the rows at [`RATIO_CONCURRENCY`].
fn read_off(rows: &[Row], ratio: &Ratio, runtime: Place) -> f64 {
    let value = |id| {
        let row = row(rows, id, runtime);
        match ratio.of {
            Measure::CallRate => row.calls_per_second(),
            Measure::PeakRss => row.peak_rss_mib,
        }
    };
    value(ratio.first) / value(ratio.second)
}

/// The row at [`RATIO_CONCURRENCY`] of the target `id` names on `runtime`.
fn row<'a>(rows: &'a [Row], id: &str, runtime: Place) -> &'a Row {
    rows.iter()
        .find(|row| row.concurrency == RATIO_CONCURRENCY && row.target.is(id, row.place, runtime))
        .unwrap_or_else(|| {
            panic!("no row of `{id}` on {runtime:?}: the table's check lets none by")
        })
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} cores, {cpu}")
}

/// The table's targets (each one's id, where it is served and its name),
/// and the keys of its pairs and ratios, for `--list`.
pub fn listing(table: &Table) -> String {
    let mut out = String::from("targets:\n");
    for target in table.targets {
        let _ = writeln!(
            out,
            "  {:<28} {:<14} {}",
            target.id,
            target.deployment.runs_on(),
            target.name_at(Place::Host)
        );
    }
    out += "pairs (head to head):\n";
    for pair in table.pairs {
        let _ = writeln!(
            out,
            "  {:<40} {:?}: {} / {}",
            pair.key, pair.on, pair.first, pair.second
        );
    }
    out += "ratios (read off the rows):\n";
    for ratio in table.ratios {
        let _ = writeln!(
            out,
            "  {:<40} {:?}: {} / {}",
            ratio.key, ratio.on, ratio.first, ratio.second
        );
    }
    out
}
