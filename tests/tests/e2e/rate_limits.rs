//! Rate limits per token: the `limited` server is the shipped app with
//! [`tokens_variable`]'s limits, counting in its default key-value store (a
//! fresh state directory: it starts empty). A store that fails, and two
//! replicas sharing one Redis, get servers of their own.

use crate::checks::*;
use crate::{Case, Servers};
use harness::client::{raw, Answer};
use harness::redis::{Redis, SlowLink};
use harness::{manifest_path, target_dir, Server};
use libtest_mimic::Failed;
use serde_json::{json, Value};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const CASES: &[(&str, Case)] = cases![
    a_limited_token_gets_its_calls_then_429_with_when_to_retry,
    a_batch_straddling_the_limit_gets_both_answers_in_order,
    after_the_window_the_token_is_served_again,
    discovery_and_the_open_routes_are_never_limited,
    a_store_that_fails_refuses_the_limited_token_with_503,
    a_store_that_stops_is_answered_503_by_the_deadline,
    two_replicas_on_one_redis_share_one_count,
    a_replica_that_counts_late_never_restarts_a_window,
];

/// Windows of a day where a case counts exactly: one never ends during it
/// (but once in some 10^5 runs).
const METERED: &str = "metered-7Hq";
const NEIGHBOUR: &str = "neighbour-2Wd";
const BATCHED: &str = "batched-9Ks";
/// Two calls per 2 s: a case waits for the window's end.
const SHORT_WINDOW: &str = "short-window-4Tz";
const UNLIMITED: &str = "unlimited-5Mn";

/// The `tokens` variable of the `limited` server.
pub fn tokens_variable() -> String {
    format!(
        "{METERED}@3/24h {NEIGHBOUR}@3/24h {BATCHED}:double@3/24h {SHORT_WINDOW}@2/2s {UNLIMITED}"
    )
}

fn post_as(server: &Server, token: &str, body: &Value) -> Answer {
    post_with_id(server, token, body, None)
}

/// [`post_as`], with an `x-request-id` to find its call log line by.
fn post_with_id(server: &Server, token: &str, body: &Value, request_id: Option<&str>) -> Answer {
    let authorization = format!("Bearer {token}");
    let mut headers = vec![
        ("content-type", &b"application/json"[..]),
        ("authorization", authorization.as_bytes()),
    ];
    headers.extend(request_id.map(|id| ("x-request-id", id.as_bytes())));
    let body = body.to_string().into_bytes();
    raw(server.address, "POST", "/rpc", &headers, body)
}

fn double(x: i64) -> Value {
    call("double", json!([x]), json!(x))
}

/// A 429 whose `Retry-After` and every response's `data` say when to retry:
/// the milliseconds the responses say.
fn expect_rate_limited(answer: &Answer, what: &str) -> Result<u64, Failed> {
    expect_eq(answer.status, 429, what)?;
    let retry_after = answer.header("retry-after").unwrap_or_default();
    let seconds: u64 = retry_after
        .parse()
        .map_err(|_| format!("{what}: Retry-After {retry_after:?}"))?;
    let body = answer.json();
    let responses = match &body {
        Value::Array(responses) => responses.clone(),
        response => vec![response.clone()],
    };
    let mut retry_after_ms = 0;
    for response in &responses {
        expect_eq(error_code(response), Some(-32007), what)?;
        check(
            error_message(response).starts_with("Rate limit exceeded"),
            || format!("{what}: {response}"),
        )?;
        retry_after_ms = response["error"]["data"]["retry_after_ms"]
            .as_u64()
            .ok_or_else(|| format!("{what}: no retry_after_ms in {response}"))?;
    }
    check(seconds * 1000 >= retry_after_ms && seconds >= 1, || {
        format!("{what}: Retry-After {seconds} s for {retry_after_ms} ms")
    })?;
    Ok(retry_after_ms)
}

fn a_limited_token_gets_its_calls_then_429_with_when_to_retry(
    servers: &Servers,
) -> Result<(), Failed> {
    let server = &servers.limited;
    for x in 1..=3 {
        let reply = json_reply(&post_as(server, METERED, &double(x)))?;
        expect_eq(
            reply["result"].clone(),
            json!(2 * x),
            "a call within the limit",
        )?;
    }
    let refused = post_with_id(server, METERED, &double(4), Some("over-the-limit-4"));
    expect_rate_limited(&refused, "the fourth call of three a day")?;
    expect_eq(
        refused.json()["id"].clone(),
        json!(4),
        "the refused call's id",
    )?;
    let line = crate::public::log_line(server, "over-the-limit-4")?;
    expect_eq(line["status"].clone(), json!(429), "the call log's status")?;
    let record =
        json!([{"method": "double", "function": null, "outcome": -32007, "count": 1, "us": 0}]);
    expect_eq(
        line["calls"].clone(),
        record,
        "the call log's record of the call",
    )?;
    // A notification over the limit is dropped, and the status says so.
    let notification = json!({"jsonrpc": "2.0", "method": "double", "params": [5]});
    let dropped = post_as(server, METERED, &notification);
    expect_eq(
        (dropped.status, dropped.body.len()),
        (429, 0),
        "a notification over the limit",
    )?;
    // Another token counts apart, and an unlimited one is never counted.
    let reply = json_reply(&post_as(server, NEIGHBOUR, &double(6)))?;
    expect_eq(reply["result"].clone(), json!(12), "another token")?;
    for x in 0..10 {
        json_reply(&post_as(server, UNLIMITED, &double(x)))?;
    }
    Ok(())
}

fn a_batch_straddling_the_limit_gets_both_answers_in_order(
    servers: &Servers,
) -> Result<(), Failed> {
    let server = &servers.limited;
    let batch: Vec<Value> = (1..=5).map(double).collect();
    let reply = json_reply(&post_as(server, BATCHED, &Value::Array(batch)))?;
    let outcomes: Vec<Value> = responses(&reply)?.iter().map(outcome).collect();
    expect_eq(
        outcomes,
        vec![json!(2), json!(4), json!(6), json!(-32007), json!(-32007)],
        "a batch of five, three a day",
    )?;
    let ids: Vec<Value> = responses(&reply)?.iter().map(|r| r["id"].clone()).collect();
    expect_eq(ids, (1..=5).map(|x| json!(x)).collect(), "in order")?;
    // A batch all of whose calls are refused is refused whole; a call
    // outside the token's scope never counts, nor runs.
    let refused = post_as(server, BATCHED, &json!([double(6), double(7)]));
    expect_rate_limited(&refused, "a batch over the limit")?;
    let outside = post_as(
        server,
        BATCHED,
        &json!([double(8), call("triple", json!([1]), json!(9))]),
    );
    let reply = json_reply(&outside)?;
    let outcomes: Vec<Value> = responses(&reply)?.iter().map(outcome).collect();
    expect_eq(
        outcomes,
        vec![json!(-32007), json!(-32006)],
        "refused and out of scope",
    )
}

fn after_the_window_the_token_is_served_again(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.limited;
    // Two calls per 2 s: the third of a window is refused (a window may
    // end between two calls, so up to five are sent).
    let mut wait = None;
    for x in 0..5 {
        let answer = post_as(server, SHORT_WINDOW, &double(x));
        if answer.status != 200 {
            wait = Some(expect_rate_limited(&answer, "over two calls per 2 s")?);
            break;
        }
    }
    let wait = wait.ok_or("five calls in a row within two per 2 s")?;
    check(wait <= 2000, || {
        format!("retry after {wait} ms in a window of 2 s")
    })?;
    std::thread::sleep(Duration::from_millis(wait + 100));
    let reply = json_reply(&post_as(server, SHORT_WINDOW, &double(21)))?;
    expect_eq(reply["result"].clone(), json!(42), "the next window's call")
}

fn discovery_and_the_open_routes_are_never_limited(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.limited;
    for _ in 0..3 {
        let discover = call("rpc.discover", json!([]), json!("d"));
        let reply = json_reply(&post_as(server, SHORT_WINDOW, &discover))?;
        check(reply["result"]["methods"].is_array(), || reply.to_string())?;
    }
    for path in ["/health", "/"] {
        for _ in 0..3 {
            let answer = raw(server.address, "GET", path, &[], Vec::new());
            expect_eq(answer.status, 200, path)?;
        }
    }
    Ok(())
}

fn a_store_that_fails_refuses_the_limited_token_with_503(servers: &Servers) -> Result<(), Failed> {
    // A SQLite "file" that is a directory: the store cannot be opened.
    let dir = target_dir().join("e2e-store-is-a-directory");
    std::fs::create_dir_all(&dir)?;
    let config = target_dir().join("e2e-broken-store.toml");
    let store = format!(
        "[key_value_store.default]\ntype = \"spin\"\npath = {:?}\n",
        dir.display().to_string()
    );
    std::fs::write(&config, store)?;
    let tokens = format!("{METERED}@100/h {UNLIMITED}");
    let environment = [("SPIN_VARIABLE_TOKENS", tokens.as_str())];
    let mut server = Server::start_with_runtime_config(
        &servers.runtime,
        &manifest_path(),
        &[],
        &environment,
        &config,
    );
    let refused = post_as(&server, METERED, &double(1));
    expect_eq(
        refused.status,
        503,
        "a limited token's call, its store failing",
    )?;
    expect_store_failed(&refused.json(), &dir.display().to_string())?;
    let reply = json_reply(&post_as(&server, UNLIMITED, &double(2)))?;
    expect_eq(
        reply["result"].clone(),
        json!(4),
        "an unlimited token needs no store",
    )?;
    Ok(server.stop()?)
}

/// A `-32603` for a store that failed: it names the store, in the router's
/// words, never the store's own (`secret`: what only the store's words hold,
/// its address or path).
fn expect_store_failed(response: &Value, secret: &str) -> Result<(), Failed> {
    expect_eq(error_code(response), Some(-32603), "the error")?;
    let message = error_message(response);
    check(
        message.starts_with("Internal error: the rate limit could not be counted")
            && message.contains("store \"default\"")
            && !message.contains(secret),
        || format!("the error names the store, in the router's words only: {message}"),
    )
}

fn a_store_that_stops_is_answered_503_by_the_deadline(servers: &Servers) -> Result<(), Failed> {
    let mut redis = Redis::start();
    let tokens = format!("{METERED}@100/h {UNLIMITED}");
    let mut server = Server::start_with_runtime_config(
        &servers.runtime,
        &manifest_path(),
        &[("call_timeout_ms", "2000")],
        &[("SPIN_VARIABLE_TOKENS", tokens.as_str())],
        &redis.runtime_config(),
    );
    json_reply(&post_as(&server, METERED, &double(1)))?;
    redis.server.stop()?;
    // Spin's Redis store holds each operation while it reconnects (for
    // minutes): the router answers at the request's deadline anyway, every
    // time, and serves the tokens that need no store meanwhile.
    for x in 2..4 {
        let started = Instant::now();
        let refused = post_as(&server, METERED, &double(x));
        let took = started.elapsed();
        expect_eq(refused.status, 503, "a limited call, its store stopped")?;
        expect_store_failed(&refused.json(), &redis.server.address.to_string())?;
        check(took < Duration::from_millis(3500), || {
            format!("answered {took:?} after it was sent: not by its deadline of 2 s")
        })?;
        let started = Instant::now();
        let reply = json_reply(&post_as(&server, UNLIMITED, &double(x)))?;
        expect_eq(reply["result"].clone(), json!(2 * x), "an unlimited token")?;
        check(started.elapsed() < Duration::from_secs(1), || {
            format!("an unlimited call took {:?}", started.elapsed())
        })?;
    }
    Ok(server.stop()?)
}

fn two_replicas_on_one_redis_share_one_count(servers: &Servers) -> Result<(), Failed> {
    let mut redis = Redis::start();
    let config = redis.runtime_config();
    let tokens = format!("{METERED}@10/24h");
    let environment = [("SPIN_VARIABLE_TOKENS", tokens.as_str())];
    let start = || {
        Server::start_with_runtime_config(
            &servers.runtime,
            &manifest_path(),
            &[],
            &environment,
            &config,
        )
    };
    let mut replicas = [start(), start()];
    // Fifteen calls on each replica at once: ten in all get through.
    let served: usize = std::thread::scope(|scope| {
        let sending: Vec<_> = replicas
            .iter()
            .map(|replica| {
                scope.spawn(move || {
                    (0..15)
                        .filter(|&x| post_as(replica, METERED, &double(x)).status == 200)
                        .count()
                })
            })
            .collect();
        sending
            .into_iter()
            .map(|thread| thread.join().unwrap_or(0))
            .sum()
    });
    expect_eq(served, 10, "calls served by two replicas, ten a day")?;
    for replica in &mut replicas {
        replica.stop()?;
    }
    Ok(redis.server.stop()?)
}

/// Two replicas on one Redis, one of them through a link that delays each
/// command by 700 ms: its counts reach the store 1.4 s after it read the
/// clock (a `PING`, then the increment), in the next window when it read
/// the clock near a window's end. Three clients on each replica call for
/// three windows of 2 s: each window lets through at most its limit, so no
/// more than 5 per window the calls spanned get through, and once all is
/// quiet the store keeps a token's last window and two records, nothing a
/// late count left behind.
fn a_replica_that_counts_late_never_restarts_a_window(servers: &Servers) -> Result<(), Failed> {
    const PACED: &str = "paced-8Lw";
    const LIMIT: usize = 5;
    const WINDOW_MS: u64 = 2000;
    let mut redis = Redis::start();
    let link = SlowLink::to(redis.server.address, Duration::from_millis(700));
    let tokens = format!("{PACED}@{LIMIT}/2s");
    let environment = [("SPIN_VARIABLE_TOKENS", tokens.as_str())];
    // A deadline past what a slow replica's opening of a window takes (nine
    // commands at most).
    let settings = [("call_timeout_ms", "10000")];
    let start = |config: &std::path::Path| {
        Server::start_with_runtime_config(
            &servers.runtime,
            &manifest_path(),
            &settings,
            &environment,
            config,
        )
    };
    let mut replicas = [
        start(&redis.runtime_config()),
        start(&redis.runtime_config_at(link.address)),
    ];
    let now_ms = || {
        let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH);
        since_epoch.map_or(0, |elapsed| elapsed.as_millis() as u64)
    };
    let first_sent = now_ms();
    let until = Instant::now() + Duration::from_millis(3 * WINDOW_MS);
    let served: usize = std::thread::scope(|scope| {
        let clients: Vec<_> = replicas
            .iter()
            .flat_map(|replica| [replica, replica, replica])
            .map(|replica| {
                scope.spawn(move || {
                    let mut served = 0;
                    while Instant::now() < until {
                        served += usize::from(post_as(replica, PACED, &double(1)).status == 200);
                    }
                    served
                })
            })
            .collect();
        clients.into_iter().map(|c| c.join().unwrap_or(0)).sum()
    });
    let windows = now_ms() / WINDOW_MS - first_sent / WINDOW_MS + 1;
    check(served <= LIMIT * windows as usize, || {
        format!("{served} calls got through in {windows} windows of {LIMIT} calls")
    })?;
    check(served >= LIMIT, || {
        format!("only {served} calls got through")
    })?;
    // A later window, once every count has landed: its first charge deletes
    // what is older than the window before it.
    std::thread::sleep(Duration::from_millis(2 * WINDOW_MS + 500));
    json_reply(&post_as(&replicas[0], PACED, &double(2)))?;
    let keys = redis.keys("rate-limit/*");
    let counts: Vec<&String> = keys
        .iter()
        .filter(|key| !key.contains("/opened/"))
        .collect();
    check(counts.len() == 1 && keys.len() <= 3, || {
        format!("the store keeps {keys:?}")
    })?;
    for replica in &mut replicas {
        replica.stop()?;
    }
    drop(link);
    Ok(redis.server.stop()?)
}
