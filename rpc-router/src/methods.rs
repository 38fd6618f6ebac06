//! From a request's method and params to the function call that answers it.
//!
//! A registered function is called with the request's params as sent.
//! `echo` is the 2019 seed's envelope around one call:
//! `{"Service Name": s, "Type": "Execution", "Execution": {"FunctionName": f,
//! "Argument": a}}` calls `f` with `[a]` and answers `{"Result": f(a)}`.

use crate::jsonrpc::ErrorObject;
use rpc_registry::{MethodRegistry, ECHO};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;

/// One call of a function component, ready to be sent.
#[derive(Debug)]
pub struct FunctionCall<'a> {
    /// The component id, taken from the registry (never from the request).
    pub function: &'a str,
    pub params: Option<Cow<'a, RawValue>>,
    pub shape: ResultShape,
}

/// How a function's result is presented to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultShape {
    /// The result as the function gave it.
    Plain,
    /// `{"Result": r}`, the answer the seed's `echo` promises.
    Echo,
}

impl ResultShape {
    /// Presents a function's result.
    pub fn present(self, result: Box<RawValue>) -> Box<RawValue> {
        match self {
            ResultShape::Plain => result,
            ResultShape::Echo => wrap(&format!("{{\"Result\":{}}}", result.get())),
        }
    }
}

/// Resolves a method to a call, or to the error that answers it.
pub fn resolve<'a>(
    registry: &'a MethodRegistry,
    method: &str,
    params: Option<&'a RawValue>,
) -> Result<FunctionCall<'a>, ErrorObject> {
    if method == ECHO {
        return resolve_echo(registry, params);
    }
    let function = registry
        .component(method)
        .ok_or_else(|| ErrorObject::method_not_found(method))?;
    Ok(FunctionCall {
        function,
        params: params.map(Cow::Borrowed),
        shape: ResultShape::Plain,
    })
}

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

fn resolve_echo<'a>(
    registry: &'a MethodRegistry,
    params: Option<&'a RawValue>,
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
    let function = registry
        .component(&name)
        .ok_or_else(|| ErrorObject::method_not_found(&name))?;
    let arguments = wrap(&format!("[{}]", envelope.execution.argument.get()));
    Ok(FunctionCall {
        function,
        params: Some(Cow::Owned(arguments)),
        shape: ResultShape::Echo,
    })
}

/// Builds a RawValue from JSON text assembled out of RawValues, which is
/// valid by construction.
fn wrap(json: &str) -> Box<RawValue> {
    RawValue::from_string(json.to_owned()).unwrap_or_else(|_| RawValue::NULL.to_owned())
}
