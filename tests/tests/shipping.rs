//! The README's `SpinApp` manifest, checked against SpinKube's `SpinApp`
//! CRD schema: every field name known, every value of the right type, the
//! required fields present, and every variable one that `spin.toml` declares.
//!
//! The CRD is reference data in `../shared/data/spinkube/`; where it is
//! absent the check says so and is skipped.

mod support;

use serde_json::{json, Value};
use spin_test_host::manifest::Manifest;
use support::repo_root;

/// The first ```yaml block of the README.
fn spinapp_from_readme() -> Value {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let start = readme
        .find("```yaml\n")
        .expect("a ```yaml block in the README")
        + "```yaml\n".len();
    let end = start + readme[start..].find("```").expect("the end of the block");
    serde_yaml::from_str(&readme[start..end]).expect("the SpinApp block is YAML")
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
fn the_readme_spinapp_matches_the_spinkube_crd() {
    let crd_path = repo_root().join("../shared/data/spinkube/core.spinkube.dev_spinapps.yaml");
    let Ok(crd_text) = std::fs::read_to_string(&crd_path) else {
        eprintln!(
            "SKIPPED: no SpinKube CRD at {} (reference data absent)",
            crd_path.display()
        );
        return;
    };
    let crd: Value = serde_yaml::from_str(&crd_text).expect("the CRD is YAML");
    let spinapp = spinapp_from_readme();
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
        "the README's SpinApp does not match the CRD:\n{}",
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
        assert_eq!(
            variable["value"].as_str(),
            declared.default.as_deref(),
            "{name} at its default"
        );
    }
}
