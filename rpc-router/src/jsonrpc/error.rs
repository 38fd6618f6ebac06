//! Error objects (spec §5.1) and the codes this app answers with: one type
//! and one list, shared with the functions (`rpc-protocol`), so that a
//! function's error reaches the client as the function wrote it and each
//! code's meaning is written once.

pub use rpc_protocol::code::ErrorCode;
pub use rpc_protocol::error::{long_method, ErrorObject};
