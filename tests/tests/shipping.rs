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

    let manifest = Manifest::load(&repo_root().join("spin.toml")).expect("spin.toml");
    for variable in spinapp["spec"]["variables"].as_array().expect("variables") {
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
fn the_spinapp_puts_the_rate_limits_store_on_redis_from_its_secret() {
    // Replicas must share one count: the store the rate limiter counts in is
    // Redis, its URL read from the Secret that deploy/redis-secret.yaml makes.
    let spinapp = spinapp();
    let manifest = Manifest::load(&repo_root().join("spin.toml")).expect("spin.toml");
    let counter = &manifest.components["rate-limiter"];
    assert!(
        !counter.key_value_stores.is_empty(),
        "the rate limiter's store"
    );
    let stores = spinapp["spec"]["runtimeConfig"]["keyValueStores"]
        .as_array()
        .expect("runtimeConfig.keyValueStores");
    for label in &counter.key_value_stores {
        let store = stores
            .iter()
            .find(|store| store["name"] == json!(label))
            .unwrap_or_else(|| panic!("the SpinApp defines the store {label:?}"));
        assert_eq!(store["type"], json!("redis"), "{label}");
        let url = &store["options"][0];
        assert_eq!(url["name"], json!("url"));
        let secret = &url["valueFrom"]["secretKeyRef"];
        let text = std::fs::read_to_string(repo_root().join("deploy/redis-secret.yaml"))
            .expect("deploy/redis-secret.yaml");
        let made: Value = serde_yaml::from_str(&text).expect("the Secret is YAML");
        assert_eq!(made["kind"], json!("Secret"));
        assert_eq!(made["metadata"]["name"], secret["name"]);
        let key = secret["key"].as_str().expect("a key");
        assert!(made["stringData"][key]
            .as_str()
            .is_some_and(|url| url.starts_with("redis://")));
    }
}
