//! What every registered function must satisfy, whichever functions an app
//! has. The functions are read from the manifest's registry (as the router's
//! build reads them), so a function a user adds is checked like the app's
//! own, with no test to edit.

use crate::client::post;
use serde_json::{json, Value};
use spin_host::manifest::{Manifest, Route};
use std::path::Path;

/// What `rpc.discover` lists as the summary of a function that could not
/// describe itself (docs/protocol.md).
pub const UNDESCRIBED: &str = "no description";

/// The manifest's side, for each registered function: its only route is
/// private, it calls nothing, and its built component carries a work budget
/// and gives every memory and table it defines a maximum within its limits.
pub fn check_manifest(path: &Path) -> Result<(), String> {
    let manifest = Manifest::load(path).map_err(|error| format!("{}: {error}", path.display()))?;
    let mut problems = Vec::new();
    for function in crate::registry(path).functions() {
        let id = function.component.as_str();
        let Some(component) = manifest.components.get(id) else {
            problems.push(format!("{id}: registered, but not a component"));
            continue;
        };
        let routes: Vec<&Route> = manifest
            .http_triggers
            .iter()
            .filter(|trigger| trigger.component == id)
            .map(|trigger| &trigger.route)
            .collect();
        if routes != [&Route::Private { private: true }] {
            problems.push(format!("{id}: routes {routes:?}, not one private route"));
        }
        if !component.allowed_outbound_hosts.is_empty() {
            problems.push(format!(
                "{id}: calls out ({:?}); a function calls nothing",
                component.allowed_outbound_hosts
            ));
        }
        let source = component.source.display();
        match std::fs::read(&component.source) {
            // Its limits compiled in, and every memory and table within them.
            Ok(wasm) => match work_budget::limits_of(&wasm) {
                Some(limits) => {
                    if let Err(error) = work_budget::check(&wasm, limits) {
                        problems.push(format!("{id}: {source}: {error:#}"));
                    }
                }
                None => problems.push(format!(
                    "{id}: {source} carries no work budget and memory maximum (its build must end with work-budget)"
                )),
            },
            Err(error) => problems.push(format!("{id}: {source}: {error}")),
        }
    }
    report(problems)
}

/// The served side, for each registered function: `rpc.discover` lists it
/// under its method name with its own description (not the router's
/// fallback for a function that could not describe itself) and at least one
/// example, and each example, sent through the router as a call built from
/// the listing alone, answers the example's result.
pub fn check_served(path: &Path, rpc_url: &str) -> Result<(), String> {
    let discover = json!({"jsonrpc": "2.0", "method": "rpc.discover", "id": 0});
    let document = post(rpc_url, discover.to_string()).json();
    let listed = document["result"]["methods"]
        .as_array()
        .ok_or_else(|| format!("rpc.discover gave no methods: {document}"))?;
    let mut problems = Vec::new();
    for function in crate::registry(path).functions() {
        let method = function.method.as_str();
        let Some(entry) = listed.iter().find(|entry| entry["name"] == method) else {
            problems.push(format!("{method}: not listed by rpc.discover"));
            continue;
        };
        let summary = entry["summary"].as_str().unwrap_or_default();
        if summary.is_empty() || summary == UNDESCRIBED {
            problems.push(format!("{method}: does not describe itself: {summary:?}"));
        }
        let examples = entry["examples"].as_array().map(Vec::as_slice);
        if examples.is_none_or(<[Value]>::is_empty) {
            problems.push(format!("{method}: lists no example"));
        }
        for example in examples.unwrap_or_default() {
            problems.extend(call_example(rpc_url, method, entry, example).err());
        }
    }
    report(problems)
}

/// Calls `method` with an OpenRPC example's params (by name when the method
/// takes them by name only, else by position) and compares the result.
fn call_example(rpc_url: &str, method: &str, entry: &Value, example: &Value) -> Result<(), String> {
    let params = example["params"].as_array().cloned().unwrap_or_default();
    let params = if entry["paramStructure"] == "by-name" {
        Value::Object(
            params
                .iter()
                .map(|param| {
                    (
                        param["name"].as_str().unwrap_or_default().to_owned(),
                        param["value"].clone(),
                    )
                })
                .collect(),
        )
    } else {
        Value::Array(params.iter().map(|param| param["value"].clone()).collect())
    };
    let request = json!({"jsonrpc": "2.0", "method": method, "params": params, "id": 1});
    let reply = post(rpc_url, request.to_string()).json();
    let expected = &example["result"]["value"];
    if reply["result"] == *expected {
        Ok(())
    } else {
        Err(format!(
            "{method}: example {:?} ({params}) should answer {expected}, got {reply}",
            example["name"]
        ))
    }
}

fn report(problems: Vec<String>) -> Result<(), String> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}
