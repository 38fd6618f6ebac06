//! Error objects (spec §5.1) and the codes this app answers with.

use serde::Serialize;
use serde_json::value::RawValue;

/// The `error` member of a response.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorObject {
    pub code: i64,
    pub message: String,
    /// A function's own `data`, passed on as it wrote it.
    #[serde(skip_serializing_if = "Option::is_none")]
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

/// The codes of the spec, and this app's own: one list, shared with the
/// functions.
pub use rpc_protocol::code;

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
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        ErrorObject {
            code,
            message: message.into(),
            data: None,
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
            format!("Method not found: {}", quoted_method(method)),
        )
    }

    pub fn out_of_scope(method: &str) -> Self {
        Self::new(
            code::OUT_OF_SCOPE,
            format!(
                "Method outside the token's scope: {}",
                quoted_method(method)
            ),
        )
    }

    pub fn invalid_params(detail: impl std::fmt::Display) -> Self {
        Self::new(code::INVALID_PARAMS, format!("Invalid params: {detail}"))
    }

    pub fn internal_error(detail: impl std::fmt::Display) -> Self {
        Self::new(code::INTERNAL_ERROR, format!("Internal error: {detail}"))
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
}
