//! `spin-host`: serve or build the app like `spin up` / `spin build`.
//!
//! ```text
//! spin-host up [--from spin.toml] [--listen 127.0.0.1:3000] [--env KEY=VALUE]... [--build] [--prefer-spin]
//! spin-host build [--from spin.toml]
//! spin-host call --component function.wasm --body '{"params":[21]}'
//! ```
//!
//! `call` runs one component once, in a fresh process, for one request (the
//! 2019 seed's way of running a function; the benchmark measures it).
//!
//! `--prefer-spin` hands over to the real `spin build --up` when a `spin`
//! binary is on PATH (or named by `SPIN_BIN`), and says which it runs.

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use spin_host::runtime::{App, Usage};
use spin_host::{manifest::Manifest, spin_build, spin_cli};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

struct Options {
    command: String,
    manifest: PathBuf,
    component: Option<PathBuf>,
    body: String,
    listen: SocketAddr,
    /// `--env KEY=VALUE`: an environment variable for every component, over
    /// the manifest's (as `spin up --env`).
    environment: Vec<(String, String)>,
    build: bool,
    prefer_spin: bool,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options> {
    let command = args.next().context("usage: spin-host up|build [options]")?;
    let mut options = Options {
        command,
        manifest: PathBuf::from("spin.toml"),
        component: None,
        body: String::new(),
        listen: "127.0.0.1:3000".parse()?,
        environment: Vec::new(),
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
                options.environment.push((key.to_owned(), value.to_owned()));
            }
            "--component" => {
                options.component = Some(args.next().context("--component needs a path")?.into())
            }
            "--body" => options.body = args.next().context("--body needs a value")?,
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
        "call" => call(options).await,
        other => bail!("unknown command {other:?}: use up, build or call"),
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
            for (key, value) in &options.environment {
                command.args(["--env", &format!("{key}={value}")]);
            }
            let status = command.status()?;
            std::process::exit(status.code().unwrap_or(1));
        }
        eprintln!("No `spin` on PATH (nor SPIN_BIN): serving with the project's Spin-compatible host (host/).");
    }
    if options.build {
        spin_build::build(&Manifest::load(&options.manifest)?)?;
    }
    let (address, app) =
        spin_host::start(&options.manifest, options.listen, &options.environment).await?;
    eprintln!("Serving {} on http://{address}", app.name);
    for (route, component) in app.routes() {
        eprintln!("  http://{address}{route} -> {component}");
    }
    tokio::signal::ctrl_c().await?;
    Ok(())
}

/// Runs one component once: `POST /` with the body, then prints the status
/// and the answer.
async fn call(options: Options) -> Result<()> {
    let component = options.component.context("call needs --component")?;
    let manifest = Manifest::parse(
        &format!(
            "spin_manifest_version = 2\n[application]\nname = \"call\"\n\
             [[trigger.http]]\nroute = \"/...\"\ncomponent = \"function\"\n\
             [component.function]\nsource = {:?}\n",
            component.display().to_string()
        ),
        std::env::current_dir()?,
    )?;
    let app = App::load_with(&manifest, Arc::new(|_| Ok(None)), Usage::SingleCall)?;
    let route = app.route("/").context("the component's route")?;
    let body = Full::new(Bytes::from(options.body))
        .map_err(|never| match never {})
        .boxed_unsync();
    let request = hyper::Request::post("http://localhost/")
        .header("content-type", "application/json")
        .body(body)?;
    let response = app.handle(&route, request, "127.0.0.1:0".parse()?).await?;
    let status = response.status();
    let answer = response
        .into_body()
        .collect()
        .await
        .map_err(|code| anyhow::anyhow!("{code:?}"))?
        .to_bytes();
    println!("{}", status.as_u16());
    println!("{}", String::from_utf8_lossy(&answer));
    Ok(())
}
