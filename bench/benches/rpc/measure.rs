//! What is measured: each started target's rows, the table's pairs as the
//! head-to-head runs them, and each language's first call.

use crate::head_to_head::{Pair, Side};
use crate::servers::{find, Servers, Started};
use crate::workloads;
use bench::entries::{Place, Request, Table, Target};
use bench::load::{self, Measurement};
use bench::plan::Plan;
use bench::targets::LANGUAGES;
use harness::{polyglot_manifest_path, Server};
use std::time::{Duration, Instant};

/// One target at one concurrency.
pub struct Row {
    pub target: &'static Target,
    pub place: Place,
    pub name: String,
    pub concurrency: usize,
    pub measurement: Measurement,
    pub calls_per_request: u32,
    /// The server's CPU time (its whole process group) per request.
    pub cpu_us_per_request: f64,
    /// The server's peak resident memory during this row's run alone (its
    /// whole process group).
    pub peak_rss_mib: f64,
}

impl Row {
    pub fn calls_per_second(&self) -> f64 {
        self.measurement.requests_per_second() * f64::from(self.calls_per_request)
    }
}

/// Every target's rows, in the order started.
pub fn rows(runtime: &tokio::runtime::Runtime, started: &[Started], plan: &Plan) -> Vec<Row> {
    started
        .iter()
        .filter(|one| !plan.concurrencies(one.target.rows).is_empty())
        .flat_map(|one| measure(runtime, one, plan))
        .collect()
}

/// A target's rows: warmed up, then one run per concurrency of its plan,
/// each with the server's CPU time and its peak memory during that run.
fn measure(runtime: &tokio::runtime::Runtime, target: &Started, plan: &Plan) -> Vec<Row> {
    let server = &target.server;
    let run = |concurrency, duration| {
        runtime.block_on(load::run(
            server.address,
            &target.workload,
            concurrency,
            duration,
        ))
    };
    // Warm up: first instances, connection set-up, caches.
    run(8, Duration::from_millis(500));
    let mut rows = Vec::new();
    for &concurrency in plan.concurrencies(target.target.rows) {
        let cpu_before = server.cpu_time();
        // The peak of this run alone, from what the server holds now.
        server.reset_peak_rss();
        let measurement = run(concurrency, plan.duration);
        let cpu = server.cpu_time().saturating_sub(cpu_before);
        let row = Row {
            target: target.target,
            place: target.place,
            name: target.name.clone(),
            concurrency,
            cpu_us_per_request: cpu.as_secs_f64() * 1e6 / measurement.requests.max(1) as f64,
            measurement,
            calls_per_request: target.workload.calls_per_request,
            peak_rss_mib: server.peak_rss_mib(),
        };
        eprintln!(
            "{:<36} c={concurrency:<3} {:>9.0} calls/s  p50 {:.2} ms  server CPU {:.0} µs/request  errors {}",
            row.name,
            row.calls_per_second(),
            row.measurement.percentile_ms(50.0),
            row.cpu_us_per_request,
            row.measurement.errors
        );
        rows.push(row);
    }
    rows
}

/// The table's pairs on each runtime here, the host's first, each side the
/// started target it names.
pub fn pairs<'a>(table: &Table, started: &'a [Started], runtimes: &[Place]) -> Vec<Pair<'a>> {
    let mut pairs = Vec::new();
    for &runtime in runtimes {
        for pair in table.pairs.iter().filter(|pair| pair.on.includes(runtime)) {
            let side = |id| {
                let one = find(started, id, runtime);
                Side {
                    name: &one.name,
                    address: one.server.address,
                    workload: &one.workload,
                }
            };
            pairs.push(Pair {
                key: runtime.key(pair.key),
                concurrency: pair.concurrency,
                sides: [side(pair.first), side(pair.second)],
            });
        }
    }
    pairs
}

/// Each language's first call after the polyglot app starts (when the
/// runtime has compiled its components), in milliseconds, on each runtime
/// here, named.
pub fn first_calls(servers: &Servers) -> Vec<(&'static str, Vec<f64>)> {
    servers
        .runtimes()
        .into_iter()
        .map(|place| {
            let mut app = Server::start(&servers.runtime(place), &polyglot_manifest_path(), &[]);
            let first = LANGUAGES.map(|language| {
                let (call, answer) = workloads::call(Request::Sequence(language));
                let started = Instant::now();
                let reply = harness::client::post(&app.url("/rpc"), call.to_string());
                let took = started.elapsed().as_secs_f64() * 1000.0;
                assert_eq!(
                    reply.json(),
                    answer,
                    "the first call of {}",
                    language.method
                );
                took
            });
            if let Err(left) = app.stop() {
                eprintln!("{left}");
            }
            let name = if place == Place::Spin {
                "Spin"
            } else {
                "project's host"
            };
            (name, first.to_vec())
        })
        .collect()
}
