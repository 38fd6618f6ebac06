//! The OpenRPC meta-schema, to check `rpc.discover`'s document against; and
//! the OpenRPC project's own tools (`tests/openrpc/`), run on the live app.
//!
//! It is published on npm (`@open-rpc/meta-schema`, as a JavaScript module),
//! and refers to the JSON Schema meta-schema of `@json-schema-tools`, also on
//! npm. Both are fetched once with `npm pack` into `target/openrpc/` and the
//! reference is served from there: validation needs no network beyond npm.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

const OPENRPC_META_SCHEMA: &str = "@open-rpc/meta-schema@1.14.9";
const JSON_SCHEMA_TOOLS_META_SCHEMA: &str = "@json-schema-tools/meta-schema@1.8.0";
/// Where the OpenRPC meta-schema refers to the JSON Schema meta-schema.
const JSON_SCHEMA_TOOLS_URI: &str = "https://meta.json-schema.tools";

/// Checks `document` against the OpenRPC meta-schema; the error lists every violation.
pub fn validate(document: &Value) -> Result<(), String> {
    let dir = crate::repo_root().join("target/openrpc");
    let (openrpc, json_schema) = meta_schemas(&dir)?;
    let validator = jsonschema::options()
        .with_retriever(ServeLocally(json_schema))
        .build(&openrpc)
        .map_err(|error| format!("the meta-schema does not compile: {error}"))?;
    let violations: Vec<String> = validator
        .iter_errors(document)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    if violations.is_empty() {
        Ok(())
    } else {
        Err(violations.join("\n"))
    }
}

struct ServeLocally(Value);

impl jsonschema::Retrieve for ServeLocally {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        match uri.as_str().trim_end_matches(['/', '#']) {
            JSON_SCHEMA_TOOLS_URI => Ok(self.0.clone()),
            other => Err(format!("no local copy of {other}").into()),
        }
    }
}

fn meta_schemas(dir: &Path) -> Result<(Value, Value), String> {
    let openrpc_json = dir.join("openrpc-meta-schema.json");
    let json_schema_json = dir.join("json-schema-tools/package/schema.json");
    if !openrpc_json.is_file() || !json_schema_json.is_file() {
        fetch(dir)?;
    }
    let read = |path: &Path| -> Result<Value, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    };
    Ok((read(&openrpc_json)?, read(&json_schema_json)?))
}

fn fetch(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    for (package, into) in [
        (OPENRPC_META_SCHEMA, "open-rpc"),
        (JSON_SCHEMA_TOOLS_META_SCHEMA, "json-schema-tools"),
    ] {
        let packed = run(Command::new("npm")
            .args(["pack", "--silent", package])
            .current_dir(dir))?;
        let tarball = packed.lines().last().unwrap_or_default().trim().to_owned();
        std::fs::create_dir_all(dir.join(into)).map_err(|e| e.to_string())?;
        run(Command::new("tar")
            .args(["xzf", &tarball, "-C", into])
            .current_dir(dir))?;
    }
    let schema = run(Command::new("node")
        .args([
            "-e",
            "process.stdout.write(JSON.stringify(require('./open-rpc/package').openrpcDocument))",
        ])
        .current_dir(dir))?;
    std::fs::write(dir.join("openrpc-meta-schema.json"), schema).map_err(|e| e.to_string())
}

/// Runs one of the scripts of `tests/openrpc/` (the OpenRPC project's tools,
/// pinned by its `package-lock.json`) with `args`: what it printed, or why
/// it failed. The tools are installed with `npm ci` the first time.
pub fn tool(script: &str, args: &[&str]) -> Result<String, String> {
    let dir = tools()?;
    run(Command::new("node").arg(script).args(args).current_dir(dir))
}

/// `tests/openrpc/`, its tools installed.
fn tools() -> Result<PathBuf, String> {
    // Cases run in parallel; one `npm ci` at a time.
    static INSTALLING: Mutex<()> = Mutex::new(());
    let _one = INSTALLING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = crate::repo_root().join("tests/openrpc");
    if !dir.join("node_modules/.package-lock.json").is_file() {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir))?;
    }
    Ok(dir)
}

fn run(command: &mut Command) -> Result<String, String> {
    let output = command
        .output()
        .map_err(|error| format!("{command:?}: {error} (npm and node are needed)"))?;
    if !output.status.success() {
        return Err(format!(
            "{command:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
