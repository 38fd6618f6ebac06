//! `rpc-router`: the app's only public component, in three layers, each
//! importing only from those before it:
//!
//! - **The JSON-RPC core**, pure and unit-tested natively: the wire types
//!   ([`jsonrpc`]), what answers a method and what a request may call
//!   ([`methods`]), the router's own methods ([`builtin`]), the sending of
//!   function calls ([`dispatch`]), the whole of a request body's answer with
//!   a record of each call ([`service`]), the HTTP [`reply`], the [`limits`],
//!   a token's [`rate_limit`] on its calls, and the [`app`] it was built for
//!   (its registry, compiled in by `build.rs` from the app's `spin.toml` with
//!   `rpc-registry`).
//! - **The HTTP face**, also pure: [`endpoint`] (which lets a request in,
//!   with [`tokens`] and [`cors`]), the [`call_log`], the [`trace_context`]
//!   passed on, the [`settings`] and variables that configure it, and the
//!   [`health`] check.
//! - **The Spin shell** (`component`, wasm only): reads the configuration,
//!   moves bytes, writes the log line, and carries function calls over local
//!   service chaining.

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
pub mod rate_limit;
pub mod reply;
pub mod service;
pub mod settings;
pub mod tokens;
pub mod trace_context;

#[cfg(target_arch = "wasm32")]
mod component;
