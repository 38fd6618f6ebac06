//! `rpc-router`: the app's only public component.
//!
//! A pure JSON-RPC core ([`jsonrpc`], [`methods`], [`dispatch`],
//! [`builtin`], [`service`]) that builds and is unit-tested natively; its
//! HTTP face ([`endpoint`]: [`tokens`] with method scopes, [`cors`]), the
//! [`call_log`] and the [`trace_context`] it passes on; its configuration
//! (the [`app`] it was built for, whose function registry `build.rs` read
//! from the app's `spin.toml` with `rpc-registry`; [`limits`] and the rest,
//! from its environment and variables: [`settings`]); the [`health`] check; the [`reply`] it
//! gives over HTTP; and a thin Spin shell around it (`component`, wasm only)
//! that reads the settings, moves bytes, writes the log line, and carries
//! function calls over local service chaining.

pub mod app;
pub mod builtin;
pub mod call_log;
pub mod cors;
pub mod dispatch;
pub mod endpoint;
pub mod health;
pub mod jsonrpc;
pub mod limits;
pub mod methods;
pub mod reply;
pub mod service;
pub mod settings;
pub mod tokens;
pub mod trace_context;

#[cfg(target_arch = "wasm32")]
mod component;
