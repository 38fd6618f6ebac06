//! The wire contract, table-driven, through the router's core with the real
//! function logic in-process (the e2e suite runs the same against the real
//! components on a Spin host).
//!
//! Cases are the JSON-RPC 2.0 specification's §7 examples, adapted to
//! `double`/`triple`, and the rows of the project's protocol.

mod in_process;

use futures::executor::block_on;
use in_process::{service, InProcess, FUNCTIONS};
use rpc_registry::{Function, MethodRegistry};
use rpc_router::dispatch::{Grouping, TransportError};
use rpc_router::limits::Limits;
use rpc_router::service::Service;
use serde_json::{json, Value};
use std::time::Duration;

fn call_with(transport: &InProcess, body: &str) -> (u16, Option<Value>, Option<String>) {
    let reply = block_on(service().answer(body.as_bytes(), transport));
    let (status, body) = (reply.status(), reply.into_body());
    let text = body.map(|body| String::from_utf8(body).expect("responses are UTF-8"));
    let value = text
        .as_deref()
        .map(|text| serde_json::from_str(text).expect("responses are JSON"));
    (status, value, text)
}

fn call(body: &str) -> Value {
    let (status, value, _) = call_with(&InProcess::default(), body);
    assert_eq!(status, 200, "{body}");
    value.expect("a response body")
}

/// The response with its error message left out (messages are checked apart).
fn without_messages(mut value: Value) -> Value {
    fn strip(response: &mut Value) {
        if let Some(error) = response.get_mut("error").and_then(Value::as_object_mut) {
            error.remove("message");
        }
    }
    match &mut value {
        Value::Array(responses) => responses.iter_mut().for_each(strip),
        response => strip(response),
    }
    value
}

fn error(code: i64, id: Value) -> Value {
    json!({"jsonrpc": "2.0", "error": {"code": code}, "id": id})
}

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
        // §7 invalid JSON
        (
            r#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#,
            error(-32700, Value::Null),
        ),
        // §7 invalid Request object
        (
            r#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#,
            error(-32600, Value::Null),
        ),
        // §7 batch, invalid JSON
        (
            r#"[ {"jsonrpc": "2.0", "method": "double", "params": [1], "id": "1"}, {"jsonrpc": "2.0", "method" ]"#,
            error(-32700, Value::Null),
        ),
        // §7 empty array
        ("[]", error(-32600, Value::Null)),
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
fn spec_examples_for_batches() {
    // §7 invalid batch, but not empty
    assert_eq!(
        without_messages(call("[1]")),
        json!([error(-32600, Value::Null)])
    );
    // §7 invalid batch
    assert_eq!(
        without_messages(call("[1,2,3]")),
        json!([
            error(-32600, Value::Null),
            error(-32600, Value::Null),
            error(-32600, Value::Null)
        ])
    );
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
        (json!([]), Err("exactly one argument")),
        (json!([1, 2]), Err("exactly one argument")),
        (json!({"y": 1}), Err("missing argument \"x\"")),
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
fn echo_runs_the_seeds_envelope() {
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
fn a_batch_costs_one_request_per_function() {
    let transport = InProcess::default();
    let calls: Vec<Value> = (0..100)
        .map(|i| {
            let method = if i % 3 == 0 { "triple" } else { "double" };
            let params = if i % 10 == 7 {
                json!(["oops"])
            } else {
                json!([i])
            };
            json!({"jsonrpc": "2.0", "method": method, "params": params, "id": i})
        })
        .collect();
    let (_, value, _) = call_with(&transport, &Value::Array(calls).to_string());
    let responses = value.unwrap();
    for (i, response) in responses.as_array().unwrap().iter().enumerate() {
        assert_eq!(response["id"], json!(i), "responses keep the request order");
        if i % 10 == 7 {
            assert_eq!(response["error"]["code"], json!(-32602));
        } else {
            assert_eq!(
                response["result"],
                json!(i as i64 * if i % 3 == 0 { 3 } else { 2 })
            );
        }
    }
    let sent = transport.sent.borrow();
    let functions: Vec<&str> = sent.iter().map(|(function, _)| function.as_str()).collect();
    assert_eq!(
        functions,
        ["triple", "double"],
        "one list-form request per function"
    );
}

#[test]
fn without_grouping_every_call_is_its_own_request() {
    let transport = InProcess::default();
    let service = Service {
        grouping: Grouping::PerCall,
        ..service()
    };
    let calls: Vec<Value> = (0..5)
        .map(|i| json!({"jsonrpc": "2.0", "method": "double", "params": [i], "id": i}))
        .collect();
    let reply = block_on(service.answer(Value::Array(calls).to_string().as_bytes(), &transport));
    let value: Value = serde_json::from_slice(&reply.into_body().unwrap()).unwrap();
    assert_eq!(
        value
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["result"].clone())
            .collect::<Vec<_>>(),
        [0, 2, 4, 6, 8]
    );
    let sent = transport.sent.borrow();
    assert_eq!(sent.len(), 5);
    assert!(
        sent.iter().all(|(_, body)| body.starts_with("{\"params\"")),
        "single form only"
    );
    assert!(Grouping::from_variable(Some("maybe")).is_err());
}

/// Three calls of `double` (the second holds 13) and one of `triple`.
fn batch_with_13() -> String {
    json!([
        {"jsonrpc": "2.0", "method": "double", "params": [1], "id": "a"},
        {"jsonrpc": "2.0", "method": "double", "params": [13], "id": "b"},
        {"jsonrpc": "2.0", "method": "double", "params": [3], "id": "c"},
        {"jsonrpc": "2.0", "method": "triple", "params": [5], "id": "d"},
    ])
    .to_string()
}

#[test]
fn a_failing_group_falls_back_to_single_calls() {
    let transport = InProcess {
        poison: Some(("13", TransportError::Status(500))),
        ..Default::default()
    };
    let (_, value, _) = call_with(&transport, &batch_with_13());
    let value = value.unwrap();
    assert_eq!(value[0]["result"], json!(2));
    assert_eq!(value[1]["error"]["code"], json!(-32000));
    let message = value[1]["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("\"double\"") && message.contains("work budget"),
        "{message}"
    );
    assert_eq!(value[2]["result"], json!(6));
    assert_eq!(value[3]["result"], json!(15));
    // One list request for double, one for triple, then three singles: no more.
    assert_eq!(transport.sent.borrow().len(), 5);
}

#[test]
fn a_timed_out_group_is_not_sent_again() {
    let transport = InProcess {
        poison: Some(("13", TransportError::TimedOut(Duration::from_millis(250)))),
        ..Default::default()
    };
    let (_, value, _) = call_with(&transport, &batch_with_13());
    let value = value.unwrap();
    for response in &value.as_array().unwrap()[..3] {
        assert_eq!(response["error"]["code"], json!(-32001), "{response}");
        let message = response["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("\"double\"") && message.contains("250 ms"),
            "{message}"
        );
    }
    assert_eq!(value[3]["result"], json!(15));
    // One list request for double, one for triple: nothing is sent again.
    assert_eq!(transport.sent.borrow().len(), 2);
}

#[test]
fn a_batch_over_the_limit_is_refused_whole() {
    let limits = Limits {
        max_batch_calls: 3,
        ..Limits::default()
    };
    let service = Service {
        registry: MethodRegistry::new([Function::named("double")]).unwrap(),
        limits,
        ..service()
    };
    let call = r#"{"jsonrpc":"2.0","method":"double","params":[1],"id":1}"#;
    let transport = InProcess::default();
    let body = format!("[{call},{call},{call},{call}]");
    let reply = block_on(service.answer(body.as_bytes(), &transport));
    let value: Value = serde_json::from_slice(&reply.into_body().unwrap()).unwrap();
    assert_eq!(value["error"]["code"], json!(-32600));
    assert!(value["error"]["message"]
        .as_str()
        .unwrap()
        .contains("max_batch_calls"));
    assert!(transport.sent.borrow().is_empty());
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
        let reply = block_on(service().answer(body, &InProcess::default()));
        let value: Value = serde_json::from_slice(&reply.into_body().unwrap()).unwrap();
        assert_eq!(without_messages(value), error(-32700, Value::Null));
    }
}

#[test]
fn discovery_lists_every_deployed_method_from_its_own_description() {
    let document =
        call(r#"{"jsonrpc": "2.0", "method": "rpc.discover", "id": 1}"#)["result"].clone();
    assert_eq!(document["openrpc"], json!("1.3.2"));
    assert_eq!(document["info"], json!({"title": "test", "version": "1"}));
    let names: Vec<&str> = document["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["double", "triple", "echo", "rpc.discover"]);
    let described: Value = serde_json::from_slice(&FUNCTIONS[0].describe()).unwrap();
    assert_eq!(
        document["methods"][0], described,
        "double as it describes itself"
    );
    assert_eq!(document["methods"][0]["params"][0]["name"], json!("x"));
    assert_eq!(
        document["methods"][2]["params"][2]["schema"]["properties"]["FunctionName"]["enum"],
        json!(["double", "triple"])
    );
    for params in ["[]", "{}"] {
        let body = format!(
            r#"{{"jsonrpc": "2.0", "method": "rpc.discover", "params": {params}, "id": 2}}"#
        );
        assert_eq!(call(&body)["result"], document);
    }
}

#[test]
fn discovery_refuses_params_and_lists_functions_that_cannot_describe_themselves() {
    let refused = call(r#"{"jsonrpc": "2.0", "method": "rpc.discover", "params": [1], "id": 1}"#);
    assert_eq!(refused["error"]["code"], json!(-32602));
    let (status, _, _) = call_with(
        &InProcess::default(),
        r#"{"jsonrpc": "2.0", "method": "rpc.discover"}"#,
    );
    assert_eq!(status, 204);

    let service = Service {
        registry: MethodRegistry::new([Function::named("double"), Function::named("quadruple")])
            .unwrap(),
        ..service()
    };
    let reply = block_on(service.answer(
        br#"{"jsonrpc": "2.0", "method": "rpc.discover", "id": 1}"#,
        &InProcess::default(),
    ));
    let document: Value = serde_json::from_slice(&reply.into_body().unwrap()).unwrap();
    let quadruple = &document["result"]["methods"][1];
    assert_eq!(quadruple["name"], json!("quadruple"));
    assert!(
        quadruple["summary"]
            .as_str()
            .unwrap()
            .contains("no self-description"),
        "{quadruple}"
    );
}

#[test]
fn a_method_name_may_differ_from_its_component_id() {
    let service = Service {
        registry: MethodRegistry::new([Function {
            method: "math.double".into(),
            component: "double".into(),
        }])
        .unwrap(),
        ..service()
    };
    let transport = InProcess::default();
    let answer = |body: &str| -> Value {
        let reply = block_on(service.answer(body.as_bytes(), &transport));
        serde_json::from_slice(&reply.into_body().expect("an answer")).expect("JSON")
    };
    let by_method = answer(r#"{"jsonrpc":"2.0","method":"math.double","params":[4],"id":1}"#);
    assert_eq!(by_method["result"], json!(8));
    let by_component = answer(r#"{"jsonrpc":"2.0","method":"double","params":[4],"id":1}"#);
    assert_eq!(by_component["error"]["code"], json!(-32601));
    let echo = answer(
        r#"{"jsonrpc":"2.0","method":"echo","params":{"Service Name":"s","Type":"Execution","Execution":{"FunctionName":"math.double","Argument":"5"}},"id":2}"#,
    );
    assert_eq!(echo["result"], json!({"Result": 10}));
    let document = answer(r#"{"jsonrpc":"2.0","method":"rpc.discover","id":3}"#);
    assert_eq!(
        document["result"]["methods"][0]["name"],
        json!("math.double")
    );
    assert_eq!(
        transport
            .sent
            .borrow()
            .iter()
            .map(|(to, _)| to.as_str())
            .collect::<Vec<_>>(),
        ["double", "double"],
        "calls go to the component"
    );
}
