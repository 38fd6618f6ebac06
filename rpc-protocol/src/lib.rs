//! The protocol the router and every function share, whatever language a
//! function is written in (docs/protocol.md, "The inner format"):
//!
//! - [`inner`]: the small JSON format of a function request and its answer;
//! - [`code`]: the JSON-RPC error codes, the router's and the functions',
//!   each with its meaning;
//! - [`error`]: the error object, one type for the router's errors and the
//!   functions';
//! - [`rate_limit`]: what the router asks the rate limiter component, and
//!   its answer;
//! - `body` (feature `component`): request and response bodies read and
//!   written with blocking host calls, the fewest for a component that has
//!   nothing else to do meanwhile.
//!
//! The SDK a function author writes against is `rpc-function`, on top of it.

pub mod code;
pub mod error;
pub mod inner;
pub mod rate_limit;

#[cfg(feature = "component")]
pub mod body;
