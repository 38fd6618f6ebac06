//! The SDK for a function written in Rust, so that a function crate holds
//! only what makes it that function. It speaks the protocol of
//! `rpc-protocol` (the inner format, the error codes) for its author.
//!
//! - [`Function`]: a function of any signature (a params struct in, any
//!   serializable result out, errors of its own), described to
//!   `rpc.discover` from its types;
//! - [`IntegerFunction`]: the shortest form, `x ↦ f(x)` on 64-bit integers;
//! - [`params`]: params by position or by name; [`Integer`]: an integer
//!   param that may come as a decimal string; [`SafeInteger`]: one every
//!   language reads exactly (±(2^53 − 1));
//! - `component` (feature `component`): the Spin HTTP glue, `respond`ing
//!   to the router's requests.

#[cfg(feature = "component")]
pub mod component;
pub mod function;
pub mod integer;
pub mod integer_function;
pub mod params;
mod safe_integer;
mod schema;

pub use function::{Callable, Error, Function};
pub use integer::Integer;
pub use integer_function::IntegerFunction;
pub use safe_integer::SafeInteger;
