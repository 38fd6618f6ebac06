//! The servers behind the targets: each deployment of the table started
//! once per place (targets with the same deployment share it), and all of
//! them stopped together.

use crate::{manifests, workloads};
use bench::entries::{App, Baseline, Deployment, Place, Store, Table, Target, Variables};
use bench::load::Workload;
use bench::targets::BENCH_TOKEN;
use harness::redis::Redis;
use harness::{free_loopback_address, repo_root, target_dir, Runtime, Server};
use std::path::PathBuf;
use std::process::Command;
use std::rc::Rc;

/// A target of the table, started at one place.
pub struct Started {
    pub target: &'static Target,
    pub place: Place,
    /// Its name in the report.
    pub name: String,
    pub server: Rc<Server>,
    pub workload: Workload,
}

/// The one of `started` that `id` names for a pair or a ratio on `runtime`.
pub fn find<'a>(started: &'a [Started], id: &str, runtime: Place) -> &'a Started {
    started
        .iter()
        .find(|one| one.target.is(id, one.place, runtime))
        .unwrap_or_else(|| panic!("`{id}` on {runtime:?}: the table's check lets no such name by"))
}

/// The servers started, each with the deployment and the place it serves.
pub struct Servers {
    spin: Option<PathBuf>,
    running: Vec<(Deployment, Place, Rc<Server>)>,
    /// The store replicas share rate limits in, once an app needs it.
    redis: Option<Redis>,
}

impl Servers {
    /// None yet; `spin` is real Spin's binary, if there is one.
    pub fn new(spin: Option<PathBuf>) -> Servers {
        if spin.is_none() {
            eprintln!("real Spin: SKIPPED (no `spin` on PATH and SPIN_BIN unset)");
        }
        Servers {
            spin,
            running: Vec::new(),
            redis: None,
        }
    }

    /// The runtimes here: the project's host, and real Spin if there is one.
    pub fn runtimes(&self) -> Vec<Place> {
        let spin = self.spin.as_ref().map(|_| Place::Spin);
        [Place::Host].into_iter().chain(spin).collect()
    }

    /// The runtime of `place`.
    pub fn runtime(&self, place: Place) -> Runtime {
        match (place, &self.spin) {
            (Place::Host, _) => Runtime::ProjectHost,
            (Place::Spin, Some(spin)) => Runtime::Spin(spin.clone()),
            (Place::Spin, None) => panic!("no Spin here to serve on"),
            (Place::Native, _) => panic!("a baseline is served by no runtime"),
        }
    }

    /// Every target of `table` started where it runs, its request probed:
    /// the host's first, then Spin's, then the baselines.
    pub fn start(&mut self, table: &'static Table) -> Vec<Started> {
        let runtimes = self.runtimes();
        let places = runtimes.iter().copied().chain([Place::Native]);
        let mut started = Vec::new();
        for place in places {
            for target in table.targets {
                if target.places(&runtimes).contains(&place) {
                    let server = self.serving(target.deployment, place);
                    started.push(Started {
                        target,
                        place,
                        name: target.name_at(place),
                        workload: workloads::probed(&server, target),
                        server,
                    });
                }
            }
        }
        started
    }

    /// The server of `deployment` at `place`, started if it is not yet.
    fn serving(&mut self, deployment: Deployment, place: Place) -> Rc<Server> {
        let running = self
            .running
            .iter()
            .find(|(d, p, _)| *d == deployment && *p == place);
        if let Some((_, _, server)) = running {
            return server.clone();
        }
        let server = Rc::new(match deployment {
            Deployment::OnEachRuntime(app) | Deployment::OnTheHost(app) => self.up(app, place),
            Deployment::Native(baseline) => baseline_server(baseline),
        });
        self.running.push((deployment, place, server.clone()));
        server
    }

    /// `app` up on the runtime of `place`.
    fn up(&mut self, app: App, place: Place) -> Server {
        let runtime = self.runtime(place);
        let manifest = manifests::path(app.manifest);
        let tokens = app
            .token_grant
            .map(|grant| format!("{BENCH_TOKEN}:{grant}"));
        let config = self.runtime_config(app, tokens.as_deref().unwrap_or(""));
        let environment: Vec<(&str, &str)> = tokens
            .iter()
            .filter(|_| app.variables == Variables::Environment)
            .map(|tokens| ("SPIN_VARIABLE_TOKENS", tokens.as_str()))
            .collect();
        match config {
            None => Server::start_with(&runtime, &manifest, app.settings, environment),
            Some(config) => Server::start_with_runtime_config(
                &runtime,
                &manifest,
                app.settings,
                &environment,
                &config,
            ),
        }
    }

    /// The runtime config file `app` is served with, if any: the project's
    /// own files (`runtime-config/`), the store pointed at the benchmark's
    /// Redis and the static provider given `tokens`.
    fn runtime_config(&mut self, app: App, tokens: &str) -> Option<PathBuf> {
        let (shipped, store_url) = match (app.store, app.variables) {
            (Store::Default, Variables::Environment) => return None,
            (Store::Memory, Variables::Environment) => ("one-process.toml", None),
            (Store::Redis, Variables::Environment) => ("redis.toml", Some(self.redis_url())),
            (Store::Redis, Variables::Static) => ("production.toml", Some(self.redis_url())),
            (store, Variables::Static) => panic!("no shipped runtime config: {store:?}, static"),
        };
        let path = repo_root().join("runtime-config").join(shipped);
        let text = std::fs::read_to_string(&path).expect("a shipped runtime config");
        let mut config: toml::Table = text.parse().expect("a runtime config is TOML");
        if let Some(url) = store_url {
            config["key_value_store"]["default"]["url"] = url.into();
        }
        if app.variables == Variables::Static {
            let providers = config["variables_provider"].as_array_mut();
            let values = providers.and_then(|p| p[0].get_mut("values")?.as_table_mut());
            let values = values.expect("production.toml's static provider");
            values.insert("tokens".into(), tokens.into());
        }
        let dir = target_dir().join("bench");
        std::fs::create_dir_all(&dir).expect("target/bench");
        let file = dir.join(format!("runtime-config-{}-{shipped}", self.running.len()));
        std::fs::write(&file, config.to_string()).expect("a runtime config file");
        Some(file)
    }

    /// The benchmark's Redis, started the first time an app needs it.
    fn redis_url(&mut self) -> String {
        self.redis.get_or_insert_with(Redis::start).url()
    }

    /// Stops every server (each once, its whole process group; the targets
    /// that share them go first) and says which left processes running.
    pub fn stop(self, started: Vec<Started>) -> Vec<String> {
        drop(started);
        let mut left_running: Vec<String> = self
            .running
            .into_iter()
            .filter_map(|(_, _, server)| Rc::into_inner(server)?.stop().err())
            .collect();
        left_running.extend(self.redis.and_then(|mut redis| redis.server.stop().err()));
        left_running
    }
}

/// `baseline` served by the benchmark itself, run again in its mode.
fn baseline_server(baseline: Baseline) -> Server {
    let own = std::env::current_exe().expect("the benchmark's own path");
    let address = free_loopback_address();
    let mut command = Command::new(own);
    command.args([baseline.mode(), "--listen", &address.to_string()]);
    Server::run(baseline.mode(), command, address)
}
