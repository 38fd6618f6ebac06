//! Response objects (spec §5) and how they are written.

use super::{ErrorObject, Id};
use serde::ser::{Serialize, SerializeStruct, Serializer};

/// A response: a result or an error, for the request with this id.
#[derive(Debug)]
pub struct Response<'a> {
    pub outcome: Outcome,
    pub id: Id<'a>,
}

/// Exactly one of `result` and `error` (spec §5): the same outcome a
/// function answers in the inner format, passed on as it is.
pub use rpc_protocol::inner::Outcome;

impl Serialize for Response<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut response = serializer.serialize_struct("Response", 3)?;
        response.serialize_field("jsonrpc", "2.0")?;
        match &self.outcome {
            Outcome::Result(result) => response.serialize_field("result", result)?,
            Outcome::Error(error) => response.serialize_field("error", error)?,
        }
        response.serialize_field("id", &self.id)?;
        response.end()
    }
}

impl<'a> Response<'a> {
    pub fn new(id: Id<'a>, outcome: Outcome) -> Self {
        Response { outcome, id }
    }

    pub fn error(id: Id<'a>, error: ErrorObject) -> Self {
        Self::new(id, Outcome::Error(error))
    }

    /// The code of an error response.
    pub fn error_code(&self) -> Option<i64> {
        match &self.outcome {
            Outcome::Result(_) => None,
            Outcome::Error(error) => Some(error.code),
        }
    }

    /// The JSON text of one response.
    pub fn to_json(&self) -> Vec<u8> {
        // A response is strings, integers and RawValues that were valid JSON
        // when parsed: writing it into a Vec cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The JSON text of a batch answer (spec §6): an array of responses.
    pub fn batch_to_json(responses: &[Response<'_>]) -> Vec<u8> {
        serde_json::to_vec(responses).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::value::RawValue;

    #[test]
    fn writes_result_and_error_with_the_id_as_sent() {
        let id: Box<RawValue> = serde_json::from_str("123456789012345678901234567890").unwrap();
        let id = Id::new(&id).unwrap();
        let result = Response::new(
            id,
            Outcome::Result(RawValue::from_string("19".into()).unwrap()),
        );
        assert_eq!(
            String::from_utf8(result.to_json()).unwrap(),
            r#"{"jsonrpc":"2.0","result":19,"id":123456789012345678901234567890}"#
        );
        let error = Response::error(Id::NULL, ErrorObject::new(-32600, "Invalid Request: x"));
        assert_eq!(
            String::from_utf8(error.to_json()).unwrap(),
            r#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request: x"},"id":null}"#
        );
    }
}
