//! `double`: x ↦ 2·x.

use rpc_function::IntegerFunction;

pub const DOUBLE: IntegerFunction = IntegerFunction {
    name: "double",
    summary: "Doubles x: 2·x.",
    apply: |x| x.checked_mul(2),
    example: (21, 42),
};

#[cfg(target_arch = "wasm32")]
#[spin_sdk::http_component]
fn handle(
    request: spin_sdk::http::IncomingRequest,
    response_out: spin_sdk::http::ResponseOutparam,
) {
    rpc_function::component::respond(&DOUBLE, request, response_out)
}
