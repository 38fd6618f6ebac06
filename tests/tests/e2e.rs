//! The black-box e2e suite: the app's real components, built with the build
//! commands of `spin.toml`, served by a real runtime, called over HTTP.
//!
//! Every case runs against the project's host and, when a `spin` binary is
//! on PATH or named by `SPIN_BIN`, against real `spin up` too; nothing here
//! knows which runtime it talks to. Cases check the rows of the wire
//! contract (`shared/design/protocol.md`), the README's curl examples as
//! written, the 2019 seed's calls, hostile input, and interop with jsonrpsee.

use harness::client::{post, post_large, request, Answer};
use harness::{build_app, faults_manifest_path, manifest_path, repo_root, Runtime, Server};
use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The servers one runtime provides for the cases.
struct Servers {
    /// The app as shipped.
    default: Server,
    /// The app with small limits, set through `SPIN_VARIABLE_*`.
    small_limits: Server,
    /// The test-only app with `faulty`, a function that misbehaves on purpose.
    faults: Server,
}

type Case = fn(&Servers) -> Result<(), Failed>;

const CASES: &[(&str, Case)] = &[
    (
        "single_call_by_position_and_by_name",
        single_call_by_position_and_by_name,
    ),
    ("seed_echo_calls_on_rpc_1", seed_echo_calls_on_rpc_1),
    (
        "every_path_under_rpc_is_the_endpoint",
        every_path_under_rpc_is_the_endpoint,
    ),
    ("other_http_methods_get_405", other_http_methods_get_405),
    (
        "functions_have_no_public_route",
        functions_have_no_public_route,
    ),
    (
        "notifications_get_204_and_no_body",
        notifications_get_204_and_no_body,
    ),
    (
        "batch_keeps_order_with_invalid_members_and_notifications",
        batch_keeps_order_with_invalid_members_and_notifications,
    ),
    (
        "batch_of_100_mixed_calls_is_exact",
        batch_of_100_mixed_calls_is_exact,
    ),
    ("spec_error_cases", spec_error_cases),
    ("ids_come_back_byte_exact", ids_come_back_byte_exact),
    (
        "invalid_params_and_overflow_say_which",
        invalid_params_and_overflow_say_which,
    ),
    (
        "method_names_reach_only_registered_functions",
        method_names_reach_only_registered_functions,
    ),
    (
        "readme_curl_examples_answer_as_documented",
        readme_curl_examples_answer_as_documented,
    ),
    (
        "readme_python_example_prints_what_it_promises",
        readme_python_example_prints_what_it_promises,
    ),
    (
        "hostile_input_then_normal_service",
        hostile_input_then_normal_service,
    ),
    (
        "limits_from_variables_are_enforced_and_named",
        limits_from_variables_are_enforced_and_named,
    ),
    (
        "a_python_function_speaks_the_same_contract",
        a_python_function_speaks_the_same_contract,
    ),
    ("jsonrpsee_client_interop", jsonrpsee_client_interop),
    (
        "rpc_discover_describes_what_is_deployed",
        rpc_discover_describes_what_is_deployed,
    ),
    (
        "each_fault_of_a_function_gives_its_documented_error",
        each_fault_of_a_function_gives_its_documented_error,
    ),
    (
        "a_fault_in_a_batch_fails_only_its_own_calls",
        a_fault_in_a_batch_fails_only_its_own_calls,
    ),
    (
        "loops_on_every_core_leave_the_app_serving",
        loops_on_every_core_leave_the_app_serving,
    ),
    (
        "the_health_route_answers_without_a_function",
        the_health_route_answers_without_a_function,
    ),
];

fn main() {
    let arguments = Arguments::from_args();
    build_app();
    let runtimes = Runtime::available();
    let mut trials = Vec::new();
    let mut all_servers = Vec::new();
    for runtime in &runtimes {
        let servers = Arc::new(Servers {
            default: Server::start(runtime, &manifest_path(), &[]),
            small_limits: Server::start(
                runtime,
                &manifest_path(),
                &[
                    ("SPIN_VARIABLE_MAX_BATCH_CALLS", "3"),
                    ("SPIN_VARIABLE_MAX_REQUEST_BYTES", "2000"),
                ],
            ),
            faults: Server::start(runtime, &faults_manifest_path(), &[]),
        });
        for &(name, case) in CASES {
            let servers = servers.clone();
            trials.push(Trial::test(
                format!("{}::{name}", runtime.name()),
                move || case(&servers),
            ));
        }
        all_servers.push(servers);
    }
    if runtimes.len() == 1 {
        trials.push(
            Trial::test("spin::skipped_no_spin_binary_on_path", || Ok(())).with_ignored_flag(true),
        );
    }
    let conclusion = libtest_mimic::run(&arguments, trials);
    let mut left_running = Vec::new();
    for servers in all_servers {
        let Ok(Servers {
            mut default,
            mut small_limits,
            mut faults,
        }) = Arc::try_unwrap(servers)
        else {
            unreachable!("every trial has ended");
        };
        for server in [&mut default, &mut small_limits, &mut faults] {
            left_running.extend(server.stop().err());
        }
    }
    if !left_running.is_empty() {
        eprintln!(
            "FAILED: servers outlived the suite:\n{}",
            left_running.join("\n")
        );
        std::process::exit(1);
    }
    conclusion.exit();
}

// ---- helpers ------------------------------------------------------------

fn rpc(server: &Server, body: &Value) -> Answer {
    post(&server.url("/rpc"), body.to_string())
}

fn check(condition: bool, message: impl FnOnce() -> String) -> Result<(), Failed> {
    if condition {
        Ok(())
    } else {
        Err(message().into())
    }
}

fn expect_eq<T: PartialEq + std::fmt::Debug>(
    actual: T,
    expected: T,
    what: &str,
) -> Result<(), Failed> {
    check(actual == expected, || {
        format!("{what}: expected {expected:?}, got {actual:?}")
    })
}

/// A 200 JSON answer's body.
fn json_reply(answer: &Answer) -> Result<Value, Failed> {
    expect_eq(answer.status, 200, "status")?;
    expect_eq(
        answer.header("content-type"),
        Some("application/json"),
        "content-type",
    )?;
    Ok(answer.json())
}

fn call(method: &str, params: Value, id: Value) -> Value {
    json!({"jsonrpc": "2.0", "method": method, "params": params, "id": id})
}

fn error_code(response: &Value) -> Option<i64> {
    response["error"]["code"].as_i64()
}

/// The responses of a batch answer.
fn responses(reply: &Value) -> Result<&Vec<Value>, Failed> {
    reply
        .as_array()
        .ok_or_else(|| format!("a batch answer is an array: {reply}").into())
}

/// What a response says, in brief: its result, or its error code.
fn outcome(response: &Value) -> Value {
    response
        .get("result")
        .cloned()
        .unwrap_or_else(|| response["error"]["code"].clone())
}

fn error_message(response: &Value) -> String {
    response["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The app still answers a plain call correctly.
fn still_serving(server: &Server) -> Result<(), Failed> {
    let reply = json_reply(&rpc(server, &call("triple", json!([14]), json!("after"))))?;
    expect_eq(
        reply,
        json!({"jsonrpc": "2.0", "result": 42, "id": "after"}),
        "a normal call afterwards",
    )
}

// ---- cases --------------------------------------------------------------

fn single_call_by_position_and_by_name(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.default;
    for (method, params, result) in [
        ("double", json!([21]), 42),
        ("double", json!({"x": 21}), 42),
        ("triple", json!(["-7"]), -21),
        ("triple", json!({"x": "0"}), 0),
        ("square", json!([12]), 144),
        ("square", json!({"x": "-3"}), 9),
    ] {
        let reply = json_reply(&rpc(server, &call(method, params.clone(), json!(1))))?;
        expect_eq(
            reply,
            json!({"jsonrpc": "2.0", "result": result, "id": 1}),
            &format!("{method} {params}"),
        )?;
    }
    Ok(())
}

fn seed_echo_calls_on_rpc_1(servers: &Servers) -> Result<(), Failed> {
    for (function, result) in [("double", 20), ("triple", 30)] {
        let body = json!({
            "jsonrpc": "2.0", "method": "echo", "id": 1,
            "params": {"Service Name": "wasm", "Type": "Execution", "Execution": {"FunctionName": function, "Argument": "10"}}
        });
        let reply = json_reply(&post(&servers.default.url("/rpc/1"), body.to_string()))?;
        expect_eq(reply["result"].clone(), json!({"Result": result}), function)?;
    }
    Ok(())
}

fn every_path_under_rpc_is_the_endpoint(servers: &Servers) -> Result<(), Failed> {
    for path in ["/rpc", "/rpc/", "/rpc/1", "/rpc/any/depth?query=1"] {
        let reply = json_reply(&post(
            &servers.default.url(path),
            call("double", json!([2]), json!(1)).to_string(),
        ))?;
        expect_eq(reply["result"].clone(), json!(4), path)?;
    }
    Ok(())
}

fn other_http_methods_get_405(servers: &Servers) -> Result<(), Failed> {
    for method in ["GET", "PUT", "DELETE", "PATCH"] {
        let answer = request(method, &servers.default.url("/rpc"));
        expect_eq(answer.status, 405, method)?;
        expect_eq(answer.header("allow"), Some("POST"), "Allow")?;
        let body = answer.json();
        expect_eq(
            body["jsonrpc"].clone(),
            json!("2.0"),
            "a JSON-RPC error body",
        )?;
        expect_eq(error_code(&body), Some(-32600), "code")?;
    }
    Ok(())
}

fn functions_have_no_public_route(servers: &Servers) -> Result<(), Failed> {
    for path in [
        "/",
        "/double",
        "/triple",
        "/rpc-router",
        "/double/rpc",
        "/rpcx",
    ] {
        let answer = post(
            &servers.default.url(path),
            call("double", json!([1]), json!(1)).to_string(),
        );
        expect_eq(answer.status, 404, path)?;
    }
    Ok(())
}

fn notifications_get_204_and_no_body(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.default;
    let single = rpc(
        server,
        &json!({"jsonrpc": "2.0", "method": "double", "params": [1]}),
    );
    expect_eq(
        (single.status, single.body.len()),
        (204, 0),
        "a notification",
    )?;
    let batch = rpc(
        server,
        &json!([
            {"jsonrpc": "2.0", "method": "double", "params": [1]},
            {"jsonrpc": "2.0", "method": "triple", "params": ["x"]},
            {"jsonrpc": "2.0", "method": "no-such-method", "params": [1]},
        ]),
    );
    expect_eq(
        (batch.status, batch.body.len()),
        (204, 0),
        "a batch of notifications",
    )
}

fn batch_keeps_order_with_invalid_members_and_notifications(
    servers: &Servers,
) -> Result<(), Failed> {
    let body = json!([
        call("triple", json!([1]), json!("a")),
        {"jsonrpc": "2.0", "method": "double", "params": [5]},
        1,
        call("double", json!([2]), json!("b")),
        {"jsonrpc": "1.0", "method": "double", "params": [2], "id": "c"},
        call("nope", json!([2]), json!("d")),
        call("double", json!(["zz"]), json!("e")),
        call("double", json!([3]), json!("f")),
    ]);
    let reply = json_reply(&rpc(&servers.default, &body))?;
    let summary: Vec<(Value, Value)> = responses(&reply)?
        .iter()
        .map(|r| (r["id"].clone(), outcome(r)))
        .collect();
    expect_eq(
        summary,
        vec![
            (json!("a"), json!(3)),
            (Value::Null, json!(-32600)),
            (json!("b"), json!(4)),
            (json!("c"), json!(-32600)),
            (json!("d"), json!(-32601)),
            (json!("e"), json!(-32602)),
            (json!("f"), json!(6)),
        ],
        "responses in request order",
    )
}

fn batch_of_100_mixed_calls_is_exact(servers: &Servers) -> Result<(), Failed> {
    let calls: Vec<Value> = (0..100_i64)
        .map(|i| {
            let method = if i % 2 == 0 { "double" } else { "triple" };
            let params = match i % 17 {
                5 => json!([1.5]),
                11 => json!({"y": i}),
                _ => json!([i * 1000 - 50_000]),
            };
            call(method, params, json!(i))
        })
        .collect();
    let reply = json_reply(&rpc(&servers.default, &Value::Array(calls)))?;
    let responses = responses(&reply)?;
    expect_eq(responses.len(), 100, "one response per call")?;
    for (i, response) in (0..100_i64).zip(responses) {
        expect_eq(response["id"].clone(), json!(i), "order")?;
        match i % 17 {
            5 | 11 => expect_eq(error_code(response), Some(-32602), &format!("call {i}"))?,
            _ => {
                let factor = if i % 2 == 0 { 2 } else { 3 };
                expect_eq(
                    response["result"].clone(),
                    json!((i * 1000 - 50_000) * factor),
                    &format!("call {i}"),
                )?
            }
        }
    }
    Ok(())
}

fn spec_error_cases(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.default;
    let cases: [(&str, Value); 7] = [
        (
            r#"{"jsonrpc": "2.0", "method": "foobar", "id": "1"}"#,
            json!({"code": -32601, "id": "1"}),
        ),
        (
            r#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#,
            json!({"code": -32700, "id": null}),
        ),
        (
            r#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#,
            json!({"code": -32600, "id": null}),
        ),
        (
            r#"{"jsonrpc": "2.0", "method": "double", "params": 7, "id": 3}"#,
            json!({"code": -32600, "id": 3}),
        ),
        (
            r#"{"method": "double", "params": [7], "id": 4}"#,
            json!({"code": -32600, "id": 4}),
        ),
        (
            r#"[{"jsonrpc": "2.0", "method": "double", "params": [1], "id": "1"}, {"jsonrpc": "2.0", "method"]"#,
            json!({"code": -32700, "id": null}),
        ),
        ("[]", json!({"code": -32600, "id": null})),
    ];
    for (body, expected) in cases {
        let reply = json_reply(&post(&server.url("/rpc"), body))?;
        let actual = json!({"code": reply["error"]["code"], "id": reply["id"]});
        expect_eq(actual, expected, body)?;
    }
    for (body, count) in [("[1]", 1), ("[1,2,3]", 3)] {
        let reply = json_reply(&post(&server.url("/rpc"), body))?;
        let codes: Vec<Option<i64>> = responses(&reply)?.iter().map(error_code).collect();
        expect_eq(codes, vec![Some(-32600); count], body)?;
    }
    Ok(())
}

fn ids_come_back_byte_exact(servers: &Servers) -> Result<(), Failed> {
    for id in [
        "12345678901234567890123456789",
        "-0",
        "1.50",
        "2e10",
        r#""ïd \"quoted\"""#,
        "null",
    ] {
        let body = format!(r#"{{"jsonrpc":"2.0","method":"double","params":[4],"id":{id}}}"#);
        let answer = post(&servers.default.url("/rpc"), &body);
        expect_eq(
            answer.text(),
            format!(r#"{{"jsonrpc":"2.0","result":8,"id":{id}}}"#),
            "the id token as sent",
        )?;
    }
    Ok(())
}

fn invalid_params_and_overflow_say_which(servers: &Servers) -> Result<(), Failed> {
    let cases = [
        (json!([9223372036854775807_i64]), "overflows"),
        (json!(["4611686018427387904"]), "overflows"),
        (json!([1.5]), "must be an integer"),
        (json!([true]), "boolean"),
        (json!(["ten"]), "not a decimal integer"),
        (json!([1, 2]), "exactly one argument"),
        (json!({"x": 1, "extra": 2}), "unexpected argument"),
        (json!({}), "missing argument"),
    ];
    for (params, words) in cases {
        let reply = json_reply(&rpc(
            &servers.default,
            &call("double", params.clone(), json!(1)),
        ))?;
        expect_eq(error_code(&reply), Some(-32602), &params.to_string())?;
        let message = error_message(&reply);
        check(message.contains(words), || {
            format!("{params}: message {message:?} should say {words:?}")
        })?;
    }
    let beyond = post(
        &servers.default.url("/rpc"),
        r#"{"jsonrpc":"2.0","method":"triple","params":[9223372036854775808],"id":1}"#,
    );
    expect_eq(
        error_code(&json_reply(&beyond)?),
        Some(-32602),
        "a number beyond i64",
    )
}

fn method_names_reach_only_registered_functions(servers: &Servers) -> Result<(), Failed> {
    let long = "double".repeat(20_000);
    for method in [
        "../triple",
        "double.spin.internal",
        "self",
        "rpc-router",
        "DOUBLE",
        "double\n",
        "tri\u{0}ple",
        "rpc.anything",
        long.as_str(),
    ] {
        let reply = json_reply(&rpc(&servers.default, &call(method, json!([1]), json!(1))))?;
        expect_eq(
            error_code(&reply),
            Some(-32601),
            &format!("method {:.40?}", method),
        )?;
    }
    Ok(())
}

/// Each `curl` line of the README's code blocks is sent as written (to this
/// server instead of 127.0.0.1:3000), and must answer exactly the `#` lines
/// that follow it.
fn readme_curl_examples_answer_as_documented(servers: &Servers) -> Result<(), Failed> {
    let readme = std::fs::read_to_string(repo_root().join("README.md"))
        .map_err(|e| format!("README.md: {e}"))?;
    let examples = harness::readme::curl_examples(&readme);
    check(examples.len() >= 4, || {
        format!(
            "expected at least 4 curl examples, found {}",
            examples.len()
        )
    })?;
    for example in examples {
        let url = example
            .url
            .replace("127.0.0.1:3000", &servers.default.address.to_string());
        let answer = match &example.body {
            Some(body) => post(&url, body),
            None => request("GET", &url),
        };
        // What curl prints: the body (unless sent to /dev/null), then the
        // status where the command asks for `%{http_code}`.
        let mut shown = if example.command.contains("-o /dev/null") {
            String::new()
        } else {
            answer.text()
        };
        if example.command.contains("%{http_code}") {
            shown.push_str(&answer.status.to_string());
        }
        expect_eq(shown, example.expected.clone(), &example.command)?;
    }
    Ok(())
}

/// The README's Python example, run with python3 against this server.
fn readme_python_example_prints_what_it_promises(servers: &Servers) -> Result<(), Failed> {
    let readme = std::fs::read_to_string(repo_root().join("README.md"))
        .map_err(|e| format!("README.md: {e}"))?;
    let (code, promised) =
        harness::readme::python_example(&readme).ok_or("no ```python block in the README")?;
    let code = code.replace("127.0.0.1:3000", &servers.default.address.to_string());
    let output = std::process::Command::new("python3")
        .args(["-c", &code])
        .output()
        .map_err(|e| format!("python3: {e}"))?;
    check(output.status.success(), || {
        String::from_utf8_lossy(&output.stderr).into_owned()
    })?;
    let printed: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    check(!promised.is_empty(), || {
        "the example promises no output".into()
    })?;
    expect_eq(printed, promised, "what the Python example prints")
}

fn hostile_input_then_normal_service(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.default;
    // A body of several MiB: refused at the limit (1 MiB), with a JSON-RPC error.
    let huge = format!(
        r#"{{"jsonrpc":"2.0","method":"double","params":["{}"],"id":1}}"#,
        "9".repeat(5 << 20)
    );
    let answer = post_large(server.address, "/rpc", huge.into_bytes());
    expect_eq(answer.status, 413, "a 5 MiB body")?;
    check(
        error_message(&answer.json()).contains("max_request_bytes"),
        || answer.text(),
    )?;
    still_serving(server)?;

    // Deep nesting: unterminated, as a batch member, and inside params.
    let deep = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let reply = json_reply(&post(&server.url("/rpc"), "[".repeat(200_000)))?;
    expect_eq(error_code(&reply), Some(-32700), "200 000 unterminated `[`")?;
    let reply = json_reply(&post(&server.url("/rpc"), deep(200_000)))?;
    expect_eq(
        reply[0]["error"]["code"].as_i64(),
        Some(-32600),
        "a batch of one array nested 200 000 deep",
    )?;
    let nested_params = format!(
        r#"{{"jsonrpc":"2.0","method":"double","params":[{}],"id":1}}"#,
        deep(100_000)
    );
    let reply = json_reply(&post(&server.url("/rpc"), nested_params))?;
    expect_eq(error_code(&reply), Some(-32602), "x nested 100 000 deep")?;
    still_serving(server)?;

    // Invalid UTF-8.
    let reply = json_reply(&post(
        &server.url("/rpc"),
        b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\",\"id\":1}",
    ))?;
    expect_eq(error_code(&reply), Some(-32700), "invalid UTF-8")?;

    // A batch of 100 000 calls: refused whole, the limit named.
    let one = call("double", json!([1]), json!(1)).to_string();
    let batch = format!("[{}]", vec![one.as_str(); 100_000].join(","));
    let answer = post_large(server.address, "/rpc", batch.into_bytes());
    check(answer.status == 413 || answer.status == 200, || {
        format!("status {}", answer.status)
    })?;
    let reply = answer.json();
    check(
        error_code(&reply) == Some(-32600) && error_message(&reply).contains("max_"),
        || format!("a batch of 100 000: {reply}"),
    )?;
    still_serving(server)
}

fn limits_from_variables_are_enforced_and_named(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.small_limits;
    let batch: Vec<Value> = (0..4)
        .map(|i| call("double", json!([i]), json!(i)))
        .collect();
    let reply = json_reply(&rpc(server, &Value::Array(batch.clone())))?;
    expect_eq(
        error_code(&reply),
        Some(-32600),
        "a batch of 4 over a limit of 3",
    )?;
    check(error_message(&reply).contains("max_batch_calls"), || {
        error_message(&reply)
    })?;
    let reply = json_reply(&rpc(server, &Value::Array(batch[..3].to_vec())))?;
    expect_eq(reply.as_array().map(Vec::len), Some(3), "a batch of 3")?;

    let padded = format!(
        r#"{{"jsonrpc":"2.0","method":"double","params":[1],"id":"{}"}}"#,
        "p".repeat(3000)
    );
    let answer = post_large(server.address, "/rpc", padded.into_bytes());
    expect_eq(answer.status, 413, "a body over 2000 bytes")?;
    check(
        error_message(&answer.json()).contains("max_request_bytes"),
        || answer.text(),
    )?;
    still_serving(server)
}

fn jsonrpsee_client_interop(servers: &Servers) -> Result<(), Failed> {
    use jsonrpsee::core::client::ClientT;
    use jsonrpsee::core::params::{ArrayParams, BatchRequestBuilder};
    use jsonrpsee::http_client::HttpClientBuilder;
    use jsonrpsee::rpc_params;

    let url = servers.default.url("/rpc");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let client = HttpClientBuilder::default().build(&url)?;
        let doubled: i64 = client.request("double", rpc_params![21]).await?;
        expect_eq(doubled, 42, "double via jsonrpsee")?;
        let tripled: i64 = client.request("triple", rpc_params!["5"]).await?;
        expect_eq(tripled, 15, "triple via jsonrpsee")?;
        let unknown = client
            .request::<i64, ArrayParams>("nope", rpc_params![1])
            .await;
        let code = match &unknown {
            Err(jsonrpsee::core::ClientError::Call(error)) => Some(error.code()),
            _ => None,
        };
        expect_eq(code, Some(-32601), "an unknown method via jsonrpsee")?;

        let mut batch = BatchRequestBuilder::new();
        batch.insert("double", rpc_params![1])?;
        batch.insert("triple", rpc_params![2])?;
        batch.insert("double", rpc_params![1.5])?;
        let responses = client.batch_request::<i64>(batch).await?;
        let outcomes: Vec<Result<i64, i32>> = responses
            .into_iter()
            .map(|r| r.map_err(|error| error.code()))
            .collect();
        expect_eq(
            outcomes,
            vec![Ok(2), Ok(6), Err(-32602)],
            "a batch via jsonrpsee",
        )
    })
}

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
        let reply = json_reply(&rpc(server, &call("faulty", json!([x]), json!(x))))?;
        expect_eq(error_code(&reply), Some(code), &format!("faulty({x})"))?;
        let message = error_message(&reply);
        check(
            message.contains("\"faulty\"") && message.contains(words),
            || format!("faulty({x}): {message}"),
        )?;
        still_serving(server)?;
    }
    let reply = json_reply(&rpc(server, &call("faulty", json!([41]), json!(1))))?;
    expect_eq(reply["result"].clone(), json!(41), "faulty without a fault")
}

/// A list-form request that fails as a whole is sent again call by call, so
/// only the faulty call fails; but one that timed out is not (on Spin each
/// re-sent call still running would hold another worker thread): every
/// call it carried gets the timeout.
fn a_fault_in_a_batch_fails_only_its_own_calls(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.faults;
    for (fault, code, _) in FAULTS {
        let timed_out = code == -32001;
        let shared = |outcome: Value| if timed_out { json!(code) } else { outcome };
        let batch = json!([
            call("faulty", json!([7]), json!(0)),
            call("faulty", json!([fault]), json!(1)),
            call("double", json!([2]), json!(2)),
            call("faulty", json!(["8"]), json!(3)),
            {"jsonrpc": "2.0", "method": "faulty", "params": [9]},
            call("triple", json!([3]), json!(4)),
            call("faulty", json!([1.5]), json!(5)),
        ]);
        let reply = json_reply(&rpc(server, &batch))?;
        let outcomes: Vec<Value> = responses(&reply)?.iter().map(outcome).collect();
        expect_eq(
            outcomes,
            vec![
                shared(json!(7)),
                json!(code),
                json!(4),
                shared(json!(8)),
                json!(9),
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
    let looping = call("faulty", json!([1002]), json!("loop"));
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

fn the_health_route_answers_without_a_function(servers: &Servers) -> Result<(), Failed> {
    let answer = request("GET", &servers.default.url("/health"));
    expect_eq(answer.status, 200, "GET /health")?;
    expect_eq(
        answer.header("content-type"),
        Some("application/json"),
        "content type",
    )?;
    let body = answer.json();
    expect_eq(body["status"].clone(), json!("ok"), "status")?;
    check(
        body["name"].is_string() && body["version"].is_string(),
        || format!("the app's name and version: {body}"),
    )?;
    let answer = post(&servers.default.url("/health"), "{}");
    expect_eq(answer.status, 405, "POST /health")?;
    expect_eq(answer.header("allow"), Some("GET"), "Allow")?;
    still_serving(&servers.default)
}

fn rpc_discover_describes_what_is_deployed(servers: &Servers) -> Result<(), Failed> {
    let discover = json!({"jsonrpc": "2.0", "method": "rpc.discover", "id": 1});
    let document = json_reply(&rpc(&servers.default, &discover))?["result"].clone();
    expect_eq(document["openrpc"].clone(), json!("1.3.2"), "openrpc")?;
    expect_eq(
        document["info"].clone(),
        json!({"title": "wasm-jsonrpc", "version": "0.1.0"}),
        "info",
    )?;
    let names = |document: &Value| -> Vec<String> {
        document["methods"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| m["name"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    // The registry's functions, in its order, each describing itself; then
    // the router's own methods.
    let registered = registered_methods(&manifest_path());
    let mut expected = registered.clone();
    expected.extend(["echo".to_owned(), "rpc.discover".to_owned()]);
    expect_eq(names(&document), expected, "methods")?;
    for method in document["methods"].as_array().ok_or("methods")? {
        check(
            method["params"].is_array() && method["result"]["name"].is_string(),
            || format!("a method object: {method}"),
        )?;
    }
    for method in &document["methods"].as_array().ok_or("methods")?[..registered.len()] {
        let summary = method["summary"].as_str().unwrap_or("");
        check(
            !summary.is_empty() && !summary.starts_with("(no self-description"),
            || format!("{} describes itself: {method}", method["name"]),
        )?;
    }
    let double = document["methods"]
        .as_array()
        .and_then(|methods| methods.iter().find(|method| method["name"] == "double"))
        .ok_or("double is listed")?;
    expect_eq(
        double["summary"].clone(),
        json!("Doubles x: 2·x."),
        "double describes itself",
    )?;
    harness::openrpc::validate(&document)
        .map_err(|violations| format!("not a valid OpenRPC document:\n{violations}"))?;
    let mut broken = document.clone();
    broken["methods"][0]["params"] = json!("x");
    check(harness::openrpc::validate(&broken).is_err(), || {
        "the meta-schema check accepts anything".into()
    })?;
    // The test-only app lists its extra function too, with no change to the router.
    let faults = json_reply(&rpc(&servers.faults, &discover))?["result"].clone();
    let mut expected = registered_methods(&faults_manifest_path());
    expected.extend(["echo".to_owned(), "rpc.discover".to_owned()]);
    check(expected.contains(&"faulty".to_owned()), || {
        format!("the faults app registers faulty: {expected:?}")
    })?;
    expect_eq(names(&faults), expected, "the faults app's methods")
}

/// The JSON-RPC methods of the functions registered in a manifest.
fn registered_methods(manifest: &std::path::Path) -> Vec<String> {
    harness::registry(manifest)
        .functions()
        .map(|function| function.method.clone())
        .collect()
}

/// `square` is written in Python: the same argument rules, errors, list
/// form, `echo` and self-description as the Rust functions.
fn a_python_function_speaks_the_same_contract(servers: &Servers) -> Result<(), Failed> {
    let server = &servers.default;
    let batch = json!([
        call("square", json!([3037000499_i64]), json!(0)),
        call("square", json!([3037000500_i64]), json!(1)),
        call("square", json!([1.5]), json!(2)),
        call("square", json!(["ten"]), json!(3)),
        call("square", json!({"x": 2, "y": 3}), json!(4)),
        call("square", json!([9223372036854775808_u64]), json!(5)),
        call("double", json!([4]), json!(6)),
    ]);
    let reply = json_reply(&rpc(server, &batch))?;
    let outcomes: Vec<Value> = responses(&reply)?.iter().map(outcome).collect();
    let expected = [
        json!(9223372030926249001_i64),
        json!(-32602),
        json!(-32602),
        json!(-32602),
        json!(-32602),
        json!(-32602),
        json!(8),
    ];
    expect_eq(outcomes, expected.to_vec(), "square in a batch")?;
    let overflow = error_message(&reply[1]);
    check(overflow.contains("overflows"), || overflow.clone())?;
    let fraction = error_message(&reply[2]);
    check(fraction.contains("must be an integer"), || fraction.clone())?;
    let echo = json!({"jsonrpc": "2.0", "method": "echo", "id": 1,
        "params": {"Service Name": "wasm", "Type": "Execution", "Execution": {"FunctionName": "square", "Argument": "10"}}});
    expect_eq(
        json_reply(&rpc(server, &echo))?["result"].clone(),
        json!({"Result": 100}),
        "echo of square",
    )
}
