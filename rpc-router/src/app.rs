//! The app this router was built for: its name, its version and its
//! function registry, compiled in by `build.rs` from the app's `spin.toml`.

use rpc_registry::{Function, MethodRegistry, RegistryError};

mod generated {
    include!(concat!(env!("OUT_DIR"), "/app.rs"));
}

/// The app's name and version, as its manifest's `[application]` gives
/// them: the `info` of `rpc.discover`'s document, and the health check's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppInfo {
    pub title: String,
    pub version: String,
}

/// The app's functions, as its manifest lists them.
pub fn registry() -> Result<MethodRegistry, RegistryError> {
    MethodRegistry::new(
        generated::FUNCTIONS
            .iter()
            .map(|(method, component)| Function {
                method: (*method).to_owned(),
                component: (*component).to_owned(),
            }),
    )
}

/// The app's name and version, for `rpc.discover`.
pub fn info() -> AppInfo {
    AppInfo {
        title: generated::NAME.to_owned(),
        version: generated::VERSION.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_compiled_registry_is_valid() {
        assert!(super::registry().is_ok());
    }
}
