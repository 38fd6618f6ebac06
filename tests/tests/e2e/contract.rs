//! The wire contract through the real stack: calls by position and by
//! name, notifications, batches in order, ids byte-exact, argument errors,
//! and method names that reach only registered functions. (The spec's own
//! examples are unit-tested beside the router's `jsonrpc` types and its
//! service, `rpc-router/tests/core/contract.rs`.)

use crate::checks::*;
use crate::{Case, Servers};
use harness::client::post;
use libtest_mimic::Failed;
use serde_json::{json, Value};

pub const CASES: &[(&str, Case)] = cases![
    single_call_by_position_and_by_name,
    notifications_get_204_and_no_body,
    batch_keeps_order_with_invalid_members_and_notifications,
    batch_of_100_mixed_calls_is_exact,
    ids_come_back_byte_exact,
    invalid_params_and_overflow_say_which,
    method_names_reach_only_registered_functions,
];

fn single_call_by_position_and_by_name(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.default;
    for (method, params, result) in [
        ("double", json!([21]), 42),
        ("double", json!({"x": 21}), 42),
        ("triple", json!(["-7"]), -21),
        ("triple", json!({"x": "0"}), 0),
    ] {
        let reply = json_reply(&rpc(server, &call(method, params.clone(), json!(1))))?;
        expect_eq(
            reply,
            json!({"jsonrpc": "2.0", "result": result, "id": 1}),
            &format!("{method} {params}"),
        )?;
    }
    Ok(())
}

fn notifications_get_204_and_no_body(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.default;
    let single = rpc(
        server,
        &json!({"jsonrpc": "2.0", "method": "double", "params": [1]}),
    );
    expect_eq(
        (single.status, single.body.len()),
        (204, 0),
        "a notification",
    )?;
    let batch = rpc(
        server,
        &json!([
            {"jsonrpc": "2.0", "method": "double", "params": [1]},
            {"jsonrpc": "2.0", "method": "triple", "params": ["x"]},
            {"jsonrpc": "2.0", "method": "no-such-method", "params": [1]},
        ]),
    );
    expect_eq(
        (batch.status, batch.body.len()),
        (204, 0),
        "a batch of notifications",
    )
}

fn batch_keeps_order_with_invalid_members_and_notifications(
    servers: &Servers,
) -> Result<(), Failed> {
    let body = json!([
        call("triple", json!([1]), json!("a")),
        {"jsonrpc": "2.0", "method": "double", "params": [5]},
        1,
        call("double", json!([2]), json!("b")),
        {"jsonrpc": "1.0", "method": "double", "params": [2], "id": "c"},
        call("nope", json!([2]), json!("d")),
        call("double", json!(["zz"]), json!("e")),
        call("double", json!([3]), json!("f")),
    ]);
    let reply = json_reply(&rpc(&servers.default, &body))?;
    let summary: Vec<(Value, Value)> = responses(&reply)?
        .iter()
        .map(|r| (r["id"].clone(), outcome(r)))
        .collect();
    expect_eq(
        summary,
        vec![
            (json!("a"), json!(3)),
            (Value::Null, json!(-32600)),
            (json!("b"), json!(4)),
            (json!("c"), json!(-32600)),
            (json!("d"), json!(-32601)),
            (json!("e"), json!(-32602)),
            (json!("f"), json!(6)),
        ],
        "responses in request order",
    )
}

fn batch_of_100_mixed_calls_is_exact(servers: &Servers) -> Result<(), Failed> {
    let calls: Vec<Value> = (0..100_i64)
        .map(|i| {
            let method = if i % 2 == 0 { "double" } else { "triple" };
            let params = match i % 17 {
                5 => json!([1.5]),
                11 => json!({"y": i}),
                _ => json!([i * 1000 - 50_000]),
            };
            call(method, params, json!(i))
        })
        .collect();
    let reply = json_reply(&rpc(&servers.default, &Value::Array(calls)))?;
    let responses = responses(&reply)?;
    expect_eq(responses.len(), 100, "one response per call")?;
    for (i, response) in (0..100_i64).zip(responses) {
        expect_eq(response["id"].clone(), json!(i), "order")?;
        match i % 17 {
            5 | 11 => expect_eq(error_code(response), Some(-32602), &format!("call {i}"))?,
            _ => {
                let factor = if i % 2 == 0 { 2 } else { 3 };
                expect_eq(
                    response["result"].clone(),
                    json!((i * 1000 - 50_000) * factor),
                    &format!("call {i}"),
                )?
            }
        }
    }
    Ok(())
}

fn ids_come_back_byte_exact(servers: &Servers) -> Result<(), Failed> {
    for id in [
        "12345678901234567890123456789",
        "-0",
        "1.50",
        "2e10",
        r#""ïd \"quoted\"""#,
        "null",
    ] {
        let body = format!(r#"{{"jsonrpc":"2.0","method":"double","params":[4],"id":{id}}}"#);
        let answer = post(&servers.default.url("/rpc"), &body);
        expect_eq(
            answer.text(),
            format!(r#"{{"jsonrpc":"2.0","result":8,"id":{id}}}"#),
            "the id token as sent",
        )?;
    }
    Ok(())
}

fn invalid_params_and_overflow_say_which(servers: &Servers) -> Result<(), Failed> {
    let cases = [
        (json!([9223372036854775807_i64]), "overflows"),
        (json!(["4611686018427387904"]), "overflows"),
        (json!([1.5]), "must be an integer"),
        (json!([true]), "boolean"),
        (json!(["ten"]), "not a decimal integer"),
        (json!([1, 2]), "exactly one argument"),
        (json!({"x": 1, "extra": 2}), "unexpected argument"),
        (json!({}), "missing argument"),
    ];
    for (params, words) in cases {
        let reply = json_reply(&rpc(
            &servers.default,
            &call("double", params.clone(), json!(1)),
        ))?;
        expect_eq(error_code(&reply), Some(-32602), &params.to_string())?;
        let message = error_message(&reply);
        check(message.contains(words), || {
            format!("{params}: message {message:?} should say {words:?}")
        })?;
    }
    let beyond = post(
        &servers.default.url("/rpc"),
        r#"{"jsonrpc":"2.0","method":"triple","params":[9223372036854775808],"id":1}"#,
    );
    expect_eq(
        error_code(&json_reply(&beyond)?),
        Some(-32602),
        "a number beyond i64",
    )
}

fn method_names_reach_only_registered_functions(servers: &Servers) -> Result<(), Failed> {
    let long = "double".repeat(20_000);
    for method in [
        "../triple",
        "double.spin.internal",
        "self",
        "rpc-router",
        "DOUBLE",
        "double\n",
        "tri\u{0}ple",
        "rpc.anything",
        long.as_str(),
    ] {
        let reply = json_reply(&rpc(&servers.default, &call(method, json!([1]), json!(1))))?;
        expect_eq(
            error_code(&reply),
            Some(-32601),
            &format!("method {:.40?}", method),
        )?;
    }
    Ok(())
}
