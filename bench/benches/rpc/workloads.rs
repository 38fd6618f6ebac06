//! The request each target gets and what its answer must mean; the answer
//! itself, checked byte for byte under load, is taken from one probe.

use bench::entries::{Request, Target};
use bench::load::Workload;
use bench::targets::BENCH_TOKEN;
use bytes::Bytes;
use harness::Server;
use serde_json::{json, Value};

/// The body of `request` and what its answer means (as JSON).
pub fn call(request: Request) -> (Value, Value) {
    match request {
        Request::SingleCall => (
            json!({"jsonrpc": "2.0", "method": "double", "params": [21], "id": 1}),
            json!({"jsonrpc": "2.0", "result": 42, "id": 1}),
        ),
        Request::BatchOf100 => batch_of_100(),
        Request::UnknownMethod => (
            json!({"jsonrpc": "2.0", "method": "nothing", "params": [21], "id": 1}),
            json!({"jsonrpc": "2.0", "id": 1,
                "error": {"code": -32601, "message": "Method not found: \"nothing\""}}),
        ),
        Request::Sequence(language) => (
            json!({"jsonrpc": "2.0", "method": language.method, "id": 1,
                "params": {"kind": "fibonacci", "count": 10}}),
            json!({"jsonrpc": "2.0", "id": 1,
                "result": {"kind": "fibonacci", "terms": [0, 1, 1, 2, 3, 5, 8, 13, 21, 34], "sum": 88}}),
        ),
        Request::Number => (json!(21), json!(42)),
        Request::InnerCall => (json!({"params": [21]}), json!({"result": 42})),
    }
}

/// 100 calls, `double` and `triple` in turn, and their answers.
fn batch_of_100() -> (Value, Value) {
    let method = |i: i64| if i % 2 == 0 { "double" } else { "triple" };
    let factor = |i: i64| if i % 2 == 0 { 2 } else { 3 };
    let calls = (0..100)
        .map(|i| json!({"jsonrpc": "2.0", "method": method(i), "params": [i], "id": i}))
        .collect();
    let answers = (0..100)
        .map(|i| json!({"jsonrpc": "2.0", "result": i * factor(i), "id": i}))
        .collect();
    (Value::Array(calls), Value::Array(answers))
}

/// What `target` sends to `server`, with the answer of one probe request
/// after checking that it means what [`call`] says.
pub fn probed(server: &Server, target: &Target) -> Workload {
    let (body, meaning) = call(target.request);
    let headers = headers(target);
    let mut sent: Vec<(&str, &[u8])> = vec![("content-type", b"application/json")];
    sent.extend(
        headers
            .iter()
            .map(|(name, value)| (*name, value.as_bytes())),
    );
    let body = body.to_string();
    let path = target.path;
    let answer = harness::client::raw(server.address, "POST", path, &sent, body.clone().into());
    assert_eq!(answer.status, 200, "{}: {}", target.id, answer.text());
    assert_eq!(answer.json(), meaning, "{}: the probe's answer", target.id);
    Workload {
        path: path.to_owned(),
        body: Bytes::from(body),
        expected_status: 200,
        expected: Bytes::from(answer.body),
        calls_per_request: target.request.calls(),
        headers,
    }
}

/// The benchmark's token, to an app that requires one.
fn headers(target: &Target) -> Vec<(&'static str, String)> {
    let app = target.deployment.app();
    if app.is_some_and(|app| app.token_grant.is_some()) {
        vec![("authorization", format!("Bearer {BENCH_TOKEN}"))]
    } else {
        Vec::new()
    }
}
