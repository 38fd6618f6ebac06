//! `spin-host`: serve or build the app like `spin up` / `spin build`.
//!
//! ```text
//! spin-host up [--from spin.toml] [--listen 127.0.0.1:3000] [--env KEY=VALUE]...
//!               [--state-dir DIR] [--runtime-config-file FILE] [--build] [--prefer-spin]
//! spin-host build [--from spin.toml]
//! ```
//!
//! `--prefer-spin` hands over to the real `spin build --up` when a `spin`
//! binary is on PATH (or named by `SPIN_BIN`), and says which it runs.

use anyhow::{bail, Context, Result};
use spin_host::{manifest::Manifest, spin_build, spin_cli, UpOptions};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;

struct Options {
    command: String,
    manifest: PathBuf,
    listen: SocketAddr,
    /// `--env`, `--state-dir`, `--runtime-config-file`, as `spin up` takes them.
    up: UpOptions,
    build: bool,
    prefer_spin: bool,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options> {
    let command = args.next().context("usage: spin-host up|build [options]")?;
    let mut options = Options {
        command,
        manifest: PathBuf::from("spin.toml"),
        listen: "127.0.0.1:3000".parse()?,
        up: UpOptions::default(),
        build: false,
        prefer_spin: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--from" | "-f" => {
                options.manifest = args.next().context("--from needs a path")?.into()
            }
            "--listen" => {
                options.listen = args.next().context("--listen needs an address")?.parse()?
            }
            "--env" | "-e" => {
                let pair = args.next().context("--env needs KEY=VALUE")?;
                let (key, value) = pair
                    .split_once('=')
                    .context("an environment variable must be of the form `key=value`")?;
                options
                    .up
                    .environment
                    .push((key.to_owned(), value.to_owned()));
            }
            "--state-dir" => {
                options.up.state_dir = Some(args.next().context("--state-dir needs a path")?.into())
            }
            "--runtime-config-file" => {
                let file = args.next().context("--runtime-config-file needs a path")?;
                options.up.runtime_config = Some(file.into())
            }
            "--build" => options.build = true,
            "--prefer-spin" => options.prefer_spin = true,
            other => bail!("unknown option {other:?}"),
        }
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> Result<()> {
    let options = parse(std::env::args().skip(1))?;
    match options.command.as_str() {
        "build" => spin_build::build(&Manifest::load(&options.manifest)?),
        "up" => up(options).await,
        other => bail!("unknown command {other:?}: use up or build"),
    }
}

async fn up(options: Options) -> Result<()> {
    if options.prefer_spin {
        if let Some(spin) = spin_cli::find() {
            eprintln!(
                "Found Spin at {}: running `spin build --up`",
                spin.display()
            );
            let mut command = Command::new(&spin);
            command
                .args(["build", "--up", "--from"])
                .arg(&options.manifest)
                .args(["--listen", &options.listen.to_string()]);
            for (key, value) in &options.up.environment {
                command.args(["--env", &format!("{key}={value}")]);
            }
            if let Some(dir) = &options.up.state_dir {
                command.arg("--state-dir").arg(dir);
            }
            if let Some(file) = &options.up.runtime_config {
                command.arg("--runtime-config-file").arg(file);
            }
            let status = command.status()?;
            std::process::exit(status.code().unwrap_or(1));
        }
        eprintln!("No `spin` on PATH (nor SPIN_BIN): serving with the project's Spin-compatible host (host/).");
    }
    if options.build {
        spin_build::build(&Manifest::load(&options.manifest)?)?;
    }
    let (address, app) = spin_host::start(&options.manifest, options.listen, &options.up).await?;
    eprintln!("Serving {} on http://{address}", app.name);
    for (route, component) in app.routes() {
        eprintln!("  http://{address}{route} -> {component}");
    }
    tokio::signal::ctrl_c().await?;
    Ok(())
}
