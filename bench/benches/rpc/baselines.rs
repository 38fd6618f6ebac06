//! The two servers the app is compared with, each run as its own process
//! (the benchmark re-executes itself in a [`Baseline`]'s mode), so that
//! each one's memory is its own; and the process the second starts for
//! each call (`call-once`).

use crate::manifests::release_dir;
use bench::entries::Baseline;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use jsonrpsee::server::{RpcModule, Server};
use jsonrpsee::types::ErrorObjectOwned;
use serde_json::{json, Value};
use spin_host::key_value::Stores;
use spin_host::manifest::Manifest;
use spin_host::runtime::App;
use spin_host::wasmtime;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::net::TcpListener;

/// Serves the baseline whose mode `args` begins with, or runs the one call
/// of a process the process-per-call baseline started: whether it did.
pub fn serve_if_asked(runtime: &tokio::runtime::Runtime, args: &[String]) -> bool {
    let Some(mode) = args.first() else {
        return false;
    };
    if mode == "call-once" {
        let (Some(component), Some(body)) = (args.get(1), args.get(2)) else {
            panic!("usage: call-once COMPONENT BODY");
        };
        if let Err(error) = runtime.block_on(call_once(component.as_ref(), body.clone())) {
            eprintln!("call-once: {error}");
            std::process::exit(1);
        }
        return true;
    }
    let Some(baseline) = Baseline::ALL.into_iter().find(|b| b.mode() == mode) else {
        return false;
    };
    let address = listen_address(args);
    match baseline {
        Baseline::Jsonrpsee => runtime.block_on(serve_jsonrpsee(address)),
        Baseline::ProcessPerCall => {
            runtime.block_on(serve_process_per_call(address, release_dir()))
        }
    }
    true
}

fn listen_address(args: &[String]) -> SocketAddr {
    args.iter()
        .position(|arg| arg == "--listen")
        .and_then(|at| args.get(at + 1))
        .and_then(|address| address.parse().ok())
        .expect("--listen <address>")
}

/// A native jsonrpsee HTTP server with the same `double` and `triple`:
/// what a user would pick if isolation did not matter.
async fn serve_jsonrpsee(address: SocketAddr) {
    let server = Server::builder()
        .build(address)
        .await
        .expect("jsonrpsee binds");
    let mut module = RpcModule::new(());
    for function in [double::DOUBLE, triple::TRIPLE] {
        module
            .register_method(function.name, move |params, _, _| {
                let x: i64 = params.one()?;
                (function.apply)(x)
                    .ok_or_else(|| ErrorObjectOwned::owned(-32602, "overflow", None::<()>))
            })
            .expect("a new method name");
    }
    server.start(module).stopped().await;
}

/// The design this project replaces: a native JSON-RPC HTTP front that
/// starts a fresh runtime process per call to run the function component
/// once (here the benchmark itself as [`call_once`], on the project's host
/// with wasmtime's compilation cache, the best such a process can do).
async fn serve_process_per_call(address: SocketAddr, components: PathBuf) {
    let listener = TcpListener::bind(address).await.expect("the front binds");
    let front = Arc::new(components);
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let front = front.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                let front = front.clone();
                async move {
                    let body = request
                        .into_body()
                        .collect()
                        .await
                        .map(|b| b.to_bytes())
                        .unwrap_or_default();
                    let answer = answer_by_process(&front, &body).await;
                    let mut response =
                        hyper::Response::new(Full::new(Bytes::from(answer.to_string())));
                    response.headers_mut().insert(
                        "content-type",
                        "application/json".parse().expect("a header value"),
                    );
                    Ok::<_, Infallible>(response)
                }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer_by_process(components: &Path, body: &[u8]) -> Value {
    let Ok(request) = serde_json::from_slice::<Value>(body) else {
        return json!({"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null});
    };
    let id = request["id"].clone();
    let method = request["method"].as_str().unwrap_or_default();
    if method != "double" && method != "triple" {
        return json!({"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": id});
    }
    let inner = json!({"params": request["params"]}).to_string();
    let Ok(this) = std::env::current_exe() else {
        return json!({"jsonrpc": "2.0", "error": {"code": -32603, "message": "no executable"}, "id": id});
    };
    let output = tokio::process::Command::new(this)
        .arg("call-once")
        .arg(components.join(format!("{method}.wasm")))
        .arg(&inner)
        .output()
        .await;
    let outcome = output
        .ok()
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .and_then(|stdout| {
            stdout
                .lines()
                .nth(1)
                .and_then(|line| serde_json::from_str::<Value>(line).ok())
        });
    match outcome {
        Some(Value::Object(mut outcome)) => {
            let mut response = json!({"jsonrpc": "2.0"});
            if let Some(result) = outcome.remove("result") {
                response["result"] = result;
            } else {
                response["error"] = outcome.remove("error").unwrap_or(Value::Null);
            }
            response["id"] = id;
            response
        }
        _ => {
            json!({"jsonrpc": "2.0", "error": {"code": -32000, "message": "the function process failed"}, "id": id})
        }
    }
}

/// Runs one component once, as a process started for one call does: `POST /`
/// with the body, then prints the status and the answer, a line each.
async fn call_once(component: &Path, body: String) -> Result<(), BoxError> {
    let manifest = Manifest::parse(
        &format!(
            "spin_manifest_version = 2\n[application]\nname = \"call\"\n\
             [[trigger.http]]\nroute = \"/...\"\ncomponent = \"function\"\n\
             [component.function]\nsource = {:?}\n",
            component.display().to_string()
        ),
        std::env::current_dir()?,
    )?;
    // Compiled code from wasmtime's on-disk cache, as `wasmtime run` does,
    // and no pool to reserve.
    let mut config = spin_host::runtime::engine_config();
    config.cache(Some(wasmtime::Cache::from_file(None)?));
    let engine = wasmtime::Engine::new(&config)?;
    let app = App::load_on(
        engine,
        &manifest,
        Arc::new(|_| Ok(None)),
        Stores::in_memory(),
    )?;
    let route = app.route("/").ok_or("the component's route")?;
    let body = Full::new(Bytes::from(body))
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
        .map_err(|code| format!("{code:?}"))?
        .to_bytes();
    println!("{}", status.as_u16());
    println!("{}", String::from_utf8_lossy(&answer));
    Ok(())
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;
