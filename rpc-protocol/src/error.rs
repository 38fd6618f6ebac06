//! The error object (spec §5.1), `{"code": C, "message": M, "data": D}`:
//! one type wherever the app writes or reads one, since the router passes a
//! function's error on to the client as the function wrote it. It is also
//! the shape of an OpenRPC error object, so `rpc.discover`'s `errors` lists
//! are lists of it.

use crate::code::ErrorCode;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::fmt::Display;

/// The `error` member of a JSON-RPC response or of an inner outcome.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ErrorObject {
    /// One of [`ErrorCode`]'s, or a function's own.
    pub code: i64,
    pub message: String,
    /// Anything more the client may use, passed on as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Box<RawValue>>,
}

/// Equal when they would be written the same.
impl PartialEq for ErrorObject {
    fn eq(&self, other: &Self) -> bool {
        let data = self.data.as_deref().map(RawValue::get);
        let other_data = other.data.as_deref().map(RawValue::get);
        (self.code, &self.message, data) == (other.code, &other.message, other_data)
    }
}

impl Eq for ErrorObject {}

/// The most characters of a client's method name that an error or the call
/// log repeats: a method name may be as long as the request body.
pub const METHOD_QUOTED_CHARS: usize = 128;

/// The start of a method name longer than [`METHOD_QUOTED_CHARS`]
/// characters, and its length in characters; `None` for a shorter one.
pub fn long_method(method: &str) -> Option<(&str, usize)> {
    let (cut, _) = method.char_indices().nth(METHOD_QUOTED_CHARS)?;
    Some((&method[..cut], method.chars().count()))
}

/// A method name as errors quote it: in full, or its start and its length.
pub fn quoted_method(method: &str) -> String {
    match long_method(method) {
        None => format!("{method:?}"),
        Some((start, length)) => format!("{start:?}… ({length} characters)"),
    }
}

impl ErrorObject {
    /// An error with its message written whole: a function's own code, or
    /// one of the app's whose message does not start with its meaning.
    pub fn new(code: impl Into<i64>, message: impl Into<String>) -> Self {
        ErrorObject {
            code: code.into(),
            message: message.into(),
            data: None,
        }
    }

    /// The code's meaning, then what went wrong: `"Parse error: …"`.
    pub fn detailed(code: ErrorCode, detail: impl Display) -> Self {
        Self::new(code, format!("{}: {detail}", code.message()))
    }

    /// The same error, with `data` (`None` if it cannot be written as JSON).
    pub fn with_data(self, data: impl Serialize) -> Self {
        ErrorObject {
            data: serde_json::value::to_raw_value(&data).ok(),
            ..self
        }
    }

    pub fn parse_error(detail: impl Display) -> Self {
        Self::detailed(ErrorCode::ParseError, detail)
    }

    pub fn invalid_request(detail: impl Display) -> Self {
        Self::detailed(ErrorCode::InvalidRequest, detail)
    }

    pub fn method_not_found(method: &str) -> Self {
        Self::detailed(ErrorCode::MethodNotFound, quoted_method(method))
    }

    pub fn out_of_scope(method: &str) -> Self {
        Self::detailed(ErrorCode::OutOfScope, quoted_method(method))
    }

    pub fn invalid_params(detail: impl Display) -> Self {
        Self::detailed(ErrorCode::InvalidParams, detail)
    }

    pub fn internal_error(detail: impl Display) -> Self {
        Self::detailed(ErrorCode::InternalError, detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_method_name_is_quoted_by_its_start_and_its_length() {
        assert_eq!(quoted_method("double"), "\"double\"");
        let exact = "é".repeat(METHOD_QUOTED_CHARS);
        assert_eq!(quoted_method(&exact), format!("{exact:?}"));
        let long = "é".repeat(100_000);
        let quoted = quoted_method(&long);
        let start = "é".repeat(METHOD_QUOTED_CHARS);
        assert_eq!(quoted, format!("{start:?}… (100000 characters)"));
        let error = ErrorObject::method_not_found(&long);
        assert!(error.message.len() < 400, "{}", error.message);
    }

    /// The messages the router answers with, as the spec's examples and
    /// docs/protocol.md give them.
    #[test]
    fn a_codes_message_starts_with_its_meaning() {
        let cases = [
            (ErrorObject::parse_error("x"), -32700, "Parse error: x"),
            (
                ErrorObject::invalid_request("x"),
                -32600,
                "Invalid Request: x",
            ),
            (
                ErrorObject::method_not_found("m"),
                -32601,
                "Method not found: \"m\"",
            ),
            (
                ErrorObject::invalid_params("x"),
                -32602,
                "Invalid params: x",
            ),
            (
                ErrorObject::internal_error("x"),
                -32603,
                "Internal error: x",
            ),
            (
                ErrorObject::out_of_scope("m"),
                -32006,
                "Method outside the token's scope: \"m\"",
            ),
        ];
        for (error, code, message) in cases {
            assert_eq!((error.code, error.message.as_str()), (code, message));
        }
    }

    #[test]
    fn error_objects_round_trip_byte_exact() {
        for text in [
            r#"{"code":-32602,"message":"no"}"#,
            r#"{"code":1001,"message":"no","data":{"why":[1,2]}}"#,
        ] {
            let error: ErrorObject = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&error).unwrap(), text);
        }
        let with_data = ErrorObject::new(ErrorCode::RateLimited, "slow down")
            .with_data(serde_json::json!({"retry_after_ms": 700}));
        assert_eq!(
            serde_json::to_string(&with_data).unwrap(),
            r#"{"code":-32007,"message":"slow down","data":{"retry_after_ms":700}}"#
        );
    }
}
