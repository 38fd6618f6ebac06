//! The wire contract, table-driven, through the router's core with the real
//! `double` and `triple` in-process (the e2e suite runs the real components
//! on a Spin host).
//!
//! Cases are the rows of the project's protocol, and those of the JSON-RPC
//! 2.0 specification's §7 examples whose answer takes a call, adapted to
//! `double`/`triple`; the examples a parse settles (invalid JSON, invalid
//! requests and batches, the empty array) are tested beside the types that
//! parse them, `Message` and `Request`.

use crate::in_process::*;
use futures::executor::block_on;
use serde_json::{json, Value};

#[test]
fn spec_examples_for_single_requests() {
    let cases = [
        // §7 rpc call with positional parameters
        (
            r#"{"jsonrpc": "2.0", "method": "double", "params": [21], "id": 1}"#,
            json!({"jsonrpc": "2.0", "result": 42, "id": 1}),
        ),
        (
            r#"{"jsonrpc": "2.0", "method": "triple", "params": [-3], "id": 2}"#,
            json!({"jsonrpc": "2.0", "result": -9, "id": 2}),
        ),
        // §7 rpc call with named parameters
        (
            r#"{"jsonrpc": "2.0", "method": "double", "params": {"x": 21}, "id": 3}"#,
            json!({"jsonrpc": "2.0", "result": 42, "id": 3}),
        ),
        // §7 non-existent method
        (
            r#"{"jsonrpc": "2.0", "method": "foobar", "id": "1"}"#,
            error(-32601, json!("1")),
        ),
    ];
    for (request, expected) in cases {
        assert_eq!(
            without_messages(call(request)),
            expected,
            "request {request}"
        );
    }
}

#[test]
fn spec_example_of_a_batch() {
    // §7 rpc call batch
    let batch = r#"[
        {"jsonrpc": "2.0", "method": "double", "params": [1], "id": "1"},
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
        {"jsonrpc": "2.0", "method": "triple", "params": [42, 23], "id": "2"},
        {"foo": "boo"},
        {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
        {"jsonrpc": "2.0", "method": "triple", "params": ["7"], "id": "9"}
    ]"#;
    assert_eq!(
        without_messages(call(batch)),
        json!([
            {"jsonrpc": "2.0", "result": 2, "id": "1"},
            error(-32602, json!("2")),
            error(-32600, Value::Null),
            error(-32601, json!("5")),
            {"jsonrpc": "2.0", "result": 21, "id": "9"},
        ])
    );
}

#[test]
fn a_batch_is_answered_with_an_array_even_of_one() {
    let cases = [
        (
            r#"[{"jsonrpc": "2.0", "method": "double", "params": [4], "id": 1}]"#,
            json!([{"jsonrpc": "2.0", "result": 8, "id": 1}]),
        ),
        (r#"[true]"#, json!([error(-32600, Value::Null)])),
    ];
    for (batch, expected) in cases {
        assert_eq!(without_messages(call(batch)), expected, "batch {batch}");
    }
}

#[test]
fn notifications_are_executed_and_not_answered() {
    // §7 rpc call batch (all notifications), and single notifications.
    let cases = [
        (
            r#"[{"jsonrpc": "2.0", "method": "double", "params": [1]}, {"jsonrpc": "2.0", "method": "triple", "params": [7]}]"#,
            2,
        ),
        (
            r#"{"jsonrpc": "2.0", "method": "double", "params": [5]}"#,
            1,
        ),
        (
            r#"{"jsonrpc": "2.0", "method": "no-such", "params": [5]}"#,
            0,
        ),
        (
            r#"{"jsonrpc": "2.0", "method": "double", "params": ["bad"]}"#,
            1,
        ),
    ];
    for (body, executed) in cases {
        let transport = InProcess::default();
        let (status, value, _) = call_with(&transport, body);
        assert_eq!((status, value), (204, None), "{body}");
        assert_eq!(transport.sent.borrow().len(), executed, "{body}");
    }
}

#[test]
fn ids_come_back_byte_exact() {
    for id in [
        r#""abc""#,
        "0",
        "-1",
        "123456789012345678901234567890",
        "1.0",
        "1e3",
        "null",
        r#""\u00e9""#,
    ] {
        let body = format!(r#"{{"jsonrpc":"2.0","method":"double","params":[1],"id":{id}}}"#);
        let (_, _, text) = call_with(&InProcess::default(), &body);
        assert_eq!(
            text.unwrap(),
            format!(r#"{{"jsonrpc":"2.0","result":2,"id":{id}}}"#)
        );
    }
}

#[test]
fn invalid_requests_are_refused_with_the_right_id() {
    let cases = [
        (r#"{"method": "double", "params": [1], "id": 1}"#, json!(1)),
        (
            r#"{"jsonrpc": "1.0", "method": "double", "params": [1], "id": 1}"#,
            json!(1),
        ),
        (
            r#"{"jsonrpc": 2.0, "method": "double", "params": [1], "id": 1}"#,
            json!(1),
        ),
        (r#"{"jsonrpc": "2.0", "params": [1], "id": 1}"#, json!(1)),
        (
            r#"{"jsonrpc": "2.0", "method": "double", "params": 1, "id": 1}"#,
            json!(1),
        ),
        (
            r#"{"jsonrpc": "2.0", "method": "double", "params": "x", "id": 1}"#,
            json!(1),
        ),
        (
            r#"{"jsonrpc": "2.0", "method": "double", "params": null, "id": 1}"#,
            json!(1),
        ),
        (
            r#"{"jsonrpc": "2.0", "method": "double", "params": [1], "id": {}}"#,
            Value::Null,
        ),
        (
            r#"{"jsonrpc": "2.0", "method": "double", "params": [1], "id": [1]}"#,
            Value::Null,
        ),
        (
            r#"{"jsonrpc": "2.0", "method": "double", "params": [1], "id": true}"#,
            Value::Null,
        ),
        (
            r#"{"jsonrpc": "2.0", "method": "double", "id": 1, "id": 2}"#,
            Value::Null,
        ),
        ("\"text\"", Value::Null),
        ("42", Value::Null),
        ("null", Value::Null),
    ];
    for (request, id) in cases {
        assert_eq!(
            without_messages(call(request)),
            error(-32600, id),
            "request {request}"
        );
    }
}

#[test]
fn arguments_are_checked_and_errors_say_which() {
    let cases = [
        (json!(["10"]), Ok(20_i64)),
        (json!({"x": "-10"}), Ok(-20)),
        (json!([4611686018427387903_i64]), Ok(9223372036854775806)),
        (json!([4611686018427387904_i64]), Err("overflows")),
        (json!([1.5]), Err("must be an integer")),
        (json!([true]), Err("a boolean")),
        (json!(["ten"]), Err("not a decimal integer")),
        (json!([]), Err("missing argument \"x\"")),
        (json!([1, 2]), Err("exactly one argument")),
        (json!({}), Err("missing argument \"x\"")),
        (
            json!({"y": 1}),
            Err("unexpected argument \"y\"; expected only \"x\""),
        ),
        (json!({"x": 1, "y": 1}), Err("unexpected argument \"y\"")),
    ];
    for (params, expected) in cases {
        let response = call(
            &json!({"jsonrpc": "2.0", "method": "double", "params": params, "id": 7}).to_string(),
        );
        match expected {
            Ok(result) => assert_eq!(response["result"], json!(result), "params {params}"),
            Err(words) => {
                assert_eq!(response["error"]["code"], json!(-32602), "params {params}");
                let message = response["error"]["message"].as_str().unwrap();
                assert!(message.contains(words), "params {params}: {message}");
            }
        }
    }
    let missing = call(r#"{"jsonrpc": "2.0", "method": "triple", "id": 1}"#);
    assert!(missing["error"]["message"]
        .as_str()
        .unwrap()
        .contains("missing params"));
    let beyond =
        call(r#"{"jsonrpc": "2.0", "method": "double", "params": [9223372036854775808], "id": 1}"#);
    assert!(beyond["error"]["message"]
        .as_str()
        .unwrap()
        .contains("outside the 64-bit"));
}

#[test]
fn echo_runs_the_function_its_envelope_names() {
    let envelope = |function: &str, argument: Value| json!({"Service Name": "wasm", "Type": "Execution", "Execution": {"FunctionName": function, "Argument": argument}});
    let echo = |params: Value| {
        call(&json!({"jsonrpc": "2.0", "method": "echo", "params": params, "id": 1}).to_string())
    };
    assert_eq!(
        echo(envelope("double", json!("10")))["result"],
        json!({"Result": 20})
    );
    assert_eq!(
        echo(envelope("triple", json!("10")))["result"],
        json!({"Result": 30})
    );
    assert_eq!(
        echo(json!([envelope("triple", json!(-2))]))["result"],
        json!({"Result": -6})
    );
    assert_eq!(
        echo(envelope("quadruple", json!(1)))["error"]["code"],
        json!(-32601)
    );
    assert_eq!(
        echo(envelope("echo", json!(1)))["error"]["code"],
        json!(-32601)
    );
    assert_eq!(
        echo(envelope("double", json!(1.5)))["error"]["code"],
        json!(-32602)
    );
    let mut wrong_type = envelope("double", json!(1));
    wrong_type["Type"] = json!("Query");
    assert_eq!(echo(wrong_type)["error"]["code"], json!(-32602));
    assert_eq!(
        echo(json!({"FunctionName": "double"}))["error"]["code"],
        json!(-32602)
    );
}

#[test]
fn method_names_reach_only_registered_functions() {
    let long = "d".repeat(100_000);
    for method in [
        "../triple",
        "double.spin.internal",
        "self",
        "rpc-router",
        "Double",
        "double/x",
        "rpc.anything",
        "",
        "\u{0}",
        &long,
    ] {
        let transport = InProcess::default();
        let request =
            json!({"jsonrpc": "2.0", "method": method, "params": [1], "id": 1}).to_string();
        let (_, value, _) = call_with(&transport, &request);
        assert_eq!(
            value.unwrap()["error"]["code"],
            json!(-32601),
            "method {method:?}"
        );
        assert!(
            transport.sent.borrow().is_empty(),
            "nothing is sent for {method:?}"
        );
    }
}

#[test]
fn hostile_bodies_get_a_parse_error() {
    let deep = "[".repeat(100_000);
    let cases: [&[u8]; 5] = [
        b"\xff\xfe",
        b"",
        b"   ",
        deep.as_bytes(),
        b"{\"jsonrpc\":\"2.0\",\"method\":\"double\",\"id\":\"\xff\"}",
    ];
    for body in cases {
        let reply =
            block_on(service().answer(&Access::default(), body, &InProcess::default())).reply;
        let value: Value = serde_json::from_slice(&reply.into_body().unwrap()).unwrap();
        assert_eq!(without_messages(value), error(-32700, Value::Null));
    }
}

#[test]
fn a_typed_function_takes_its_params_by_name_or_position_and_keeps_its_own_errors() {
    let quotient = json!({"quotient": 3, "remainder": 1});
    for params in [
        json!({"a": 7, "b": 2}),
        json!([7, 2]),
        json!({"b": 2, "a": 7}),
    ] {
        let response = call(
            &json!({"jsonrpc": "2.0", "method": "divide", "params": params, "id": 1}).to_string(),
        );
        assert_eq!(response["result"], quotient, "{params}: {response}");
    }
    let by_zero = call(r#"{"jsonrpc": "2.0", "method": "divide", "params": [7, 0], "id": 1}"#);
    assert_eq!(
        by_zero["error"],
        json!({"code": 1, "message": "division by zero", "data": 7})
    );
    for (params, words) in [
        (json!({"a": 1}), "missing argument \"b\""),
        (json!([1]), "missing argument \"b\""),
        (
            json!({"a": 1, "b": 2, "c": 3}),
            "unexpected argument \"c\"; expected \"a\", \"b\"",
        ),
        (
            json!([1, 2, 3]),
            "expected at most 2 arguments [a, b], got 3",
        ),
        (
            json!({"a": "seven", "b": 2}),
            "a invalid type: string \"seven\", expected i64",
        ),
        (
            json!([1, 2.5]),
            "b invalid type: floating point `2.5`, expected i64",
        ),
        (json!([i64::MIN, -1]), "overflows"),
    ] {
        let response = call(
            &json!({"jsonrpc": "2.0", "method": "divide", "params": params, "id": 1}).to_string(),
        );
        assert_eq!(response["error"]["code"], json!(-32602), "{params}");
        let message = response["error"]["message"].as_str().unwrap();
        assert!(message.contains(words), "{params}: {message}");
    }
}
