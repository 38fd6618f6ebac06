//! The soak test: the app under sustained mixed load, bounded in time,
//! loopback only, every answer checked.
//!
//! ```text
//! cargo bench -p bench --bench soak                   # 5 minutes
//! cargo bench -p bench --bench soak -- --seconds 60
//! ```
//!
//! It measures the saturation rate of the mix first, then runs at about half
//! of it: single calls, batches (with an invalid member and a
//! notification), notifications, invalid requests and unparsable bodies,
//! each answer compared byte for byte with the expected one. It reports the
//! requests sent, the unexpected errors (must be 0), p99 per interval, and
//! the host's resident memory after warm-up and at the end, which must stay
//! within 20% (+16 MiB). It fails otherwise.

use bench::load::{self, Workload};
use bytes::Bytes;
use harness::{build_app, manifest_path, Runtime, Server};
use serde_json::{json, Value};
use std::time::Duration;

/// Connections kept open by the soak load.
const CONNECTIONS: usize = 8;
/// How long one reporting interval lasts.
const INTERVAL: Duration = Duration::from_secs(15);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seconds: u64 = args
        .iter()
        .position(|arg| arg == "--seconds")
        .and_then(|at| args.get(at + 1))
        .and_then(|value| value.parse().ok())
        .unwrap_or(300);
    std::env::remove_var("RUST_BACKTRACE");
    build_app();
    let mut server = Server::start(&Runtime::ProjectHost, &manifest_path(), &[]);
    let mix = workloads(&server);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");

    let saturation = runtime.block_on(load::run_mix(
        server.address,
        &mix,
        CONNECTIONS,
        Duration::from_secs(5),
        None,
    ));
    let saturated_rate = saturation.requests_per_second();
    // Half the rate: each connection pauses as long as a request takes.
    let pause = Duration::from_secs_f64(CONNECTIONS as f64 / saturated_rate);
    let rss_start = resident_mib(&server);
    println!(
        "saturation: {saturated_rate:.0} requests/s on {CONNECTIONS} connections; soaking {seconds} s at about half, RSS after warm-up {rss_start:.1} MiB"
    );
    let soaked = soak(&runtime, &server, &mix, seconds, pause);
    let rss_end = resident_mib(&server);
    let flat = rss_end <= rss_start * 1.2 + 16.0;
    println!(
        "soak: {} requests sent, {} answers checked and correct, {} unexpected errors; RSS {rss_start:.1} -> {rss_end:.1} MiB ({})",
        soaked.sent,
        soaked.sent - soaked.errors,
        soaked.errors,
        if flat { "flat" } else { "GREW" }
    );
    let left_running = server.stop().err();
    if soaked.errors > 0 || !flat || left_running.is_some() {
        eprintln!(
            "FAILED: {}",
            left_running
                .or(soaked.first_error)
                .unwrap_or_else(|| "resident memory grew".into())
        );
        std::process::exit(1);
    }
}

/// What the soak sent, in all.
struct Soaked {
    sent: u64,
    errors: u64,
    first_error: Option<String>,
}

/// Runs the mix for `seconds` with `pause` between a connection's requests,
/// printing each interval's figures.
fn soak(
    runtime: &tokio::runtime::Runtime,
    server: &Server,
    mix: &[Workload],
    seconds: u64,
    pause: Duration,
) -> Soaked {
    let mut soaked = Soaked {
        sent: 0,
        errors: 0,
        first_error: None,
    };
    let mut elapsed = 0;
    while elapsed < seconds {
        let length = INTERVAL.as_secs().min(seconds - elapsed);
        let window = runtime.block_on(load::run_mix(
            server.address,
            mix,
            CONNECTIONS,
            Duration::from_secs(length),
            Some(pause),
        ));
        elapsed += length;
        soaked.sent += window.requests + window.errors;
        soaked.errors += window.errors;
        soaked.first_error = soaked.first_error.or(window.first_error.clone());
        println!(
            "t={elapsed:>4} s  {:>7.0} requests/s  p50 {:.2} ms  p99 {:.2} ms  errors {}  RSS {:.1} MiB",
            window.requests_per_second(),
            window.percentile_ms(50.0),
            window.percentile_ms(99.0),
            window.errors,
            resident_mib(server)
        );
    }
    soaked
}

/// The mix, each answer probed once and checked for its meaning.
fn workloads(server: &Server) -> Vec<Workload> {
    let single = json!({"jsonrpc": "2.0", "method": "triple", "params": ["14"], "id": "s"});
    let batch = json!([
        {"jsonrpc": "2.0", "method": "double", "params": [1], "id": 1},
        {"jsonrpc": "2.0", "method": "triple", "params": {"x": 2}, "id": 2},
        {"jsonrpc": "2.0", "method": "double", "params": [3]},
        {"jsonrpc": "2.0", "method": "double", "params": [1.5], "id": 3},
        {"foo": "bar"},
        {"jsonrpc": "2.0", "method": "echo", "params": {"Service Name": "s", "Type": "Execution", "Execution": {"FunctionName": "triple", "Argument": "10"}}, "id": 4},
    ]);
    let notification = json!({"jsonrpc": "2.0", "method": "double", "params": [5]});
    let invalid = json!({"jsonrpc": "1.0", "method": "double", "params": [5], "id": 9});
    let cases = [
        (
            single.to_string(),
            200,
            Some(json!({"jsonrpc": "2.0", "result": 42, "id": "s"})),
        ),
        (
            batch.to_string(),
            200,
            Some(json!([
                {"jsonrpc": "2.0", "result": 2, "id": 1},
                {"jsonrpc": "2.0", "result": 6, "id": 2},
                {"jsonrpc": "2.0", "error": {"code": -32602, "message": "x must be an integer, got 1.5"}, "id": 3},
                {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request: \"jsonrpc\" must be exactly \"2.0\""}, "id": null},
                {"jsonrpc": "2.0", "result": {"Result": 30}, "id": 4},
            ])),
        ),
        (notification.to_string(), 204, None),
        (invalid.to_string(), 200, None),
        ("{\"jsonrpc\": \"2.0\", \"method\"".to_owned(), 200, None),
    ];
    cases
        .into_iter()
        .map(|(body, status, meaning)| probed(server, body, status, meaning))
        .collect()
}

/// A workload of `body`, its answer checked once: the `status`, and the
/// `meaning` if given (else an error object, or no body for 204).
fn probed(server: &Server, body: String, status: u16, meaning: Option<Value>) -> Workload {
    let answer = harness::client::post(&server.url("/rpc"), &body);
    assert_eq!(answer.status, status, "{body}: {}", answer.text());
    match meaning {
        Some(meaning) => assert_eq!(answer.json(), meaning, "{body}"),
        None if status == 200 => assert!(
            answer.json()["error"]["code"].is_i64(),
            "{body}: {}",
            answer.text()
        ),
        None => assert!(answer.body.is_empty()),
    }
    Workload {
        path: "/rpc".into(),
        body: Bytes::from(body),
        expected_status: status,
        expected: Bytes::from(answer.body),
        calls_per_request: 1,
        headers: Vec::new(),
    }
}

/// The host's resident memory now, in MiB.
fn resident_mib(server: &Server) -> f64 {
    std::fs::read_to_string(format!("/proc/{}/status", server.child.id()))
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}
