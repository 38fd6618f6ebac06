//! The black-box e2e suite: the app's real components, built with the build
//! commands of `spin.toml`, served by a real runtime, called over HTTP.
//!
//! Every case runs against the project's host and, when a `spin` binary is
//! on PATH or named by `SPIN_BIN`, against real `spin up` too; nothing here
//! knows which runtime it talks to. One module per concern, each with its
//! `CASES`: the wire contract (`contract`), the HTTP face (`http`), hostile
//! input and limits (`hostile`), faults of a function (`faults`), the
//! README's examples (`readme`), clients (`clients`), the deployed
//! functions and their discovery (`functions`), one function in three
//! languages (`languages`), what makes the endpoint
//! fit to be public: tokens, CORS, the call log and trace context (`public`),
//! a token's calls per window (`rate_limits`), and the bounds on what a
//! function or a request can take (`bounds`).

/// A module's cases, each named after its function.
macro_rules! cases {
    ($($case:ident),* $(,)?) => {
        &[$((stringify!($case), $case as $crate::Case)),*]
    };
}

mod bounds;
mod checks;
mod clients;
mod contract;
mod faults;
mod functions;
mod hostile;
mod http;
mod languages;
mod public;
mod rate_limits;
mod readme;

use harness::{
    build_app, faults_manifest_path, manifest_path, manifest_without_router_variables,
    polyglot_manifest_path, Runtime, Server,
};
use libtest_mimic::{Arguments, Failed, Trial};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::sync::Arc;

/// The servers one runtime provides for the cases.
pub struct Servers {
    /// The runtime serving them, for a case that starts a server of its own.
    pub runtime: Runtime,
    /// The app as shipped.
    pub default: Server,
    /// The app with small limits, set with `spin up --env`.
    pub small_limits: Server,
    /// The test-only app with `faulty`, a function that misbehaves on purpose.
    pub faults: Server,
    /// The example app with `sequence` in Rust, Python and TypeScript.
    pub polyglot: Server,
    /// The app with tokens and CORS set, through `SPIN_VARIABLE_*`.
    pub guarded: Server,
    /// The app with tokens limited in calls per window.
    pub limited: Server,
    /// The app with a `tokens` value that is not one.
    pub misconfigured: Server,
    /// The test-only app at the default `call_timeout_ms`, for `hog`.
    pub hogs: Server,
    /// The app with a `tokens` value its variables provider cannot read.
    pub unreadable: Server,
    /// The app with no variables for the router, and `tokens` set.
    pub unconfigured: Server,
}

pub type Case = fn(&Servers) -> Result<(), Failed>;

fn main() {
    let arguments = Arguments::from_args();
    build_app();
    let runtimes = Runtime::available();
    let mut trials = Vec::new();
    let mut all_servers = Vec::new();
    for runtime in &runtimes {
        let servers = Arc::new(Servers::start(runtime));
        let cases = [
            contract::CASES,
            http::CASES,
            hostile::CASES,
            faults::CASES,
            readme::CASES,
            clients::CASES,
            functions::CASES,
            languages::CASES,
            public::CASES,
            rate_limits::CASES,
            bounds::CASES,
        ];
        for &(name, case) in cases.into_iter().flatten() {
            let servers = servers.clone();
            trials.push(Trial::test(
                format!("{}::{name}", runtime.name()),
                move || case(&servers),
            ));
        }
        all_servers.push(servers);
    }
    if runtimes.len() == 1 {
        trials.push(
            Trial::test("spin::skipped_no_spin_binary_on_path", || Ok(())).with_ignored_flag(true),
        );
    }
    let conclusion = libtest_mimic::run(&arguments, trials);
    let mut left_running = Vec::new();
    for servers in all_servers {
        let Ok(servers) = Arc::try_unwrap(servers) else {
            unreachable!("every trial has ended");
        };
        left_running.extend(servers.stop());
    }
    if !left_running.is_empty() {
        eprintln!(
            "FAILED: servers outlived the suite:\n{}",
            left_running.join("\n")
        );
        std::process::exit(1);
    }
    conclusion.exit();
}

impl Servers {
    /// Every server the cases share, on `runtime`.
    fn start(runtime: &Runtime) -> Servers {
        Servers {
            runtime: runtime.clone(),
            default: Server::start(runtime, &manifest_path(), &[]),
            small_limits: Server::start_configured(
                runtime,
                &manifest_path(),
                &[
                    ("max_batch_calls", "3"),
                    ("max_request_bytes", "2000"),
                    ("max_answer_bytes", hostile::SMALL_ANSWER_BYTES),
                ],
            ),
            faults: Server::start(runtime, &faults_manifest_path(), &[]),
            polyglot: Server::start(runtime, &polyglot_manifest_path(), &[]),
            guarded: Server::start(
                runtime,
                &manifest_path(),
                &[
                    ("SPIN_VARIABLE_TOKENS", &public::tokens_variable()),
                    ("SPIN_VARIABLE_CORS_ORIGINS", public::ORIGIN),
                ],
            ),
            limited: Server::start(
                runtime,
                &manifest_path(),
                &[("SPIN_VARIABLE_TOKENS", &rate_limits::tokens_variable())],
            ),
            misconfigured: Server::start(
                runtime,
                &manifest_path(),
                &[("SPIN_VARIABLE_TOKENS", "good-token bad!token")],
            ),
            hogs: Server::start_configured(
                runtime,
                &faults_manifest_path(),
                &[("call_timeout_ms", "5000")],
            ),
            // Spin's environment provider fails a value that is not UTF-8.
            unreadable: Server::start_with(
                runtime,
                &manifest_path(),
                &[],
                [(
                    OsStr::new("SPIN_VARIABLE_TOKENS"),
                    OsStr::from_bytes(b"secret-token-\xff"),
                )],
            ),
            unconfigured: Server::start(
                runtime,
                &manifest_without_router_variables(),
                &[("SPIN_VARIABLE_TOKENS", "secret-token")],
            ),
        }
    }

    /// Stops every server: what outlived its stop, if anything did.
    fn stop(self) -> Vec<String> {
        let Servers {
            runtime: _,
            mut default,
            mut small_limits,
            mut faults,
            mut polyglot,
            mut guarded,
            mut limited,
            mut misconfigured,
            mut hogs,
            mut unreadable,
            mut unconfigured,
        } = self;
        [
            &mut default,
            &mut small_limits,
            &mut faults,
            &mut polyglot,
            &mut guarded,
            &mut limited,
            &mut misconfigured,
            &mut hogs,
            &mut unreadable,
            &mut unconfigured,
        ]
        .into_iter()
        .filter_map(|server| server.stop().err())
        .collect()
    }
}
