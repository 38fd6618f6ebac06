//! What an entry of [the table](crate::targets) declares: a target (what
//! serves it, the request it gets, where its rows are measured), a pair
//! measured head to head, a ratio read off the rows. Pure data: the `rpc`
//! benchmark starts, measures and reports what these say.

/// One thing measured: a request and the server that answers it.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// What pairs and ratios name it by.
    pub id: &'static str,
    /// Its name in the report: the two parts, with the runtime's mark
    /// (` on spin`) between them.
    pub name: [&'static str; 2],
    pub deployment: Deployment,
    /// The path its requests go to.
    pub path: &'static str,
    pub request: Request,
    pub rows: Rows,
}

impl Target {
    /// Its name in the report, as served at `place`.
    pub fn name_at(&self, place: Place) -> String {
        let [before, after] = self.name;
        format!("{before}{}{after}", place.mark())
    }

    /// Where a pair or a ratio measured on `runtime` finds this target: on
    /// that runtime if it runs on each, once natively for a baseline; none
    /// if it runs on the project's host only and `runtime` is Spin.
    pub fn place_for(&self, runtime: Place) -> Option<Place> {
        match self.deployment {
            Deployment::OnEachRuntime(_) => Some(runtime),
            Deployment::OnTheHost(_) => (runtime == Place::Host).then_some(Place::Host),
            Deployment::Native(_) => Some(Place::Native),
        }
    }

    /// Whether this target, served at `place`, is the one `id` names for a
    /// pair or a ratio measured on `runtime`.
    pub fn is(&self, id: &str, place: Place, runtime: Place) -> bool {
        self.id == id && self.place_for(runtime) == Some(place)
    }

    /// The places it is started at, given the runtimes here.
    pub fn places(&self, runtimes: &[Place]) -> Vec<Place> {
        match self.deployment {
            Deployment::OnEachRuntime(_) => runtimes.to_vec(),
            Deployment::OnTheHost(_) => vec![Place::Host],
            Deployment::Native(_) => vec![Place::Native],
        }
    }
}

/// Where a target is served: the project's host, real Spin (when there is
/// one), or natively (a baseline, no runtime).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Host,
    Spin,
    Native,
}

impl Place {
    /// The runtimes a pair or a ratio can be measured on.
    pub const RUNTIMES: [Place; 2] = [Place::Host, Place::Spin];

    /// What a target's name carries when served here.
    fn mark(self) -> &'static str {
        match self {
            Place::Spin => " on spin",
            Place::Host | Place::Native => "",
        }
    }

    /// The key of a ratio measured here: Spin's begin with `spin_`.
    pub fn key(self, key: &str) -> String {
        match self {
            Place::Spin => format!("spin_{key}"),
            Place::Host | Place::Native => key.to_owned(),
        }
    }
}

/// What serves a target. Targets with equal deployments share one server
/// per place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deployment {
    /// An app on the project's host and on real Spin when there is one.
    OnEachRuntime(App),
    /// An app on the project's host only.
    OnTheHost(App),
    /// A baseline the benchmark itself serves.
    Native(Baseline),
}

impl Deployment {
    /// Where it runs, in a word.
    pub fn runs_on(self) -> &'static str {
        match self {
            Deployment::OnEachRuntime(_) => "each runtime",
            Deployment::OnTheHost(_) => "the host",
            Deployment::Native(_) => "natively",
        }
    }

    /// The app it serves; none for a baseline.
    pub fn app(self) -> Option<App> {
        match self {
            Deployment::OnEachRuntime(app) | Deployment::OnTheHost(app) => Some(app),
            Deployment::Native(_) => None,
        }
    }
}

/// An app served by a runtime: its manifest and what its server is
/// started with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct App {
    pub manifest: Manifest,
    /// The router's settings (`spin up --env name=value`).
    pub settings: &'static [(&'static str, &'static str)],
    /// What the benchmark's token is granted (`SPIN_VARIABLE_TOKENS`, as
    /// `<token>:<grant>`); requests then carry the token.
    pub token_grant: Option<&'static str>,
    /// Where its key-value store is.
    pub store: Store,
    /// Where its variables come from.
    pub variables: Variables,
}

impl App {
    /// `manifest` as it is: no settings, no token, the default store.
    pub const fn of(manifest: Manifest) -> App {
        App {
            manifest,
            settings: &[],
            token_grant: None,
            store: Store::Default,
            variables: Variables::Environment,
        }
    }

    pub const fn configured(self, settings: &'static [(&'static str, &'static str)]) -> App {
        App { settings, ..self }
    }

    pub const fn granting(self, grant: &'static str) -> App {
        App {
            token_grant: Some(grant),
            ..self
        }
    }

    pub const fn storing_in(self, store: Store) -> App {
        App { store, ..self }
    }

    /// The production configuration: the variables from the runtime
    /// config's static provider, the store on Redis.
    pub const fn in_production(self) -> App {
        App {
            store: Store::Redis,
            variables: Variables::Static,
            ..self
        }
    }
}

/// The manifests served: the project's own, and those the benchmark derives
/// from them (written under `target/bench/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Manifest {
    /// The shipped app (`spin.toml`).
    App,
    /// The shipped app with each function as the compiler left it, no work
    /// budget.
    Unbudgeted,
    /// The same function in each language (`examples/polyglot/`).
    Polyglot,
    /// The floor of a chain (`bench/bare-chain/`).
    BareChain,
    /// The floor of a chain with the app's variables declared, read by
    /// nothing.
    BareChainWithVariables,
    /// One component per public route, no router and no chain: the bare
    /// chain's `double` (`/bare-double`) and the app's (`/double`).
    Direct,
}

/// The key-value store an app's server counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// The runtime's default (SQLite, one process's file).
    Default,
    /// The process's memory (`runtime-config/one-process.toml`).
    Memory,
    /// A Redis server of the benchmark's (what replicas share).
    Redis,
}

/// Where an app's variables come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variables {
    /// The environment (`SPIN_VARIABLE_*`), as `spin up` reads it by default.
    Environment,
    /// The static provider of the production runtime config
    /// (`runtime-config/production.toml`), with the benchmark's values.
    Static,
}

/// The servers the app is compared with, each the benchmark itself run
/// with [`Baseline::mode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    /// A native front starting a runtime process per call.
    ProcessPerCall,
    /// A native jsonrpsee server with the same functions.
    Jsonrpsee,
}

impl Baseline {
    pub const ALL: [Baseline; 2] = [Baseline::ProcessPerCall, Baseline::Jsonrpsee];

    /// The benchmark's first argument when it serves this baseline.
    pub fn mode(self) -> &'static str {
        match self {
            Baseline::ProcessPerCall => "serve-process-per-call",
            Baseline::Jsonrpsee => "serve-jsonrpsee",
        }
    }
}

/// The request a target gets (each with the one answer it must get).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// One JSON-RPC call of `double`.
    SingleCall,
    /// 100 JSON-RPC calls, `double` and `triple` in turn.
    BatchOf100,
    /// A method no function serves: the router answers it itself.
    UnknownMethod,
    /// A language's `sequence` in the polyglot app.
    Sequence(Language),
    /// A decimal number, for the bare components.
    Number,
    /// The inner format a function answers, with no router before it.
    InnerCall,
}

impl Request {
    /// The JSON-RPC calls one request makes.
    pub fn calls(self) -> u32 {
        match self {
            Request::BatchOf100 => 100,
            _ => 1,
        }
    }
}

/// One language's function in the polyglot app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language {
    pub name: &'static str,
    /// The method it answers.
    pub method: &'static str,
    /// Its component as served, from the repository's root.
    pub component: &'static str,
}

/// The concurrencies a target's rows are measured at (see
/// [`Plan`](crate::plan::Plan)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    /// Every concurrency of the plan.
    All,
    /// The fewer of the targets that only split a call's cost.
    Split,
    /// No rows: the target is only one side of a pair.
    PairsOnly,
}

/// Which runtimes a pair or a ratio is measured on, each one's key with
/// its runtime's prefix ([`Place::key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    /// The project's host and real Spin when there is one.
    EachRuntime,
    Host,
    Spin,
}

impl On {
    pub fn includes(self, runtime: Place) -> bool {
        match self {
            On::EachRuntime => runtime != Place::Native,
            On::Host => runtime == Place::Host,
            On::Spin => runtime == Place::Spin,
        }
    }
}

/// Two targets measured in turn, round after round, at one concurrency: the
/// median of the rounds' ratios (first over second) is `key` on the
/// `ratios:` line.
#[derive(Debug)]
pub struct Pair {
    pub key: &'static str,
    pub on: On,
    pub concurrency: usize,
    pub first: &'static str,
    pub second: &'static str,
}

/// A ratio read off the rows at [`RATIO_CONCURRENCY`]: first over second.
#[derive(Debug)]
pub struct Ratio {
    pub key: &'static str,
    pub on: On,
    pub of: Measure,
    pub first: &'static str,
    pub second: &'static str,
    /// The decimals it is shown with.
    pub decimals: usize,
}

/// The concurrency of the rows that ratios are read off.
pub const RATIO_CONCURRENCY: usize = 8;

/// What a ratio compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Calls per second.
    CallRate,
    /// The server's peak resident memory.
    PeakRss,
}

/// Everything the benchmark measures, as declared in [`crate::targets`].
#[derive(Debug)]
pub struct Table {
    pub targets: &'static [Target],
    pub pairs: &'static [Pair],
    pub ratios: &'static [Ratio],
    /// The target whose latency tail (p99 and p99.9 over p50) the report
    /// gives, on the host at [`RATIO_CONCURRENCY`].
    pub tail_of: &'static str,
}

impl Table {
    /// The target `id` names; `None` if none does (which
    /// [`check`](crate::check::check) rules out at start).
    pub fn target(&self, id: &str) -> Option<&'static Target> {
        self.targets.iter().find(|target| target.id == id)
    }
}
