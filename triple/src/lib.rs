//! `triple`: x ↦ 3·x.

use rpc_function::IntegerFunction;

pub const TRIPLE: IntegerFunction = IntegerFunction {
    name: "triple",
    summary: "Triples x: 3·x.",
    apply: |x| x.checked_mul(3),
    example: (7, 21),
};

#[cfg(target_arch = "wasm32")]
#[spin_sdk::http_component]
fn handle(
    request: spin_sdk::http::IncomingRequest,
    response_out: spin_sdk::http::ResponseOutparam,
) {
    rpc_function::component::respond(&TRIPLE, request, response_out)
}
