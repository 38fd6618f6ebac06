//! A public endpoint: bearer tokens with method scopes, CORS for browser
//! clients, the call log, and the trace context passed on to functions. The
//! `guarded` server is the shipped app with [`TOKENS`] and [`ORIGIN`] set
//! through `SPIN_VARIABLE_*`; the `default` one shows each is off by default.

use crate::checks::*;
use crate::{Case, Servers};
use harness::client::{raw, request, Answer};
use harness::Server;
use libtest_mimic::Failed;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

pub const CASES: &[(&str, Case)] = cases![
    without_a_valid_token_nothing_is_read,
    a_huge_authorization_header_is_refused_by_http_and_the_next_request_is_served,
    a_token_calls_only_its_scope,
    a_token_discovers_only_its_scope,
    jsonrpsee_sends_a_bearer_token,
    the_health_route_stays_open,
    a_malformed_tokens_variable_never_opens_the_endpoint,
    cors_preflights_pass_for_the_allowed_origin_only,
    cors_calls_are_answered_by_their_origin,
    without_cors_options_is_just_another_method,
    the_call_log_has_a_line_per_request_and_nothing_it_carried,
    refused_and_early_answered_requests_are_logged_too,
    without_a_request_id_the_router_makes_one_up,
    the_trace_context_reaches_the_function,
];

/// A token limited to `double` and `echo`.
const READER: &str = "reader-6LqP";
/// A token for every method, given to the app only as its SHA-256.
const ADMIN: &str = "admin-Zt0w.x~";
pub const ORIGIN: &str = "https://app.example";

/// The `tokens` variable of the guarded server.
pub fn tokens_variable() -> String {
    let digest: String = Sha256::digest(ADMIN)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("{READER}:double,echo sha256:{digest}")
}

/// `POST /rpc` with these headers and body.
fn post_with(server: &Server, headers: &[(&str, &[u8])], body: &Value) -> Answer {
    let mut all = vec![("content-type", &b"application/json"[..])];
    all.extend_from_slice(headers);
    raw(
        server.address,
        "POST",
        "/rpc",
        &all,
        body.to_string().into_bytes(),
    )
}

fn bearer(token: &str) -> Vec<u8> {
    format!("Bearer {token}").into_bytes()
}

/// A 401 with its challenge and a JSON-RPC error body that does not echo
/// what the client sent.
fn expect_unauthorized(answer: &Answer, sent: &[u8], what: &str) -> Result<(), Failed> {
    expect_eq(answer.status, 401, what)?;
    let challenge = answer.header("www-authenticate").unwrap_or_default();
    check(challenge.starts_with("Bearer"), || {
        format!("{what}: WWW-Authenticate {challenge:?}")
    })?;
    let body = answer.json();
    expect_eq(error_code(&body), Some(-32005), what)?;
    expect_eq(body["id"].clone(), Value::Null, what)?;
    let token = String::from_utf8_lossy(sent);
    let token = token.trim_start_matches("Bearer ").trim();
    check(token.len() < 4 || !answer.text().contains(token), || {
        format!("{what}: the answer echoes the token: {}", answer.text())
    })
}

fn without_a_valid_token_nothing_is_read(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.guarded;
    let call = call("double", json!([4]), json!(1));
    let long = bearer(&"a".repeat(8 * 1024));
    let cases: [(&str, Vec<&[u8]>); 9] = [
        ("no header", vec![]),
        ("an unknown token", vec![b"Bearer not-a-token"]),
        ("a token differing in case", vec![b"Bearer READER-6LQP"]),
        (
            "the header twice",
            vec![b"Bearer reader-6LqP", b"Bearer reader-6LqP"],
        ),
        ("another scheme", vec![b"Basic cmVhZGVyLTZMcVA="]),
        ("an empty token", vec![b"Bearer "]),
        ("a non-ASCII token", vec![b"Bearer r\xc3\xa9ader-6LqP"]),
        ("a digest instead of the token", vec![b"Bearer sha256:00"]),
        ("an 8 KiB token", vec![&long]),
    ];
    for (what, values) in cases {
        let headers: Vec<(&str, &[u8])> = values.iter().map(|v| ("authorization", *v)).collect();
        let answer = post_with(server, &headers, &call);
        expect_unauthorized(&answer, values.first().copied().unwrap_or_default(), what)?;
    }
    // Nothing was parsed: even a body that is not JSON gets the 401.
    let garbage = raw(server.address, "POST", "/rpc", &[], b"{not json".to_vec());
    expect_unauthorized(&garbage, b"", "a body that is not JSON")?;
    let reply = json_reply(&post_with(
        server,
        &[("authorization", &bearer(READER))],
        &call,
    ))?;
    expect_eq(
        reply["result"].clone(),
        json!(8),
        "the reader's call afterwards",
    )
}

fn a_huge_authorization_header_is_refused_by_http_and_the_next_request_is_served(
    servers: &Servers,
) -> Result<(), Failed> {
    let server = &servers.guarded;
    let huge = bearer(&"a".repeat(600 * 1024));
    let answer = post_with(server, &[("authorization", &huge)], &json!({}));
    expect_eq(answer.status, 431, "a 600 KiB Authorization header")?;
    let call = call("double", json!([5]), json!(2));
    let reply = json_reply(&post_with(
        server,
        &[("authorization", &bearer(READER))],
        &call,
    ))?;
    expect_eq(reply["result"].clone(), json!(10), "the next request")
}

fn a_token_calls_only_its_scope(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.guarded;
    let envelope = |function: &str| {
        json!({"Service Name": "s", "Type": "Execution",
               "Execution": {"FunctionName": function, "Argument": 3}})
    };
    let batch = json!([
        call("double", json!([1]), json!(1)),
        call("triple", json!([1]), json!(2)),
        call("echo", envelope("double"), json!(3)),
        call("echo", envelope("triple"), json!(4)),
        call("divide", json!([6, 3]), json!(5)),
        call("nope", json!([]), json!(6)),
    ]);
    // The batch sent with a token: each response, and each in brief.
    let answered = |token: &str| -> Result<(Vec<Value>, Vec<Value>), Failed> {
        let reply = json_reply(&post_with(
            server,
            &[("authorization", &bearer(token))],
            &batch,
        ))?;
        let responses = responses(&reply)?.clone();
        let outcomes = responses.iter().map(outcome).collect();
        Ok((responses, outcomes))
    };
    let (reader, outcomes) = answered(READER)?;
    expect_eq(
        outcomes,
        vec![
            json!(2),
            json!(-32006),
            json!({"Result": 6}),
            json!(-32006),
            json!(-32006),
            // A token with a list of methods cannot tell a method that does
            // not exist from one it may not call.
            json!(-32006),
        ],
        "the reader's batch",
    )?;
    let refused = &reader[1];
    check(error_message(refused).contains("triple"), || {
        format!("the error names the method: {refused}")
    })?;

    let (_, outcomes) = answered(ADMIN)?;
    expect_eq(
        outcomes,
        vec![
            json!(2),
            json!(3),
            json!({"Result": 6}),
            json!({"Result": 9}),
            json!({"quotient": 2, "remainder": 0}),
            json!(-32601),
        ],
        "the admin's batch (a token given as its digest)",
    )
}

fn a_token_discovers_only_its_scope(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.guarded;
    let discover = call("rpc.discover", json!([]), json!(7));
    let listed = |token: &str| -> Result<Vec<String>, Failed> {
        let reply = json_reply(&post_with(
            server,
            &[("authorization", &bearer(token))],
            &discover,
        ))?;
        let methods = reply["result"]["methods"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        Ok(methods
            .iter()
            .filter_map(|m| m["name"].as_str().map(str::to_owned))
            .collect())
    };
    expect_eq(
        listed(READER)?,
        vec![
            "double".to_owned(),
            "echo".to_owned(),
            "rpc.discover".to_owned(),
        ],
        "what the reader discovers",
    )?;
    let all = listed(ADMIN)?;
    check(all.len() > 3 && all.contains(&"triple".to_owned()), || {
        format!("the admin discovers every method: {all:?}")
    })
}

fn jsonrpsee_sends_a_bearer_token(servers: &Servers) -> Result<(), Failed> {
    use jsonrpsee::core::client::ClientT;
    use jsonrpsee::core::params::ArrayParams;
    use jsonrpsee::http_client::{HeaderMap, HeaderValue, HttpClientBuilder};
    use jsonrpsee::rpc_params;

    let url = servers.guarded.url("/rpc");
    with_jsonrpsee(async {
        let mut headers = HeaderMap::new();
        headers.insert(
            "authorization",
            HeaderValue::from_str(&format!("Bearer {READER}"))?,
        );
        let client = HttpClientBuilder::default()
            .set_headers(headers)
            .build(&url)?;
        let doubled: i64 = client.request("double", rpc_params![21]).await?;
        expect_eq(doubled, 42, "double with the reader's token")?;
        let tripled = client
            .request::<i64, ArrayParams>("triple", rpc_params![1])
            .await;
        let code = call_error_code(&tripled);
        expect_eq(code, Some(-32006), "triple, out of the reader's scope")?;
        let anonymous = HttpClientBuilder::default().build(&url)?;
        let refused = anonymous
            .request::<i64, ArrayParams>("double", rpc_params![1])
            .await;
        check(refused.is_err(), || format!("without a token: {refused:?}"))
    })
}

fn the_health_route_stays_open(servers: &Servers) -> Result<(), Failed> {
    let answer = request("GET", &servers.guarded.url("/health"));
    expect_eq(answer.status, 200, "GET /health without a token")
}

fn a_malformed_tokens_variable_never_opens_the_endpoint(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.misconfigured;
    for headers in [vec![], vec![("authorization", &b"Bearer bad!token"[..])]] {
        let answer = post_with(server, &headers, &call("double", json!([1]), json!(1)));
        expect_eq(answer.status, 500, "a call")?;
        let body = answer.json();
        expect_eq(error_code(&body), Some(-32603), "code")?;
        let message = error_message(&body);
        check(
            message.contains("tokens") && !message.contains("bad!"),
            || format!("the error names the variable, not its value: {message}"),
        )?;
    }
    // A replica that refuses every call is not ready.
    expect_eq(
        request("GET", &server.url("/health")).status,
        503,
        "the health check",
    )
}

fn cors_preflights_pass_for_the_allowed_origin_only(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.guarded;
    let preflight = |origin: &str| {
        raw(
            server.address,
            "OPTIONS",
            "/rpc",
            &[
                ("origin", origin.as_bytes()),
                ("access-control-request-method", b"POST"),
                (
                    "access-control-request-headers",
                    b"content-type, authorization",
                ),
            ],
            Vec::new(),
        )
    };
    let allowed = preflight(ORIGIN);
    expect_eq(
        allowed.status,
        204,
        "a preflight from the allowed origin, no token",
    )?;
    expect_eq(
        allowed.header("access-control-allow-origin"),
        Some(ORIGIN),
        "allow-origin",
    )?;
    expect_eq(
        allowed.header("access-control-allow-methods"),
        Some("POST"),
        "methods",
    )?;
    let asked = allowed
        .header("access-control-allow-headers")
        .unwrap_or_default();
    for name in [
        "authorization",
        "content-type",
        "traceparent",
        "tracestate",
        "x-request-id",
    ] {
        check(asked.contains(name), || format!("allow-headers: {asked:?}"))?;
    }
    check(allowed.header("access-control-max-age").is_some(), || {
        "max-age".into()
    })?;

    let other = preflight("https://evil.example");
    expect_eq(other.status, 403, "a preflight from another origin")?;
    expect_eq(
        other.header("access-control-allow-origin"),
        None,
        "no CORS header",
    )
}

fn cors_calls_are_answered_by_their_origin(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.guarded;
    let origin = ("origin", ORIGIN.as_bytes());
    let token = bearer(READER);
    let call = call("double", json!([3]), json!(1));
    let answer = post_with(server, &[origin, ("authorization", &token)], &call);
    expect_eq(
        json_reply(&answer)?["result"].clone(),
        json!(6),
        "a call from the page",
    )?;
    expect_eq(
        answer.header("access-control-allow-origin"),
        Some(ORIGIN),
        "on the answer",
    )?;
    expect_eq(
        answer.header("vary").map(str::to_lowercase).as_deref(),
        Some("origin"),
        "vary",
    )?;
    let refused = post_with(server, &[origin], &call);
    expect_eq(refused.status, 401, "a call from the page without a token")?;
    expect_eq(
        refused.header("access-control-allow-origin"),
        Some(ORIGIN),
        "readable by it",
    )?;
    // A plain cross-site POST needs no preflight: the router refuses it.
    let evil = ("origin", &b"https://evil.example"[..]);
    let answer = post_with(server, &[evil, ("authorization", &token)], &call);
    expect_eq(answer.status, 403, "a call from another site's page")?;
    check(answer.json()["result"].is_null(), || answer.text())?;
    // A page of the endpoint's own origin may call it.
    let own = format!("http://{}", server.address);
    let own = ("origin", own.as_bytes());
    let answer = post_with(server, &[own, ("authorization", &token)], &call);
    expect_eq(
        json_reply(&answer)?["result"].clone(),
        json!(6),
        "own origin",
    )?;
    // Every answer depends on the origin, so every one says so.
    let plain = post_with(server, &[("authorization", &token)], &call);
    expect_eq(
        plain.header("vary").map(str::to_lowercase).as_deref(),
        Some("origin"),
        "vary without an origin",
    )?;
    let get = request("GET", &server.url("/rpc"));
    expect_eq(get.status, 405, "GET")?;
    expect_eq(
        get.header("allow"),
        Some("POST, OPTIONS"),
        "Allow with CORS on",
    )
}

fn without_cors_options_is_just_another_method(servers: &Servers) -> Result<(), Failed> {
    let headers = [
        ("origin", ORIGIN.as_bytes()),
        ("access-control-request-method", b"POST"),
    ];
    let answer = raw(
        servers.default.address,
        "OPTIONS",
        "/rpc",
        &headers,
        Vec::new(),
    );
    expect_eq(answer.status, 405, "OPTIONS on the default app")?;
    expect_eq(answer.header("allow"), Some("POST"), "Allow")?;
    expect_eq(
        answer.header("access-control-allow-origin"),
        None,
        "no CORS header",
    )?;
    let call = call("double", json!([1]), json!(1));
    let answer = post_with(&servers.default, &[("origin", ORIGIN.as_bytes())], &call);
    expect_eq(
        answer.header("access-control-allow-origin"),
        None,
        "on a call",
    )
}

/// The call log line of the request with this id, once the server wrote it.
pub fn log_line(server: &Server, request_id: &str) -> Result<Value, Failed> {
    log_line_with(server, "request_id", request_id)
}

/// The call log line whose `field` is `value` (the cases share the server:
/// other requests' lines come and go meanwhile).
fn log_line_with(server: &Server, field: &str, value: &str) -> Result<Value, Failed> {
    let needle = format!("\"{field}\":\"{value}\"");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let log = server.log_text();
        if let Some(line) = log.lines().find(|line| line.contains(&needle)) {
            // A runtime may put the component's name before its output.
            let json = &line[line.find('{').unwrap_or(0)..];
            return serde_json::from_str(json)
                .map_err(|error| format!("a log line that is not JSON ({error}): {line}").into());
        }
        if Instant::now() > deadline {
            return Err(format!("no log line with {needle}").into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn the_call_log_has_a_line_per_request_and_nothing_it_carried(
    servers: &Servers,
) -> Result<(), Failed> {
    let server = &servers.guarded;
    let id = format!("log-check-{}", std::process::id());
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let traceparent = format!("00-{trace_id}-00f067aa0ba902b7-01");
    let batch = json!([
        call("double", json!([987_654]), json!(1)),
        call("triple", json!([1]), json!(2)),
        {"jsonrpc": "2.0", "method": "double", "params": [3]},
        {"jsonrpc": "2.0", "id": 4},
    ]);
    let token = bearer(READER);
    let headers = [
        ("authorization", &token[..]),
        ("x-request-id", id.as_bytes()),
        ("traceparent", traceparent.as_bytes()),
    ];
    let reply = json_reply(&post_with(server, &headers, &batch))?;
    expect_eq(responses(&reply)?.len(), 3, "answers (one notification)")?;
    let line = log_line(server, &id)?;
    let time = line["time"].as_str().unwrap_or_default();
    check(
        time.len() == 24 && time.ends_with('Z') && time.as_bytes()[10] == b'T',
        || format!("an RFC 3339 UTC time: {line}"),
    )?;
    expect_eq(line["trace_id"].clone(), json!(trace_id), "trace_id")?;
    expect_eq(line["status"].clone(), json!(200), "status")?;
    expect_eq(line["batch"].clone(), json!(4), "batch")?;
    let calls = line["calls"].as_array().cloned().unwrap_or_default();
    let brief: Vec<Value> = calls
        .iter()
        .map(|c| json!([c["method"], c["function"], c["outcome"], c["count"]]))
        .collect();
    expect_eq(
        brief,
        vec![
            json!(["double", "double", "ok", 2]),
            json!(["triple", null, -32006, 1]),
            json!([null, null, -32600, 1]),
        ],
        "per method, function and outcome: how many calls",
    )?;
    for (index, call) in calls.iter().enumerate() {
        let micros = call["us"].as_u64();
        let called = !call["function"].is_null();
        check(micros.is_some_and(|us| (us > 0) == called), || {
            format!("call {index}: a duration in µs, 0 if no function ran: {call}")
        })?;
    }
    let text = line.to_string();
    check(!text.contains("987654") && !text.contains(READER), || {
        format!("no params, results or tokens in the log: {text}")
    })
}

fn refused_and_early_answered_requests_are_logged_too(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.guarded;
    let refused_id = format!("log-refused-{}", std::process::id());
    let headers = [
        ("authorization", &b"Bearer wrong-token"[..]),
        ("x-request-id", refused_id.as_bytes()),
    ];
    post_with(server, &headers, &call("double", json!([1]), json!(1)));
    let line = log_line(server, &refused_id)?;
    expect_eq(
        (
            line["status"].clone(),
            line["calls"].clone(),
            line["trace_id"].clone(),
        ),
        (json!(401), json!([]), Value::Null),
        "a refused request's line",
    )?;
    // Every request is logged, those answered before the body too (the line
    // is written before the reply, which a client may hang up on at once).
    let put_id = format!("log-put-{}", std::process::id());
    raw(
        server.address,
        "PUT",
        "/rpc",
        &[("x-request-id", put_id.as_bytes())],
        Vec::new(),
    );
    expect_eq(
        log_line(server, &put_id)?["status"].clone(),
        json!(405),
        "a PUT's line",
    )?;
    check(!server.log_text().contains("wrong-token"), || {
        "a token in the log".into()
    })
}

fn without_a_request_id_the_router_makes_one_up(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.guarded;
    let token = bearer(READER);
    // The line is found by a trace id of its own: the cases share the server.
    let own_trace = format!("{:032x}", (u128::from(std::process::id()) << 64) | 0x5eed);
    let traceparent = format!("00-{own_trace}-00f067aa0ba902b7-01");
    let headers = [
        ("authorization", &token[..]),
        ("traceparent", traceparent.as_bytes()),
    ];
    json_reply(&post_with(
        server,
        &headers,
        &call("double", json!([1]), json!(1)),
    ))?;
    let last = log_line_with(server, "trace_id", &own_trace)?;
    let generated = last["request_id"].as_str().unwrap_or_default();
    check(
        generated.len() == 32 && generated.bytes().all(|b| b.is_ascii_hexdigit()),
        || format!("a generated request id: {last}"),
    )
}

fn the_trace_context_reaches_the_function(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.faults;
    let traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    let seen = |headers: &[(&str, &[u8])]| -> Result<Value, Failed> {
        let reply = json_reply(&post_with(
            server,
            headers,
            &call("test.faulty", json!([1007]), json!(1)),
        ))?;
        reply
            .get("result")
            .cloned()
            .ok_or_else(|| format!("a result: {reply}").into())
    };
    // The trace id is the client's; with its OpenTelemetry export on, Spin
    // puts its own span between them (a new parent id in the same trace).
    let context = seen(&[
        ("traceparent", traceparent.as_bytes()),
        ("tracestate", b"congo=t61rcWkgMzE"),
    ])?;
    let trace_id = |parent: &str| parent.get(3..35).map(str::to_owned);
    expect_eq(
        context.as_str().and_then(trace_id),
        trace_id(traceparent),
        "the trace id of the function's traceparent",
    )?;
    expect_eq(seen(&[])?, Value::Null, "without one")?;
    expect_eq(
        seen(&[("traceparent", b"00-not-a-trace-01")])?,
        Value::Null,
        "a broken one is not passed on",
    )
}
