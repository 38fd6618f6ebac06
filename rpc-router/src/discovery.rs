//! `rpc.discover` (OpenRPC service discovery): a document generated from
//! what is deployed.
//!
//! Each registered function describes itself: `GET` on its chained URL
//! answers its OpenRPC method object. The router lists those, in registry
//! order, then its own methods (`echo`, `rpc.discover`). Adding a function
//! adds it here with no change to the router.

use crate::dispatch::{transport_error, Transport};
use crate::registry::MethodRegistry;
use futures::future::join_all;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

/// The method name, reserved by JSON-RPC for discovery.
pub const METHOD: &str = "rpc.discover";

/// The OpenRPC version of the documents written here.
pub const OPENRPC_VERSION: &str = "1.3.2";

/// The `info` of the document: the app's name and version (the Spin
/// variables `app_name` and `app_version`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppInfo {
    pub title: String,
    pub version: String,
}

/// The OpenRPC document of the deployed functions and the router's methods.
pub async fn document<T: Transport>(
    transport: &T,
    registry: &MethodRegistry,
    info: &AppInfo,
) -> Box<RawValue> {
    let functions: Vec<&str> = registry.functions().collect();
    let described = join_all(
        functions
            .iter()
            .map(|function| transport.describe(function)),
    )
    .await;
    let mut methods: Vec<Value> = functions
        .iter()
        .zip(described)
        .map(|(function, description)| match description {
            Ok(body) => method_object(function, &body),
            Err(error) => undescribed(function, &transport_error(function, error).message),
        })
        .collect();
    methods.push(echo_method(&functions));
    methods.push(discover_method());
    let document = json!({
        "openrpc": OPENRPC_VERSION,
        "info": {"title": info.title, "version": info.version},
        "methods": methods,
    });
    RawValue::from_string(document.to_string()).unwrap_or_else(|_| RawValue::NULL.to_owned())
}

/// A function's own method object, under its registered name.
fn method_object(function: &str, body: &[u8]) -> Value {
    match serde_json::from_slice::<Map<String, Value>>(body) {
        Ok(mut method)
            if method.get("params").is_some_and(Value::is_array)
                && method.contains_key("result") =>
        {
            method.insert("name".into(), json!(function));
            Value::Object(method)
        }
        Ok(_) => undescribed(function, "its description is not an OpenRPC method object"),
        Err(error) => undescribed(function, &error.to_string()),
    }
}

/// What is listed for a function that could not describe itself: it still
/// exists, and the summary says why nothing more is known.
fn undescribed(function: &str, why: &str) -> Value {
    json!({
        "name": function,
        "summary": format!("(no self-description: {why})"),
        "params": [],
        "result": {"name": "result", "schema": {}},
    })
}

fn echo_method(functions: &[&str]) -> Value {
    json!({
        "name": "echo",
        "summary": "The 2019 seed's envelope: runs Execution.FunctionName on Execution.Argument and answers {\"Result\": f(a)}.",
        "paramStructure": "by-name",
        "params": [
            {"name": "Service Name", "required": true, "schema": {"type": "string"}},
            {"name": "Type", "required": true, "schema": {"const": "Execution"}},
            {"name": "Execution", "required": true, "schema": {
                "type": "object",
                "required": ["FunctionName", "Argument"],
                "additionalProperties": false,
                "properties": {"FunctionName": {"enum": functions}, "Argument": {}}
            }}
        ],
        "result": {"name": "result", "schema": {
            "type": "object", "required": ["Result"], "properties": {"Result": {}}
        }},
        "errors": [
            {"code": -32601, "message": "Method not found: FunctionName is not a deployed function"},
            {"code": -32602, "message": "Invalid params: not the envelope, or a bad Argument"}
        ]
    })
}

fn discover_method() -> Value {
    json!({
        "name": METHOD,
        "summary": "This document: every method of the app, generated from what is deployed.",
        "params": [],
        "result": {"name": "OpenRPC document", "schema": {"type": "object", "required": ["openrpc", "info", "methods"]}}
    })
}
