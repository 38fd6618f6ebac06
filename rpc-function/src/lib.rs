//! What every function component shares, so that a function crate holds only
//! what makes it that function.
//!
//! - [`inner`]: the small JSON format the router and a function speak over
//!   Spin's local service chaining (documented in the README, so a function
//!   can be written in any language).
//! - [`code`]: the JSON-RPC error codes, the router's and the functions'.
//! - [`argument`]: reading the integer `x` from `[x]` or `{"x": x}`.
//! - [`function`]: an integer function and how it answers an inner request.
//! - `component` (feature `component`): the Spin HTTP glue around it.

pub mod argument;
pub mod code;
#[cfg(feature = "component")]
pub mod component;
pub mod function;
pub mod inner;

pub use function::IntegerFunction;
