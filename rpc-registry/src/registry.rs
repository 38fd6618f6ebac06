//! Which functions exist: the app's function registry.
//!
//! Each entry maps a JSON-RPC method name to the Spin component that answers
//! it. A method name reaches a function only by matching an entry exactly,
//! and the URL of a call is built from the entry's component id, never from
//! the request. Where the entries come from is the manifest's business
//! (`crate::manifest`).

use std::fmt;

/// One registered function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// The JSON-RPC method name it answers.
    pub method: String,
    /// The Spin component id it is called at (`http://<id>.spin.internal`).
    pub component: String,
}

impl Function {
    /// A function whose method name is its component id, as `double` is:
    /// a shorthand for tests, behind the `test-support` feature.
    #[cfg(any(test, feature = "test-support"))]
    pub fn named(component: &str) -> Self {
        Function {
            method: component.to_owned(),
            component: component.to_owned(),
        }
    }
}

/// The function components this app dispatches to, by method name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MethodRegistry {
    functions: Vec<Function>,
}

/// The router's own methods, which no function may take: one call of a
/// function wrapped in an envelope.
pub const ECHO: &str = "echo";
/// The router's own methods: OpenRPC service discovery.
pub const DISCOVER: &str = "rpc.discover";

/// The prefix JSON-RPC reserves for methods of the protocol itself.
const RESERVED_PREFIX: &str = "rpc.";

/// Whether `method` is the router's own (or reserved by JSON-RPC for it).
pub fn is_reserved(method: &str) -> bool {
    method == ECHO || method.starts_with(RESERVED_PREFIX)
}

/// Why a registry was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryError(String);

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl MethodRegistry {
    /// A registry of `functions`, in that order, refusing entries that could
    /// be confused with another method or that are not component ids.
    pub fn new(functions: impl IntoIterator<Item = Function>) -> Result<Self, RegistryError> {
        let mut registry = MethodRegistry::default();
        for function in functions {
            let Function { method, component } = &function;
            if !is_component_id(component) {
                return Err(RegistryError(format!(
                    "{component:?} is not a Spin component id (lowercase letters, digits and dashes)"
                )));
            }
            if method.is_empty() || method.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(RegistryError(format!(
                    "component {component:?}: the method name {method:?} is empty or has spaces"
                )));
            }
            if is_reserved(method) {
                return Err(RegistryError(format!(
                    "component {component:?}: the method name {method:?} is the router's own"
                )));
            }
            if let Some(taken) = registry.component(method) {
                return Err(RegistryError(format!(
                    "the method name {method:?} is claimed by both {taken:?} and {component:?}"
                )));
            }
            registry.functions.push(function);
        }
        Ok(registry)
    }

    /// The component id of the function registered under exactly this
    /// method name, if any.
    pub fn component(&self, method: &str) -> Option<&str> {
        self.functions
            .iter()
            .find(|function| function.method == method)
            .map(|function| function.component.as_str())
    }

    /// Every registered function, in registry order.
    pub fn functions(&self) -> impl Iterator<Item = &Function> {
        self.functions.iter()
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

    fn function(method: &str, component: &str) -> Function {
        Function {
            method: method.to_owned(),
            component: component.to_owned(),
        }
    }

    #[test]
    fn maps_method_names_to_components_in_order() {
        let registry =
            MethodRegistry::new([Function::named("double"), function("math.cube", "cube")])
                .unwrap();
        let methods: Vec<&str> = registry.functions().map(|f| f.method.as_str()).collect();
        assert_eq!(methods, ["double", "math.cube"]);
        assert_eq!(registry.component("math.cube"), Some("cube"));
        assert_eq!(registry.component("cube"), None);
        assert_eq!(MethodRegistry::new([]).unwrap().functions().count(), 0);
    }

    #[test]
    fn only_exact_names_match() {
        let registry =
            MethodRegistry::new([Function::named("double"), Function::named("triple")]).unwrap();
        for method in [
            "Double",
            "double ",
            "../double",
            "double.spin.internal",
            "self",
            "rpc-router",
            "",
        ] {
            assert_eq!(registry.component(method), None, "{method:?}");
        }
    }

    #[test]
    fn refuses_components_that_are_not_component_ids() {
        for component in ["Double", "dou ble", "a.b", "-a", "a-", "a--b", "1a", "x/y"] {
            let entry = function("fine", component);
            assert!(MethodRegistry::new([entry]).is_err(), "{component:?}");
        }
    }

    #[test]
    fn refuses_method_names_that_are_taken_reserved_or_blank() {
        for method in [
            "echo",
            "rpc.discover",
            "rpc.anything",
            "",
            "two words",
            "tab\t",
        ] {
            let entry = function(method, "fine");
            assert!(MethodRegistry::new([entry]).is_err(), "{method:?}");
        }
        let twice = [function("same", "one"), function("same", "two")];
        let refused = MethodRegistry::new(twice).unwrap_err().to_string();
        assert!(
            refused.contains("\"one\"") && refused.contains("\"two\""),
            "{refused}"
        );
    }
}
