//! Reading `spin.toml` (manifest version 2): the parts of it this host runs.
//!
//! Anything the app's manifest could say that this host does not implement
//! (SQLite databases, non-HTTP triggers, component sources by URL...) is
//! refused at load, never silently ignored.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A loaded manifest, with paths resolved against its directory.
#[derive(Debug)]
pub struct Manifest {
    pub dir: PathBuf,
    pub application: Application,
    pub variables: BTreeMap<String, VariableDeclaration>,
    pub http_triggers: Vec<HttpTrigger>,
    pub components: BTreeMap<String, Component>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
}

/// An application variable: `name = { default = "..." }` or `{ required = true }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableDeclaration {
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpTrigger {
    pub route: Route,
    pub component: String,
    #[serde(default)]
    pub executor: Option<toml::Value>,
}

/// `route = "/path"` or `route = { private = true }`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Route {
    Path(String),
    Private { private: bool },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub source: PathBuf,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub allowed_outbound_hosts: Vec<String>,
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
    /// The key-value stores it may open, by label ([`crate::key_value`]).
    #[serde(default)]
    pub key_value_stores: Vec<String>,
    #[serde(default)]
    pub build: Option<Build>,
    /// Settings for tools (the router's registry entry among them): Spin
    /// ignores them, and so does this host.
    #[serde(default)]
    pub tool: BTreeMap<String, toml::Table>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Build {
    pub command: String,
    #[serde(default)]
    pub workdir: Option<PathBuf>,
    #[serde(default)]
    pub watch: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    spin_manifest_version: u32,
    application: Application,
    #[serde(default)]
    variables: BTreeMap<String, VariableDeclaration>,
    #[serde(default)]
    trigger: Triggers,
    #[serde(default)]
    component: BTreeMap<String, Component>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Triggers {
    #[serde(default)]
    http: Vec<HttpTrigger>,
}

impl Manifest {
    pub fn load(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        Self::parse(&text, dir).with_context(|| format!("in {}", path.display()))
    }

    pub fn parse(text: &str, dir: PathBuf) -> Result<Self> {
        let file: File = toml::from_str(text)?;
        if file.spin_manifest_version != 2 {
            bail!(
                "spin_manifest_version {} is not supported (only 2)",
                file.spin_manifest_version
            );
        }
        for trigger in &file.trigger.http {
            if !file.component.contains_key(&trigger.component) {
                bail!(
                    "trigger refers to component {:?}, which is not defined",
                    trigger.component
                );
            }
            if trigger.executor.is_some() {
                bail!(
                    "component {:?}: only the default (wasi:http) executor is supported",
                    trigger.component
                );
            }
        }
        let mut components = file.component;
        for component in components.values_mut() {
            component.source = dir.join(&component.source);
        }
        Ok(Manifest {
            dir,
            application: file.application,
            variables: file.variables,
            http_triggers: file.trigger.http,
            components,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "app"
[[trigger.http]]
route = "/rpc/..."
component = "router"
[[trigger.http]]
route = { private = true }
component = "function"
[component.router]
source = "router.wasm"
allowed_outbound_hosts = ["http://*.spin.internal"]
[component.function]
source = "function.wasm"
[component.function.tool.rpc-router]
method = "f"
"#;

    #[test]
    fn reads_triggers_and_components_with_sources_beside_the_manifest() {
        let manifest = Manifest::parse(APP, PathBuf::from("/app")).unwrap();
        let routes: Vec<(&Route, &str)> = manifest
            .http_triggers
            .iter()
            .map(|trigger| (&trigger.route, trigger.component.as_str()))
            .collect();
        assert_eq!(
            routes,
            [
                (&Route::Path("/rpc/...".into()), "router"),
                (&Route::Private { private: true }, "function"),
            ]
        );
        assert_eq!(
            manifest.components["function"].source,
            PathBuf::from("/app/function.wasm")
        );
        assert!(manifest.components["function"]
            .tool
            .contains_key("rpc-router"));
    }

    #[test]
    fn refuses_what_this_host_does_not_implement() {
        for (change, complaint) in [
            ("spin_manifest_version = 2", "spin_manifest_version = 1"),
            (
                "source = \"router.wasm\"",
                "source = \"router.wasm\"\nsqlite_databases = [\"default\"]",
            ),
            (
                "component = \"router\"",
                "component = \"router\"\nexecutor = { type = \"wagi\" }",
            ),
            ("component = \"router\"", "component = \"missing\""),
            (
                "[[trigger.http]]\nroute = \"/rpc/...\"",
                "[[trigger.redis]]\nchannel = \"c\"",
            ),
        ] {
            let text = APP.replacen(change, complaint, 1);
            assert!(
                Manifest::parse(&text, PathBuf::from("/app")).is_err(),
                "accepted: {complaint}"
            );
        }
    }
}
