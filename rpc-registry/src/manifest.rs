//! Reading the app's `spin.toml`: its name, its version, and its functions.
//!
//! A component is a function when its section carries a registry entry, a
//! table that Spin leaves to tools:
//!
//! ```toml
//! [component.cube.tool.rpc-router]
//! method = "cube"
//! ```
//!
//! `spin add` appends such a table with the rest of a new component's
//! section, while it cannot edit a list kept anywhere else: that is why the
//! registry lives here. The router's build script reads it and compiles the
//! registry into the component, so a call costs no manifest reading.

use crate::registry::{Function, MethodRegistry};
use serde::Deserialize;
use std::collections::BTreeMap;

/// What the router takes from the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppManifest {
    pub name: String,
    pub version: String,
    pub registry: MethodRegistry,
}

#[derive(Deserialize)]
struct File {
    application: Application,
    #[serde(default)]
    component: BTreeMap<String, Component>,
}

#[derive(Deserialize)]
struct Application {
    name: String,
    version: Option<String>,
}

#[derive(Deserialize)]
struct Component {
    #[serde(default)]
    tool: Tools,
}

/// A component's tool tables: only the router's own is read.
#[derive(Default, Deserialize)]
struct Tools {
    #[serde(rename = "rpc-router")]
    rpc_router: Option<RegistryEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryEntry {
    method: String,
}

impl AppManifest {
    /// Reads the text of a `spin.toml`. Functions are listed in the order
    /// of their component ids.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: File = toml::from_str(text).map_err(|error| error.to_string())?;
        let functions = file
            .component
            .into_iter()
            .filter_map(|(component, section)| {
                let entry = section.tool.rpc_router?;
                Some(Function {
                    method: entry.method,
                    component,
                })
            });
        let registry = MethodRegistry::new(functions).map_err(|error| error.to_string())?;
        Ok(AppManifest {
            name: file.application.name,
            version: file
                .application
                .version
                .unwrap_or_else(|| "0.0.0".to_owned()),
            registry,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"
spin_manifest_version = 2

[application]
name = "calculator"
version = "1.2.3"

[[trigger.http]]
route = { private = true }
component = "triple"

[component.rpc-router]
source = "rpc_router.wasm"
allowed_outbound_hosts = ["http://*.spin.internal"]

[component.triple]
source = "triple.wasm"

[component.triple.tool.rpc-router]
method = "triple"

[component.cube]
source = "cube.wasm"
tool.rpc-router.method = "math.cube"
tool.other-tool = { anything = true }

[component.helper]
source = "helper.wasm"
"#;

    #[test]
    fn lists_the_components_that_carry_a_registry_entry() {
        let manifest = AppManifest::parse(MANIFEST).unwrap();
        let functions: Vec<(&str, &str)> = manifest
            .registry
            .functions()
            .map(|f| (f.method.as_str(), f.component.as_str()))
            .collect();
        assert_eq!(functions, [("math.cube", "cube"), ("triple", "triple")]);
        assert_eq!(
            (manifest.name.as_str(), manifest.version.as_str()),
            ("calculator", "1.2.3")
        );
    }

    #[test]
    fn says_what_is_wrong_with_a_registry_entry() {
        for (entry, complaint) in [
            ("method = 3", "method"),
            ("methd = \"cube\"", "unknown field `methd`"),
            ("", "missing field `method`"),
            ("method = \"echo\"", "the router's own"),
            ("method = \"rpc.cube\"", "the router's own"),
        ] {
            let text = format!(
                "[application]\nname = \"a\"\n[component.cube]\n[component.cube.tool.rpc-router]\n{entry}\n"
            );
            let error = AppManifest::parse(&text).unwrap_err();
            assert!(error.contains(complaint), "{entry}: {error}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_manifest() {
        for text in ["", "[application", "application = 1"] {
            assert!(AppManifest::parse(text).is_err(), "{text}");
        }
    }
}
