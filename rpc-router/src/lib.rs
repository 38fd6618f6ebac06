//! `rpc-router`: the app's only public component.
//!
//! A pure JSON-RPC core ([`jsonrpc`], [`methods`], [`dispatch`],
//! [`builtin`], [`service`]) that builds and is unit-tested natively; its
//! configuration (the [`app`] it was built for, whose function registry
//! `build.rs` read from the app's `spin.toml` with `rpc-registry`;
//! [`limits`], handed over as [`settings`]); the [`health`] check; the [`reply`] it gives over HTTP; and a thin Spin shell around it (`component`, wasm
//! only) that reads the limits, moves bytes, and carries function calls over
//! local service chaining.

pub mod app;
pub mod builtin;
pub mod dispatch;
pub mod health;
pub mod jsonrpc;
pub mod limits;
pub mod methods;
pub mod reply;
pub mod service;
pub mod settings;

#[cfg(target_arch = "wasm32")]
mod component;
