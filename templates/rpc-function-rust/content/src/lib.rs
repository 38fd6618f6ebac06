//! `{{project-name | kebab_case}}`: {{summary}}

use rpc_function::{component, Function};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

/// {{summary}}
#[derive(Deserialize, Serialize, JsonSchema)]
pub struct Params {
    /// A whole number.
    pub x: i64,
}

/// Its params by position (`[x]`) or by name (`{"x": x}`), and its result:
/// any types that derive these three; the doc comments describe it.
pub const FUNCTION: Function<Params, i64> = Function {
    name: "{{project-name | kebab_case}}",
    apply: |Params { x }| Ok(x),
    // Its own errors, `(code, meaning)`; `apply` answers one with
    // `Err(rpc_function::Error::new(code, "..."))`.
    errors: &[],
    // A call and its result: rpc.discover shows it, the tests check it.
    example: || (Params { x: 21 }, 21),
};

#[http_component]
fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    component::respond(&FUNCTION, request, response_out)
}
