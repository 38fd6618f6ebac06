//! `divide`: integer division, with a remainder and an error of its own.

use rpc_function::{Error, Function};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Divides a by b, rounding toward zero: the quotient and the remainder.
#[derive(Deserialize, Serialize, JsonSchema)]
pub struct Division {
    /// The dividend.
    pub a: i64,
    /// The divisor: anything but 0.
    pub b: i64,
}

#[derive(Serialize, JsonSchema)]
pub struct Quotient {
    pub quotient: i64,
    pub remainder: i64,
}

/// The error for b = 0 (an application code, outside JSON-RPC's own range).
pub const DIVISION_BY_ZERO: i64 = 1;

pub const DIVIDE: Function<Division, Quotient> = Function {
    name: "divide",
    apply: |Division { a, b }| match (a.checked_div(b), a.checked_rem(b)) {
        (Some(quotient), Some(remainder)) => Ok(Quotient {
            quotient,
            remainder,
        }),
        _ if b == 0 => Err(Error::new(DIVISION_BY_ZERO, "division by zero").with_data(a)),
        _ => Err(Error::invalid_params(format!(
            "{a} / {b} overflows a 64-bit signed integer"
        ))),
    },
    errors: &[(DIVISION_BY_ZERO, "division by zero (data: the dividend)")],
    example: || {
        (
            Division { a: 7, b: -2 },
            Quotient {
                quotient: -3,
                remainder: 1,
            },
        )
    },
};

#[cfg(target_arch = "wasm32")]
#[spin_sdk::http_component]
fn handle(
    request: spin_sdk::http::IncomingRequest,
    response_out: spin_sdk::http::ResponseOutparam,
) {
    rpc_function::component::respond(&DIVIDE, request, response_out)
}
