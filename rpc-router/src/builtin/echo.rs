//! `echo`: one call of a function wrapped in an envelope, the shape the
//! first clients of this service send (and the e2e suite still does).
//! `{"Service Name": s, "Type": "Execution", "Execution": {"FunctionName": f,
//! "Argument": a}}` calls `f` with `[a]` and answers `{"Result": f(a)}`.

use crate::jsonrpc::error::ErrorCode;
use crate::jsonrpc::ErrorObject;
use crate::methods::FunctionCall;
use crate::methods::Scope;
use rpc_registry::{MethodRegistry, ECHO};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::borrow::Cow;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope<'a> {
    #[serde(rename = "Service Name", borrow)]
    _service_name: Cow<'a, str>,
    #[serde(rename = "Type", borrow)]
    kind: Cow<'a, str>,
    #[serde(rename = "Execution", borrow)]
    execution: Execution<'a>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Execution<'a> {
    #[serde(rename = "FunctionName", borrow)]
    function_name: Cow<'a, str>,
    #[serde(rename = "Argument", borrow)]
    argument: &'a RawValue,
}

const ENVELOPE: &str =
    r#"{"Service Name": s, "Type": "Execution", "Execution": {"FunctionName": f, "Argument": a}}"#;

/// The call an `echo` request stands for, or the error that answers it. Its
/// `FunctionName` must be in `scope`: the envelope is no way around a scope.
pub fn resolve<'a>(
    registry: &'a MethodRegistry,
    params: Option<&'a RawValue>,
    scope: &Scope,
) -> Result<FunctionCall<'a>, ErrorObject> {
    let params =
        params.ok_or_else(|| ErrorObject::invalid_params(format!("echo expects {ENVELOPE}")))?;
    // The envelope by name (the object itself) or by position (`[envelope]`).
    let envelope = if params.get().starts_with('[') {
        serde_json::from_str::<(Envelope,)>(params.get()).map(|(envelope,)| envelope)
    } else {
        serde_json::from_str::<Envelope>(params.get())
    }
    .map_err(|error| ErrorObject::invalid_params(format!("echo expects {ENVELOPE}: {error}")))?;
    if envelope.kind != "Execution" {
        return Err(ErrorObject::invalid_params(format!(
            "echo: \"Type\" must be \"Execution\", got {:?}",
            envelope.kind
        )));
    }
    let name = envelope.execution.function_name;
    // The scope first, as for a method called by name: no probing.
    if !scope.allows(&name) {
        return Err(ErrorObject::out_of_scope(&name));
    }
    let function = registry
        .component(&name)
        .ok_or_else(|| ErrorObject::method_not_found(&name))?;
    let arguments = wrap(&format!("[{}]", envelope.execution.argument.get()));
    Ok(FunctionCall {
        function,
        params: Some(Cow::Owned(arguments)),
        wrap_result: Some(wrap_result),
    })
}

/// `{"Result": r}`, the answer an `echo` client expects.
fn wrap_result(result: &RawValue) -> Box<RawValue> {
    wrap(&format!("{{\"Result\":{}}}", result.get()))
}

/// Builds a RawValue from JSON text assembled out of RawValues, which is
/// valid by construction.
fn wrap(json: &str) -> Box<RawValue> {
    RawValue::from_string(json.to_owned()).unwrap_or_else(|_| RawValue::NULL.to_owned())
}

/// Its OpenRPC method object; `FunctionName` is one of `functions`.
pub fn describe(functions: &[&str]) -> Value {
    json!({
        "name": ECHO,
        "summary": "Calls the function named by Execution.FunctionName with Execution.Argument as its one param, and answers {\"Result\": its result}.",
        "paramStructure": "by-name",
        "params": [
            {"name": "Service Name", "required": true, "schema": {
                "type": "string", "description": "Any name: it is not read."
            }},
            {"name": "Type", "required": true, "schema": {
                "type": "string", "enum": ["Execution"], "description": "Always \"Execution\"."
            }},
            {"name": "Execution", "required": true, "schema": {
                "type": "object",
                "required": ["FunctionName", "Argument"],
                "additionalProperties": false,
                "properties": {
                    "FunctionName": {
                        "type": "string", "enum": functions,
                        "description": "The function to call: one of the app's functions."
                    },
                    "Argument": {
                        "description": "The function's argument: its one param, as that param takes it (for double, an integer or a decimal string)."
                    }
                }
            }}
        ],
        "result": {"name": "result", "schema": {
            "type": "object", "required": ["Result"], "properties": {"Result": {}}
        }},
        "errors": [
            ErrorObject::detailed(ErrorCode::MethodNotFound, "FunctionName is not a deployed function"),
            ErrorObject::invalid_params("not the envelope, or a bad Argument")
        ]
    })
}
