//! The shipped `spin.toml` keeps the app's security shape: the router is
//! the only public component (its JSON-RPC endpoint and its health check)
//! and carries this very manifest's registry, every registered function is a
//! private component that calls nothing, with a work budget compiled in, the
//! router may chain within the app and nowhere else, and nothing of the
//! tests ships. A bad registry entry fails the router's build, with a
//! message that names it.

use spin_host::manifest::{Manifest, Route};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn shipped_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spin.toml")
}

fn shipped() -> Manifest {
    Manifest::load(&shipped_path()).expect("spin.toml loads")
}

/// The registry as the router reads it from the shipped manifest: method
/// name to component id.
fn registered_functions() -> BTreeMap<String, String> {
    harness::registry(&shipped_path())
        .functions()
        .map(|f| (f.method.clone(), f.component.clone()))
        .collect()
}

#[test]
fn only_the_router_and_the_explorer_page_have_public_routes() {
    let manifest = shipped();
    let mut public = Vec::new();
    for trigger in &manifest.http_triggers {
        match (&trigger.route, trigger.component.as_str()) {
            (Route::Path(path), component @ ("rpc-router" | "explorer")) => {
                public.push((path.as_str(), component))
            }
            (Route::Private { private: true }, _) => {}
            (route, component) => panic!("component {component:?} has the public route {route:?}"),
        }
    }
    public.sort();
    assert_eq!(
        public,
        [
            ("/", "explorer"),
            ("/health", "rpc-router"),
            ("/rpc/...", "rpc-router")
        ]
    );
    // The page is no function and calls nothing: the browser calls /rpc.
    let explorer = &manifest.components["explorer"];
    assert!(explorer.allowed_outbound_hosts.is_empty() && explorer.tool.is_empty());
}

/// The registry-driven checks (`harness::functions`), on the shipped app,
/// the polyglot example and the test-only app.
#[test]
fn every_registered_function_is_private_calls_nothing_and_carries_a_work_budget() {
    harness::build_app();
    for path in [
        shipped_path(),
        harness::polyglot_manifest_path(),
        harness::faults_manifest_path(),
    ] {
        assert!(
            harness::registry(&path).functions().next().is_some(),
            "{} registers functions",
            path.display()
        );
        if let Err(problems) = harness::functions::check_manifest(&path) {
            panic!("{}:\n{problems}", path.display());
        }
    }
}

#[test]
fn the_test_only_function_never_ships() {
    assert!(!shipped().components.contains_key("faulty"));
}

#[test]
fn the_router_is_built_with_this_manifests_registry() {
    let built: BTreeMap<String, String> = rpc_router::app::registry()
        .expect("the built-in registry")
        .functions()
        .map(|f| (f.method.clone(), f.component.clone()))
        .collect();
    assert_eq!(built, registered_functions());
    let info = rpc_router::app::info();
    let manifest = shipped();
    assert_eq!(info.title, manifest.application.name);
    assert_eq!(Some(&info.version), manifest.application.version.as_ref());
}

#[test]
fn the_router_may_chain_only_within_the_app() {
    let manifest = shipped();
    let router = &manifest.components["rpc-router"];
    assert_eq!(router.allowed_outbound_hosts, ["http://*.spin.internal"]);
}

#[test]
fn a_bad_registry_entry_fails_the_routers_build_and_names_itself() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/registry-check");
    std::fs::create_dir_all(&dir).expect("a directory");
    let manifest = dir.join("spin.toml");
    let bad = "spin_manifest_version = 2\n[application]\nname = \"bad\"\n\
               [component.cube]\nsource = \"cube.wasm\"\n\
               [component.cube.tool.rpc-router]\nmethod = \"echo\"\n";
    std::fs::write(&manifest, bad).expect("the manifest");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["check", "--quiet", "-p", "rpc-router", "--target-dir"])
        .arg(dir.join("target"))
        .env("RPC_ROUTER_MANIFEST", &manifest)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the build refused it: {stderr}");
    assert!(
        stderr.contains("component \"cube\": the method name \"echo\" is the router's own"),
        "{stderr}"
    );
}

#[test]
fn the_router_reads_exactly_its_two_variables_and_settings_it_knows() {
    // Every application variable costs each chained request a lookup on
    // Spin, so the app declares only what a deployment must set: `tokens`
    // (a secret) and `cors_origins`, each read by the router under its own
    // name. A router variable missing here would fail every request (it
    // fails closed); one more would be a lookup nobody needs.
    for path in [
        shipped_path(),
        harness::polyglot_manifest_path(),
        harness::faults_manifest_path(),
    ] {
        let manifest = Manifest::load(&path).expect("the manifest loads");
        let router = &manifest.components["rpc-router"];
        let names: Vec<&str> = router.variables.keys().map(String::as_str).collect();
        let mut expected = rpc_router::settings::VARIABLES.map(|variable| variable.name);
        expected.sort();
        assert_eq!(names, expected, "{}", path.display());
        for (name, template) in &router.variables {
            assert_eq!(
                template,
                &format!("{{{{ {name} }}}}"),
                "{name} from its variable"
            );
        }
        let declared: Vec<&str> = manifest.variables.keys().map(String::as_str).collect();
        assert_eq!(
            declared,
            expected,
            "{}: the app's variables",
            path.display()
        );
        for variable in rpc_router::settings::VARIABLES {
            let secret = manifest.variables[variable.name].secret;
            assert_eq!(secret, variable.secret, "{} secret", variable.name);
        }
        // A setting in the environment that the router does not know would be
        // silently left at its default.
        for name in router.environment.keys() {
            assert!(
                rpc_router::settings::SETTINGS
                    .iter()
                    .any(|(setting, _)| setting == name),
                "{}: {name} is a setting of the router",
                path.display()
            );
        }
    }
}
