//! The functions as deployed: `rpc.discover` lists what the registry holds,
//! every registered function of every app answers its own examples, the
//! OpenRPC project's own tools accept the document (and the
//! TypeScript types they write for the functions compile), and a function
//! that describes itself with the wrong types is listed as undescribed.

use crate::checks::*;
use crate::{Case, Servers};
use harness::{
    faults_manifest_path, manifest_path, misdescribed_manifest, polyglot_manifest_path, Server,
};
use libtest_mimic::Failed;
use serde_json::{json, Value};

pub const CASES: &[(&str, Case)] = cases![
    rpc_discover_describes_what_is_deployed,
    every_registered_function_answers_its_own_examples,
    a_typed_function_takes_named_params_and_keeps_its_own_errors,
    the_openrpc_tools_accept_rpc_discover,
    typescript_types_for_the_functions_compile,
    a_description_of_the_wrong_types_is_listed_as_undescribed,
];

/// The test-only app with `misdescribed` in place of two functions: one
/// whose method object's own members have the wrong types is listed as
/// undescribed, saying which; one whose schemas do (JSON Schema leaves
/// their content free) is listed as it describes itself, under its method.
fn a_description_of_the_wrong_types_is_listed_as_undescribed(
    servers: &Servers,
) -> Result<(), Failed> {
    let mut server = Server::start(&servers.runtime, &misdescribed_manifest(), &[]);
    let discover = json!({"jsonrpc": "2.0", "method": "rpc.discover", "id": 1});
    let document = json_reply(&rpc(&server, &discover))?["result"].clone();
    let method = |name: &str| {
        document["methods"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|method| method["name"] == json!(name))
            .cloned()
            .unwrap_or_default()
    };
    let hog = method("test.hog");
    expect_eq(hog["summary"].clone(), json!("no description"), "test.hog")?;
    let why = hog["description"].as_str().unwrap_or_default();
    check(why.contains("its summary is not text"), || why.to_owned())?;
    let stats = method("test.stats");
    expect_eq(
        stats["params"][0]["schema"]["format"].clone(),
        json!({"int64": 1}),
        "test.stats's schemas as it wrote them",
    )?;
    still_serving(&server)?;
    Ok(server.stop()?)
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
            !summary.is_empty() && summary != harness::functions::UNDESCRIBED,
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
    // Schemas are inlined: a `$ref` would point into the function's own
    // schema, which the document does not hold.
    check(!document.to_string().contains("\"$ref\""), || {
        format!("a $ref in the document: {document}")
    })?;
    let divide = document["methods"]
        .as_array()
        .and_then(|methods| methods.iter().find(|method| method["name"] == "divide"))
        .ok_or("divide is listed")?;
    expect_eq(
        divide["result"]["schema"]["properties"]["quotient"]["type"].clone(),
        json!("integer"),
        "divide's result schema, generated from its type",
    )?;
    let mut broken = document.clone();
    broken["methods"][0]["params"] = json!("x");
    check(harness::openrpc::validate(&broken).is_err(), || {
        "the meta-schema check accepts anything".into()
    })?;
    // The test-only app lists its extra function too, with no change to the
    // router, under its registered method name, not its component id.
    let faults = json_reply(&rpc(&servers.faults, &discover))?["result"].clone();
    let mut expected = registered_methods(&faults_manifest_path());
    expected.extend(["echo".to_owned(), "rpc.discover".to_owned()]);
    check(expected.contains(&"test.faulty".to_owned()), || {
        format!("the faults app registers faulty as test.faulty: {expected:?}")
    })?;
    expect_eq(names(&faults), expected, "the faults app's methods")
}

/// Each function of each app (the shipped one, the polyglot example, the
/// test-only one), called through the router with a call built from its own
/// `rpc.discover` entry (see `harness::functions`); the test-only app's
/// `test.faulty` is served by the component `faulty`, so a method name that
/// differs from its component id is covered too.
fn every_registered_function_answers_its_own_examples(servers: &Servers) -> Result<(), Failed> {
    for (manifest, server) in [
        (manifest_path(), &servers.default),
        (polyglot_manifest_path(), &servers.polyglot),
        (faults_manifest_path(), &servers.faults),
    ] {
        let registry = harness::registry(&manifest);
        check(registry.functions().next().is_some(), || {
            format!("{} registers functions", manifest.display())
        })?;
        harness::functions::check_served(&manifest, &server.url("/rpc"))?;
    }
    let renamed = harness::registry(&faults_manifest_path())
        .functions()
        .any(|function| function.method != function.component);
    check(renamed, || {
        "the test-only app registers a method under another name than its component".into()
    })
}

/// The JSON-RPC methods of the functions registered in a manifest.
fn registered_methods(manifest: &std::path::Path) -> Vec<String> {
    harness::registry(manifest)
        .functions()
        .map(|function| function.method.clone())
        .collect()
}

/// `divide` is a typed function: params by name or by position, a
/// structured result, an error of its own with `data`, refusals that name
/// the param, in single calls and in a batch (its list form).
fn a_typed_function_takes_named_params_and_keeps_its_own_errors(
    servers: &Servers,
) -> Result<(), Failed> {
    let server = &servers.default;
    let quotient = json!({"quotient": -3, "remainder": 1});
    for params in [json!({"a": 7, "b": -2}), json!([7, -2])] {
        let reply = json_reply(&rpc(server, &call("divide", params.clone(), json!(1))))?;
        expect_eq(
            reply["result"].clone(),
            quotient.clone(),
            &params.to_string(),
        )?;
    }
    let batch = json!([
        call("divide", json!({"a": 9, "b": 4}), json!(0)),
        call("divide", json!({"a": 9, "b": 0}), json!(1)),
        call("divide", json!({"a": 9}), json!(2)),
        call("divide", json!({"a": 9, "b": 1, "c": 1}), json!(3)),
        call("divide", json!({"a": "nine", "b": 1}), json!(4)),
        call("double", json!([4]), json!(5)),
    ]);
    let reply = json_reply(&rpc(server, &batch))?;
    let responses = responses(&reply)?;
    expect_eq(
        responses.iter().map(outcome).collect::<Vec<_>>(),
        vec![
            json!({"quotient": 2, "remainder": 1}),
            json!(1),
            json!(-32602),
            json!(-32602),
            json!(-32602),
            json!(8),
        ],
        "divide in a batch",
    )?;
    expect_eq(
        responses[1]["error"].clone(),
        json!({"code": 1, "message": "division by zero", "data": 9}),
        "its own error, with its data",
    )?;
    for (index, words) in [
        (2, "missing argument \"b\""),
        (3, "unexpected argument \"c\""),
        (4, "a invalid type: string \"nine\""),
    ] {
        let message = error_message(&responses[index]);
        check(message.contains(words), || {
            format!("call {index}: {message:?} should say {words:?}")
        })?;
    }
    Ok(())
}

/// The OpenRPC project's validator and client (`tests/openrpc/check.mjs`),
/// on the app, on the test-only app (arrays, enums, optional and nested
/// params) and on the polyglot example (descriptions written by the Python
/// and TypeScript helpers).
fn the_openrpc_tools_accept_rpc_discover(servers: &Servers) -> Result<(), Failed> {
    for server in [&servers.default, &servers.faults, &servers.polyglot] {
        harness::openrpc::tool("check.mjs", &[&server.url("/rpc")])?;
    }
    Ok(())
}

/// `@open-rpc/typings` writes TypeScript types for the functions from the
/// live document (`tests/openrpc/typings.mjs`, as the README shows), and
/// they compile with `tsc --strict`.
fn typescript_types_for_the_functions_compile(servers: &Servers) -> Result<(), Failed> {
    let dir = harness::target_dir().join(format!("openrpc-types-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let apps = [
        ("app", &servers.default),
        ("faults", &servers.faults),
        ("polyglot", &servers.polyglot),
    ];
    for (name, server) in apps {
        let file = dir.join(format!("{name}-{}.ts", servers.runtime.name()));
        let file = file.to_string_lossy();
        harness::openrpc::tool("typings.mjs", &[&server.url("/rpc"), &file])?;
        harness::openrpc::tool(
            "node_modules/typescript/bin/tsc",
            &["--strict", "--noEmit", &file],
        )?;
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
