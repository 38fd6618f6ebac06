//! The JSON-RPC error codes of this app: the specification's (§5.1), and
//! the app's own in the server-error range `-32000..=-32099`. The router
//! answers with all of them; a function answers a bad argument or an
//! unreadable inner request with the spec's. `docs/protocol.md` lists each
//! with its meaning.

pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const INVALID_PARAMS: i64 = -32602;
pub const INTERNAL_ERROR: i64 = -32603;
/// The function failed: it trapped or answered a non-success status.
pub const FUNCTION_FAILED: i64 = -32000;
/// The function did not answer within the call time limit.
pub const FUNCTION_TIMED_OUT: i64 = -32001;
/// The function answered something that is not the inner format.
pub const FUNCTION_MALFORMED: i64 = -32002;
/// The function could not be reached at all.
pub const FUNCTION_UNREACHABLE: i64 = -32003;
/// The function's answer was larger than the answer size limit.
pub const FUNCTION_ANSWER_TOO_LARGE: i64 = -32004;
/// The request carries no valid bearer token, where the app requires one
/// (HTTP 401).
pub const UNAUTHORIZED: i64 = -32005;
/// The method is outside the scope of the request's token.
pub const OUT_OF_SCOPE: i64 = -32006;
/// The call is over its token's rate limit (HTTP 429 when no call of the
/// request ran); `data` says in how many milliseconds to retry.
pub const RATE_LIMITED: i64 = -32007;
