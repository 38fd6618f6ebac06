//! Which functions exist: the app's function registry.
//!
//! The registry is the Spin variable `functions`, a comma-separated list of
//! component ids. A method name reaches a function only by matching one of
//! those ids exactly; nothing from a request is ever pasted into a URL.

use std::fmt;

/// The function components this app dispatches to, by method name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodRegistry {
    functions: Vec<String>,
}

/// Names the router answers itself, which no function may take.
pub const RESERVED: [&str; 1] = ["echo"];

/// Why a registry value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryError(String);

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "variable functions: {}", self.0)
    }
}

impl MethodRegistry {
    /// Reads the registry from the value of the `functions` variable.
    pub fn parse(value: &str) -> Result<Self, RegistryError> {
        let mut functions: Vec<String> = Vec::new();
        for name in value
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
        {
            if !is_component_id(name) {
                return Err(RegistryError(format!(
                    "{name:?} is not a Spin component id (lowercase letters, digits and dashes)"
                )));
            }
            if RESERVED.contains(&name) {
                return Err(RegistryError(format!(
                    "{name:?} is answered by the router itself"
                )));
            }
            if !functions.iter().any(|known| known == name) {
                functions.push(name.to_owned());
            }
        }
        Ok(MethodRegistry { functions })
    }

    /// The registered function with exactly this name, if any.
    pub fn function(&self, method: &str) -> Option<&str> {
        self.functions
            .iter()
            .map(String::as_str)
            .find(|name| *name == method)
    }

    /// Every registered function, in the order the variable lists them.
    pub fn functions(&self) -> impl Iterator<Item = &str> {
        self.functions.iter().map(String::as_str)
    }
}

/// Spin's component id rule: kebab-case words of lowercase letters and
/// digits, starting with a letter. Such an id is safe as a host label.
fn is_component_id(name: &str) -> bool {
    name.split('-').all(|word| {
        !word.is_empty()
            && word
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    }) && name.starts_with(|c: char| c.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_component_ids_in_order_without_repeats() {
        let registry = MethodRegistry::parse(" double, triple ,double,,").unwrap();
        assert_eq!(
            registry.functions().collect::<Vec<_>>(),
            ["double", "triple"]
        );
        assert_eq!(registry.function("triple"), Some("triple"));
        assert_eq!(MethodRegistry::parse("").unwrap().functions().count(), 0);
    }

    #[test]
    fn only_exact_names_match() {
        let registry = MethodRegistry::parse("double,triple").unwrap();
        for method in [
            "Double",
            "double ",
            "../double",
            "double.spin.internal",
            "self",
            "rpc-router",
            "",
        ] {
            assert_eq!(registry.function(method), None, "{method:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_component_id() {
        for value in [
            "Double", "dou ble", "a.b", "-a", "a-", "a--b", "1a", "x/y", "echo",
        ] {
            assert!(MethodRegistry::parse(value).is_err(), "{value:?}");
        }
    }
}
