//! `{{project-name | kebab_case}}`: {{summary}}

use rpc_function::{component, IntegerFunction};
use spin_sdk::http::{Request, Response};
use spin_sdk::http_component;

const FUNCTION: IntegerFunction = IntegerFunction {
    name: "{{project-name | kebab_case}}",
    summary: "{{summary}}",
    // f(x); `None` when the result does not fit in an i64.
    apply: Some,
    // An argument and its result: rpc.discover shows it, the tests check it.
    example: (21, 21),
};

#[http_component]
fn handle(request: Request) -> Response {
    component::serve(&FUNCTION, request)
}
