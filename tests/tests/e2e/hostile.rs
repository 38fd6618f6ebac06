//! Hostile input and the limits: each refused with a clear JSON-RPC error
//! that names the limit, and the next request served.

use crate::checks::*;
use crate::{Case, Servers};
use harness::client::{parse_raw, post, post_large, post_read_late, post_stalled};
use harness::{manifest_path, Server};
use libtest_mimic::Failed;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

pub const CASES: &[(&str, Case)] = cases![
    hostile_input_then_normal_service,
    limits_from_settings_are_enforced_and_named,
    copies_of_the_document_count_against_max_answer_bytes,
    a_body_that_stalls_is_cut_at_its_deadline,
    an_answer_not_read_is_cut_at_its_deadline,
    a_long_method_name_is_quoted_by_its_start_and_length,
];

fn hostile_input_then_normal_service(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.default;
    // A body of several MiB: refused at the limit (1 MiB), with a JSON-RPC error.
    let huge = format!(
        r#"{{"jsonrpc":"2.0","method":"double","params":["{}"],"id":1}}"#,
        "9".repeat(5 << 20)
    );
    let answer = post_large(server.address, "/rpc", huge.into_bytes());
    expect_eq(answer.status, 413, "a 5 MiB body")?;
    check(
        error_message(&answer.json()).contains("max_request_bytes"),
        || answer.text(),
    )?;
    still_serving(server)?;

    // Deep nesting: unterminated, as a batch member, and inside params.
    let deep = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let reply = json_reply(&post(&server.url("/rpc"), "[".repeat(200_000)))?;
    expect_eq(error_code(&reply), Some(-32700), "200 000 unterminated `[`")?;
    let reply = json_reply(&post(&server.url("/rpc"), deep(200_000)))?;
    expect_eq(
        reply[0]["error"]["code"].as_i64(),
        Some(-32600),
        "a batch of one array nested 200 000 deep",
    )?;
    let nested_params = format!(
        r#"{{"jsonrpc":"2.0","method":"double","params":[{}],"id":1}}"#,
        deep(100_000)
    );
    let reply = json_reply(&post(&server.url("/rpc"), nested_params))?;
    expect_eq(error_code(&reply), Some(-32602), "x nested 100 000 deep")?;
    still_serving(server)?;

    // Invalid UTF-8.
    let reply = json_reply(&post(
        &server.url("/rpc"),
        b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\",\"id\":1}",
    ))?;
    expect_eq(error_code(&reply), Some(-32700), "invalid UTF-8")?;

    // A batch of 100 000 calls: refused whole, the limit named.
    let one = call("double", json!([1]), json!(1)).to_string();
    let batch = format!("[{}]", vec![one.as_str(); 100_000].join(","));
    let answer = post_large(server.address, "/rpc", batch.into_bytes());
    check(answer.status == 413 || answer.status == 200, || {
        format!("status {}", answer.status)
    })?;
    let reply = answer.json();
    check(
        error_code(&reply) == Some(-32600) && error_message(&reply).contains("max_"),
        || format!("a batch of 100 000: {reply}"),
    )?;
    still_serving(server)
}

/// `max_answer_bytes` of the `small_limits` server: more than one copy of
/// the app's `rpc.discover` document (about 4 KB), less than three.
pub const SMALL_ANSWER_BYTES: &str = "6000";

/// Each copy of the document in a batch takes its share of the request's
/// answers: past `max_answer_bytes`, a copy is `-32004`, in its place.
fn copies_of_the_document_count_against_max_answer_bytes(servers: &Servers) -> Result<(), Failed> {
    let discover = |id: i64| call("rpc.discover", json!([]), json!(id));
    let reply = json_reply(&rpc(
        &servers.small_limits,
        &json!([discover(1), discover(2), discover(3)]),
    ))?;
    let responses = responses(&reply)?;
    let document = serde_json::to_string(&responses[0]["result"])?;
    let allowance: usize = SMALL_ANSWER_BYTES.parse()?;
    let fit = (allowance / document.len()).min(3);
    check((1..3).contains(&fit), || {
        format!("a document of {} bytes: {fit} copies fit", document.len())
    })?;
    let outcomes: Vec<Value> = responses.iter().map(outcome).collect();
    let expected: Vec<Value> = (0..3)
        .map(|index| match index < fit {
            true => serde_json::from_str(&document).unwrap_or_default(),
            false => json!(-32004),
        })
        .collect();
    expect_eq(outcomes, expected, "three copies of the document")?;
    check(
        error_message(&responses[fit]).contains("max_answer_bytes"),
        || error_message(&responses[fit]),
    )?;
    still_serving(&servers.small_limits)
}

fn limits_from_settings_are_enforced_and_named(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.small_limits;
    let batch: Vec<Value> = (0..4)
        .map(|i| call("double", json!([i]), json!(i)))
        .collect();
    let reply = json_reply(&rpc(server, &Value::Array(batch.clone())))?;
    expect_eq(
        error_code(&reply),
        Some(-32600),
        "a batch of 4 over a limit of 3",
    )?;
    check(error_message(&reply).contains("max_batch_calls"), || {
        error_message(&reply)
    })?;
    let reply = json_reply(&rpc(server, &Value::Array(batch[..3].to_vec())))?;
    expect_eq(reply.as_array().map(Vec::len), Some(3), "a batch of 3")?;

    let padded = format!(
        r#"{{"jsonrpc":"2.0","method":"double","params":[1],"id":"{}"}}"#,
        "p".repeat(3000)
    );
    let answer = post_large(server.address, "/rpc", padded.into_bytes());
    expect_eq(answer.status, 413, "a body over 2000 bytes")?;
    check(
        error_message(&answer.json()).contains("max_request_bytes"),
        || answer.text(),
    )?;
    still_serving(server)
}

/// A client that declares a body and stops sending it: the router answers
/// 408 at the body's deadline (`body_timeout_ms`, 1 s in the test-only
/// app) instead of holding an instance, and serves the next request.
fn a_body_that_stalls_is_cut_at_its_deadline(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.faults;
    let started = Instant::now();
    let answer = post_stalled(server.address, "/rpc", 100, br#"{"jsonrpc":"2.0","#);
    let took = started.elapsed();
    expect_eq(answer.status, 408, "a stalled body")?;
    let reply = answer.json();
    expect_eq(error_code(&reply), Some(-32600), "code")?;
    check(error_message(&reply).contains("body_timeout_ms"), || {
        answer.text()
    })?;
    check(took < Duration::from_secs(5), || {
        format!("answered after {took:?}")
    })?;
    still_serving(server)
}

/// A method name as long as the body allows: errors quote its first 128
/// A client that takes none of a large answer: the router writes it by the
/// same deadline as the body's (`body_timeout_ms`, 1 s here), then cuts it
/// short instead of holding its instance for as long as the client does not
/// read, and serves the next request. The answer, 3000 copies of the
/// document (some 12 MB, with limits raised for it), is larger than what
/// the runtime and the kernel hold for a connection (wasmtime keeps up to 2
/// MiB of a body, Linux up to 4 MiB in a socket's send buffer), so that its
/// writer must wait for the client.
fn an_answer_not_read_is_cut_at_its_deadline(servers: &Servers) -> Result<(), Failed> {
    let mut server = Server::start_configured(
        &servers.runtime,
        &manifest_path(),
        &[
            ("max_batch_calls", "3000"),
            ("max_answer_bytes", "33554432"),
            ("body_timeout_ms", "1000"),
        ],
    );
    let batch: Vec<Value> = (0..3000)
        .map(|id| call("rpc.discover", json!([]), json!(id)))
        .collect();
    let body = Value::Array(batch).to_string();
    let raw = post_read_late(
        server.address,
        "/rpc",
        body.as_bytes(),
        Duration::from_secs(5),
    );
    let answer = parse_raw(&raw);
    expect_eq(answer.status, 200, "the answer's head")?;
    check(
        serde_json::from_slice::<Value>(&answer.body).is_err(),
        || {
            format!(
                "an answer of {} bytes came whole to a client that read nothing for 5 s",
                answer.body.len()
            )
        },
    )?;
    still_serving(&server)?;
    Ok(server.stop()?)
}
/// characters and its length, not the whole of it.
fn a_long_method_name_is_quoted_by_its_start_and_length(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.default;
    let method = "m".repeat(500_000);
    let reply = json_reply(&rpc(server, &call(&method, json!([1]), json!(1))))?;
    expect_eq(error_code(&reply), Some(-32601), "an unknown long method")?;
    let message = error_message(&reply);
    check(
        message.len() < 400 && message.contains("(500000 characters)"),
        || {
            format!(
                "{} bytes: {}",
                message.len(),
                &message[..message.len().min(300)]
            )
        },
    )?;
    still_serving(server)
}
