//! The app's function registry: which JSON-RPC method each function
//! component answers.
//!
//! - [`registry`]: the registry itself and what makes it valid;
//! - [`manifest`] (feature `manifest`): reading it from the app's
//!   `spin.toml`, where `spin add` puts each new function's entry.
//!
//! One crate, so that the router's build script, the router, and the tests
//! agree on what the registry says and on what a valid one is.

#[cfg(feature = "manifest")]
pub mod manifest;
pub mod registry;

#[cfg(feature = "manifest")]
pub use manifest::AppManifest;
pub use registry::{is_reserved, Function, MethodRegistry, RegistryError, DISCOVER, ECHO};
