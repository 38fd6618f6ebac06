//! A token's rate limit: its calls counted by the real counting (its store in
//! memory), the first ones within the limit run in order, the rest refused
//! with when to retry; a request refused whole says so in its status; a
//! store that fails lets nothing run.

use crate::in_process::*;
use futures::executor::block_on;
use rpc_router::rate_limit::{Limited, RateLimit};
use rpc_router::reply::Reply;
use serde_json::{json, Value};
use std::time::Duration;

/// 10 s into a window of 60 s.
const START_MS: u64 = 1_800_000_010_000;

/// A token limited to `calls` a minute, with every method in its scope.
fn limited_to(calls: u64) -> Access {
    let limit = RateLimit {
        calls,
        window: Duration::from_secs(60),
    };
    Access {
        limited: Some(Limited {
            limit,
            key: "0123456789abcdef0123456789abcdef".into(),
        }),
        ..Access::default()
    }
}

fn transport() -> InProcess {
    let transport = InProcess::default();
    transport.now_ms.set(START_MS);
    transport
}

/// The reply, its body as JSON (if any), and the functions sent to.
fn answer(access: &Access, transport: &InProcess, body: Value) -> (Reply, Option<Value>) {
    let body = body.to_string();
    let mut reply = block_on(service().answer(access, body.as_bytes(), transport)).reply;
    let value = match &mut reply {
        Reply::Json(body)
        | Reply::Throttled {
            body: Some(body), ..
        } => Some(serde_json::from_slice(body).expect("JSON")),
        _ => None,
    };
    (reply, value)
}

fn double(id: i64) -> Value {
    json!({"jsonrpc": "2.0", "method": "double", "params": [id], "id": id})
}

fn functions_sent(transport: &InProcess) -> Vec<String> {
    let sent = transport.sent.borrow();
    sent.iter().map(|(function, _)| function.clone()).collect()
}

#[test]
fn calls_run_up_to_the_limit_then_are_refused_with_when_to_retry() {
    let (token, transport) = (limited_to(2), transport());
    for id in [1, 2] {
        let (reply, value) = answer(&token, &transport, double(id));
        assert_eq!(reply.status(), 200);
        assert_eq!(value.unwrap()["result"], json!(id * 2));
    }
    let (reply, value) = answer(&token, &transport, double(3));
    assert_eq!(reply.status(), 429);
    assert!(reply.headers().contains(&("retry-after", "50".to_owned())));
    let error = &value.unwrap()["error"];
    assert_eq!(error["code"], json!(-32007));
    assert_eq!(error["data"], json!({"retry_after_ms": 50_000}));
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("Rate limit exceeded"),
        "{error}"
    );
    // The window's end lets the token in again.
    transport.now_ms.set(START_MS + 50_000);
    let (reply, _) = answer(&token, &transport, double(4));
    assert_eq!(reply.status(), 200);
}

#[test]
fn a_batch_straddling_the_limit_runs_its_first_calls_and_answers_all_in_order() {
    let (token, transport) = (limited_to(2), transport());
    let notification = json!({"jsonrpc": "2.0", "method": "triple", "params": [1]});
    let batch = json!([double(1), notification, double(2), double(3)]);
    let (reply, value) = answer(&token, &transport, batch);
    assert_eq!(reply.status(), 200);
    let codes: Vec<Value> = value
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|response| {
            response
                .get("result")
                .cloned()
                .unwrap_or(response["error"]["code"].clone())
        })
        .collect();
    // The notification was the second call: it ran, and `double(2)` did not.
    assert_eq!(codes, [json!(2), json!(-32007), json!(-32007)]);
    assert_eq!(
        functions_sent(&transport),
        ["key-value store", "double", "triple"]
    );
}

/// (A call with bad params counts: its function is what says they are bad.)
#[test]
fn discovery_and_calls_answered_without_a_function_are_not_counted() {
    let (token, transport) = (limited_to(1), transport());
    let batch = json!([
        {"jsonrpc": "2.0", "method": "rpc.discover", "id": "d"},
        {"jsonrpc": "2.0", "method": "nothing", "id": "n"},
        {"jsonrpc": "2.0", "id": "invalid"},
    ]);
    answer(&token, &transport, batch);
    let (reply, _) = answer(&token, &transport, double(1));
    assert_eq!(reply.status(), 200, "the limit's one call is still there");
}

#[test]
fn notifications_refused_whole_get_429_and_no_body() {
    let (token, transport) = (limited_to(1), transport());
    let notify = |x: i64| json!({"jsonrpc": "2.0", "method": "double", "params": [x]});
    let (reply, _) = answer(&token, &transport, notify(1));
    assert_eq!(reply, Reply::NoContent);
    let (reply, value) = answer(&token, &transport, json!([notify(2), notify(3)]));
    assert_eq!((reply.status(), value), (429, None));
}

#[test]
fn a_store_that_fails_runs_nothing_and_answers_503_naming_it_in_its_own_words() {
    let transport = InProcess {
        store_fails: Some("connection to redis://:hunter2@10.0.0.7 refused"),
        ..transport()
    };
    let token = limited_to(100);
    let (reply, value) = answer(&token, &transport, json!([double(1), double(2)]));
    assert_eq!(reply.status(), 503);
    for response in value.unwrap().as_array().unwrap() {
        let message = response["error"]["message"].as_str().unwrap();
        assert_eq!(response["error"]["code"], json!(-32603));
        assert_eq!(
            message,
            "Internal error: the rate limit could not be counted: \
             key-value store \"default\" failed (the rate limiter's log says how)"
        );
    }
    assert_eq!(functions_sent(&transport), ["key-value store"]);
}

#[test]
fn an_unlimited_token_never_touches_the_store() {
    let transport = transport();
    let (reply, _) = answer(
        &Access::default(),
        &transport,
        json!([double(1), double(2)]),
    );
    assert_eq!(reply.status(), 200);
    assert_eq!(functions_sent(&transport), ["double"]);
}
