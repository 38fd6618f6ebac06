//! What every function component shares, so that a function crate holds only
//! what makes it that function.
//!
//! - [`Function`]: a function of any signature (a params struct in, any
//!   serializable result out, errors of its own), described to
//!   `rpc.discover` from its types;
//! - [`IntegerFunction`]: the shortest form, `x ↦ f(x)` on 64-bit integers;
//! - [`params`]: params by position or by name; [`Integer`]: an integer
//!   param that may come as a decimal string;
//! - [`inner`]: the small JSON format the router and a function speak over
//!   Spin's local service chaining (so a function can be written in any
//!   language); [`code`]: the JSON-RPC error codes, the router's and the
//!   functions';
//! - `component` (feature `component`): the Spin HTTP glue.

pub mod code;
#[cfg(feature = "component")]
pub mod component;
pub mod function;
pub mod inner;
pub mod integer;
pub mod integer_function;
pub mod params;

pub use function::{Callable, Error, Function};
pub use integer::Integer;
pub use integer_function::IntegerFunction;
