//! Application and component variables, as Spin's variables factor serves
//! them (spinframework/spin `crates/factor-variables`, `crates/expressions`).
//!
//! - `[variables]` declares application variables, each with a default or
//!   `required = true`; [`providers`] override them: a runtime config's
//!   static values, then the environment's `SPIN_VARIABLE_<NAME>` (the name
//!   in upper case).
//! - `[component.x.variables]` gives a component its own variables, as
//!   templates over application variables (`"{{ max_batch_calls }}"`).
//! - A component reads only its own variables, through
//!   `fermyon:spin/variables@2.0.0` (what `spin_sdk::variables::get` calls).
//!
//! As on Spin, templates are read at load but nothing is resolved ahead:
//! every read resolves its template, each reference asking the providers
//! again (the environment on a blocking thread), and an instance's first outbound request
//! resolves every application variable (Spin checks the allowed outbound
//! hosts against them). So a read can fail at run time (an environment value
//! that is not UTF-8), and what a read costs on Spin it costs here.

mod providers;

pub use providers::{
    process_environment, Environment, EnvironmentProvider, Provider, ProviderConfig, StaticProvider,
};

use providers::environment_name;

use crate::manifest::Manifest;
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;

wasmtime::component::bindgen!({
    path: "wit/variables.wit",
    world: "spin-variables",
    additional_derives: [PartialEq, Eq],
});

pub use fermyon::spin::variables::{Error as VariableError, Host as VariablesHost};

/// The app's variables: declarations, component templates, and the
/// providers that override them.
pub struct Variables {
    application: BTreeMap<String, Option<String>>,
    /// Cut into parts at load (as Spin does); each read resolves the
    /// references again.
    components: Templates,
    /// Asked in order; the first with a value gives it.
    providers: Vec<Box<dyn Provider>>,
}

impl Variables {
    /// Checks the declarations and templates, as Spin does at load: names,
    /// references to declared variables, required variables that a provider
    /// has.
    pub fn new(manifest: &Manifest, providers: Vec<Box<dyn Provider>>) -> Result<Variables> {
        let mut application = BTreeMap::new();
        for (name, declaration) in &manifest.variables {
            if !is_variable_name(name) {
                bail!("variable {name:?}: names are lowercase letters, digits and underscores");
            }
            let required = declaration.required && declaration.default.is_none();
            if required && !providers.iter().any(|p| p.may_resolve(name)) {
                bail!(
                    "variable {name:?} is required: set {} (or give it in a runtime config's static provider)",
                    environment_name(name)
                );
            }
            application.insert(name.clone(), declaration.default.clone());
        }
        Ok(Variables {
            components: component_templates(manifest, &application)?,
            application,
            providers,
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

    /// The first provider's value, else the declared default.
    fn application_value(&self, name: &str) -> Result<String, VariableError> {
        for provider in &self.providers {
            if let Some(value) = provider.get(name).map_err(VariableError::Provider)? {
                return Ok(value);
            }
        }
        self.application
            .get(name)
            .cloned()
            .flatten()
            .ok_or_else(|| VariableError::Undefined(format!("no value for variable {name:?}")))
    }
}

/// Component id → variable name → its template's parts.
type Templates = BTreeMap<String, BTreeMap<String, Vec<Part>>>;

/// Each component's variables, every reference checked against the
/// application's declarations.
fn component_templates(
    manifest: &Manifest,
    application: &BTreeMap<String, Option<String>>,
) -> Result<Templates> {
    let mut components = BTreeMap::new();
    for (id, component) in &manifest.components {
        let mut variables = BTreeMap::new();
        for (name, template) in &component.variables {
            let parts =
                parts(template).with_context(|| format!("component {id:?}, variable {name:?}"))?;
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
    Ok(components)
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
    use std::sync::Arc;

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

    /// A static provider with `values` (a TOML inline table's body), as a
    /// runtime config file gives it.
    fn statics(values: &str) -> Box<dyn Provider> {
        let table = format!("type = \"static\"\nvalues = {{ {values} }}\n");
        toml::from_str::<ProviderConfig>(&table)
            .unwrap()
            .into_provider()
    }

    fn environment(environment: &[(&str, &str)]) -> Box<dyn Provider> {
        let environment: BTreeMap<String, String> = environment
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Box::new(EnvironmentProvider(Arc::new(move |name| {
            Ok(environment.get(name).cloned())
        })))
    }

    fn variables(providers: Vec<Box<dyn Provider>>) -> Result<Variables> {
        let manifest = Manifest::parse(MANIFEST, ".".into()).unwrap();
        Variables::new(&manifest, providers)
    }

    #[test]
    fn defaults_templates_and_environment_overrides() {
        let variables = variables(vec![environment(&[("SPIN_VARIABLE_TOKEN", "t")])]).unwrap();
        assert_eq!(variables.get("c", "limit"), Ok("100".into()));
        assert_eq!(variables.get("c", "both"), Ok("limit=100, token=t!".into()));
        let overridden = self::variables(vec![environment(&[
            ("SPIN_VARIABLE_TOKEN", "t"),
            ("SPIN_VARIABLE_LIMIT", "7"),
        ])])
        .unwrap();
        assert_eq!(overridden.get("c", "limit"), Ok("7".into()));
    }

    #[test]
    fn required_variables_must_be_set() {
        let error = variables(vec![environment(&[])]).err().unwrap().to_string();
        assert!(error.contains("SPIN_VARIABLE_TOKEN"), "{error}");
    }

    #[test]
    fn a_static_value_is_returned_and_sets_a_required_variable() {
        let variables = variables(vec![statics("token = \"s\""), environment(&[])]).unwrap();
        assert_eq!(variables.get("c", "both"), Ok("limit=100, token=s!".into()));
    }

    #[test]
    fn a_static_value_shadows_the_environment_which_gives_the_rest() {
        // As Spin orders them: the runtime config's providers, then the
        // environment's.
        let variables = variables(vec![
            statics("token = \"s\""),
            environment(&[("SPIN_VARIABLE_TOKEN", "e"), ("SPIN_VARIABLE_LIMIT", "7")]),
        ])
        .unwrap();
        assert_eq!(variables.get("c", "both"), Ok("limit=7, token=s!".into()));
    }

    #[test]
    fn providers_are_asked_in_order() {
        let variables = variables(vec![
            statics("token = \"first\""),
            statics("token = \"second\", limit = \"2\""),
        ])
        .unwrap();
        assert_eq!(
            variables.get("c", "both"),
            Ok("limit=2, token=first!".into())
        );
    }

    #[test]
    fn a_component_reads_only_its_own_variables() {
        let variables = variables(vec![environment(&[("SPIN_VARIABLE_TOKEN", "t")])]).unwrap();
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
        let broken = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = broken.clone();
        let failing = EnvironmentProvider(Arc::new(move |name| match name {
            "SPIN_VARIABLE_TOKEN" => Ok(Some("t".into())),
            _ if flag.load(std::sync::atomic::Ordering::SeqCst) => {
                Err(format!("{name} unreadable"))
            }
            _ => Ok(None),
        }));
        let variables = variables(vec![Box::new(failing)]).unwrap();
        assert_eq!(variables.get("c", "limit"), Ok("100".into()));
        assert_eq!(variables.resolve_all(), Ok(()));
        broken.store(true, std::sync::atomic::Ordering::SeqCst);
        assert!(matches!(
            variables.get("c", "limit"),
            Err(VariableError::Provider(_))
        ));
        assert!(variables.resolve_all().is_err());
    }

    #[test]
    fn a_static_value_is_read_without_asking_the_environment() {
        let unreadable = EnvironmentProvider(Arc::new(|name| Err(format!("{name} unreadable"))));
        let variables = variables(vec![
            statics("token = \"s\", limit = \"1\""),
            Box::new(unreadable),
        ])
        .unwrap();
        assert_eq!(variables.get("c", "both"), Ok("limit=1, token=s!".into()));
        assert_eq!(variables.resolve_all(), Ok(()));
    }
}
