//! Error objects (spec §5.1) and the codes this app answers with.

use serde::Serialize;

/// The `error` member of a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorObject {
    pub code: i64,
    pub message: String,
}

/// The codes of the spec, and this app's own in the server-error range
/// `-32000..=-32099`. The README lists each with its meaning.
pub mod code {
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
}

impl ErrorObject {
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        ErrorObject {
            code,
            message: message.into(),
        }
    }

    pub fn parse_error(detail: impl std::fmt::Display) -> Self {
        Self::new(code::PARSE_ERROR, format!("Parse error: {detail}"))
    }

    pub fn invalid_request(detail: impl std::fmt::Display) -> Self {
        Self::new(code::INVALID_REQUEST, format!("Invalid Request: {detail}"))
    }

    pub fn method_not_found(method: &str) -> Self {
        Self::new(
            code::METHOD_NOT_FOUND,
            format!("Method not found: {method:?}"),
        )
    }

    pub fn invalid_params(detail: impl std::fmt::Display) -> Self {
        Self::new(code::INVALID_PARAMS, format!("Invalid params: {detail}"))
    }

    pub fn internal_error(detail: impl std::fmt::Display) -> Self {
        Self::new(code::INTERNAL_ERROR, format!("Internal error: {detail}"))
    }
}
