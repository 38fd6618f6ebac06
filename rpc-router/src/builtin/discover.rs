//! `rpc.discover` (OpenRPC service discovery): a document generated from
//! what is deployed.
//!
//! Each registered function describes itself: `GET` on its chained URL
//! answers its OpenRPC method object. The router lists those under their
//! registered method names, in registry order, then its own methods (`echo`,
//! `rpc.discover`). Adding a function adds it here with no change to the
//! router. A description over [`MAX_DESCRIPTION_BYTES`], or with a member
//! of the wrong type, is listed as undescribed, with why.

use super::{method_object, BuiltIn};
use crate::app::AppInfo;
use crate::dispatch::{transport_error, Transport, TransportError};
use crate::jsonrpc::error::ErrorCode;
use crate::jsonrpc::ErrorObject;
use crate::methods::Scope;
use futures::stream::{self, StreamExt};
use rpc_protocol::inner::MAX_DESCRIPTION_BYTES;
use rpc_registry::{Function, MethodRegistry, DISCOVER};
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

/// The OpenRPC version of the documents written here.
pub const OPENRPC_VERSION: &str = "1.3.2";

/// The summary of a function that could not describe itself.
pub const UNDESCRIBED: &str = "no description";

/// `rpc.discover` takes no params: none, `[]` or `{}`.
pub fn check_params(params: Option<&RawValue>) -> Result<(), ErrorObject> {
    match params.map(|params| params.get().split_whitespace().collect::<String>()) {
        None => Ok(()),
        Some(params) if params == "[]" || params == "{}" => Ok(()),
        Some(_) => Err(ErrorObject::invalid_params("rpc.discover takes no params")),
    }
}

/// The OpenRPC document of the deployed functions and the router's methods
/// that `scope` allows: a token sees only what it may call. At most
/// `parallel` functions are asked at once.
pub async fn document<T: Transport>(
    transport: &T,
    registry: &MethodRegistry,
    info: &AppInfo,
    scope: &Scope,
    parallel: usize,
) -> Box<RawValue> {
    let functions: Vec<&Function> = registry
        .functions()
        .filter(|function| scope.allows(&function.method))
        .collect();
    let described: Vec<_> = stream::iter(&functions)
        .map(|function| transport.describe(&function.component))
        .buffered(parallel.max(1))
        .collect()
        .await;
    let mut methods: Vec<Value> = functions
        .iter()
        .zip(described)
        .map(|(function, description)| match description {
            Ok(body) => method_object(&function.method, &body),
            Err(TransportError::TooLarge(_)) => undescribed(&function.method, &too_long()),
            Err(error) => undescribed(
                &function.method,
                &transport_error(&function.component, error).message,
            ),
        })
        .collect();
    let names: Vec<&str> = functions.iter().map(|f| f.method.as_str()).collect();
    let builtins = BuiltIn::ALL.into_iter().filter(|b| scope.allows(b.name()));
    methods.extend(builtins.map(|builtin| builtin.describe(&names)));
    let document = json!({
        "openrpc": OPENRPC_VERSION,
        "info": {"title": info.title, "version": info.version},
        "methods": methods,
    });
    RawValue::from_string(document.to_string()).unwrap_or_else(|_| RawValue::NULL.to_owned())
}

/// A function's own method object, under its registered method name.
fn method_object(method: &str, body: &[u8]) -> Value {
    if body.len() > MAX_DESCRIPTION_BYTES {
        return undescribed(method, &too_long());
    }
    let mut object = match serde_json::from_slice::<Map<String, Value>>(body) {
        Ok(object) => object,
        Err(error) => return undescribed(method, &error.to_string()),
    };
    if let Err(why) = method_object::check(&object) {
        let why = format!("its description is not an OpenRPC method object: {why}");
        return undescribed(method, &why);
    }
    object.insert("name".into(), json!(method));
    Value::Object(object)
}

fn too_long() -> String {
    format!("its description is over the {MAX_DESCRIPTION_BYTES} bytes a description may take")
}

/// The error of a copy of the document that the request's answers cannot
/// hold with the others (`max_answer_bytes`, all answers together).
pub fn too_large(limit: usize) -> ErrorObject {
    ErrorObject::new(
        ErrorCode::FunctionAnswerTooLarge,
        format!(
            "rpc.discover's document would take the request's answers past what they may hold \
             in all, {limit} bytes (variable max_answer_bytes)"
        ),
    )
}

/// What is listed for a function that could not describe itself: it still
/// exists, with no description, and its description says why.
fn undescribed(method: &str, why: &str) -> Value {
    json!({
        "name": method,
        "summary": UNDESCRIBED,
        "description": format!("It could not describe itself: {why}"),
        "params": [],
        "result": {"name": "result", "schema": {}},
    })
}

/// Its own OpenRPC method object, listed in the document too.
pub fn describe() -> Value {
    json!({
        "name": DISCOVER,
        "summary": "This document: every method of the app, generated from what is deployed.",
        "params": [],
        "result": {"name": "OpenRPC document", "schema": {"type": "object", "required": ["openrpc", "info", "methods"]}}
    })
}
