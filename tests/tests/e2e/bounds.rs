//! Every resource a function or one request can take is bounded, at the
//! default budgets (`hog`, registered in the test-only app as `test.hog`,
//! is built like every function): a loop of bulk memory work traps like a
//! plain loop, memory stops at the function's maximum, one request keeps a
//! few function requests in flight within one deadline, and a router that
//! cannot read its configuration serves nothing.

use crate::checks::*;
use crate::{Case, Servers};
use harness::client::{post, request};
use harness::Server;
use libtest_mimic::Failed;
use serde_json::{json, Value};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use work_budget::DEFAULT_MAX_MEMORY;

pub const CASES: &[(&str, Case)] = cases![
    a_loop_of_bulk_fills_traps_well_before_the_deadline,
    memory_stops_at_the_functions_maximum,
    a_batch_that_spends_every_budget_leaves_others_served,
    a_configuration_that_cannot_be_read_serves_nothing,
];

/// The test-only app's method for the component `hog`.
const HOG: &str = "test.hog";

/// The `hogs` server's cases run one at a time: each measures time or
/// memory that another's load would distort.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// `call_timeout_ms` of the `hogs` server: the app's default.
const DEADLINE: Duration = Duration::from_secs(5);

fn a_loop_of_bulk_fills_traps_well_before_the_deadline(servers: &Servers) -> Result<(), Failed> {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let server = &servers.hogs;
    let started = Instant::now();
    let reply = json_reply(&rpc(server, &call(HOG, json!([2001]), json!("fill"))))?;
    let took = started.elapsed();
    expect_eq(error_code(&reply), Some(-32000), "a loop of 16 MiB fills")?;
    check(took < DEADLINE / 2, || {
        format!("the loop of fills trapped after {took:?}, not well before {DEADLINE:?}")
    })?;
    still_serving(server)
}

fn memory_stops_at_the_functions_maximum(servers: &Servers) -> Result<(), Failed> {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let server = &servers.hogs;
    let allocate = call(HOG, json!([2002]), json!("1 GiB"));
    let reply = json_reply(&rpc(server, &allocate))?;
    expect_eq(error_code(&reply), Some(-32000), "allocating 1 GiB")?;

    // What the server holds before, then the most it held during the calls:
    // each may take its function's maximum, and no more.
    server.reset_peak_rss();
    let before = server.peak_rss_mib();
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let (url, body) = (server.url("/rpc"), allocate.to_string());
            std::thread::spawn(move || post(&url, body))
        })
        .collect();
    for handle in calls {
        let answer = handle.join().map_err(|_| "a call's thread panicked")?;
        expect_eq(
            error_code(&json_reply(&answer)?),
            Some(-32000),
            "each 1 GiB",
        )?;
    }
    let grown = server.peak_rss_mib() - before;
    let bound = 4.0 * (DEFAULT_MAX_MEMORY >> 20) as f64 + 128.0;
    check(grown < bound, || {
        format!(
            "4 calls allocating 1 GiB: the server grew by {grown:.0} MiB from {before:.0} MiB, \
             over {bound} MiB"
        )
    })?;
    still_serving(server)
}

/// A batch of `max_batch_calls` (100) calls that each spend their whole
/// budget: the router re-sends the failed list call by call, a few at a
/// time, until its deadline. Meanwhile another client is served, and the
/// batch is answered in order soon after the deadline.
fn a_batch_that_spends_every_budget_leaves_others_served(servers: &Servers) -> Result<(), Failed> {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let server = &servers.hogs;
    let batch: Vec<Value> = (0..100)
        .map(|id| call(HOG, json!([2003]), json!(id)))
        .collect();
    let (url, body) = (server.url("/rpc"), Value::Array(batch).to_string());
    let started = Instant::now();
    let batch = std::thread::spawn(move || post(&url, body));
    std::thread::sleep(Duration::from_millis(100)); // the batch is under way

    let mut slowest = Duration::ZERO;
    let mut served = 0;
    while !batch.is_finished() && started.elapsed() < DEADLINE {
        let asked = Instant::now();
        let reply = json_reply(&rpc(server, &call("double", json!([served]), json!(1))))?;
        slowest = slowest.max(asked.elapsed());
        expect_eq(
            reply["result"].clone(),
            json!(2 * served),
            "double beside the batch",
        )?;
        served += 1;
        std::thread::sleep(Duration::from_millis(100));
    }
    let answer = batch.join().map_err(|_| "the batch's thread panicked")?;
    let took = started.elapsed();
    check(served >= 3 && slowest < Duration::from_millis(1500), || {
        format!("beside the batch, {served} calls of double, the slowest in {slowest:?}")
    })?;
    check(took < DEADLINE + Duration::from_secs(3), || {
        format!("the batch was answered after {took:?}, its deadline {DEADLINE:?}")
    })?;
    let reply = json_reply(&answer)?;
    let responses = responses(&reply)?;
    expect_eq(responses.len(), 100, "responses")?;
    for (id, response) in responses.iter().enumerate() {
        expect_eq(response["id"].clone(), json!(id), "the batch's order")?;
        let code = error_code(response);
        check(code == Some(-32000) || code == Some(-32001), || {
            format!("call {id}: {response}")
        })?;
    }
    still_serving(server)
}

/// A `tokens` variable the variables provider fails to read (an
/// environment value that is not UTF-8), or one the router does not have:
/// every call is refused with HTTP 500 naming the variable, and `/health`
/// answers 503, so that readiness takes the replica out of service.
fn a_configuration_that_cannot_be_read_serves_nothing(servers: &Servers) -> Result<(), Failed> {
    for server in [&servers.unreadable, &servers.unconfigured] {
        refuses_everything(server)?;
    }
    Ok(())
}

fn refuses_everything(server: &Server) -> Result<(), Failed> {
    let what = &server.name;
    for body in [
        call("triple", json!([1]), json!(1)),
        json!([call("double", json!([1]), json!(1))]),
        call("rpc.discover", json!([]), json!(1)),
    ] {
        let answer = rpc(server, &body);
        expect_eq(answer.status, 500, &format!("{what}: status of {body}"))?;
        let reply = answer.json();
        expect_eq(error_code(&reply), Some(-32603), what)?;
        let message = error_message(&reply);
        check(message.contains("variable tokens"), || {
            format!("{what}: {message}")
        })?;
        check(!message.contains("secret-token"), || {
            format!("{what}: a value in {message}")
        })?;
        check(reply.get("result").is_none(), || format!("{what}: {reply}"))?;
    }
    let health = request("GET", &server.url("/health"));
    expect_eq(health.status, 503, &format!("{what}: /health"))
}
