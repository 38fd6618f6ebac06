//! An app served in-process by the project's host, for the host's own tests.

use crate::client::post;
use crate::{build_app, repo_root};
use serde_json::{json, Value};
use spin_host::key_value::Stores;
use spin_host::manifest::Manifest;
use spin_host::runtime::App;
use spin_host::server;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

/// An app served in-process by the project's host, stopped when dropped.
pub struct HostedApp {
    pub address: SocketAddr,
    _runtime: tokio::runtime::Runtime,
}

impl HostedApp {
    /// Serves `manifest` (`{release}` stands for the components' release
    /// directory), with `environment` as the process environment.
    pub fn serve(manifest: &str, environment: &[(&str, &str)]) -> HostedApp {
        build_app();
        let release = repo_root().join("target/wasm32-wasip2/release");
        let text = manifest.replace("{release}", &release.display().to_string());
        let manifest = Manifest::parse(&text, repo_root()).expect("the test manifest parses");
        Self::serve_manifest(&manifest, environment)
    }

    /// Serves the app of the manifest at `path`, as built.
    pub fn serve_file(path: &Path, environment: &[(&str, &str)]) -> HostedApp {
        let manifest = Manifest::load(path).expect("the manifest loads");
        Self::serve_manifest(&manifest, environment)
    }

    fn serve_manifest(manifest: &Manifest, environment: &[(&str, &str)]) -> HostedApp {
        let environment: HashMap<String, String> = environment
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let app = App::load(
            manifest,
            Arc::new(move |name| Ok(environment.get(name).cloned())),
            Stores::in_memory(),
        )
        .expect("the app loads");
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("a port");
        let address = listener.local_addr().expect("an address");
        runtime.spawn(server::serve(app, listener));
        HostedApp {
            address,
            _runtime: runtime,
        }
    }

    pub fn call(&self, path: &str, body: &Value) -> (u16, String) {
        let answer = post(&format!("http://{}{path}", self.address), body.to_string());
        (answer.status, answer.text())
    }

    pub fn rpc(&self, method: &str, x: i64) -> Value {
        let (status, text) = self.call(
            "/rpc",
            &json!({"jsonrpc": "2.0", "method": method, "params": [x], "id": 1}),
        );
        assert_eq!(status, 200, "{text}");
        serde_json::from_str(&text).expect("JSON")
    }
}
