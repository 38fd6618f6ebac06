//! A function that misbehaves (`tests/faulty/`, registered in the test-only
//! app under the method `test.faulty`): every fault reaches the client as
//! its documented error, only the calls it carried fail, and loops on every
//! core leave the app serving.

use crate::checks::*;
use crate::{Case, Servers};
use harness::client::post;
use libtest_mimic::Failed;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// The test-only app's method for the component `faulty`.
const FAULTY: &str = "test.faulty";

pub const CASES: &[(&str, Case)] = cases![
    each_fault_of_a_function_gives_its_documented_error,
    a_fault_in_a_batch_fails_only_its_own_calls,
    loops_on_every_core_leave_the_app_serving,
];

/// `faulty` misbehaves for these arguments (see tests/faulty/src/lib.rs):
/// the error code the client must get, and words its message must hold.
/// Its endless loop (1002) spends its small work budget and traps, well
/// before the router's call_timeout_ms: a timeout there would mean a guest
/// still running, holding a worker thread on Spin.
const FAULTS: [(i64, i64, &str); 6] = [
    (1001, -32000, "HTTP 500"),
    (1002, -32000, "work budget"),
    (1003, -32001, "call_timeout_ms"),
    (1004, -32004, "max_answer_bytes"),
    (1005, -32002, "not an inner outcome"),
    (1006, -32000, "HTTP 503"),
];

fn each_fault_of_a_function_gives_its_documented_error(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.faults;
    for (x, code, words) in FAULTS {
        let reply = json_reply(&rpc(server, &call(FAULTY, json!([x]), json!(x))))?;
        expect_eq(error_code(&reply), Some(code), &format!("faulty({x})"))?;
        let message = error_message(&reply);
        check(
            message.contains("\"faulty\"") && message.contains(words),
            || format!("faulty({x}): {message}"),
        )?;
        still_serving(server)?;
    }
    let reply = json_reply(&rpc(server, &call(FAULTY, json!([41]), json!(1))))?;
    expect_eq(reply["result"].clone(), json!(41), "faulty without a fault")
}

/// A list-form request that fails as a whole is sent again call by call, so
/// only the faulty call fails; but one that timed out is not (the request's
/// one deadline has passed): every call it carried gets the timeout. The
/// functions' requests go out one at a time (`max_parallel_requests`), in
/// the order of their first call, so `double` and `triple`, first in the
/// batch, are answered whatever `faulty` does after them.
fn a_fault_in_a_batch_fails_only_its_own_calls(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.faults;
    for (fault, code, _) in FAULTS {
        let timed_out = code == -32001;
        let shared = |outcome: Value| if timed_out { json!(code) } else { outcome };
        let batch = json!([
            call("double", json!([2]), json!(0)),
            call("triple", json!([3]), json!(1)),
            call(FAULTY, json!([7]), json!(2)),
            call(FAULTY, json!([fault]), json!(3)),
            call(FAULTY, json!(["8"]), json!(4)),
            {"jsonrpc": "2.0", "method": FAULTY, "params": [9]},
            call(FAULTY, json!([1.5]), json!(5)),
        ]);
        let reply = json_reply(&rpc(server, &batch))?;
        let outcomes: Vec<Value> = responses(&reply)?.iter().map(outcome).collect();
        expect_eq(
            outcomes,
            vec![
                json!(4),
                json!(9),
                shared(json!(7)),
                json!(code),
                shared(json!(8)),
                shared(json!(-32602)),
            ],
            &format!("a batch with faulty({fault})"),
        )?;
    }
    still_serving(server)
}

/// As many endless loops as the machine has cores, and more: on Spin each
/// running guest holds a worker thread, so without a work budget nothing
/// would answer again. With it, each loop traps once its budget is spent,
/// and `double` answers within about the time of one loop, plus a second.
fn loops_on_every_core_leave_the_app_serving(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.faults;
    let looping = call(FAULTY, json!([1002]), json!("loop"));
    let started = Instant::now();
    let reply = json_reply(&rpc(server, &looping))?;
    expect_eq(error_code(&reply), Some(-32000), "one loop")?;
    let one_loop = started.elapsed();

    let loops: Vec<_> = (0..4)
        .map(|_| {
            let (url, body) = (server.url("/rpc"), looping.to_string());
            std::thread::spawn(move || post(&url, body))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(20)); // the loops are under way
    let started = Instant::now();
    let reply = json_reply(&rpc(server, &call("double", json!([2]), json!(1))))?;
    let answered = started.elapsed();
    expect_eq(
        reply["result"].clone(),
        json!(4),
        "double(2) beside 4 loops",
    )?;
    check(answered <= one_loop + Duration::from_secs(1), || {
        format!("double(2) took {answered:?} beside 4 loops (one loop: {one_loop:?})")
    })?;
    for handle in loops {
        let answer = handle
            .join()
            .map_err(|_| "a looping call's thread panicked")?;
        expect_eq(error_code(&json_reply(&answer)?), Some(-32000), "each loop")?;
    }
    still_serving(server)
}
