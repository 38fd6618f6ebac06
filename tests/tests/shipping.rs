//! The app's `SpinApp` (`deploy/spinapp.yaml`), checked against SpinKube's
//! `SpinApp` CRD schema: every field name known, every value of the right
//! type, the required fields present, every variable one that `spin.toml`
//! declares, and its checks: readiness on the router's health route,
//! liveness on the explorer page; the rate limits' store on Redis.
//!
//! The CRD is reference data in `../shared/data/spinkube/`; where it is
//! absent the check says so and is skipped.

use harness::repo_root;
use serde_json::{json, Value};
use spin_host::manifest::{Manifest, Route};

fn spinapp() -> Value {
    let path = repo_root().join("deploy/spinapp.yaml");
    let text = std::fs::read_to_string(&path).expect("deploy/spinapp.yaml");
    serde_yaml::from_str(&text).expect("the SpinApp is YAML")
}

/// The CRD's schema for `v1alpha1`, made strict: Kubernetes prunes unknown
/// fields silently, so here an object that lists its properties allows no others.
fn strict_crd_schema(crd: &Value) -> Value {
    fn forbid_unknown(schema: &mut Value) {
        let Some(object) = schema.as_object_mut() else {
            return;
        };
        let preserves = object.get("x-kubernetes-preserve-unknown-fields") == Some(&json!(true));
        if object.contains_key("properties")
            && !object.contains_key("additionalProperties")
            && !preserves
        {
            object.insert("additionalProperties".into(), json!(false));
        }
        for child in object.values_mut() {
            match child {
                Value::Array(items) => items.iter_mut().for_each(forbid_unknown),
                other => forbid_unknown(other),
            }
        }
    }
    let versions = crd["spec"]["versions"].as_array().expect("CRD versions");
    let version = versions
        .iter()
        .find(|v| v["name"] == "v1alpha1")
        .expect("the v1alpha1 version");
    let mut schema = version["schema"]["openAPIV3Schema"].clone();
    forbid_unknown(&mut schema["properties"]["spec"]);
    schema
}

#[test]
fn the_spinapp_matches_the_spinkube_crd() {
    let crd_path = repo_root().join("../shared/data/spinkube/core.spinkube.dev_spinapps.yaml");
    let Ok(crd_text) = std::fs::read_to_string(&crd_path) else {
        eprintln!(
            "SKIPPED: no SpinKube CRD at {} (reference data absent)",
            crd_path.display()
        );
        return;
    };
    let crd: Value = serde_yaml::from_str(&crd_text).expect("the CRD is YAML");
    let spinapp = spinapp();
    assert_eq!(
        spinapp["apiVersion"],
        json!(format!(
            "{}/v1alpha1",
            crd["spec"]["group"].as_str().unwrap()
        ))
    );
    assert_eq!(spinapp["kind"], crd["spec"]["names"]["kind"]);

    let validator =
        jsonschema::validator_for(&strict_crd_schema(&crd)).expect("the CRD schema compiles");
    let violations: Vec<String> = validator
        .iter_errors(&spinapp)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        violations.is_empty(),
        "deploy/spinapp.yaml does not match the CRD:\n{}",
        violations.join("\n")
    );

    // The strict schema does refuse what Kubernetes would silently drop.
    let mut misspelt = spinapp.clone();
    misspelt["spec"]["replica"] = json!(2);
    assert!(
        !validator.is_valid(&misspelt),
        "a misspelt field must be refused"
    );

    // Its variables, if it gives any (the runtime config's static provider
    // holds them), are the app's.
    let manifest = Manifest::load(&repo_root().join("spin.toml")).expect("spin.toml");
    let variables = spinapp["spec"]["variables"].as_array().cloned();
    for variable in variables.unwrap_or_default() {
        let name = variable["name"].as_str().expect("a variable name");
        let declared = manifest
            .variables
            .get(name)
            .unwrap_or_else(|| panic!("{name} is not a variable of spin.toml"));
        // A secret comes from a Kubernetes Secret, never written here.
        if declared.secret {
            assert!(
                variable.get("value").is_none()
                    && variable["valueFrom"]["secretKeyRef"].is_object(),
                "{name} is a secret: it comes from a secretKeyRef"
            );
            continue;
        }
        assert_eq!(
            variable["value"].as_str(),
            declared.default.as_deref(),
            "{name} at its default"
        );
    }
}

#[test]
fn the_spinapp_probes_liveness_on_the_explorer_and_readiness_on_the_health_route() {
    // Readiness: the router's health check, 503 while its configuration
    // cannot be read. Liveness must not fail for that (a restart would not
    // mend a variables provider that is down): the explorer reads nothing.
    let spinapp = spinapp();
    let manifest = Manifest::load(&repo_root().join("spin.toml")).expect("spin.toml");
    for (check, path, component) in [
        ("readiness", rpc_router::health::PATH, "rpc-router"),
        ("liveness", "/", "explorer"),
    ] {
        assert_eq!(
            spinapp["spec"]["checks"][check]["httpGet"]["path"],
            json!(path),
            "{check} check"
        );
        assert!(
            manifest
                .http_triggers
                .iter()
                .any(|trigger| trigger.route == Route::Path(path.into())
                    && trigger.component == component),
            "spin.toml routes {path} to {component}"
        );
        if check == "liveness" {
            assert!(
                manifest.components[component].variables.is_empty(),
                "{component} reads no variable"
            );
        }
    }
}

#[test]
fn the_spinapp_loads_the_production_runtime_config_from_its_secret() {
    // One Secret carries the whole runtime config, made from (a copy of)
    // runtime-config/production.toml by the command the SpinApp's header
    // gives, under the one key SpinKube reads.
    let spinapp = spinapp();
    let secret = spinapp["spec"]["runtimeConfig"]["loadFromSecret"]
        .as_str()
        .expect("runtimeConfig.loadFromSecret");
    let text = std::fs::read_to_string(repo_root().join("deploy/spinapp.yaml")).expect("yaml");
    let made = format!("kubectl create secret generic {secret} --from-file=runtime-config.toml=");
    assert!(text.contains(&made), "the header makes the Secret: {made}");

    let production = production_runtime_config();
    let manifest = Manifest::load(&repo_root().join("spin.toml")).expect("spin.toml");
    for label in &manifest.components["rate-limiter"].key_value_stores {
        let store = &production["key_value_store"][label.as_str()];
        assert_eq!(store["type"].as_str(), Some("redis"), "{label} on Redis");
    }
}

#[test]
fn the_production_runtime_config_holds_both_variables_and_no_token() {
    // Its static provider holds exactly the app's variables, so that no
    // lookup reaches the environment provider; tokens only as digests.
    let production = production_runtime_config();
    let providers = production["variables_provider"]
        .as_array()
        .expect("[[variables_provider]]");
    let values = providers
        .iter()
        .find(|provider| provider["type"].as_str() == Some("static"))
        .and_then(|provider| provider["values"].as_table())
        .expect("a static provider with values");
    let mut held: Vec<&str> = values.keys().map(String::as_str).collect();
    let mut variables = rpc_router::settings::VARIABLES.map(|variable| variable.name);
    held.sort();
    variables.sort();
    assert_eq!(held, variables);
    let tokens = values["tokens"].as_str().expect("tokens");
    for entry in tokens.split_whitespace() {
        assert!(
            entry.starts_with("sha256:"),
            "a digest, never a token: {entry}"
        );
    }
}

fn production_runtime_config() -> toml::Table {
    let path = repo_root().join("runtime-config/production.toml");
    let text = std::fs::read_to_string(path).expect("runtime-config/production.toml");
    text.parse().expect("the runtime config is TOML")
}

#[test]
fn every_shipped_runtime_config_loads_as_spin_reads_it() {
    // The project's host reads runtime config files as Spin does, and
    // refuses what it does not implement: each file the project ships loads.
    let state = std::env::temp_dir().join(format!("shipped-runtime-config-{}", std::process::id()));
    let folder = repo_root().join("runtime-config");
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .expect("runtime-config/")
        .map(|entry| entry.expect("an entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    for file in files {
        let loaded = spin_host::runtime_config::RuntimeConfig::load(&state, Some(&file));
        assert!(loaded.is_ok(), "{}: {:?}", file.display(), loaded.err());
    }
    let _ = std::fs::remove_dir_all(&state);
}
