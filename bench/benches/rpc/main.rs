//! The benchmark: what a JSON-RPC call through the router and a function
//! component costs, next to the alternatives, all started and measured in
//! one run so that the ratios hold on a noisy machine.
//!
//! ```text
//! cargo bench -p bench --bench rpc             # full: concurrency 1, 8, 64
//! cargo bench -p bench --bench rpc -- --quick  # smoke check: concurrency 1, 8, short
//! ```
//!
//! Targets, each its own process: the app on the project's host (single
//! calls, and batches of 100 with and without grouping per function); the
//! floor of a chain, two minimal components (`bench/bare-chain/`: raw
//! numbers, no JSON) chained the same way, and the minimal one alone; the
//! router alone (a method it answers without a call) and the function alone
//! (on a public route), which split a call's cost between them; a process
//! per call (a native front starting a runtime process per call, the design
//! this project replaces); a native jsonrpsee server, single calls and
//! batches of 100; the same function in Rust, Python and TypeScript
//! (`examples/polyglot/`), with each one's component size and first call;
//! and the app and the bare chain on real Spin when a `spin`
//! binary is on PATH or named by `SPIN_BIN`. Prints a table, writes it to `target/bench/latest.md`, and
//! ends with a `ratios:` line.

mod baselines;
mod head_to_head;

use bench::load::{self, Measurement, Workload};
use bytes::Bytes;
use harness::redis::Redis;
use harness::{
    build_app, free_loopback_address, manifest_path, polyglot_manifest_path, repo_root, Runtime,
    Server,
};
use head_to_head::{Outcome, Pair, Side};
use serde_json::{json, Value};
use spin_host::{manifest::Manifest, spin_build};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;
use std::time::Duration;

/// One thing measured: a server process, the request it gets, and the
/// concurrencies it is measured at.
struct Target {
    name: String,
    server: Rc<Server>,
    workload: Workload,
    concurrencies: &'static [usize],
}

struct Row {
    target: String,
    concurrency: usize,
    measurement: Measurement,
    calls_per_request: u32,
    /// The server's CPU time (its whole process group) per request.
    cpu_us_per_request: f64,
    /// The server's peak resident memory during this row's run alone (its
    /// whole process group).
    peak_rss_mib: f64,
}

impl Row {
    fn calls_per_second(&self) -> f64 {
        self.measurement.requests_per_second() * f64::from(self.calls_per_request)
    }
}

/// How long each point runs, and at which concurrencies: every target at
/// `all`; the targets that only split a call's cost, at `split`.
struct Plan {
    quick: bool,
    duration: Duration,
    /// Rounds of each head-to-head pair, and how long each side runs in one.
    rounds: usize,
    pair_duration: Duration,
    all: &'static [usize],
    split: &'static [usize],
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    if serve_a_baseline(&runtime, &args) {
        return;
    }
    let plan = Plan::of(args.iter().any(|arg| arg == "--quick"));
    // Measure the servers as deployed, not with error backtraces switched on.
    std::env::remove_var("RUST_BACKTRACE");
    std::env::remove_var("RUST_LIB_BACKTRACE");

    build_app();
    let bare_chain = Manifest::load(&bare_chain_manifest()).expect("the bare chain's manifest");
    spin_build::build(&bare_chain).expect("the bare chain builds");
    // The store that replicas share rate limits in, for the app on Redis.
    let mut redis = Redis::start();
    let first_calls = first_calls();
    let targets = start_targets(&plan, &redis);
    // The app with each function as the compiler left it, for the cost of
    // the work budget.
    let mut unbudgeted = Server::start(&Runtime::ProjectHost, &unbudgeted_manifest(), &[]);
    let unbudgeted_workloads =
        app_workloads(&unbudgeted).map(|workload| (workload, unbudgeted.address));
    let pairs = pairs(&targets, &unbudgeted_workloads);
    let head_to_head = head_to_head::run(&runtime, &pairs, plan.rounds, plan.pair_duration);
    let rows: Vec<Row> = targets
        .iter()
        .flat_map(|target| measure(&runtime, target, &plan))
        .collect();
    let report = report(&rows, &head_to_head, &first_calls, &plan);
    println!("{report}");
    let dir = repo_root().join("target/bench");
    let _ = std::fs::create_dir_all(&dir);
    std::fs::write(dir.join("latest.md"), &report).expect("writing target/bench/latest.md");
    let mut left_running = stop_servers(targets);
    left_running.extend(unbudgeted.stop().err());
    left_running.extend(redis.server.stop().err());
    if !clean(&rows, &head_to_head, &left_running) {
        std::process::exit(1);
    }
}

/// Serves one of the baselines, or runs the one call of a process the
/// process-per-call baseline started, if `args` asks for it (the benchmark
/// runs itself as each): whether it did.
fn serve_a_baseline(runtime: &tokio::runtime::Runtime, args: &[String]) -> bool {
    match args.first().map(String::as_str) {
        Some("serve-jsonrpsee") => runtime.block_on(baselines::serve_jsonrpsee(address_arg(args))),
        Some("serve-process-per-call") => runtime.block_on(baselines::serve_process_per_call(
            address_arg(args),
            release_dir(),
        )),
        Some("call-once") => {
            let (Some(component), Some(body)) = (args.get(1), args.get(2)) else {
                panic!("usage: call-once COMPONENT BODY");
            };
            let called = runtime.block_on(baselines::call_once(component.as_ref(), body.clone()));
            if let Err(error) = called {
                eprintln!("call-once: {error}");
                std::process::exit(1);
            }
        }
        _ => return false,
    }
    true
}

impl Plan {
    fn of(quick: bool) -> Plan {
        if quick {
            Plan {
                quick,
                duration: Duration::from_secs(2),
                rounds: 3,
                pair_duration: Duration::from_secs(2),
                all: &[1, 8],
                split: &[1, 8],
            }
        } else {
            Plan {
                quick,
                duration: Duration::from_secs(6),
                rounds: 5,
                pair_duration: Duration::from_secs(3),
                all: &[1, 8, 64],
                split: &[1, 8],
            }
        }
    }
}

/// A target's rows: warmed up, then one run per concurrency of its plan,
/// each with the server's CPU time and its peak memory during that run.
fn measure(runtime: &tokio::runtime::Runtime, target: &Target, plan: &Plan) -> Vec<Row> {
    let run = |concurrency, duration| {
        runtime.block_on(load::run(
            target.server.address,
            &target.workload,
            concurrency,
            duration,
        ))
    };
    // Warm up: first instances, connection set-up, caches.
    run(8, Duration::from_millis(500));
    let mut rows = Vec::new();
    for &concurrency in target.concurrencies {
        let cpu_before = target.server.cpu_time();
        // The peak of this run alone, from what the server holds now.
        target.server.reset_peak_rss();
        let measurement = run(concurrency, plan.duration);
        let cpu = target.server.cpu_time().saturating_sub(cpu_before);
        let cpu_us_per_request = cpu.as_secs_f64() * 1e6 / measurement.requests.max(1) as f64;
        eprintln!(
            "{:<36} c={concurrency:<3} {:>9.0} calls/s  p50 {:.2} ms  server CPU {:.0} µs/request  errors {}",
            target.name,
            measurement.requests_per_second() * f64::from(target.workload.calls_per_request),
            measurement.percentile_ms(50.0),
            cpu_us_per_request,
            measurement.errors
        );
        rows.push(Row {
            target: target.name.clone(),
            concurrency,
            measurement,
            calls_per_request: target.workload.calls_per_request,
            cpu_us_per_request,
            peak_rss_mib: target.server.peak_rss_mib(),
        });
    }
    rows
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
            row.target, row.concurrency, row.measurement.first_error
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

fn single_call_answer() -> Value {
    json!({"jsonrpc": "2.0", "result": 42, "id": 1})
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
    workload_with(server, path, Vec::new(), body, meaning, calls_per_request)
}

/// A [`workload`] whose requests carry `headers`.
fn workload_with(
    server: &Server,
    path: &str,
    headers: Vec<(&'static str, String)>,
    body: Value,
    meaning: Value,
    calls_per_request: u32,
) -> Workload {
    let mut sent: Vec<(&str, &[u8])> = vec![("content-type", b"application/json")];
    sent.extend(
        headers
            .iter()
            .map(|(name, value)| (*name, value.as_bytes())),
    );
    let body_bytes = body.to_string().into_bytes();
    let answer = harness::client::raw(server.address, "POST", path, &sent, body_bytes);
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
        headers,
    }
}

/// The targets being started.
#[derive(Default)]
struct Targets(Vec<Target>);

impl Targets {
    fn add(
        &mut self,
        name: String,
        server: &Rc<Server>,
        workload: Workload,
        concurrencies: &'static [usize],
    ) {
        self.0.push(Target {
            name,
            server: server.clone(),
            workload,
            concurrencies,
        });
    }
}

/// Every target: the app and the floors on each runtime here (the
/// project's host, and real Spin when there is one), then the baselines.
fn start_targets(plan: &Plan, redis: &Redis) -> Vec<Target> {
    let mut runtimes = vec![(Runtime::ProjectHost, "")];
    match spin_host::spin_cli::find() {
        Some(spin) => runtimes.push((Runtime::Spin(spin), " on spin")),
        None => eprintln!("real Spin: SKIPPED (no `spin` on PATH and SPIN_BIN unset)"),
    }
    let mut targets = Vec::new();
    for (runtime, on) in &runtimes {
        targets.extend(app_targets(runtime, on, plan, redis));
        targets.extend(floor_targets(runtime, on, plan));
        targets.extend(language_targets(runtime, on, plan));
    }
    targets.extend(baseline_targets(plan));
    targets
}

/// Each language's function in the polyglot app, and the method it answers.
const LANGUAGES: [(&str, &str); 3] = [
    ("Rust", "sequence-rust"),
    ("Python", "sequence-python"),
    ("TypeScript", "sequence-ts"),
];

/// The call each language's `sequence` is measured with, its example, and
/// what it answers.
fn sequence_call(method: &str) -> (Value, Value) {
    let call = json!({"jsonrpc": "2.0", "method": method, "id": 1,
        "params": {"kind": "fibonacci", "count": 10}});
    let answer = json!({"jsonrpc": "2.0", "id": 1,
        "result": {"kind": "fibonacci", "terms": [0, 1, 1, 2, 3, 5, 8, 13, 21, 34], "sum": 88}});
    (call, answer)
}

/// The same function in each language, on one polyglot app on `runtime`.
fn language_targets(runtime: &Runtime, on: &str, plan: &Plan) -> Vec<Target> {
    let mut targets = Targets::default();
    let app = Rc::new(Server::start(runtime, &polyglot_manifest_path(), &[]));
    for (language, method) in LANGUAGES {
        let (call, answer) = sequence_call(method);
        let single = workload(&app, "/rpc", call, answer, 1);
        targets.add(
            format!("sequence in {language}{on}"),
            &app,
            single,
            plan.all,
        );
    }
    targets.0
}

/// Each language's first call after the polyglot app starts (when the
/// runtime has compiled its components), in milliseconds, on each runtime.
fn first_calls() -> Vec<(String, [f64; 3])> {
    let mut runtimes = vec![(Runtime::ProjectHost, "project's host")];
    if let Some(spin) = spin_host::spin_cli::find() {
        runtimes.push((Runtime::Spin(spin), "Spin"));
    }
    runtimes
        .into_iter()
        .map(|(runtime, name)| {
            let mut app = Server::start(&runtime, &polyglot_manifest_path(), &[]);
            let first = LANGUAGES.map(|(_, method)| {
                let (call, answer) = sequence_call(method);
                let started = std::time::Instant::now();
                let reply = harness::client::post(&app.url("/rpc"), call.to_string());
                let took = started.elapsed().as_secs_f64() * 1000.0;
                assert_eq!(reply.json(), answer, "the first call of {method}");
                took
            });
            if let Err(left) = app.stop() {
                eprintln!("{left}");
            }
            (name.to_owned(), first)
        })
        .collect()
}

/// The app on `runtime` (`on` names it): as shipped, its variants, and the
/// router alone.
fn app_targets(runtime: &Runtime, on: &str, plan: &Plan, redis: &Redis) -> Vec<Target> {
    let mut targets = Targets::default();
    let app = Rc::new(Server::start(runtime, &manifest_path(), &[]));
    let [single, batches] = app_workloads(&app);
    targets.add(format!("app{on}: single calls"), &app, single, plan.all);
    targets.add(format!("app{on}: batches of 100"), &app, batches, plan.all);
    targets.0.extend(app_variants(runtime, on, plan, redis));
    // The router alone: a method it answers itself, with no call.
    let unknown = json!({"jsonrpc": "2.0", "method": "nothing", "params": [21], "id": 1});
    let refusal = json!({"jsonrpc": "2.0", "id": 1,
        "error": {"code": -32601, "message": "Method not found: \"nothing\""}});
    let alone = workload(&app, "/rpc", unknown, refusal, 1);
    targets.add(
        format!("router alone{on}: unknown method"),
        &app,
        alone,
        plan.split,
    );
    targets.0
}

/// The app on `runtime` with one thing changed: the call log off, a token
/// required, a token rate limited, batches ungrouped.
fn app_variants(runtime: &Runtime, on: &str, plan: &Plan, redis: &Redis) -> Vec<Target> {
    let mut targets = Targets::default();
    call_log_off(&mut targets, runtime, on, plan);
    with_a_token(&mut targets, runtime, on, plan);
    rate_limited(&mut targets, runtime, on, plan, redis);
    ungrouped(&mut targets, runtime, on, plan);
    targets.0
}

/// What the call log (on by default) costs.
fn call_log_off(targets: &mut Targets, runtime: &Runtime, on: &str, plan: &Plan) {
    let quiet = Rc::new(Server::start_configured(
        runtime,
        &manifest_path(),
        &[("call_log", "false")],
    ));
    let [single, batches] = app_workloads(&quiet);
    let name = format!("app{on}, call log off");
    targets.add(format!("{name}: single calls"), &quiet, single, plan.split);
    targets.add(
        format!("{name}: batches of 100"),
        &quiet,
        batches,
        plan.split,
    );
}

/// The token of the variants that require one.
const BENCH_TOKEN: &str = "bench-token-3f9a";

/// Single calls of `double` with [`BENCH_TOKEN`].
fn single_calls_with_the_token(server: &Server) -> Workload {
    let authorization = vec![("authorization", format!("Bearer {BENCH_TOKEN}"))];
    let answer = single_call_answer();
    workload_with(server, "/rpc", authorization, single_call(), answer, 1)
}

/// What a token check costs.
fn with_a_token(targets: &mut Targets, runtime: &Runtime, on: &str, plan: &Plan) {
    let tokens = format!("{BENCH_TOKEN}:double");
    let environment = [("SPIN_VARIABLE_TOKENS", tokens.as_str())];
    let guarded = Rc::new(Server::start(runtime, &manifest_path(), &environment));
    let single = single_calls_with_the_token(&guarded);
    let name = format!("app{on}, with a token: single calls");
    targets.add(name, &guarded, single, plan.split);
}

/// What a token's rate limit costs (a limit no run reaches, so every call
/// is counted and runs), counted in the default store (SQLite, one process's)
/// and in Redis (what replicas share).
fn rate_limited(targets: &mut Targets, runtime: &Runtime, on: &str, plan: &Plan, redis: &Redis) {
    let tokens = format!("{BENCH_TOKEN}:double@1000000000/h");
    let environment = [("SPIN_VARIABLE_TOKENS", tokens.as_str())];
    let on_sqlite = Server::start(runtime, &manifest_path(), &environment);
    let on_redis = Server::start_with_runtime_config(
        runtime,
        &manifest_path(),
        &[],
        &environment,
        &redis.runtime_config(),
    );
    for (store, server) in [("SQLite", on_sqlite), ("Redis", on_redis)] {
        let server = Rc::new(server);
        let single = single_calls_with_the_token(&server);
        let name = format!("app{on}, rate limited on {store}: single calls");
        targets.add(name, &server, single, plan.split);
    }
}

/// What grouping a batch's calls per function gains.
fn ungrouped(targets: &mut Targets, runtime: &Runtime, on: &str, plan: &Plan) {
    let ungrouped = Rc::new(Server::start_configured(
        runtime,
        &manifest_path(),
        &[("group_calls", "false")],
    ));
    let batches = workload(
        &ungrouped,
        "/rpc",
        batch_of_100(),
        batch_of_100_answer(),
        100,
    );
    let name = format!("app{on}: batches, ungrouped");
    targets.add(name, &ungrouped, batches, plan.all);
}

/// What the app is measured against on `runtime`: the bare chain (with and
/// without the app's variables), one bare component, the function alone.
fn floor_targets(runtime: &Runtime, on: &str, plan: &Plan) -> Vec<Target> {
    let mut targets = Targets::default();
    let bare = Rc::new(Server::start(runtime, &bare_chain_manifest(), &[]));
    let raw = workload(&bare, "/double", json!(21), json!(42), 1);
    targets.add(format!("bare chain{on}"), &bare, raw, plan.all);
    // The same chain with the app's variables declared, read by nothing:
    // what declaring them costs a chained request on the runtime.
    let declared = Rc::new(Server::start(
        runtime,
        &bare_chain_with_variables_manifest(),
        &[],
    ));
    let raw = workload(&declared, "/double", json!(21), json!(42), 1);
    targets.add(
        format!("bare chain with the app's variables{on}"),
        &declared,
        raw,
        plan.split,
    );
    let direct = Rc::new(Server::start(runtime, &direct_manifest(), &[]));
    let raw = workload(&direct, "/bare-double", json!(21), json!(42), 1);
    targets.add(format!("bare: one component{on}"), &direct, raw, plan.all);
    let inner = workload(
        &direct,
        "/double",
        json!({"params": [21]}),
        json!({"result": 42}),
        1,
    );
    targets.add(
        format!("function alone{on}: double"),
        &direct,
        inner,
        plan.split,
    );
    targets.0
}

/// A process per call (the design this project replaces) and a native
/// jsonrpsee server, each the benchmark itself serving.
fn baseline_targets(plan: &Plan) -> Vec<Target> {
    let mut targets = Targets::default();
    let own = std::env::current_exe().expect("the benchmark's own path");
    for (name, mode) in [
        ("process per call", "serve-process-per-call"),
        ("native jsonrpsee", "serve-jsonrpsee"),
    ] {
        let address = free_loopback_address();
        let mut command = Command::new(&own);
        command.args([mode, "--listen", &address.to_string()]);
        let server = Rc::new(Server::run(name, command, address));
        let single = workload(&server, "/", single_call(), single_call_answer(), 1);
        targets.add(name.into(), &server, single, plan.all);
        if mode == "serve-jsonrpsee" {
            let batches = workload(&server, "/", batch_of_100(), batch_of_100_answer(), 100);
            targets.add(
                format!("{name}: batches of 100"),
                &server,
                batches,
                plan.all,
            );
        }
    }
    targets.0
}

/// The app's two workloads: single calls of `double`, and batches of 100.
fn app_workloads(server: &Server) -> [Workload; 2] {
    [
        workload(server, "/rpc", single_call(), single_call_answer(), 1),
        workload(server, "/rpc", batch_of_100(), batch_of_100_answer(), 100),
    ]
}

/// The pairs measured head to head: the app against the floor of a chain
/// (at concurrency 1 and 8) and its batches against native batches, on each
/// runtime; and the app against itself without work budgets.
fn pairs<'a>(targets: &'a [Target], unbudgeted: &'a [(Workload, SocketAddr); 2]) -> Vec<Pair<'a>> {
    let mut pairs = Vec::new();
    for (on, prefix) in [("", ""), (" on spin", "spin_")] {
        for (key, concurrency, first, second) in ON_EACH_RUNTIME {
            pairs.extend(pair_of(
                targets,
                format!("{prefix}{key}"),
                *concurrency,
                [&first.replace("{on}", on), &second.replace("{on}", on)],
            ));
        }
    }
    pairs.extend(pair_of(
        targets,
        "batch100_vs_jsonrpsee_batch100".into(),
        8,
        ["app: batches of 100", "native jsonrpsee: batches of 100"],
    ));
    let budgeted = ["app: single calls", "app: batches of 100"];
    let keys = ["work_budget_single", "work_budget_batch100"];
    for ((key, with), (workload, address)) in keys.into_iter().zip(budgeted).zip(unbudgeted) {
        pairs.extend(side_of(targets, with).map(|with| Pair {
            key: key.into(),
            concurrency: 8,
            sides: [
                with,
                Side {
                    name: "without work budgets",
                    address: *address,
                    workload,
                },
            ],
        }));
    }
    pairs
}

/// A pair of two targets, if both run here (the Spin ones only with Spin).
fn pair_of<'a>(
    targets: &'a [Target],
    key: String,
    concurrency: usize,
    [first, second]: [&str; 2],
) -> Option<Pair<'a>> {
    Some(Pair {
        key,
        concurrency,
        sides: [side_of(targets, first)?, side_of(targets, second)?],
    })
}

fn side_of<'a>(targets: &'a [Target], name: &str) -> Option<Side<'a>> {
    let target = targets.iter().find(|target| target.name == name)?;
    Some(Side {
        name: &target.name,
        address: target.server.address,
        workload: &target.workload,
    })
}

/// The pairs measured head to head on each runtime (`spin_` before the key
/// of Spin's): the key of the ratio, the concurrency, and the two targets,
/// the runtime's suffix where `{on}` is.
const ON_EACH_RUNTIME: &[(&str, usize, &str, &str)] = &[
    // The app against the floor of a chain.
    (
        "app_vs_bare_chain_c1",
        1,
        "app{on}: single calls",
        "bare chain{on}",
    ),
    (
        "app_vs_bare_chain_c8",
        8,
        "app{on}: single calls",
        "bare chain{on}",
    ),
    // What the call log and a token check cost, each against the app
    // without it.
    (
        "call_log_on_vs_off_c8",
        8,
        "app{on}: single calls",
        "app{on}, call log off: single calls",
    ),
    (
        "call_log_on_vs_off_batch100_c8",
        8,
        "app{on}: batches of 100",
        "app{on}, call log off: batches of 100",
    ),
    (
        "token_vs_open_c8",
        8,
        "app{on}, with a token: single calls",
        "app{on}: single calls",
    ),
    // What a token's rate limit costs, counted in each store, against the
    // app open (a token alone costs about nothing: token_vs_open).
    (
        "rate_limit_sqlite_vs_open_c8",
        8,
        "app{on}, rate limited on SQLite: single calls",
        "app{on}: single calls",
    ),
    (
        "rate_limit_redis_vs_open_c8",
        8,
        "app{on}, rate limited on Redis: single calls",
        "app{on}: single calls",
    ),
    // What declaring the app's variables costs a chain, and the app against
    // a chain that pays that too.
    (
        "bare_chain_with_variables_vs_without_c8",
        8,
        "bare chain with the app's variables{on}",
        "bare chain{on}",
    ),
    (
        "app_vs_bare_chain_with_variables_c8",
        8,
        "app{on}: single calls",
        "bare chain with the app's variables{on}",
    ),
    // What the router and the function cost on their own, each alone
    // against the least a component costs.
    (
        "router_alone_vs_one_component",
        8,
        "router alone{on}: unknown method",
        "bare: one component{on}",
    ),
    (
        "function_alone_vs_one_component",
        8,
        "function alone{on}: double",
        "bare: one component{on}",
    ),
    // What the same function costs in another language than Rust.
    (
        "python_vs_rust_c1",
        1,
        "sequence in Python{on}",
        "sequence in Rust{on}",
    ),
    (
        "python_vs_rust_c8",
        8,
        "sequence in Python{on}",
        "sequence in Rust{on}",
    ),
    (
        "ts_vs_rust_c1",
        1,
        "sequence in TypeScript{on}",
        "sequence in Rust{on}",
    ),
    (
        "ts_vs_rust_c8",
        8,
        "sequence in TypeScript{on}",
        "sequence in Rust{on}",
    ),
];

/// The app's manifest with each function as the compiler left it: every
/// `X.budgeted.wasm` source (what `work-budget` wrote) replaced by the
/// `X.wasm` it was made from.
fn unbudgeted_manifest() -> PathBuf {
    variant(
        &manifest_path(),
        "unbudgeted",
        |_| {},
        |source| source.replace(".budgeted.wasm", ".wasm"),
    )
}

/// The floor of a chain (see `bench/bare-chain/spin.toml`).
fn bare_chain_manifest() -> PathBuf {
    repo_root().join("bench/bare-chain/spin.toml")
}

/// The floor of a chain with the shipped app's `[variables]` declared and
/// read by nothing.
fn bare_chain_with_variables_manifest() -> PathBuf {
    let shipped = std::fs::read_to_string(manifest_path()).expect("spin.toml");
    let shipped: toml::Table = toml::from_str(&shipped).expect("spin.toml parses");
    let declare = |manifest: &mut toml::Table| {
        manifest.insert("variables".into(), shipped["variables"].clone());
    };
    variant(
        &bare_chain_manifest(),
        "bare-chain-with-variables",
        declare,
        str::to_owned,
    )
}

/// A copy of the manifest at `original`, changed by `change`, written as
/// `target/bench/<name>.spin.toml`: each component's source rewritten by
/// `source` and made absolute, and no build commands (the benchmark builds
/// the originals).
fn variant(
    original: &Path,
    name: &str,
    change: impl FnOnce(&mut toml::Table),
    source: impl Fn(&str) -> String,
) -> PathBuf {
    let text = std::fs::read_to_string(original).expect("a manifest");
    let mut manifest: toml::Table = toml::from_str(&text).expect("the manifest parses");
    change(&mut manifest);
    let dir = original.parent().expect("a parent");
    let components = manifest
        .get_mut("component")
        .and_then(toml::Value::as_table_mut)
        .expect("components");
    for (_, component) in components.iter_mut() {
        let Some(component) = component.as_table_mut() else {
            continue;
        };
        component.remove("build");
        let file = source(component["source"].as_str().expect("a source file"));
        component["source"] = toml::Value::String(dir.join(file).display().to_string());
    }
    let path = repo_root().join(format!("target/bench/{name}.spin.toml"));
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("target/bench");
    std::fs::write(&path, toml::to_string(&manifest).expect("TOML")).expect("writing it");
    path
}

/// One component per public route, no router and no chain: the least any
/// Spin app costs (`/bare-double`, the bare chain's `double`), and the
/// app's `double` as served (`/double`, answering the inner format).
fn direct_manifest() -> PathBuf {
    let path = repo_root().join("target/bench/direct.spin.toml");
    let source = |file: &str| format!("{:?}", release_dir().join(file).display().to_string());
    let text = format!(
        "spin_manifest_version = 2\n[application]\nname = \"direct\"\n\
         [[trigger.http]]\nroute = \"/bare-double\"\ncomponent = \"bare-double\"\n\
         [[trigger.http]]\nroute = \"/double\"\ncomponent = \"double\"\n\
         [component.bare-double]\nsource = {}\n\
         [component.double]\nsource = {}\n",
        source("bare_double.wasm"),
        source("double.budgeted.wasm"),
    );
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("target/bench");
    std::fs::write(&path, text).expect("writing the direct manifest");
    path
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

fn report(
    rows: &[Row],
    head_to_head: &[Outcome],
    first_calls: &[(String, [f64; 3])],
    plan: &Plan,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Machine: {}. Mode: {}. Load generator on the same machine (loopback, keep-alive).\n",
        machine(),
        if plan.quick { "quick" } else { "full" }
    );
    out += &rows_table(rows);
    let _ = writeln!(out, "\n{}", head_to_head::table(head_to_head, plan.rounds));
    out += &sizes_table();
    out += &languages_table(first_calls);
    let at_8 = AtEight(rows);
    let single = "app: single calls";
    let _ = writeln!(
        out,
        "\nAt concurrency 8, app single calls: p99/p50 = {:.2}, p99.9/p50 = {:.2}.",
        at_8.percentile(single, 99.0) / at_8.percentile(single, 50.0),
        at_8.percentile(single, 99.9) / at_8.percentile(single, 50.0),
    );
    if !at_8.rate("app on spin: single calls").is_finite() {
        let _ = writeln!(
            out,
            "\nThe Spin rows are missing: no `spin` on PATH and SPIN_BIN unset."
        );
    }
    let _ = writeln!(out, "\n{}", ratios(&at_8, head_to_head));
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
            row.target,
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
fn languages_table(first_calls: &[(String, [f64; 3])]) -> String {
    let mut out = String::from("\n| the same function in | component (budgeted) |");
    for (runtime, _) in first_calls {
        let _ = write!(out, " first call on the {runtime} |");
    }
    out += "\n|---|---:|";
    out += &"---:|".repeat(first_calls.len());
    let dir = polyglot_manifest_path();
    let dir = dir.parent().expect("the example's directory");
    let files = [
        release_dir().join("sequence_rust.budgeted.wasm"),
        dir.join("sequence-python/sequence-python.budgeted.wasm"),
        dir.join("sequence-ts/sequence-ts.budgeted.wasm"),
    ];
    for (index, ((language, _), file)) in LANGUAGES.iter().zip(files).enumerate() {
        let size = std::fs::metadata(&file).map_or(0, |m| m.len());
        let _ = write!(
            out,
            "\n| {language} | {:.1} MiB |",
            size as f64 / f64::from(1 << 20)
        );
        for (_, first) in first_calls {
            let _ = write!(out, " {:.1} ms |", first[index]);
        }
    }
    out.push('\n');
    out
}

/// The rows at concurrency 8, where the ratios read off the table compare
/// targets; a target that did not run reads as NaN.
struct AtEight<'a>(&'a [Row]);

impl AtEight<'_> {
    fn row(&self, name: &str) -> Option<&Row> {
        self.0
            .iter()
            .find(|row| row.target == name && row.concurrency == 8)
    }

    fn rate(&self, name: &str) -> f64 {
        self.row(name).map_or(f64::NAN, Row::calls_per_second)
    }

    fn percentile(&self, name: &str, q: f64) -> f64 {
        self.row(name)
            .map_or(f64::NAN, |row| row.measurement.percentile_ms(q))
    }

    fn peak_rss(&self, name: &str) -> f64 {
        self.row(name).map_or(f64::NAN, |row| row.peak_rss_mib)
    }
}

/// The `ratios:` line: the head-to-head ratios first (measured in turn),
/// then those read off the table, the Spin ones when Spin ran.
fn ratios(at_8: &AtEight, head_to_head: &[Outcome]) -> String {
    let rate = |name: &str| at_8.rate(name);
    let mut ratios = String::from("ratios:");
    for outcome in head_to_head {
        let _ = write!(ratios, " {}={:.2}", outcome.key, outcome.ratio);
    }
    let app = rate("app: single calls");
    let batches = rate("app: batches of 100");
    let _ = write!(
        ratios,
        " bare_chain_vs_one_component={:.2} batch100_vs_single={:.1} batch100_ungrouped_vs_single={:.1} \
         vs_process_per_call={:.0} vs_jsonrpsee={:.2} batch100_vs_jsonrpsee={:.2}",
        rate("bare chain") / rate("bare: one component"),
        batches / app,
        rate("app: batches, ungrouped") / app,
        app / rate("process per call"),
        app / rate("native jsonrpsee"),
        batches / rate("native jsonrpsee"),
    );
    let spin = rate("app on spin: single calls");
    if spin.is_finite() {
        let _ = write!(
            ratios,
            " spin_batch100_vs_single={:.1} spin_batch100_ungrouped_vs_single={:.1} \
             spin_rss_app_vs_bare_chain={:.2}",
            rate("app on spin: batches of 100") / spin,
            rate("app on spin: batches, ungrouped") / spin,
            at_8.peak_rss("app on spin: single calls") / at_8.peak_rss("bare chain on spin"),
        );
    }
    ratios
}
