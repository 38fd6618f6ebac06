//! `rpc-router`: the app's only public component.
//!
//! A pure JSON-RPC core ([`jsonrpc`], [`methods`], [`dispatch`],
//! [`discovery`], [`service`]) that builds and is unit-tested natively, and a thin Spin
//! shell around it (`component`, wasm only) that reads the configuration,
//! moves bytes, and carries function calls over local service chaining.

pub mod discovery;
pub mod dispatch;
pub mod jsonrpc;
pub mod limits;
pub mod methods;
pub mod registry;
pub mod service;

#[cfg(target_arch = "wasm32")]
mod component;
