//! `triple`: x ↦ 3·x.

use rpc_function::{component, IntegerFunction};
use spin_sdk::http::{Request, Response};
use spin_sdk::http_component;

const TRIPLE: IntegerFunction = IntegerFunction {
    name: "triple",
    summary: "Triples x: 3·x.",
    apply: |x| x.checked_mul(3),
};

#[http_component]
fn handle(request: Request) -> Response {
    component::serve(&TRIPLE, request)
}
