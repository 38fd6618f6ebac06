//! The runtime config file (`--runtime-config-file`), as Spin's
//! `crates/runtime-config` reads it: one TOML file whose tables each
//! configure one concern. This host implements two of them:
//!
//! - `[key_value_store.<label>]` ([`crate::key_value`]): a store's backend;
//! - `[[variables_provider]]` ([`crate::variables`]): where application
//!   variables get their values, asked in the order given, before the
//!   environment.
//!
//! Anything else is refused, as Spin refuses a table it does not know.

use crate::key_value::{StoreConfig, Stores};
use crate::variables::{Provider, ProviderConfig};
use anyhow::{Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// What the runtime config gives the app.
pub struct RuntimeConfig {
    pub stores: Stores,
    /// The file's providers, in order (the environment's comes after them,
    /// always).
    pub variables_providers: Vec<Box<dyn Provider>>,
}

/// The file, as written.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuntimeConfigFile {
    #[serde(default)]
    key_value_store: BTreeMap<String, StoreConfig>,
    /// `config_provider`: Spin's older name, which it still reads.
    #[serde(default, alias = "config_provider")]
    variables_provider: Vec<ProviderConfig>,
}

impl RuntimeConfig {
    /// The runtime config of `spin up`: `file`'s, if given, over the
    /// defaults (the store `default` in `state_dir`, variables from the
    /// environment alone).
    pub fn load(state_dir: &Path, file: Option<&Path>) -> Result<Self> {
        let Some(file) = file else {
            return Self::resolve(RuntimeConfigFile::default(), state_dir, Path::new("."));
        };
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("reading the runtime config {}", file.display()))?;
        let parsed = toml::from_str(&text).with_context(|| {
            format!(
                "the runtime config {} (this host implements only [key_value_store.*] of type \
                 \"spin\" or \"redis\", and [[variables_provider]] of type \"static\")",
                file.display()
            )
        })?;
        Self::resolve(parsed, state_dir, file.parent().unwrap_or(Path::new(".")))
    }

    fn resolve(file: RuntimeConfigFile, state_dir: &Path, file_dir: &Path) -> Result<Self> {
        Ok(RuntimeConfig {
            stores: Stores::configure(state_dir, file.key_value_store, file_dir)?,
            variables_providers: file
                .variables_provider
                .into_iter()
                .map(ProviderConfig::into_provider)
                .collect(),
        })
    }
}

/// A runtime config that defines only key-value stores.
#[cfg(feature = "test-support")]
impl From<Stores> for RuntimeConfig {
    fn from(stores: Stores) -> Self {
        RuntimeConfig {
            stores,
            variables_providers: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A runtime config file with `text`, in a directory of its own.
    fn runtime_config(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("spin-host-rc-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("runtime-config.toml");
        std::fs::write(&file, text).unwrap();
        file
    }

    fn load(name: &str, text: &str) -> Result<RuntimeConfig> {
        let file = runtime_config(name, text);
        RuntimeConfig::load(&file.parent().unwrap().join(".spin"), Some(&file))
    }

    #[test]
    fn stores_and_static_providers_in_one_file() {
        let config = load(
            "both",
            "[[variables_provider]]\ntype = \"static\"\nvalues = { tokens = \"a\" }\n\
             [[variables_provider]]\ntype = \"static\"\nvalues = { tokens = \"b\", cors_origins = \"\" }\n\
             [key_value_store.default]\ntype = \"redis\"\nurl = \"redis://127.0.0.1:6379\"\n",
        )
        .unwrap();
        let [first, second] = &config.variables_providers[..] else {
            panic!("two providers, in order");
        };
        assert_eq!(first.get("tokens"), Ok(Some("a".into())));
        assert_eq!(second.get("tokens"), Ok(Some("b".into())));
        assert!(config.stores.check("router", &["default".into()]).is_ok());
    }

    #[test]
    fn config_provider_is_the_older_name_of_variables_provider() {
        let config = load(
            "older",
            "[[config_provider]]\ntype = \"static\"\nvalues = { tokens = \"a\" }\n",
        )
        .unwrap();
        assert_eq!(config.variables_providers.len(), 1);
    }

    #[test]
    fn without_a_file_only_the_environment_and_the_default_store() {
        let state = std::env::temp_dir().join(format!("spin-host-rc-none-{}", std::process::id()));
        let config = RuntimeConfig::load(&state, None).unwrap();
        assert!(config.variables_providers.is_empty());
        assert!(config.stores.check("router", &["default".into()]).is_ok());
        assert!(state.is_dir(), "the default store's directory");
    }

    #[test]
    fn a_runtime_config_with_what_this_host_lacks_is_refused() {
        for (name, text) in [
            ("sqlite", "[sqlite_database.default]\ntype = \"spin\"\n"),
            ("azure", "[key_value_store.x]\ntype = \"azure_cosmos\"\n"),
            (
                "url",
                "[key_value_store.x]\ntype = \"redis\"\nurl = \"http://x\"\n",
            ),
            ("vault", "[[variables_provider]]\ntype = \"vault\"\n"),
            ("env", "[[variables_provider]]\ntype = \"env\"\n"),
            ("values", "[[variables_provider]]\ntype = \"static\"\n"),
        ] {
            assert!(load(name, text).is_err(), "{text}");
        }
        // The error names what Spin would have read and what this host does.
        let error = load("named", "[[variables_provider]]\ntype = \"vault\"\n").err();
        let error = format!("{:#}", error.unwrap());
        assert!(error.contains("unknown variant `vault`"), "{error}");
        assert!(
            error.contains("[[variables_provider]] of type \"static\""),
            "{error}"
        );
    }
}
