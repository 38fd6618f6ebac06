//! Pairs of targets measured in turn, round after round, so that the
//! machine's drift (other processes, CPU frequency, the load generator's
//! share of the two cores) hits both alike: the median of the rounds'
//! ratios is what the `ratios:` line reports for each pair of the table.

use bench::load::{self, Workload};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

/// One side of a pair: a server's address and the request it gets.
pub struct Side<'a> {
    pub name: &'a str,
    pub address: SocketAddr,
    pub workload: &'a Workload,
}

/// Two sides measured at the same concurrency.
pub struct Pair<'a> {
    /// The key of its ratio on the `ratios:` line.
    pub key: String,
    pub concurrency: usize,
    pub sides: [Side<'a>; 2],
}

/// What a pair measured: the calls/s of each side in each round.
pub struct Outcome {
    pub key: String,
    pub line: String,
    /// The median over the rounds of the first side's calls/s over the
    /// second's.
    pub ratio: f64,
    pub errors: u64,
}

/// Measures each pair, `rounds` times each side in turn.
pub fn run(
    runtime: &tokio::runtime::Runtime,
    pairs: &[Pair],
    rounds: usize,
    duration: Duration,
) -> Vec<Outcome> {
    pairs
        .iter()
        .map(|pair| {
            let (rates, errors) = rates(runtime, pair, rounds, duration);
            let [first, second] = &pair.sides;
            // Each round's two runs are next to each other in time: the
            // median of the rounds' ratios leaves out the drift between
            // rounds, which a ratio of the medians would keep.
            let ratios: Vec<f64> = rates[0].iter().zip(&rates[1]).map(|(a, b)| a / b).collect();
            let ratio = median(&ratios);
            let line = format!(
                "| {} / {} | {} | {} | {} | {ratio:.2} |",
                first.name,
                second.name,
                pair.concurrency,
                shown(&rates[0]),
                shown(&rates[1]),
            );
            eprintln!("{line}");
            Outcome {
                key: pair.key.clone(),
                line,
                ratio,
                errors,
            }
        })
        .collect()
}

/// Each side's calls/s in each round, and the errors of all the rounds.
fn rates(
    runtime: &tokio::runtime::Runtime,
    pair: &Pair,
    rounds: usize,
    duration: Duration,
) -> ([Vec<f64>; 2], u64) {
    let mut rates: [Vec<f64>; 2] = Default::default();
    let mut errors = 0;
    for _ in 0..rounds {
        for (side, rates) in pair.sides.iter().zip(&mut rates) {
            let measurement = runtime.block_on(load::run(
                side.address,
                side.workload,
                pair.concurrency,
                duration,
            ));
            errors += measurement.errors;
            rates.push(
                measurement.requests_per_second() * f64::from(side.workload.calls_per_request),
            );
        }
    }
    (rates, errors)
}

/// The outcomes as a table.
pub fn table(outcomes: &[Outcome], rounds: usize) -> String {
    let mut table = format!(
        "| head to head (in turn, {rounds} rounds; median [each round]) | conc. | first, calls/s | second, calls/s | first/second (median of the rounds') |\n|---|---:|---:|---:|---:|\n"
    );
    for outcome in outcomes {
        let _ = writeln!(table, "{}", outcome.line);
    }
    table
}

fn median(rates: &[f64]) -> f64 {
    let mut rates = rates.to_vec();
    rates.sort_by(f64::total_cmp);
    rates.get(rates.len() / 2).copied().unwrap_or(f64::NAN)
}

fn shown(rates: &[f64]) -> String {
    let each: Vec<String> = rates.iter().map(|rate| format!("{rate:.0}")).collect();
    format!("{:.0} [{}]", median(rates), each.join(", "))
}
