//! The project's host, checked against the Spin behaviours the app relies
//! on: allowed outbound hosts for chained calls, private endpoints, route
//! precedence, variables overridden from the environment, and a component's
//! environment. Each case
//! serves the app's real components under a manifest written for it.

use harness::hosted::HostedApp;
use serde_json::json;

/// The app with the router's route, its allowed outbound hosts, and
/// double's route as given.
fn manifest(router_route: &str, router_allowed_hosts: &str, double_route: &str) -> String {
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "host-test"

[variables]
tokens = {{ default = "", secret = true }}
cors_origins = {{ default = "" }}

[[trigger.http]]
route = "{router_route}"
component = "rpc-router"
[[trigger.http]]
route = {double_route}
component = "double"
[[trigger.http]]
route = {{ private = true }}
component = "triple"

[component.rpc-router]
source = "{{release}}/rpc_router.wasm"
allowed_outbound_hosts = {router_allowed_hosts}
[component.rpc-router.variables]
tokens = "{{{{ tokens }}}}"
cors_origins = "{{{{ cors_origins }}}}"
[component.double]
source = "{{release}}/double.wasm"
[component.triple]
source = "{{release}}/triple.wasm"
"#
    )
}

const PRIVATE: &str = "{ private = true }";

#[test]
fn a_chained_call_needs_the_callee_in_allowed_outbound_hosts() {
    let app = HostedApp::serve(
        &manifest("/rpc/...", r#"["http://double.spin.internal"]"#, PRIVATE),
        &[],
    );
    assert_eq!(app.rpc("double", 4)["result"], json!(8));
    let refused = app.rpc("triple", 4);
    assert_eq!(refused["error"]["code"], json!(-32003), "{refused}");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("\"triple\"") && message.to_lowercase().contains("denied"),
        "{message}"
    );
}

#[test]
fn a_spin_internal_wildcard_allows_chaining_to_any_component() {
    let app = HostedApp::serve(
        &manifest("/rpc/...", r#"["http://*.spin.internal"]"#, PRIVATE),
        &[],
    );
    assert_eq!(app.rpc("double", 4)["result"], json!(8));
    assert_eq!(app.rpc("triple", 4)["result"], json!(12));
}

#[test]
fn self_does_not_grant_chaining() {
    let app = HostedApp::serve(&manifest("/rpc/...", r#"["self"]"#, PRIVATE), &[]);
    assert_eq!(app.rpc("double", 4)["error"]["code"], json!(-32003));
}

#[test]
fn private_components_have_no_route_and_exact_routes_beat_wildcards() {
    let inner_call = json!({"params": [5]});
    // The router takes every path; double is private: /double reaches the router.
    let private = HostedApp::serve(
        &manifest("/...", r#"["http://*.spin.internal"]"#, PRIVATE),
        &[],
    );
    let (status, text) = private.call("/double", &inner_call);
    assert_eq!(status, 200);
    assert!(
        text.contains("\"jsonrpc\":\"2.0\"") && text.contains("-32600"),
        "the router answered: {text}"
    );
    // The same app with a public /double: the exact route wins over `/...`.
    let public = HostedApp::serve(
        &manifest("/...", r#"["http://*.spin.internal"]"#, r#""/double""#),
        &[],
    );
    assert_eq!(
        public.call("/double", &inner_call),
        (200, r#"{"result":10}"#.to_owned())
    );
    assert_eq!(
        public.call("/triple", &inner_call).0,
        200,
        "the router, not triple"
    );
    assert_ne!(public.call("/triple", &inner_call).1, r#"{"result":15}"#);
}

#[test]
fn variables_are_overridden_from_the_environment() {
    let allowed = r#"["http://*.spin.internal"]"#;
    let app = manifest("/rpc/...", allowed, PRIVATE);
    let open = HostedApp::serve(&app, &[]);
    assert_eq!(open.rpc("double", 1)["result"], json!(2));
    let guarded = HostedApp::serve(&app, &[("SPIN_VARIABLE_TOKENS", "s3cret")]);
    let call = json!({"jsonrpc": "2.0", "method": "double", "params": [1], "id": 1});
    let (status, refused) = guarded.call("/rpc", &call);
    assert_eq!(status, 401, "{refused}");
    assert!(refused.contains("-32005"), "{refused}");
}

#[test]
fn a_components_environment_reaches_it() {
    let allowed = r#"["http://*.spin.internal"]"#;
    let batch = json!([
        {"jsonrpc": "2.0", "method": "double", "params": [1], "id": 1},
        {"jsonrpc": "2.0", "method": "triple", "params": [1], "id": 2}
    ]);
    let limited = manifest("/rpc/...", allowed, PRIVATE).replace(
        "[component.rpc-router.variables]",
        "environment = { max_batch_calls = \"1\" }\n[component.rpc-router.variables]",
    );
    let (_, refused) = HostedApp::serve(&limited, &[]).call("/rpc", &batch);
    assert!(refused.contains("max_batch_calls"), "{refused}");
}

#[test]
fn a_chained_call_to_a_component_without_a_trigger_traps_the_caller_as_on_spin() {
    // The router's registry (built from the shipped spin.toml) has `divide`;
    // here `divide` is a component that no trigger names.
    let allowed = r#"["http://*.spin.internal"]"#;
    let untriggered = "[component.divide]\nsource = \"{release}/double.wasm\"\n";
    let app = HostedApp::serve(&(manifest("/rpc/...", allowed, PRIVATE) + untriggered), &[]);
    let (status, _) = app.call(
        "/rpc",
        &json!({"jsonrpc": "2.0", "method": "divide", "params": [1, 1], "id": 1}),
    );
    assert_eq!(status, 500);
    assert_eq!(
        app.rpc("double", 4)["result"],
        json!(8),
        "the next request is served"
    );
}
