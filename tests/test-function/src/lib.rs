//! What the test-only functions share: each is the identity `x ↦ x`, except
//! for the values of x that make it misbehave. A request holding any of them
//! misbehaves as a whole, in either inner form.

use rpc_function::function::{answer, Callable};
use rpc_function::integer_function::IntegerParams;
use rpc_protocol::inner::{InnerRequest, ListCall, SingleCall};
use serde_json::value::RawValue;
use spin_sdk::http::{Method, Request, Response};
use std::ops::RangeInclusive;

/// The first x among the request's calls that is one of `faults`.
pub fn fault_in(request: &Request, faults: RangeInclusive<i64>) -> Option<i64> {
    let xs: Vec<i64> = match InnerRequest::parse(request.body()) {
        Ok(InnerRequest::Single(SingleCall { params })) => x(params).into_iter().collect(),
        Ok(InnerRequest::List(ListCall { calls })) => calls.into_iter().filter_map(x).collect(),
        Err(_) => Vec::new(),
    };
    xs.into_iter().find(|x| faults.contains(x))
}

/// The `x` of one call's params, if they hold one.
fn x(params: Option<&RawValue>) -> Option<i64> {
    let params: IntegerParams = rpc_function::params::read(params).ok()?;
    Some(params.x.0)
}

/// Answers as every function answers: a `GET` describes it (for
/// `rpc.discover`), a `POST` calls it.
pub fn answer_as_any(function: &impl Callable, request: &Request) -> Response {
    let (status, body) = match request.method() {
        Method::Get => (200, function.describe()),
        _ => {
            let answer = answer(function, request.body());
            (answer.status, answer.body)
        }
    };
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body)
        .build()
}
