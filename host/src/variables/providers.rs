//! Where application variables get their values: Spin's providers
//! (spinframework/spin `crates/expressions` `Provider`,
//! `crates/variables-static`, `crates/variables-env`), asked in order, the
//! first that has a value giving it.
//!
//! A runtime config file lists its providers as `[[variables_provider]]`
//! tables (or their older name, `[[config_provider]]`), and Spin asks them
//! in the order they are given, then always the environment
//! (`crates/runtime-config/src/variables.rs`). This host implements the
//! `static` type; Spin's others (`env` with a prefix, `vault`,
//! `azure_key_vault`) are refused, as is any type Spin does not know.

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;

/// A source of application variables' values.
pub trait Provider: Send + Sync {
    /// The value of the variable `name`, if this provider has one; an error
    /// if it has one it cannot read.
    fn get(&self, name: &str) -> Result<Option<String>, String>;

    /// Whether it has a value for `name` now: what Spin checks a required
    /// variable against at load.
    fn may_resolve(&self, name: &str) -> bool;
}

/// A runtime config file's `[[variables_provider]]` table.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProviderConfig {
    Static(StaticProvider),
}

impl ProviderConfig {
    pub fn into_provider(self) -> Box<dyn Provider> {
        match self {
            ProviderConfig::Static(provider) => Box::new(provider),
        }
    }
}

/// `type = "static"`: `values`, by variable name, given in the file. Asked
/// in place: no lookup leaves the worker's thread.
#[derive(Deserialize)]
pub struct StaticProvider {
    values: HashMap<String, String>,
}

impl Provider for StaticProvider {
    fn get(&self, name: &str) -> Result<Option<String>, String> {
        Ok(self.values.get(name).cloned())
    }

    fn may_resolve(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }
}

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

/// Spin's environment provider, which it always asks last:
/// `SPIN_VARIABLE_<NAME>`, asked again on every read.
pub struct EnvironmentProvider(pub Environment);

impl Provider for EnvironmentProvider {
    fn get(&self, name: &str) -> Result<Option<String>, String> {
        on_a_blocking_thread(|| (self.0)(&environment_name(name)))
    }

    fn may_resolve(&self, name: &str) -> bool {
        matches!((self.0)(&environment_name(name)), Ok(Some(_)))
    }
}

/// The environment variable that holds the variable `name`.
pub(super) fn environment_name(name: &str) -> String {
    format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn providers(text: &str) -> Result<Vec<ProviderConfig>, toml::de::Error> {
        #[derive(Deserialize)]
        struct File {
            variables_provider: Vec<ProviderConfig>,
        }
        toml::from_str::<File>(text).map(|file| file.variables_provider)
    }

    #[test]
    fn a_static_provider_has_the_values_it_is_given_by_variable_name() {
        let mut configs = providers(
            "[[variables_provider]]\ntype = \"static\"\n\
             values = { tokens = \"sha256:ab@6/m\", cors_origins = \"\" }\n",
        )
        .unwrap();
        assert_eq!(configs.len(), 1);
        let provider = configs.remove(0).into_provider();
        assert_eq!(provider.get("tokens"), Ok(Some("sha256:ab@6/m".into())));
        assert_eq!(provider.get("cors_origins"), Ok(Some(String::new())));
        assert_eq!(provider.get("TOKENS"), Ok(None));
        assert!(provider.may_resolve("cors_origins"));
        assert!(!provider.may_resolve("other"));
    }

    #[test]
    fn a_provider_type_this_host_lacks_is_refused() {
        for kind in ["env", "vault", "azure_key_vault", "nonsense"] {
            let text = format!("[[variables_provider]]\ntype = \"{kind}\"\n");
            let error = providers(&text).err().unwrap().to_string();
            assert!(
                error.contains(&format!("unknown variant `{kind}`")),
                "{error}"
            );
        }
        let without_values = providers("[[variables_provider]]\ntype = \"static\"\n");
        assert!(without_values.is_err());
        let not_a_string =
            providers("[[variables_provider]]\ntype = \"static\"\nvalues = { n = 1 }\n");
        assert!(not_a_string.is_err());
    }
}
