//! The JSON-RPC 2.0 wire format (<https://www.jsonrpc.org/specification>):
//! pure data and pure functions, no Spin and no I/O.
//!
//! Requests are parsed borrowed from the body: ids and params stay
//! [`RawValue`](serde_json::value::RawValue)s, so what is echoed or forwarded
//! is the client's own bytes, never a re-serialization.

pub mod error;
pub mod id;
pub mod message;
pub mod request;
pub mod response;

pub use error::ErrorObject;
pub use id::Id;
pub use message::Message;
pub use request::Request;
pub use response::Response;
