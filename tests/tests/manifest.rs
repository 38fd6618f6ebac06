//! The shipped `spin.toml` keeps the app's security shape: the router is
//! the only public component, every function is private and registered, the
//! router may chain to exactly the registered functions, and nothing of the
//! tests ships.

use spin_test_host::manifest::{Manifest, Route};
use std::collections::BTreeSet;
use std::path::Path;

fn shipped() -> Manifest {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spin.toml");
    Manifest::load(&path).expect("spin.toml loads")
}

fn registered_functions(manifest: &Manifest) -> BTreeSet<String> {
    let default = manifest.variables["functions"]
        .default
        .as_deref()
        .expect("a default registry");
    default
        .split(',')
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .collect()
}

#[test]
fn only_the_router_has_a_public_route() {
    let manifest = shipped();
    for trigger in &manifest.http_triggers {
        match (&trigger.route, trigger.component.as_str()) {
            (Route::Path(path), "rpc-router") => assert_eq!(path, "/rpc/..."),
            (Route::Private { private: true }, _) => {}
            (route, component) => panic!("component {component:?} has the public route {route:?}"),
        }
    }
}

#[test]
fn every_registered_function_is_a_private_component() {
    let manifest = shipped();
    let functions = registered_functions(&manifest);
    let expected = ["double", "triple", "square"].map(str::to_owned);
    assert_eq!(functions, BTreeSet::from(expected));
    for function in &functions {
        assert!(
            manifest.components.contains_key(function),
            "{function} is a component"
        );
        let trigger = manifest
            .http_triggers
            .iter()
            .find(|t| &t.component == function)
            .expect("a trigger");
        assert_eq!(
            trigger.route,
            Route::Private { private: true },
            "{function} is private"
        );
        assert!(
            manifest.components[function]
                .allowed_outbound_hosts
                .is_empty(),
            "{function} calls nothing"
        );
    }
    assert!(
        !manifest.components.contains_key("faulty"),
        "the test-only function never ships"
    );
}

#[test]
fn the_router_may_chain_to_exactly_the_registered_functions() {
    let manifest = shipped();
    let allowed: BTreeSet<String> = manifest.components["rpc-router"]
        .allowed_outbound_hosts
        .iter()
        .cloned()
        .collect();
    let expected: BTreeSet<String> = registered_functions(&manifest)
        .iter()
        .map(|f| format!("http://{f}.spin.internal"))
        .collect();
    assert_eq!(allowed, expected);
}

#[test]
fn discovery_names_the_application_as_the_manifest_does() {
    let manifest = shipped();
    let router = &manifest.components["rpc-router"].variables;
    assert_eq!(router.get("app_name"), Some(&manifest.application.name));
    assert_eq!(
        router.get("app_version"),
        manifest.application.version.as_ref()
    );
}
