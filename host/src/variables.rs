//! Application and component variables, as Spin's variables factor serves
//! them (spinframework/spin `crates/factor-variables`, `crates/expressions`,
//! `crates/variables-env`).
//!
//! - `[variables]` declares application variables, each with a default or
//!   `required = true`; the environment overrides them with
//!   `SPIN_VARIABLE_<NAME>` (the name in upper case).
//! - `[component.x.variables]` gives a component its own variables, as
//!   templates over application variables (`"{{ max_batch_calls }}"`).
//! - A component reads only its own variables, through
//!   `fermyon:spin/variables@2.0.0` (what `spin_sdk::variables::get` calls).
//!
//! As on Spin, templates are read at load but nothing is resolved ahead:
//! every read resolves its template, each reference asking the environment
//! again on a blocking thread, and an instance's first outbound request
//! resolves every application variable (Spin checks the allowed outbound
//! hosts against them). So a read can fail at run time (an environment value
//! that is not UTF-8), and what a read costs on Spin it costs here.

use crate::manifest::Manifest;
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::sync::Arc;

wasmtime::component::bindgen!({
    path: "wit/variables.wit",
    world: "spin-variables",
    additional_derives: [PartialEq, Eq],
});

pub use fermyon::spin::variables::{Error as VariableError, Host as VariablesHost};

/// Where `SPIN_VARIABLE_*` values come from: `Ok(None)` when unset, an
/// error when set but unreadable.
pub type Environment = Arc<dyn Fn(&str) -> Result<Option<String>, String> + Send + Sync>;

/// The process's environment, as Spin's environment provider reads it: a
/// value that is not valid UTF-8 fails the read.
pub fn process_environment() -> Environment {
    Arc::new(|name| match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!("failed to resolve env var {name}")),
    })
}

/// The app's variables: declarations, component templates, and where
/// overrides come from.
pub struct Variables {
    application: BTreeMap<String, Option<String>>,
    /// Component id → variable name → its template, cut into parts at load
    /// (as Spin does); each read resolves the references again.
    components: BTreeMap<String, BTreeMap<String, Vec<Part>>>,
    environment: Environment,
}

impl Variables {
    /// Checks the declarations and templates, as Spin does at load: names,
    /// references to declared variables, required variables that are set.
    pub fn new(manifest: &Manifest, environment: Environment) -> Result<Variables> {
        let mut application = BTreeMap::new();
        for (name, declaration) in &manifest.variables {
            if !is_variable_name(name) {
                bail!("variable {name:?}: names are lowercase letters, digits and underscores");
            }
            if declaration.required && declaration.default.is_none() {
                let set = environment(&environment_name(name)).map(|value| value.is_some());
                if set != Ok(true) {
                    bail!(
                        "variable {name:?} is required: set {}",
                        environment_name(name)
                    );
                }
            }
            application.insert(name.clone(), declaration.default.clone());
        }
        let mut components = BTreeMap::new();
        for (id, component) in &manifest.components {
            let mut variables = BTreeMap::new();
            for (name, template) in &component.variables {
                let parts = parts(template)
                    .with_context(|| format!("component {id:?}, variable {name:?}"))?;
                for part in &parts {
                    if let Part::Reference(reference) = part {
                        if !application.contains_key(reference) {
                            bail!("component {id:?}, variable {name:?}: no application variable {reference:?}");
                        }
                    }
                }
                variables.insert(name.clone(), parts);
            }
            components.insert(id.clone(), variables);
        }
        Ok(Variables {
            application,
            components,
            environment,
        })
    }

    /// A component's variable, resolved now.
    pub fn get(&self, component: &str, name: &str) -> Result<String, VariableError> {
        if !is_variable_name(name) {
            return Err(VariableError::InvalidName(name.to_owned()));
        }
        let template = self
            .components
            .get(component)
            .and_then(|variables| variables.get(name))
            .ok_or_else(|| VariableError::Undefined(name.to_owned()))?;
        let mut value = String::new();
        for part in template {
            match part {
                Part::Text(text) => value.push_str(text),
                Part::Reference(name) => value.push_str(&self.application_value(name)?),
            }
        }
        Ok(value)
    }

    /// Every application variable, resolved now: what Spin does on an
    /// instance's first outbound request.
    pub fn resolve_all(&self) -> Result<(), VariableError> {
        for name in self.application.keys() {
            self.application_value(name)?;
        }
        Ok(())
    }

    fn application_value(&self, name: &str) -> Result<String, VariableError> {
        match on_a_blocking_thread(|| (self.environment)(&environment_name(name))) {
            Ok(Some(value)) => Ok(value),
            Err(error) => Err(VariableError::Provider(error)),
            Ok(None) => self
                .application
                .get(name)
                .cloned()
                .flatten()
                .ok_or_else(|| VariableError::Undefined(format!("no value for variable {name:?}"))),
        }
    }
}

/// Runs a lookup as Spin's environment provider does, each one in
/// `tokio::task::block_in_place` (`crates/variables-env`): on a worker of a
/// multi-threaded runtime, the worker's other tasks move to another thread
/// meanwhile, which is most of what a lookup costs a request on Spin.
fn on_a_blocking_thread<T>(lookup: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|handle| handle.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(lookup),
        _ => lookup(),
    }
}

fn environment_name(name: &str) -> String {
    format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase())
}

/// A piece of a component variable's template.
enum Part {
    Text(String),
    /// `{{ name }}`: an application variable.
    Reference(String),
}

/// A template cut into text and `{{ name }}` references.
fn parts(template: &str) -> Result<Vec<Part>> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        parts.push(Part::Text(rest[..start].to_owned()));
        let after = &rest[start + 2..];
        let end = after.find("}}").context("a `{{` without its `}}`")?;
        parts.push(Part::Reference(after[..end].trim().to_owned()));
        rest = &after[end + 2..];
    }
    parts.push(Part::Text(rest.to_owned()));
    Ok(parts)
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

    fn variables(environment: &[(&str, &str)]) -> Result<Variables> {
        let manifest = Manifest::parse(MANIFEST, ".".into()).unwrap();
        let environment: BTreeMap<String, String> = environment
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Variables::new(
            &manifest,
            Arc::new(move |name| Ok(environment.get(name).cloned())),
        )
    }

    #[test]
    fn defaults_templates_and_environment_overrides() {
        let variables = variables(&[("SPIN_VARIABLE_TOKEN", "t")]).unwrap();
        assert_eq!(variables.get("c", "limit"), Ok("100".into()));
        assert_eq!(variables.get("c", "both"), Ok("limit=100, token=t!".into()));
        let overridden =
            self::variables(&[("SPIN_VARIABLE_TOKEN", "t"), ("SPIN_VARIABLE_LIMIT", "7")]).unwrap();
        assert_eq!(overridden.get("c", "limit"), Ok("7".into()));
    }

    #[test]
    fn required_variables_must_be_set() {
        let error = variables(&[]).err().unwrap().to_string();
        assert!(error.contains("SPIN_VARIABLE_TOKEN"), "{error}");
    }

    #[test]
    fn a_component_reads_only_its_own_variables() {
        let variables = variables(&[("SPIN_VARIABLE_TOKEN", "t")]).unwrap();
        assert_eq!(
            variables.get("c", "token"),
            Err(VariableError::Undefined("token".into()))
        );
        assert_eq!(
            variables.get("c", "Limit"),
            Err(VariableError::InvalidName("Limit".into()))
        );
        assert_eq!(
            variables.get("d", "limit"),
            Err(VariableError::Undefined("limit".into()))
        );
    }

    #[test]
    fn every_read_asks_the_environment_and_a_failing_one_fails_the_read() {
        let manifest = Manifest::parse(MANIFEST, ".".into()).unwrap();
        let broken = std::sync::atomic::AtomicBool::new(false);
        let broken = Arc::new(broken);
        let flag = broken.clone();
        let variables = Variables::new(
            &manifest,
            Arc::new(move |name| match name {
                "SPIN_VARIABLE_TOKEN" => Ok(Some("t".into())),
                _ if flag.load(std::sync::atomic::Ordering::SeqCst) => {
                    Err(format!("{name} unreadable"))
                }
                _ => Ok(None),
            }),
        )
        .unwrap();
        assert_eq!(variables.get("c", "limit"), Ok("100".into()));
        assert_eq!(variables.resolve_all(), Ok(()));
        broken.store(true, std::sync::atomic::Ordering::SeqCst);
        assert!(matches!(
            variables.get("c", "limit"),
            Err(VariableError::Provider(_))
        ));
        assert!(variables.resolve_all().is_err());
    }
}
