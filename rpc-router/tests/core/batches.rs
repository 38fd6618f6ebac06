//! How the calls of a batch travel: one request per function, or one per
//! call without grouping; a failing group sent again call by call, but not
//! one that timed out; never more than a few requests in flight at once;
//! and a batch over its limit refused whole.

use crate::in_process::*;
use futures::executor::block_on;
use rpc_registry::{Function, MethodRegistry};
use rpc_router::dispatch::{Grouping, TransportError};
use rpc_router::limits::Limits;
use rpc_router::service::Service;
use rpc_router::settings::Settings;
use serde_json::{json, Value};
use std::time::Duration;

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
    let reply = block_on(service.answer(
        &Access::default(),
        Value::Array(calls).to_string().as_bytes(),
        &transport,
    ))
    .reply;
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
    let maybe = Settings::read(|name| match name {
        "group_calls" => Ok("maybe".to_owned()),
        _ => Err(std::env::VarError::NotPresent),
    })
    .unwrap();
    assert!(maybe.value(&rpc_router::settings::GROUP_CALLS).is_err());
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
fn a_few_requests_are_in_flight_at_once_resent_calls_included() {
    let calls = |method: &str| -> Vec<Value> {
        (0..20)
            .map(|i| json!({"jsonrpc": "2.0", "method": method, "params": [i + 10], "id": i}))
            .collect()
    };
    let parallel = 3;
    for (grouping, poison) in [
        // 20 requests of one call each.
        (Grouping::PerCall, None),
        // One list request per function that fails (its calls hold "13"),
        // then 20 requests of one call each.
        (
            Grouping::PerFunction,
            Some(("13", TransportError::Status(500))),
        ),
    ] {
        let failing = poison.is_some();
        let transport = InProcess {
            poison,
            ..Default::default()
        };
        let service = Service {
            grouping,
            limits: Limits {
                max_parallel_requests: parallel,
                ..Limits::default()
            },
            ..service()
        };
        let mut batch = calls("double");
        batch.extend(calls("triple"));
        let reply = block_on(service.answer(
            &Access::default(),
            Value::Array(batch).to_string().as_bytes(),
            &transport,
        ))
        .reply;
        let value: Value = serde_json::from_slice(&reply.into_body().unwrap()).unwrap();
        let answered = value.as_array().unwrap();
        assert_eq!(answered.len(), 40, "every call is answered");
        assert_eq!(answered[0]["result"], json!(20), "{grouping:?}");
        assert_eq!(answered[3]["error"]["code"].as_i64().is_some(), failing);
        assert_eq!(answered[39]["result"], json!(87));
        assert_eq!(
            transport.most_in_flight.get(),
            parallel,
            "{grouping:?}: at most max_parallel_requests in flight, and that many"
        );
    }
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
    let reply = block_on(service.answer(&Access::default(), body.as_bytes(), &transport)).reply;
    let value: Value = serde_json::from_slice(&reply.into_body().unwrap()).unwrap();
    assert_eq!(value["error"]["code"], json!(-32600));
    assert!(value["error"]["message"]
        .as_str()
        .unwrap()
        .contains("max_batch_calls"));
    assert!(transport.sent.borrow().is_empty());
}
