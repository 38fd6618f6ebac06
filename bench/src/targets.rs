//! The table: every target of the `rpc` benchmark, the pairs measured head
//! to head and the ratios read off the rows, each target declared once and
//! named by its id. Adding a target is a row of [`TARGETS`] (and a pair or
//! a ratio that names it); only a new kind of request ([`Request`]), of
//! manifest ([`Manifest`]) or of baseline needs code besides.
//! [`check`](crate::check::check) refuses at start a pair or a ratio that
//! names a target it cannot find.
//!
//! The rows come in the order of [`TARGETS`], the host's first, then
//! Spin's, then the baselines'; the `ratios:` line gives the pairs' ratios,
//! then the rows', each in the order of its table, the host's before Spin's.

use crate::entries::Measure::{CallRate, PeakRss};
use crate::entries::Request::{BatchOf100, InnerCall, Number, Sequence, SingleCall, UnknownMethod};
use crate::entries::Rows::{All, PairsOnly, Split};
use crate::entries::{
    App, Baseline, Deployment, Language, Manifest, Measure, On, Pair, Ratio, Request, Rows, Store,
    Table, Target,
};

/// Everything the benchmark measures.
pub const TABLE: Table = Table {
    targets: TARGETS,
    pairs: PAIRS,
    ratios: RATIOS,
    tail_of: "app_single",
};

/// The token of the apps that require one.
pub const BENCH_TOKEN: &str = "bench-token-3f9a";

/// A grant no run reaches: every call is counted, and runs.
const RATE_LIMITED: &str = "double@1000000000/h";

/// What serves the targets: the app as shipped and with one thing
/// changed, the floors, the polyglot app, the baselines.
const APP: Deployment = Deployment::OnEachRuntime(App::of(Manifest::App));
const CALL_LOG_OFF: Deployment =
    Deployment::OnEachRuntime(App::of(Manifest::App).configured(&[("call_log", "false")]));
const WITH_A_TOKEN: Deployment =
    Deployment::OnEachRuntime(App::of(Manifest::App).granting("double"));
const RATE_LIMITED_ON_SQLITE: Deployment =
    Deployment::OnEachRuntime(App::of(Manifest::App).granting(RATE_LIMITED));
const RATE_LIMITED_IN_MEMORY: Deployment = Deployment::OnEachRuntime(
    App::of(Manifest::App)
        .granting(RATE_LIMITED)
        .storing_in(Store::Memory),
);
const IN_PRODUCTION: Deployment = Deployment::OnEachRuntime(App::of(Manifest::App).in_production());
const BARE_CHAIN_WITH_VARIABLES_IN_PRODUCTION: Deployment =
    Deployment::OnEachRuntime(App::of(Manifest::BareChainWithVariables).in_production());
const RATE_LIMITED_ON_REDIS: Deployment = Deployment::OnEachRuntime(
    App::of(Manifest::App)
        .granting(RATE_LIMITED)
        .storing_in(Store::Redis),
);
const UNGROUPED: Deployment =
    Deployment::OnEachRuntime(App::of(Manifest::App).configured(&[("group_calls", "false")]));
const UNBUDGETED: Deployment = Deployment::OnTheHost(App::of(Manifest::Unbudgeted));
const BARE_CHAIN: Deployment = Deployment::OnEachRuntime(App::of(Manifest::BareChain));
const BARE_CHAIN_WITH_VARIABLES: Deployment =
    Deployment::OnEachRuntime(App::of(Manifest::BareChainWithVariables));
const DIRECT: Deployment = Deployment::OnEachRuntime(App::of(Manifest::Direct));
const POLYGLOT: Deployment = Deployment::OnEachRuntime(App::of(Manifest::Polyglot));
const PROCESS_PER_CALL: Deployment = Deployment::Native(Baseline::ProcessPerCall);
const JSONRPSEE: Deployment = Deployment::Native(Baseline::Jsonrpsee);

/// Each language's function in the polyglot app.
pub const LANGUAGES: [Language; 3] = [RUST, PYTHON, TYPESCRIPT];
const RUST: Language = Language {
    name: "Rust",
    method: "sequence-rust",
    component: "target/wasm32-wasip2/release/sequence_rust.budgeted.wasm",
};
const PYTHON: Language = Language {
    name: "Python",
    method: "sequence-python",
    component: "examples/polyglot/sequence-python/sequence-python.budgeted.wasm",
};
const TYPESCRIPT: Language = Language {
    name: "TypeScript",
    method: "sequence-ts",
    component: "examples/polyglot/sequence-ts/sequence-ts.budgeted.wasm",
};

/// A target of `request` at `path`, measured at `rows`.
const fn target(
    id: &'static str,
    name: [&'static str; 2],
    deployment: Deployment,
    path: &'static str,
    request: Request,
    rows: Rows,
) -> Target {
    Target {
        id,
        name,
        deployment,
        path,
        request,
        rows,
    }
}

/// Every target, in the order of the report's rows.
#[rustfmt::skip] // one target a line: the table reads as a table
pub const TARGETS: &[Target] = &[
    // The app as shipped, and with one thing changed.
    target("app_single", ["app", ": single calls"], APP, "/rpc", SingleCall, All),
    target("app_batch100", ["app", ": batches of 100"], APP, "/rpc", BatchOf100, All),
    target("call_log_off_single", ["app", ", call log off: single calls"], CALL_LOG_OFF, "/rpc", SingleCall, Split),
    target("call_log_off_batch100", ["app", ", call log off: batches of 100"], CALL_LOG_OFF, "/rpc", BatchOf100, Split),
    target("token_single", ["app", ", with a token: single calls"], WITH_A_TOKEN, "/rpc", SingleCall, Split),
    target("rate_limited_sqlite_single", ["app", ", rate limited on SQLite: single calls"], RATE_LIMITED_ON_SQLITE, "/rpc", SingleCall, Split),
    target("rate_limited_memory_single", ["app", ", rate limited in memory: single calls"], RATE_LIMITED_IN_MEMORY, "/rpc", SingleCall, Split),
    target("rate_limited_redis_single", ["app", ", rate limited on Redis: single calls"], RATE_LIMITED_ON_REDIS, "/rpc", SingleCall, Split),
    target("production_single", ["app", ", production config: single calls"], IN_PRODUCTION, "/rpc", SingleCall, All),
    target("ungrouped_batch100", ["app", ": batches, ungrouped"], UNGROUPED, "/rpc", BatchOf100, All),
    // The router alone: a method it answers itself, with no call.
    target("router_alone", ["router alone", ": unknown method"], APP, "/rpc", UnknownMethod, Split),
    // The floors: a chain of two minimal components, the same with the
    // app's variables declared, one minimal component; the function alone.
    target("bare_chain", ["bare chain", ""], BARE_CHAIN, "/double", Number, All),
    target("bare_chain_with_variables", ["bare chain with the app's variables", ""], BARE_CHAIN_WITH_VARIABLES, "/double", Number, Split),
    target("bare_chain_production", ["bare chain with the app's variables", ", production config"], BARE_CHAIN_WITH_VARIABLES_IN_PRODUCTION, "/double", Number, Split),
    target("one_component", ["bare: one component", ""], DIRECT, "/bare-double", Number, All),
    target("function_alone", ["function alone", ": double"], DIRECT, "/double", InnerCall, Split),
    // The same function in each language.
    target("sequence_rust", ["sequence in Rust", ""], POLYGLOT, "/rpc", Sequence(RUST), All),
    target("sequence_python", ["sequence in Python", ""], POLYGLOT, "/rpc", Sequence(PYTHON), All),
    target("sequence_ts", ["sequence in TypeScript", ""], POLYGLOT, "/rpc", Sequence(TYPESCRIPT), All),
    // The baselines.
    target("process_per_call", ["process per call", ""], PROCESS_PER_CALL, "/", SingleCall, All),
    target("jsonrpsee_single", ["native jsonrpsee", ""], JSONRPSEE, "/", SingleCall, All),
    target("jsonrpsee_batch100", ["native jsonrpsee", ": batches of 100"], JSONRPSEE, "/", BatchOf100, All),
    // The app without its work budgets, only against the app.
    target("unbudgeted_single", ["without work budgets", ""], UNBUDGETED, "/rpc", SingleCall, PairsOnly),
    target("unbudgeted_batch100", ["without work budgets", ""], UNBUDGETED, "/rpc", BatchOf100, PairsOnly),
];

/// A pair: its key, where, the concurrency, the first target and the second.
const fn pair(
    key: &'static str,
    on: On,
    concurrency: usize,
    [first, second]: [&'static str; 2],
) -> Pair {
    Pair {
        key,
        on,
        concurrency,
        first,
        second,
    }
}

/// The pairs measured head to head, in the order they run.
#[rustfmt::skip] // one pair a line
pub const PAIRS: &[Pair] = &[
    // The app against the floor of a chain.
    pair("app_vs_bare_chain_c1", On::EachRuntime, 1, ["app_single", "bare_chain"]),
    pair("app_vs_bare_chain_c8", On::EachRuntime, 8, ["app_single", "bare_chain"]),
    // What the call log and a token check cost, each against the app
    // without it.
    pair("call_log_on_vs_off_c8", On::EachRuntime, 8, ["app_single", "call_log_off_single"]),
    pair("call_log_on_vs_off_batch100_c8", On::EachRuntime, 8, ["app_batch100", "call_log_off_batch100"]),
    pair("token_vs_open_c8", On::EachRuntime, 8, ["token_single", "app_single"]),
    // What a token's rate limit costs, counted in each store, against the
    // app open (a token alone costs about nothing: token_vs_open).
    pair("rate_limit_sqlite_vs_open_c8", On::EachRuntime, 8, ["rate_limited_sqlite_single", "app_single"]),
    pair("rate_limit_memory_vs_open_c8", On::EachRuntime, 8, ["rate_limited_memory_single", "app_single"]),
    pair("rate_limit_redis_vs_open_c8", On::EachRuntime, 8, ["rate_limited_redis_single", "app_single"]),
    // What declaring the app's variables costs a chain, and the app against
    // a chain that pays that too.
    pair("bare_chain_with_variables_vs_without_c8", On::EachRuntime, 8, ["bare_chain_with_variables", "bare_chain"]),
    pair("app_vs_bare_chain_with_variables_c8", On::EachRuntime, 8, ["app_single", "bare_chain_with_variables"]),
    // The app in the production configuration (its variables from the
    // runtime config's static provider) against the floor, and against a
    // chain with the app's variables given the same runtime config.
    pair("production_vs_bare_chain_c1", On::EachRuntime, 1, ["production_single", "bare_chain"]),
    pair("production_vs_bare_chain_c8", On::EachRuntime, 8, ["production_single", "bare_chain"]),
    pair("production_vs_bare_chain_production_c8", On::EachRuntime, 8, ["production_single", "bare_chain_production"]),
    // What the router and the function cost on their own, each alone
    // against the least a component costs.
    pair("router_alone_vs_one_component", On::EachRuntime, 8, ["router_alone", "one_component"]),
    pair("function_alone_vs_one_component", On::EachRuntime, 8, ["function_alone", "one_component"]),
    // What the same function costs in another language than Rust.
    pair("python_vs_rust_c1", On::EachRuntime, 1, ["sequence_python", "sequence_rust"]),
    pair("python_vs_rust_c8", On::EachRuntime, 8, ["sequence_python", "sequence_rust"]),
    pair("ts_vs_rust_c1", On::EachRuntime, 1, ["sequence_ts", "sequence_rust"]),
    pair("ts_vs_rust_c8", On::EachRuntime, 8, ["sequence_ts", "sequence_rust"]),
    // The app's batches against native ones, and the app against itself
    // without work budgets.
    pair("batch100_vs_jsonrpsee_batch100", On::Host, 8, ["app_batch100", "jsonrpsee_batch100"]),
    pair("work_budget_single", On::Host, 8, ["app_single", "unbudgeted_single"]),
    pair("work_budget_batch100", On::Host, 8, ["app_batch100", "unbudgeted_batch100"]),
];

/// A ratio read off the rows: its key, where, of what, first over second,
/// and its decimals.
const fn ratio(
    key: &'static str,
    on: On,
    of: Measure,
    [first, second]: [&'static str; 2],
    decimals: usize,
) -> Ratio {
    Ratio {
        key,
        on,
        of,
        first,
        second,
        decimals,
    }
}

/// The ratios read off the rows, after the pairs' on the `ratios:` line.
#[rustfmt::skip] // one ratio a line
pub const RATIOS: &[Ratio] = &[
    ratio("bare_chain_vs_one_component", On::Host, CallRate, ["bare_chain", "one_component"], 2),
    ratio("batch100_vs_single", On::EachRuntime, CallRate, ["app_batch100", "app_single"], 1),
    ratio("batch100_ungrouped_vs_single", On::EachRuntime, CallRate, ["ungrouped_batch100", "app_single"], 1),
    ratio("vs_process_per_call", On::Host, CallRate, ["app_single", "process_per_call"], 0),
    ratio("vs_jsonrpsee", On::Host, CallRate, ["app_single", "jsonrpsee_single"], 2),
    ratio("batch100_vs_jsonrpsee", On::Host, CallRate, ["app_batch100", "jsonrpsee_single"], 2),
    ratio("rss_app_vs_bare_chain", On::Spin, PeakRss, ["app_single", "bare_chain"], 2),
    ratio("rss_production_vs_bare_chain", On::Spin, PeakRss, ["production_single", "bare_chain"], 2),
];
