//! Application and component variables, as Spin's variables factor serves
//! them (spinframework/spin `crates/factor-variables`, `crates/expressions`).
//!
//! - `[variables]` declares application variables, each with a default or
//!   `required = true`; the environment overrides them with
//!   `SPIN_VARIABLE_<NAME>` (the name in upper case).
//! - `[component.x.variables]` gives a component its own variables, as
//!   templates over application variables (`"{{ max_batch_calls }}"`).
//! - A component reads only its own variables, through
//!   `fermyon:spin/variables@2.0.0` (what `spin_sdk::variables::get` calls).

use crate::manifest::Manifest;
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;

wasmtime::component::bindgen!({
    path: "wit/variables.wit",
    world: "spin-variables",
    additional_derives: [PartialEq, Eq],
});

pub use fermyon::spin::variables::{Error as VariableError, Host as VariablesHost};

/// The resolved variables of one component.
#[derive(Debug, Clone, Default)]
pub struct ComponentVariables(BTreeMap<String, String>);

impl ComponentVariables {
    pub fn get(&self, name: &str) -> Result<String, VariableError> {
        if !is_variable_name(name) {
            return Err(VariableError::InvalidName(name.to_owned()));
        }
        self.0
            .get(name)
            .cloned()
            .ok_or_else(|| VariableError::Undefined(name.to_owned()))
    }
}

/// Resolves every application variable, then every component's variables.
/// `environment` gives the value of an environment variable, if set.
pub fn resolve(
    manifest: &Manifest,
    environment: impl Fn(&str) -> Option<String>,
) -> Result<BTreeMap<String, ComponentVariables>> {
    let mut application = BTreeMap::new();
    for (name, declaration) in &manifest.variables {
        if !is_variable_name(name) {
            bail!("variable {name:?}: names are lowercase letters, digits and underscores");
        }
        let from_environment = environment(&format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase()));
        match from_environment.or_else(|| declaration.default.clone()) {
            Some(value) => {
                application.insert(name.clone(), value);
            }
            None if declaration.required => {
                bail!(
                    "variable {name:?} is required: set SPIN_VARIABLE_{}",
                    name.to_ascii_uppercase()
                )
            }
            None => {}
        }
    }
    manifest
        .components
        .iter()
        .map(|(id, component)| {
            let variables = component
                .variables
                .iter()
                .map(|(name, template)| {
                    let value = expand(template, &application)
                        .with_context(|| format!("component {id:?}, variable {name:?}"))?;
                    Ok((name.clone(), value))
                })
                .collect::<Result<_>>()?;
            Ok((id.clone(), ComponentVariables(variables)))
        })
        .collect()
}

/// Expands `{{ name }}` references to application variables.
fn expand(template: &str, application: &BTreeMap<String, String>) -> Result<String> {
    let mut value = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        value.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").context("a `{{` without its `}}`")?;
        let name = after[..end].trim();
        let referenced = application
            .get(name)
            .with_context(|| format!("no application variable {name:?}"))?;
        value.push_str(referenced);
        rest = &after[end + 2..];
    }
    value.push_str(rest);
    Ok(value)
}

fn is_variable_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"
        spin_manifest_version = 2
        [application]
        name = "vars"
        [variables]
        limit = { default = "100" }
        token = { required = true }
        [component.c]
        source = "c.wasm"
        [component.c.variables]
        limit = "{{ limit }}"
        both = "limit={{limit}}, token={{ token }}!"
    "#;

    fn resolved(environment: &[(&str, &str)]) -> Result<ComponentVariables> {
        let manifest = Manifest::parse(MANIFEST, ".".into()).unwrap();
        let environment: BTreeMap<String, String> = environment
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut all = resolve(&manifest, |name| environment.get(name).cloned())?;
        Ok(all.remove("c").unwrap())
    }

    #[test]
    fn defaults_templates_and_environment_overrides() {
        let variables = resolved(&[("SPIN_VARIABLE_TOKEN", "t")]).unwrap();
        assert_eq!(variables.get("limit"), Ok("100".into()));
        assert_eq!(variables.get("both"), Ok("limit=100, token=t!".into()));
        let overridden =
            resolved(&[("SPIN_VARIABLE_TOKEN", "t"), ("SPIN_VARIABLE_LIMIT", "7")]).unwrap();
        assert_eq!(overridden.get("limit"), Ok("7".into()));
    }

    #[test]
    fn required_variables_must_be_set() {
        let error = resolved(&[]).unwrap_err().to_string();
        assert!(error.contains("SPIN_VARIABLE_TOKEN"), "{error}");
    }

    #[test]
    fn a_component_reads_only_its_own_variables() {
        let variables = resolved(&[("SPIN_VARIABLE_TOKEN", "t")]).unwrap();
        assert_eq!(
            variables.get("token"),
            Err(VariableError::Undefined("token".into()))
        );
        assert_eq!(
            variables.get("Limit"),
            Err(VariableError::InvalidName("Limit".into()))
        );
    }
}
