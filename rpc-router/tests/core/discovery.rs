//! `rpc.discover` through the router's core: every deployed method from its
//! own description, the router's own methods, and method names that differ
//! from their component ids.

use crate::in_process::*;
use futures::executor::block_on;
use rpc_protocol::inner::MAX_DESCRIPTION_BYTES;
use rpc_registry::{Function, MethodRegistry};
use rpc_router::builtin::discover::UNDESCRIBED;
use rpc_router::dispatch::AnswerBytes;
use rpc_router::service::Service;
use serde_json::{json, Value};

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
    assert_eq!(
        names,
        ["double", "triple", "divide", "echo", "rpc.discover"]
    );
    let described: Value = serde_json::from_slice(&FUNCTIONS[0].1.describe()).unwrap();
    assert_eq!(
        document["methods"][0], described,
        "double as it describes itself"
    );
    assert_eq!(document["methods"][0]["params"][0]["name"], json!("x"));
    assert_eq!(
        document["methods"][3]["params"][2]["schema"]["properties"]["FunctionName"]["enum"],
        json!(["double", "triple", "divide"])
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
        &Access::default(),
        br#"{"jsonrpc": "2.0", "method": "rpc.discover", "id": 1}"#,
        &InProcess::default(),
    ))
    .reply;
    let document: Value = serde_json::from_slice(&reply.into_body().unwrap()).unwrap();
    let quadruple = &document["result"]["methods"][1];
    assert_eq!(quadruple["name"], json!("quadruple"));
    assert_eq!(quadruple["summary"], json!(UNDESCRIBED), "{quadruple}");
    let why = quadruple["description"].as_str().unwrap();
    assert!(why.starts_with("It could not describe itself: "), "{why}");
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
        let reply = block_on(service.answer(&Access::default(), body.as_bytes(), &transport)).reply;
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

/// `double`'s entry in the document, with `transport` describing functions.
fn described_double(transport: &InProcess) -> Value {
    let reply = block_on(service().answer(
        &Access::default(),
        br#"{"jsonrpc": "2.0", "method": "rpc.discover", "id": 1}"#,
        transport,
    ))
    .reply;
    let document: Value = serde_json::from_slice(&reply.into_body().unwrap()).unwrap();
    document["result"]["methods"][0].clone()
}

#[test]
fn a_description_too_long_or_of_the_wrong_types_is_listed_as_undescribed() {
    let mut long = serde_json::to_vec(&json!({
        "name": "double",
        "summary": "x".repeat(MAX_DESCRIPTION_BYTES),
        "params": [],
        "result": {"name": "r", "schema": {}},
    }))
    .unwrap();
    long.truncate(MAX_DESCRIPTION_BYTES + 1);
    let ill_typed = json!({
        "name": "double",
        "summary": {"not": "text"},
        "params": [],
        "result": {"name": "r", "schema": {}},
    });
    for (description, why) in [
        (long, "its description is over the 65536 bytes"),
        (
            ill_typed.to_string().into_bytes(),
            "its description is not an OpenRPC method object: its summary is not text",
        ),
    ] {
        let transport = InProcess {
            described_as: Some(("double", description)),
            ..InProcess::default()
        };
        let double = described_double(&transport);
        assert_eq!(double["name"], json!("double"));
        assert_eq!(double["summary"], json!(UNDESCRIBED), "{double}");
        let description = double["description"].as_str().unwrap();
        assert!(description.contains(why), "{description}");
    }
}

#[test]
fn every_copy_of_the_document_counts_against_the_answers_allowance() {
    let one = call(r#"{"jsonrpc": "2.0", "method": "rpc.discover", "id": 0}"#);
    let document_bytes = serde_json::to_string(&one["result"]).unwrap().len();
    // Room for two copies and a half: the third and the fourth get -32004,
    // in their places; a call of a function is still answered.
    let transport = InProcess {
        answer_bytes: AnswerBytes::new(document_bytes * 5 / 2),
        ..InProcess::default()
    };
    let discover = |id: i64| json!({"jsonrpc": "2.0", "method": "rpc.discover", "id": id});
    let batch = json!([discover(1), discover(2), discover(3), {"jsonrpc": "2.0", "method": "double", "params": [2], "id": 4}, discover(5)]);
    let (status, value, _) = call_with(&transport, &batch.to_string());
    assert_eq!(status, 200);
    let responses = value.unwrap();
    let outcomes: Vec<Value> = responses
        .as_array()
        .unwrap()
        .iter()
        .map(|response| match &response["error"] {
            Value::Null => json!(response["result"].is_object() || response["result"] == json!(4)),
            error => error["code"].clone(),
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            json!(true),
            json!(true),
            json!(-32004),
            json!(true),
            json!(-32004)
        ]
    );
    let message = responses[2]["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("rpc.discover's document") && message.contains("max_answer_bytes"),
        "{message}"
    );
}
