//! What the suites and the benchmarks share: building the app like `spin
//! build`, starting it like `spin up` (on the project's host, or on real
//! Spin) in a process group of its own, and talking to it over HTTP.

pub mod client;
pub mod functions;
pub mod hosted;
pub mod openrpc;
pub mod readme;
pub mod redis;
pub mod webdriver;

use spin_host::{manifest::Manifest, spin_build, spin_cli};
use std::ffi::OsStr;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The repository root, where `spin.toml` is.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the repo")
        .to_path_buf()
}

pub fn manifest_path() -> PathBuf {
    repo_root().join("spin.toml")
}

/// The test-only app with the `faulty` function (never shipped).
pub fn faults_manifest_path() -> PathBuf {
    repo_root().join("tests/faulty/spin.toml")
}

/// The shipped app with the router's `[component.rpc-router.variables]`
/// table left out, written under `target/`: a router that cannot read its
/// configuration.
pub fn manifest_without_router_variables() -> PathBuf {
    manifest_variant(
        &manifest_path(),
        "e2e-router-without-variables",
        |components| {
            if let Some(router) = components
                .get_mut("rpc-router")
                .and_then(toml::Value::as_table_mut)
            {
                router.remove("variables");
            }
        },
    )
}

/// The test-only app with `misdescribed` (`tests/misdescribed/`, built here)
/// in place of two of its functions, written under `target/`: `test.stats`
/// describes itself with schemas of the wrong types, `test.hog` with members
/// of the wrong types. The router is the test-only app's, with the same
/// registry.
pub fn misdescribed_manifest() -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--quiet", "--target", "wasm32-wasip2", "--release"])
            .args(["-p", "misdescribed"])
            .current_dir(repo_root())
            .status()
            .expect("cargo");
        assert!(status.success(), "building tests/misdescribed");
    });
    let wasm = target_dir().join("wasm32-wasip2/release/misdescribed.wasm");
    manifest_variant(&faults_manifest_path(), "e2e-misdescribed", |components| {
        for (id, description) in [("stats", "schemas"), ("hog", "members")] {
            let component = components
                .get_mut(id)
                .and_then(toml::Value::as_table_mut)
                .unwrap_or_else(|| panic!("the test-only app has {id}"));
            component.insert("source".into(), wasm.display().to_string().into());
            let mut environment = toml::Table::new();
            environment.insert("DESCRIPTION".into(), description.into());
            component.insert("environment".into(), environment.into());
        }
    })
}

/// The manifest at `from`, its components edited by `edit`, written under
/// `target/<name>.toml` with its components' paths made absolute and no
/// build commands (its components are built with the original).
fn manifest_variant(from: &Path, name: &str, edit: impl FnOnce(&mut toml::Table)) -> PathBuf {
    let dir = from.parent().expect("a manifest is in a directory");
    let text = std::fs::read_to_string(from).expect("a manifest");
    let mut manifest: toml::Table = text.parse().expect("a manifest is TOML");
    let components = manifest
        .get_mut("component")
        .and_then(toml::Value::as_table_mut)
        .expect("a manifest has components");
    for (_, component) in components.iter_mut() {
        let component = component.as_table_mut().expect("a component is a table");
        if let Some(toml::Value::String(source)) = component.get_mut("source") {
            *source = dir.join(&*source).display().to_string();
        }
        component.remove("build");
    }
    edit(components);
    let path = target_dir().join(format!("{name}.toml"));
    std::fs::write(&path, toml::to_string(&manifest).expect("TOML")).expect("a manifest file");
    path
}

/// The example app with the same function in Rust, Python and TypeScript.
pub fn polyglot_manifest_path() -> PathBuf {
    repo_root().join("examples/polyglot/spin.toml")
}

/// The function registry of the manifest at `path`, read as the router's
/// build reads it: every test that knows which functions exist asks this.
pub fn registry(path: &Path) -> rpc_registry::MethodRegistry {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    rpc_registry::AppManifest::parse(&text)
        .unwrap_or_else(|error| panic!("the router cannot read {}: {error}", path.display()))
        .registry
}

/// Builds the components of the app, of the polyglot example app and of the
/// test-only app with the build commands of their manifests, once per test
/// process.
pub fn build_app() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        for path in [
            manifest_path(),
            polyglot_manifest_path(),
            faults_manifest_path(),
        ] {
            let manifest = Manifest::load(&path).expect("the manifest loads");
            spin_build::build(&manifest).expect("the components build");
        }
    });
}

/// Which runtime serves the app.
#[derive(Debug, Clone)]
pub enum Runtime {
    /// This project's host (`host/`), as its binary.
    ProjectHost,
    /// The real Spin CLI at this path.
    Spin(PathBuf),
}

impl Runtime {
    /// The runtimes available here: always the project's host, and real Spin
    /// when `SPIN_BIN` names one or `spin` is on PATH.
    pub fn available() -> Vec<Runtime> {
        let mut runtimes = vec![Runtime::ProjectHost];
        match spin_cli::find() {
            Some(spin) => runtimes.push(Runtime::Spin(spin)),
            None => eprintln!(
                "real Spin: SKIPPED (no `spin` on PATH and SPIN_BIN unset); only the project's host is tested"
            ),
        }
        runtimes
    }

    pub fn name(&self) -> &'static str {
        match self {
            Runtime::ProjectHost => "project-host",
            Runtime::Spin(_) => "spin",
        }
    }
}

/// The project's host as a binary, built once per process with the profile
/// of the code asking: unoptimized for the suites (as a workspace build, so
/// it shares their build of wasmtime), or `host` for the benchmarks (as
/// `cargo up` builds it). Cargo rebuilds it only when its code changed.
pub fn project_host_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY
        .get_or_init(|| {
            let (build, dir): (&[&str], _) = if cfg!(debug_assertions) {
                (&["--bins"], "debug")
            } else {
                (&["--profile", "host", "-p", "spin-host"], "host")
            };
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let status = Command::new(cargo)
                .args(["build", "--quiet"])
                .args(build)
                .current_dir(repo_root())
                .status()
                .expect("cargo");
            assert!(status.success(), "building the project's host");
            target_dir().join(dir).join("spin-host")
        })
        .clone()
}

/// Cargo's target directory (`CARGO_TARGET_DIR`, or `target/` in the repo).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// A running server, in a process group of its own, stopped (the whole
/// group) by [`Server::stop`] or when dropped. `spin up` serves from a
/// `spin trigger http` child, which outlives its parent and ignores SIGTERM
/// while a request is in flight: only killing the group stops it.
pub struct Server {
    pub address: SocketAddr,
    pub name: String,
    pub child: Child,
    /// Where its stdout and stderr go, if not to this process's: the
    /// components' output, the call log among it.
    pub log: Option<PathBuf>,
    stopped: bool,
}

impl Server {
    /// Starts `manifest` on `runtime` on a free loopback port, with extra
    /// environment (such as `SPIN_VARIABLE_*` overrides), and waits until it
    /// accepts connections. Its output goes to a file under
    /// `target/server-logs/` (named when it starts).
    pub fn start(runtime: &Runtime, manifest: &Path, environment: &[(&str, &str)]) -> Server {
        Server::start_with(runtime, manifest, &[], environment.iter().copied())
    }

    /// [`Server::start`] with the router's settings (`spin up --env
    /// name=value`: every component's environment) instead of extra
    /// environment.
    pub fn start_configured(
        runtime: &Runtime,
        manifest: &Path,
        settings: &[(&str, &str)],
    ) -> Server {
        Server::start_with(
            runtime,
            manifest,
            settings,
            std::iter::empty::<(&str, &str)>(),
        )
    }

    /// [`Server::start`] with settings and any environment, values that are
    /// not UTF-8 included.
    pub fn start_with<K: AsRef<OsStr>, V: AsRef<OsStr>>(
        runtime: &Runtime,
        manifest: &Path,
        settings: &[(&str, &str)],
        environment: impl IntoIterator<Item = (K, V)>,
    ) -> Server {
        Server::up(runtime, manifest, settings, environment, None)
    }

    /// [`Server::start_with`] with a runtime config file (`spin up
    /// --runtime-config-file`): key-value stores of its own.
    pub fn start_with_runtime_config(
        runtime: &Runtime,
        manifest: &Path,
        settings: &[(&str, &str)],
        environment: &[(&str, &str)],
        runtime_config: &Path,
    ) -> Server {
        let environment = environment.iter().copied();
        Server::up(
            runtime,
            manifest,
            settings,
            environment,
            Some(runtime_config),
        )
    }

    /// `up` on `runtime`, in a state directory of its own (so that its
    /// default key-value store starts empty), with its output in a file
    /// under `target/server-logs/`.
    fn up<K: AsRef<OsStr>, V: AsRef<OsStr>>(
        runtime: &Runtime,
        manifest: &Path,
        settings: &[(&str, &str)],
        environment: impl IntoIterator<Item = (K, V)>,
        runtime_config: Option<&Path>,
    ) -> Server {
        let address = free_loopback_address();
        let name = format!("{}-{}", runtime.name(), address.port());
        let log = server_logs().join(format!("{name}.log"));
        let output = std::fs::File::create(&log).expect("a server log file");
        let state_dir = target_dir().join("server-state").join(&name);
        let _ = std::fs::remove_dir_all(&state_dir);
        let mut command = match runtime {
            Runtime::ProjectHost => Command::new(project_host_binary()),
            Runtime::Spin(spin) => Command::new(spin),
        };
        command
            .arg("up")
            .arg("--from")
            .arg(manifest)
            .args(["--listen", &address.to_string()])
            .arg("--state-dir")
            .arg(&state_dir)
            .args(
                runtime_config
                    .iter()
                    .flat_map(|file| [OsStr::new("--runtime-config-file"), file.as_os_str()]),
            )
            .args(
                settings
                    .iter()
                    .flat_map(|(name, value)| ["--env".to_owned(), format!("{name}={value}")]),
            )
            .envs(environment)
            .stdout(output.try_clone().expect("a server log file"))
            .stderr(output);
        let mut server = Server::run(runtime.name(), command, address);
        eprintln!(
            "{}: serving {} on http://{address} (output in {})",
            runtime.name(),
            manifest.display(),
            log.display()
        );
        server.log = Some(log);
        server
    }

    /// What the server has written to its log so far.
    pub fn log_text(&self) -> String {
        self.log
            .as_ref()
            .map(|log| {
                String::from_utf8_lossy(&std::fs::read(log).unwrap_or_default()).into_owned()
            })
            .unwrap_or_default()
    }

    /// Runs `command`, which must serve on `address`, and waits until it does.
    pub fn run(name: &str, mut command: Command, address: SocketAddr) -> Server {
        let child = command
            .stdin(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|error| panic!("starting {name}: {error}"));
        process_group::track(child.id());
        let mut server = Server {
            address,
            name: name.to_owned(),
            child,
            log: None,
            stopped: false,
        };
        server.wait_until_ready();
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Kills the server's whole process group and waits until none of its
    /// processes is left; says which are still alive after 10 s.
    pub fn stop(&mut self) -> Result<(), String> {
        if std::mem::replace(&mut self.stopped, true) {
            return Ok(());
        }
        let group = self.child.id();
        process_group::kill(group);
        let _ = self.child.wait();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let alive = process_group::members(group);
            if alive.is_empty() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{} at {}: processes still alive after it was stopped: {alive:?}",
                    self.name, self.address
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The peak resident memory of the server, in MiB: the sum of each
    /// running process's peak (VmHWM) over its whole process group, so that
    /// `spin up` counts with the `spin trigger http` child that serves.
    pub fn peak_rss_mib(&self) -> f64 {
        let kib: u64 = process_group::members(self.child.id())
            .iter()
            .filter_map(|(pid, _)| {
                let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
                let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
                line.split_whitespace().nth(1)?.parse::<u64>().ok()
            })
            .sum();
        kib as f64 / 1024.0
    }

    /// Starts [`Server::peak_rss_mib`] afresh from each process's present
    /// resident size (Linux's `clear_refs`), so that a case measures the
    /// peak of what it does, not of the server's start.
    pub fn reset_peak_rss(&self) {
        for (pid, _) in process_group::members(self.child.id()) {
            let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
        }
    }

    /// The CPU time the server has used so far (user and system), summed
    /// over the running processes of its group, with the children they
    /// have waited for (a server that starts a process per call).
    pub fn cpu_time(&self) -> Duration {
        // SAFETY: sysconf has no preconditions.
        let ticks_per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
        let ticks: u64 = process_group::members(self.child.id())
            .iter()
            .filter_map(|(pid, _)| {
                let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
                // After `pid (command) `: state is field 3, then utime,
                // stime, cutime and cstime are fields 14 to 17.
                let rest = stat.rsplit_once(") ")?.1;
                let times = rest.split_whitespace().skip(11).take(4);
                times
                    .map(|field| field.parse::<u64>().ok())
                    .sum::<Option<u64>>()
            })
            .sum();
        Duration::from_micros(ticks * 1_000_000 / ticks_per_second)
    }

    fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            if TcpStream::connect_timeout(&self.address, Duration::from_millis(200)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} exited before serving: {status}", self.name);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("{} did not start serving within 120 s", self.name);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Err(problem) = self.stop() {
            eprintln!("{problem}");
        }
    }
}

/// Process groups, as Linux shows them, and stopping them when this process
/// is interrupted: a server in a group of its own does not get the
/// terminal's Ctrl-C.
mod process_group {
    use std::sync::atomic::{AtomicI32, Ordering};
    use std::sync::Once;

    /// The groups of the servers still running, for the interrupt handler.
    static RUNNING: [AtomicI32; 32] = [const { AtomicI32::new(0) }; 32];

    /// Remembers a server's group, so that an interrupt of this process
    /// (SIGINT, SIGTERM, SIGHUP) kills it too.
    pub fn track(group: u32) {
        install_interrupt_handler();
        let Ok(group) = i32::try_from(group) else {
            return;
        };
        for slot in &RUNNING {
            if slot
                .compare_exchange(0, group, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
            {
                return;
            }
        }
    }

    /// Sends SIGKILL to every process of the group, and forgets it.
    pub fn kill(group: u32) {
        let Ok(group) = i32::try_from(group) else {
            return;
        };
        for slot in &RUNNING {
            let _ = slot.compare_exchange(group, 0, Ordering::SeqCst, Ordering::SeqCst);
        }
        kill_group(group);
    }

    fn kill_group(group: i32) {
        // SAFETY: kill(2) with a negative pid signals a process group; it
        // touches no memory of this process, and is async-signal-safe.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    }

    extern "C" fn on_interrupt(signal: libc::c_int) {
        for slot in &RUNNING {
            let group = slot.load(Ordering::SeqCst);
            if group > 0 {
                kill_group(group);
            }
        }
        // SAFETY: _exit(2) is async-signal-safe; nothing is left to unwind.
        unsafe { libc::_exit(128 + signal) }
    }

    fn install_interrupt_handler() {
        static INSTALLED: Once = Once::new();
        INSTALLED.call_once(|| {
            let handler = on_interrupt as extern "C" fn(libc::c_int);
            for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                // SAFETY: the handler only reads atomics and calls kill(2)
                // and _exit(2), both async-signal-safe.
                unsafe {
                    libc::signal(signal, handler as libc::sighandler_t);
                }
            }
        });
    }

    /// The processes of the group that are still running (zombies, which
    /// only wait for their parent to reap them, are not counted), with their
    /// command names.
    pub fn members(group: u32) -> Vec<(u32, String)> {
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|entry| {
                let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
                let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
                // `pid (command) state ppid pgrp ...`; the command may hold spaces.
                let (command, rest) = stat.split_once(" (")?.1.rsplit_once(") ")?;
                let mut fields = rest.split_whitespace();
                let state = fields.next()?;
                let pgrp: u32 = fields.nth(1)?.parse().ok()?;
                (pgrp == group && state != "Z").then(|| (pid, command.to_owned()))
            })
            .collect()
    }
}

/// `target/server-logs/`, emptied of earlier runs' logs once per process (a
/// benchmark's servers write gigabytes of call log): what is left is the
/// last run's, and a concurrent run's, which are younger than ten minutes.
fn server_logs() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = target_dir().join("server-logs");
        std::fs::create_dir_all(&dir).expect("target/server-logs");
        let old = |entry: &std::fs::DirEntry| {
            entry
                .metadata()
                .and_then(|meta| meta.modified())
                .ok()
                .and_then(|modified| modified.elapsed().ok())
                .is_some_and(|age| age > Duration::from_secs(600))
        };
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if old(&entry) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        dir
    })
    .clone()
}

/// A loopback address with a port that was free a moment ago.
pub fn free_loopback_address() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().expect("a bound address")
}
