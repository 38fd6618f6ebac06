//! `double`: x ↦ 2·x.

use rpc_function::{component, IntegerFunction};
use spin_sdk::http::{Request, Response};
use spin_sdk::http_component;

const DOUBLE: IntegerFunction = IntegerFunction {
    name: "double",
    summary: "Doubles x: 2·x.",
    apply: |x| x.checked_mul(2),
};

#[http_component]
fn handle(request: Request) -> Response {
    component::serve(&DOUBLE, request)
}
