//! What the cases assert with: calls, JSON-RPC answers in brief, and
//! failures that say what was expected.

use harness::client::{post, Answer};
use harness::Server;
use libtest_mimic::Failed;
use serde_json::{json, Value};

pub fn rpc(server: &Server, body: &Value) -> Answer {
    post(&server.url("/rpc"), body.to_string())
}

pub fn check(condition: bool, message: impl FnOnce() -> String) -> Result<(), Failed> {
    if condition {
        Ok(())
    } else {
        Err(message().into())
    }
}

pub fn expect_eq<T: PartialEq + std::fmt::Debug>(
    actual: T,
    expected: T,
    what: &str,
) -> Result<(), Failed> {
    check(actual == expected, || {
        format!("{what}: expected {expected:?}, got {actual:?}")
    })
}

/// A 200 JSON answer's body.
pub fn json_reply(answer: &Answer) -> Result<Value, Failed> {
    expect_eq(answer.status, 200, "status")?;
    expect_eq(
        answer.header("content-type"),
        Some("application/json"),
        "content-type",
    )?;
    Ok(answer.json())
}

pub fn call(method: &str, params: Value, id: Value) -> Value {
    json!({"jsonrpc": "2.0", "method": method, "params": params, "id": id})
}

pub fn error_code(response: &Value) -> Option<i64> {
    response["error"]["code"].as_i64()
}

/// The responses of a batch answer.
pub fn responses(reply: &Value) -> Result<&Vec<Value>, Failed> {
    reply
        .as_array()
        .ok_or_else(|| format!("a batch answer is an array: {reply}").into())
}

/// What a response says, in brief: its result, or its error code.
pub fn outcome(response: &Value) -> Value {
    response
        .get("result")
        .cloned()
        .unwrap_or_else(|| response["error"]["code"].clone())
}

pub fn error_message(response: &Value) -> String {
    response["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The app still answers a plain call correctly.
pub fn still_serving(server: &Server) -> Result<(), Failed> {
    let reply = json_reply(&rpc(server, &call("triple", json!([14]), json!("after"))))?;
    expect_eq(
        reply,
        json!({"jsonrpc": "2.0", "result": 42, "id": "after"}),
        "a normal call afterwards",
    )
}

/// Runs a case's jsonrpsee client, which needs an async runtime.
pub fn with_jsonrpsee(
    client: impl std::future::Future<Output = Result<(), Failed>>,
) -> Result<(), Failed> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(client)
}

/// The JSON-RPC error code of a jsonrpsee call's answer, if it is an error
/// response.
pub fn call_error_code<T>(answer: &Result<T, jsonrpsee::core::ClientError>) -> Option<i32> {
    match answer {
        Err(jsonrpsee::core::ClientError::Call(error)) => Some(error.code()),
        _ => None,
    }
}
