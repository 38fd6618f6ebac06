//! The methods the router answers itself, one module each: [`echo`] (one
//! call of a function wrapped in an envelope) and [`discover`]
//! (`rpc.discover`).
//! Their names are in `rpc-registry`, which keeps functions off them.

pub mod discover;
pub mod echo;
mod method_object;

use serde_json::Value;

/// One of the router's own methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltIn {
    Echo,
    Discover,
}

impl BuiltIn {
    /// Every built-in method, in the order `rpc.discover` lists them.
    pub const ALL: [BuiltIn; 2] = [BuiltIn::Echo, BuiltIn::Discover];

    /// The built-in method of this name, if it is one.
    pub fn named(method: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|builtin| builtin.name() == method)
    }

    pub fn name(self) -> &'static str {
        match self {
            BuiltIn::Echo => rpc_registry::ECHO,
            BuiltIn::Discover => rpc_registry::DISCOVER,
        }
    }

    /// Its OpenRPC method object, given the app's function method names.
    pub fn describe(self, functions: &[&str]) -> Value {
        match self {
            BuiltIn::Echo => echo::describe(functions),
            BuiltIn::Discover => discover::describe(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_function_can_take_a_built_in_name() {
        for builtin in BuiltIn::ALL {
            assert!(rpc_registry::is_reserved(builtin.name()), "{builtin:?}");
            assert_eq!(BuiltIn::named(builtin.name()), Some(builtin));
        }
        assert_eq!(BuiltIn::named("double"), None);
    }
}
