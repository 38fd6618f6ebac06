//! A Spin-compatible host for this app, on the engine Spin embeds (wasmtime
//! 44 with wasmtime-wasi-http, WASI 0.2): `cargo up` serves the app with it
//! where there is no `spin`, and the suites run the app on it (and on real
//! Spin when there is one).
//!
//! It reads the app's real `spin.toml` and does what Spin's HTTP trigger
//! does for what this app uses, one concern per module:
//!
//! - [`manifest`]: `spin.toml`, refusing what this host does not implement;
//! - [`runtime_config`]: the runtime config file, its stores and variable providers;
//! - [`routes`]: routes, their precedence, private endpoints, `spin-*` headers;
//! - [`variables`]: application and component variables, their providers
//!   (a runtime config's static values, `SPIN_VARIABLE_*`);
//! - [`key_value`]: key-value stores (SQLite, Redis), `wasi:keyvalue`;
//! - [`allowed_hosts`]: which outbound URLs a component may use;
//! - [`outbound`]: outbound HTTP and local service chaining;
//! - [`platform`]: which Spin platform interfaces are implemented, trap stubs for the rest;
//! - [`runtime`]: compiling components once, one instance per request;
//! - [`server`]: the HTTP listener;
//! - [`spin_build`], [`spin_cli`]: `spin build`, and finding a real `spin`.

pub mod allowed_hosts;
pub mod key_value;
mod log;
pub mod manifest;
pub mod outbound;
pub mod platform;
pub mod routes;
pub mod runtime;
pub mod runtime_config;
pub mod server;
pub mod spin_build;
pub mod spin_cli;
pub mod variables;

use anyhow::Result;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How `spin up` runs an app, apart from its manifest.
#[derive(Debug, Default)]
pub struct UpOptions {
    /// `--env KEY=VALUE`: added to every component's environment.
    pub environment: Vec<(String, String)>,
    /// `--state-dir`: where the default key-value store lives (`.spin/`
    /// beside the manifest if not given).
    pub state_dir: Option<PathBuf>,
    /// `--runtime-config-file`: the key-value stores and variable providers
    /// it defines.
    pub runtime_config: Option<PathBuf>,
}

/// Loads the app of `manifest_path` (variables overridden from this
/// process's environment) and starts serving it on `listen`, as `spin up`
/// with `options`. Returns the bound address; the server runs as a task of
/// the current Tokio runtime.
pub async fn start(
    manifest_path: &Path,
    listen: SocketAddr,
    options: &UpOptions,
) -> Result<(SocketAddr, Arc<runtime::App>)> {
    let mut manifest = manifest::Manifest::load(manifest_path)?;
    for component in manifest.components.values_mut() {
        component
            .environment
            .extend(options.environment.iter().cloned());
    }
    let state_dir = match &options.state_dir {
        Some(dir) => dir.clone(),
        None => manifest.dir.join(".spin"),
    };
    let runtime_config =
        runtime_config::RuntimeConfig::load(&state_dir, options.runtime_config.as_deref())?;
    let app = runtime::App::load(&manifest, variables::process_environment(), runtime_config)?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let address = listener.local_addr()?;
    tokio::spawn(server::serve(app.clone(), listener));
    Ok((address, app))
}

/// The engine this host is built on, for a caller that configures its own
/// (see [`runtime::App::load_on`]).
#[cfg(feature = "test-support")]
pub use wasmtime;
