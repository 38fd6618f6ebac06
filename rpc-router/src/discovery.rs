//! `rpc.discover` (OpenRPC service discovery): a document generated from
//! what is deployed.
//!
//! Each registered function describes itself: `GET` on its chained URL
//! answers its OpenRPC method object. The router lists those under their
//! registered method names, in registry order, then its own methods (`echo`,
//! `rpc.discover`). Adding a function adds it here with no change to the
//! router.

use crate::dispatch::{transport_error, Transport};
use futures::future::join_all;
use rpc_registry::{MethodRegistry, ECHO};
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

/// The method name, reserved by JSON-RPC for discovery.
pub const METHOD: &str = "rpc.discover";

/// The OpenRPC version of the documents written here.
pub const OPENRPC_VERSION: &str = "1.3.2";

/// The `info` of the document: the app's name and version, as its
/// manifest's `[application]` gives them.
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
    let described = join_all(
        registry
            .functions()
            .map(|function| transport.describe(&function.component)),
    )
    .await;
    let mut methods: Vec<Value> = registry
        .functions()
        .zip(described)
        .map(|(function, description)| match description {
            Ok(body) => method_object(&function.method, &body),
            Err(error) => undescribed(
                &function.method,
                &transport_error(&function.component, error).message,
            ),
        })
        .collect();
    let names: Vec<&str> = registry.functions().map(|f| f.method.as_str()).collect();
    methods.push(echo_method(&names));
    methods.push(discover_method());
    let document = json!({
        "openrpc": OPENRPC_VERSION,
        "info": {"title": info.title, "version": info.version},
        "methods": methods,
    });
    RawValue::from_string(document.to_string()).unwrap_or_else(|_| RawValue::NULL.to_owned())
}

/// A function's own method object, under its registered method name.
fn method_object(method: &str, body: &[u8]) -> Value {
    match serde_json::from_slice::<Map<String, Value>>(body) {
        Ok(mut object)
            if object.get("params").is_some_and(Value::is_array)
                && object.contains_key("result") =>
        {
            object.insert("name".into(), json!(method));
            Value::Object(object)
        }
        Ok(_) => undescribed(method, "its description is not an OpenRPC method object"),
        Err(error) => undescribed(method, &error.to_string()),
    }
}

/// What is listed for a function that could not describe itself: it still
/// exists, and the summary says why nothing more is known.
fn undescribed(method: &str, why: &str) -> Value {
    json!({
        "name": method,
        "summary": format!("(no self-description: {why})"),
        "params": [],
        "result": {"name": "result", "schema": {}},
    })
}

fn echo_method(methods: &[&str]) -> Value {
    json!({
        "name": ECHO,
        "summary": "The 2019 seed's envelope: runs Execution.FunctionName on Execution.Argument and answers {\"Result\": f(a)}.",
        "paramStructure": "by-name",
        "params": [
            {"name": "Service Name", "required": true, "schema": {"type": "string"}},
            {"name": "Type", "required": true, "schema": {"const": "Execution"}},
            {"name": "Execution", "required": true, "schema": {
                "type": "object",
                "required": ["FunctionName", "Argument"],
                "additionalProperties": false,
                "properties": {"FunctionName": {"enum": methods}, "Argument": {}}
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
