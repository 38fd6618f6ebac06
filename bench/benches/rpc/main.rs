//! The benchmark: what a JSON-RPC call through the router and a function
//! component costs, next to the alternatives, all started and measured in
//! one run so that the ratios hold on a noisy machine.
//!
//! ```text
//! cargo bench -p bench --bench rpc             # full: concurrency 1, 8, 64
//! cargo bench -p bench --bench rpc -- --quick  # smoke check: concurrency 8, short
//! ```
//!
//! Targets, each its own process: the app on the project's host (single
//! calls, and batches of 100 with and without grouping per function); the
//! same `double` served directly by a one-component app (the floor for any
//! Spin app); the 2019 way (a native front starting a runtime process per
//! call); a native jsonrpsee server; and the app on real Spin when a `spin`
//! binary is on PATH or named by `SPIN_BIN`. Prints a table, writes it to
//! `target/bench/latest.md`, and ends with a `ratios:` line.

mod baselines;

use bench::load::{self, Measurement, Workload};
use bytes::Bytes;
use harness::{build_app, free_loopback_address, manifest_path, repo_root, Runtime, Server};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::rc::Rc;
use std::time::Duration;

/// One thing measured: a server process and the request it gets.
struct Target {
    name: String,
    server: Rc<Server>,
    workload: Workload,
}

struct Row {
    target: String,
    concurrency: usize,
    measurement: Measurement,
    calls_per_request: u32,
    peak_rss_mib: f64,
}

impl Row {
    fn calls_per_second(&self) -> f64 {
        self.measurement.requests_per_second() * f64::from(self.calls_per_request)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    match args.first().map(String::as_str) {
        Some("serve-jsonrpsee") => {
            return runtime.block_on(baselines::serve_jsonrpsee(address_arg(&args)))
        }
        Some("serve-process-per-call") => {
            return runtime.block_on(baselines::serve_process_per_call(
                address_arg(&args),
                harness::project_host_binary(),
                release_dir(),
            ))
        }
        _ => {}
    }
    let quick = args.iter().any(|arg| arg == "--quick");
    // Measure the servers as deployed, not with error backtraces switched on.
    std::env::remove_var("RUST_BACKTRACE");
    std::env::remove_var("RUST_LIB_BACKTRACE");
    let (concurrencies, duration): (&[usize], Duration) = if quick {
        (&[8], Duration::from_secs(2))
    } else {
        (&[1, 8, 64], Duration::from_secs(6))
    };

    build_app();
    let targets = start_targets();
    let budget_cost = work_budget_cost(&runtime, &targets, duration);
    let mut rows = Vec::new();
    for target in &targets {
        // Warm up: first instances, connection set-up, caches.
        runtime.block_on(load::run(
            target.server.address,
            &target.workload,
            8,
            Duration::from_millis(500),
        ));
        for &concurrency in concurrencies {
            let measurement = runtime.block_on(load::run(
                target.server.address,
                &target.workload,
                concurrency,
                duration,
            ));
            eprintln!(
                "{:<28} c={concurrency:<3} {:>9.0} calls/s  p50 {:.2} ms  errors {}",
                target.name,
                measurement.requests_per_second() * f64::from(target.workload.calls_per_request),
                measurement.percentile_ms(50.0),
                measurement.errors
            );
            rows.push(Row {
                target: target.name.clone(),
                concurrency,
                measurement,
                calls_per_request: target.workload.calls_per_request,
                peak_rss_mib: 0.0,
            });
        }
    }
    for row in &mut rows {
        let target = targets
            .iter()
            .find(|t| t.name == row.target)
            .expect("a target per row");
        row.peak_rss_mib = peak_rss_mib(target.server.child.id());
    }
    let report = report(&rows, &budget_cost, quick);
    println!("{report}");
    let dir = repo_root().join("target/bench");
    let _ = std::fs::create_dir_all(&dir);
    std::fs::write(dir.join("latest.md"), &report).expect("writing target/bench/latest.md");
    let mut left_running = stop_servers(targets);
    left_running.extend(budget_cost.left_running);
    let errors: u64 =
        rows.iter().map(|row| row.measurement.errors).sum::<u64>() + budget_cost.errors;
    if errors > 0 {
        for row in rows.iter().filter(|row| row.measurement.errors > 0) {
            eprintln!(
                "{} c={}: {:?}",
                row.target, row.concurrency, row.measurement.first_error
            );
        }
        eprintln!("FAILED: {errors} requests had errors; a benchmark with errors is a failed run");
    }
    if !left_running.is_empty() {
        eprintln!(
            "FAILED: servers outlived the benchmark:\n{}",
            left_running.join("\n")
        );
    }
    if errors > 0 || !left_running.is_empty() {
        std::process::exit(1);
    }
}

/// Stops every target's server (each once, its whole process group) and
/// says which left processes running.
fn stop_servers(targets: Vec<Target>) -> Vec<String> {
    let mut servers: Vec<Rc<Server>> = Vec::new();
    for target in targets {
        if !servers
            .iter()
            .any(|server| Rc::ptr_eq(server, &target.server))
        {
            servers.push(target.server);
        }
    }
    servers
        .into_iter()
        .filter_map(|server| Rc::into_inner(server)?.stop().err())
        .collect()
}

fn address_arg(args: &[String]) -> SocketAddr {
    args.iter()
        .position(|arg| arg == "--listen")
        .and_then(|at| args.get(at + 1))
        .and_then(|address| address.parse().ok())
        .expect("--listen <address>")
}

fn release_dir() -> PathBuf {
    repo_root().join("target/wasm32-wasip2/release")
}

fn single_call() -> Value {
    json!({"jsonrpc": "2.0", "method": "double", "params": [21], "id": 1})
}

fn batch_of_100() -> Value {
    Value::Array(
        (0..100)
            .map(|i| json!({"jsonrpc": "2.0", "method": if i % 2 == 0 { "double" } else { "triple" }, "params": [i], "id": i}))
            .collect(),
    )
}

fn batch_of_100_answer() -> Value {
    Value::Array((0..100_i64).map(|i| json!({"jsonrpc": "2.0", "result": i * if i % 2 == 0 { 2 } else { 3 }, "id": i})).collect())
}

/// A workload whose expected answer is taken from one probe request, after
/// checking that probe's answer means `meaning` (as JSON).
fn workload(
    server: &Server,
    path: &str,
    body: Value,
    meaning: Value,
    calls_per_request: u32,
) -> Workload {
    let answer = harness::client::post(&server.url(path), body.to_string());
    assert_eq!(answer.status, 200, "{}: {}", server.name, answer.text());
    assert_eq!(
        answer.json(),
        meaning,
        "{}: the probe's answer",
        server.name
    );
    Workload {
        path: path.to_owned(),
        body: Bytes::from(body.to_string()),
        expected_status: 200,
        expected: Bytes::from(answer.body),
        calls_per_request,
    }
}

fn start_targets() -> Vec<Target> {
    let mut targets = Vec::new();
    let mut add_app = |runtime: &Runtime, prefix: &str| {
        let app = Rc::new(Server::start(runtime, &manifest_path(), &[]));
        let [single, batches] = app_workloads(&app);
        targets.push(Target {
            name: format!("{prefix}: single calls"),
            workload: single,
            server: app.clone(),
        });
        targets.push(Target {
            name: format!("{prefix}: batches of 100"),
            workload: batches,
            server: app,
        });
        let ungrouped = Rc::new(Server::start(
            runtime,
            &manifest_path(),
            &[("SPIN_VARIABLE_GROUP_CALLS", "false")],
        ));
        targets.push(Target {
            name: format!("{prefix}: batches, ungrouped"),
            workload: workload(
                &ungrouped,
                "/rpc",
                batch_of_100(),
                batch_of_100_answer(),
                100,
            ),
            server: ungrouped,
        });
    };
    add_app(&Runtime::ProjectHost, "app");
    if let Some(spin) = spin_host::spin_cli::find() {
        add_app(&Runtime::Spin(spin), "app on spin");
    } else {
        eprintln!("real Spin: SKIPPED (no `spin` on PATH and SPIN_BIN unset)");
    }

    let direct = Rc::new(Server::start(
        &Runtime::ProjectHost,
        &direct_manifest(),
        &[],
    ));
    targets.push(Target {
        name: "direct: one component".into(),
        workload: workload(
            &direct,
            "/double",
            json!({"params": [21]}),
            json!({"result": 42}),
            1,
        ),
        server: direct,
    });

    let own = std::env::current_exe().expect("the benchmark's own path");
    for (name, mode) in [
        ("2019 way: process per call", "serve-process-per-call"),
        ("native jsonrpsee", "serve-jsonrpsee"),
    ] {
        let address = free_loopback_address();
        let mut command = Command::new(&own);
        command.args([mode, "--listen", &address.to_string()]);
        let server = Rc::new(Server::run(name, command, address));
        let answer = json!({"jsonrpc": "2.0", "result": 42, "id": 1});
        targets.push(Target {
            name: name.into(),
            workload: workload(&server, "/", single_call(), answer, 1),
            server,
        });
    }
    targets
}

/// The app's two workloads: single calls of `double`, and batches of 100.
fn app_workloads(server: &Server) -> [Workload; 2] {
    let single_answer = json!({"jsonrpc": "2.0", "result": 42, "id": 1});
    [
        workload(server, "/rpc", single_call(), single_answer, 1),
        workload(server, "/rpc", batch_of_100(), batch_of_100_answer(), 100),
    ]
}

/// What the work budget costs: the app as built (its functions budgeted)
/// and the same app with each function as the compiler left it, measured in
/// turn at concurrency 8, three rounds; the medians, and their ratios.
struct BudgetCost {
    table: String,
    /// Calls/s with the budget over calls/s without, for single calls and
    /// for batches of 100.
    single: f64,
    batch: f64,
    errors: u64,
    /// What the server without budgets left running when stopped.
    left_running: Option<String>,
}

fn work_budget_cost(
    runtime: &tokio::runtime::Runtime,
    targets: &[Target],
    duration: Duration,
) -> BudgetCost {
    const ROUNDS: usize = 3;
    let budgeted = &targets
        .iter()
        .find(|target| target.name == "app: single calls")
        .expect("the app on the project's host")
        .server;
    let mut unbudgeted = Server::start(&Runtime::ProjectHost, &unbudgeted_manifest(), &[]);
    let variants = [
        ("with", app_workloads(budgeted), budgeted.address),
        ("without", app_workloads(&unbudgeted), unbudgeted.address),
    ];
    // rates[variant][workload]: calls/s of each round.
    let mut rates: [[Vec<f64>; 2]; 2] = Default::default();
    let mut errors = 0;
    for _ in 0..ROUNDS {
        for (variant, (_, workloads, address)) in variants.iter().enumerate() {
            for (kind, workload) in workloads.iter().enumerate() {
                let measurement = runtime.block_on(load::run(*address, workload, 8, duration));
                errors += measurement.errors;
                rates[variant][kind].push(
                    measurement.requests_per_second() * f64::from(workload.calls_per_request),
                );
            }
        }
    }
    let median = |rounds: &Vec<f64>| {
        let mut rounds = rounds.clone();
        rounds.sort_by(f64::total_cmp);
        rounds[rounds.len() / 2]
    };
    let mut table = format!(
        "| work budget (c=8, median of {ROUNDS}, [each round]) | single calls/s | batches of 100, calls/s |\n|---|---:|---:|\n"
    );
    let shown = |rounds: &Vec<f64>| {
        let each: Vec<String> = rounds.iter().map(|rate| format!("{rate:.0}")).collect();
        format!("{:.0} [{}]", median(rounds), each.join(", "))
    };
    for (variant, (name, _, _)) in variants.iter().enumerate() {
        let _ = writeln!(
            table,
            "| {name} | {} | {} |",
            shown(&rates[variant][0]),
            shown(&rates[variant][1])
        );
    }
    eprintln!("{table}");
    BudgetCost {
        table,
        single: median(&rates[0][0]) / median(&rates[1][0]),
        batch: median(&rates[0][1]) / median(&rates[1][1]),
        errors,
        left_running: unbudgeted.stop().err(),
    }
}

/// The app's manifest with each function as the compiler left it: every
/// `X.budgeted.wasm` source (what `work-budget` wrote) replaced by the
/// `X.wasm` it was made from.
fn unbudgeted_manifest() -> PathBuf {
    let text = std::fs::read_to_string(manifest_path()).expect("spin.toml");
    let mut manifest: toml::Table = toml::from_str(&text).expect("spin.toml parses");
    let components = manifest
        .get_mut("component")
        .and_then(toml::Value::as_table_mut)
        .expect("components");
    for (_, component) in components.iter_mut() {
        let Some(component) = component.as_table_mut() else {
            continue;
        };
        component.remove("build");
        let source = component["source"].as_str().expect("a source file");
        let source = repo_root().join(source.replace(".budgeted.wasm", ".wasm"));
        component["source"] = toml::Value::String(source.display().to_string());
    }
    let path = repo_root().join("target/bench/unbudgeted.spin.toml");
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("target/bench");
    std::fs::write(&path, toml::to_string(&manifest).expect("TOML")).expect("writing it");
    path
}

/// The floor for any Spin app: `double` on a public route, answering the
/// inner format directly, with no router and no chain.
fn direct_manifest() -> PathBuf {
    let path = repo_root().join("target/bench/direct.spin.toml");
    let text = format!(
        "spin_manifest_version = 2\n[application]\nname = \"direct\"\n\
         [[trigger.http]]\nroute = \"/double\"\ncomponent = \"double\"\n\
         [component.double]\nsource = {:?}\n",
        release_dir().join("double.wasm").display().to_string()
    );
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("target/bench");
    std::fs::write(&path, text).expect("writing the direct manifest");
    path
}

/// The peak resident memory of a process (VmHWM), in MiB.
fn peak_rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
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

fn report(rows: &[Row], budget_cost: &BudgetCost, quick: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Machine: {}. Mode: {}. Load generator on the same machine (loopback, keep-alive).\n",
        machine(),
        if quick { "quick" } else { "full" }
    );
    let _ = writeln!(out, "| target | conc. | requests/s | calls/s | p50 ms | p99 ms | p99.9 ms | errors | server peak RSS |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        let m = &row.measurement;
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {:.0} MiB |",
            row.target,
            row.concurrency,
            m.requests_per_second(),
            row.calls_per_second(),
            m.percentile_ms(50.0),
            m.percentile_ms(99.0),
            m.percentile_ms(99.9),
            m.errors,
            row.peak_rss_mib
        );
    }
    let _ = writeln!(out, "\n{}", budget_cost.table);
    let _ = writeln!(out, "\n| component (release) | size |\n|---|---:|");
    for file in [
        "rpc_router.wasm",
        "double.wasm",
        "double.budgeted.wasm",
        "triple.wasm",
        "triple.budgeted.wasm",
    ] {
        let size = std::fs::metadata(release_dir().join(file)).map_or(0, |m| m.len());
        let _ = writeln!(out, "| {file} | {:.0} KiB |", size as f64 / 1024.0);
    }
    let rate = |name: &str| {
        rows.iter()
            .find(|row| row.target == name && row.concurrency == 8)
            .map_or(f64::NAN, Row::calls_per_second)
    };
    let app = rate("app: single calls");
    let p = |name: &str, q: f64| {
        rows.iter()
            .find(|r| r.target == name && r.concurrency == 8)
            .map_or(f64::NAN, |r| r.measurement.percentile_ms(q))
    };
    let _ = writeln!(
        out,
        "\nAt concurrency 8: app p99/p50 = {:.2}.",
        p("app: single calls", 99.0) / p("app: single calls", 50.0)
    );
    let mut ratios = format!(
        "ratios: chain_vs_direct={:.2} batch100_vs_single={:.1} batch100_ungrouped_vs_single={:.1} vs_process_per_call={:.0} vs_jsonrpsee={:.2} batch100_vs_jsonrpsee={:.2}",
        app / rate("direct: one component"),
        rate("app: batches of 100") / app,
        rate("app: batches, ungrouped") / app,
        app / rate("2019 way: process per call"),
        app / rate("native jsonrpsee"),
        rate("app: batches of 100") / rate("native jsonrpsee"),
    );
    let _ = write!(
        ratios,
        " work_budget_single={:.2} work_budget_batch100={:.2}",
        budget_cost.single, budget_cost.batch
    );
    let spin = rate("app on spin: single calls");
    if spin.is_finite() {
        let _ = write!(
            ratios,
            " spin_batch100_vs_single={:.1} spin_batch100_ungrouped_vs_single={:.1}",
            rate("app on spin: batches of 100") / spin,
            rate("app on spin: batches, ungrouped") / spin
        );
    }
    let _ = writeln!(out, "\n{ratios}");
    out
}
