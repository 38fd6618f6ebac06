//! From a request's method and params to the function call that answers
//! it: a registered function is called with the request's params as sent.
//! (The router's own methods are in [`crate::builtin`].) And which methods a
//! request may call at all: its [`Scope`], which the endpoint's tokens give.

use crate::jsonrpc::ErrorObject;
use rpc_registry::MethodRegistry;
use serde_json::value::RawValue;
use std::borrow::Cow;

/// One call of a function component, ready to be sent.
#[derive(Debug)]
pub struct FunctionCall<'a> {
    /// The component id, taken from the registry (never from the request).
    pub function: &'a str,
    pub params: Option<Cow<'a, RawValue>>,
    /// How a built-in method wraps the function's result (`echo`); `None`:
    /// the client gets the result as the function gave it.
    pub wrap_result: Option<fn(&RawValue) -> Box<RawValue>>,
}

/// Resolves the method of a registered function to a call, or to the
/// error that answers it.
pub fn resolve<'a>(
    registry: &'a MethodRegistry,
    method: &str,
    params: Option<&'a RawValue>,
) -> Result<FunctionCall<'a>, ErrorObject> {
    let function = registry
        .component(method)
        .ok_or_else(|| ErrorObject::method_not_found(method))?;
    Ok(FunctionCall {
        function,
        params: params.map(Cow::Borrowed),
        wrap_result: None,
    })
}

/// The methods a request may call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scope {
    /// Every method: an open endpoint, or a token with no method list.
    #[default]
    All,
    /// Only these methods (`rpc.discover` is open to every valid token).
    Methods(Vec<String>),
}

impl Scope {
    pub fn allows(&self, method: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Methods(methods) => {
                method == rpc_registry::DISCOVER || methods.iter().any(|m| m == method)
            }
        }
    }
}
