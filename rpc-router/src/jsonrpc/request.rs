//! Request objects (spec §4) and their validation.

use super::{ErrorObject, Id};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// A valid request, borrowed from the body.
#[derive(Debug)]
pub struct Request<'a> {
    pub method: Cow<'a, str>,
    /// An array or an object, as sent; `None` when the member is absent.
    pub params: Option<&'a RawValue>,
    /// `None` for a notification (spec §4.1): executed, never answered.
    pub id: Option<Id<'a>>,
}

/// Why an entry is not a valid request, with the id to answer it under.
#[derive(Debug)]
pub struct InvalidRequest<'a> {
    pub id: Id<'a>,
    pub error: ErrorObject,
}

/// The members of a request object, each kept raw so that a member of the
/// wrong type is told apart from a missing one and reported precisely.
#[derive(Deserialize)]
struct Members<'a> {
    #[serde(default, borrow, deserialize_with = "present")]
    jsonrpc: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    method: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    params: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    id: Option<&'a RawValue>,
}

/// A member that is present is `Some`, even when its value is `null`: an
/// `"id": null` request must be answered, an id-less one must not.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(deserializer).map(Some)
}

impl<'a> Request<'a> {
    /// Validates one request object of a single call or of a batch.
    pub fn parse(entry: &'a RawValue) -> Result<Self, InvalidRequest<'a>> {
        let invalid = |id, detail: &str| InvalidRequest {
            id,
            error: ErrorObject::invalid_request(detail),
        };
        if !entry.get().starts_with('{') {
            return Err(invalid(Id::NULL, "a request must be a JSON object"));
        }
        let members: Members = serde_json::from_str(entry.get())
            .map_err(|error| invalid(Id::NULL, &error.to_string()))?;
        let id = match members.id {
            None => None,
            Some(raw) => match Id::new(raw) {
                Some(id) => Some(id),
                None => {
                    return Err(invalid(
                        Id::NULL,
                        "\"id\" must be a string, a number or null",
                    ))
                }
            },
        };
        let answer_id = id.unwrap_or(Id::NULL);
        let version = members
            .jsonrpc
            .and_then(|raw| serde_json::from_str::<Cow<str>>(raw.get()).ok());
        if version.as_deref() != Some("2.0") {
            return Err(invalid(answer_id, "\"jsonrpc\" must be exactly \"2.0\""));
        }
        let method = members
            .method
            .and_then(|raw| serde_json::from_str::<Cow<'a, str>>(raw.get()).ok())
            .ok_or_else(|| invalid(answer_id, "\"method\" must be a string"))?;
        if let Some(params) = members.params {
            if !matches!(params.get().as_bytes().first(), Some(b'[' | b'{')) {
                return Err(invalid(
                    answer_id,
                    "\"params\" must be an array or an object",
                ));
            }
        }
        Ok(Request {
            method,
            params: members.params,
            id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request object in brief: (method, params, id) of a valid one, or
    /// (the id it is answered under, the error code) of an invalid one.
    type Brief = Result<(String, Option<String>, Option<String>), (String, i64)>;

    fn brief(entry: &str) -> Brief {
        let raw: Box<RawValue> = serde_json::from_str(entry).expect("JSON");
        match Request::parse(&raw) {
            Ok(request) => Ok((
                request.method.into_owned(),
                request.params.map(|p| p.get().to_owned()),
                request.id.map(|id| id.as_json().to_owned()),
            )),
            Err(invalid) => Err((invalid.id.as_json().to_owned(), invalid.error.code)),
        }
    }

    fn valid(method: &str, params: Option<&str>, id: Option<&str>) -> Brief {
        Ok((method.into(), params.map(Into::into), id.map(Into::into)))
    }

    #[test]
    fn requests_and_notifications_keep_what_they_were_sent() {
        let cases = [
            // params by position or by name, kept as sent; ids as sent
            (
                r#"{"jsonrpc": "2.0", "method": "m", "params": [4, 2], "id": 1}"#,
                valid("m", Some("[4, 2]"), Some("1")),
            ),
            (
                r#"{"jsonrpc": "2.0", "method": "m", "params": {"b": 2, "a": 4}, "id": "x"}"#,
                valid("m", Some(r#"{"b": 2, "a": 4}"#), Some("\"x\"")),
            ),
            // §4.1: a notification has no id; `"id": null` is not one
            (
                r#"{"jsonrpc": "2.0", "method": "n", "params": [1]}"#,
                valid("n", Some("[1]"), None),
            ),
            (
                r#"{"jsonrpc": "2.0", "method": "n"}"#,
                valid("n", None, None),
            ),
            (
                r#"{"jsonrpc": "2.0", "method": "n", "id": null}"#,
                valid("n", None, Some("null")),
            ),
            // ids keep every digit and their form
            (
                r#"{"jsonrpc": "2.0", "method": "m", "id": 123456789012345678901234567890}"#,
                valid("m", None, Some("123456789012345678901234567890")),
            ),
            (
                r#"{"jsonrpc": "2.0", "method": "m", "id": "1.0"}"#,
                valid("m", None, Some("\"1.0\"")),
            ),
        ];
        for (entry, expected) in cases {
            assert_eq!(brief(entry), expected, "{entry}");
        }
    }

    #[test]
    fn invalid_requests_are_answered_under_their_id_when_it_is_readable() {
        let cases = [
            // §7: "method" is not a string, "params" not structured
            (
                r#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#,
                "null",
            ),
            (
                r#"{"jsonrpc": "2.0", "method": "m", "params": "bar", "id": 7}"#,
                "7",
            ),
            (r#"{"jsonrpc": "1.0", "method": "m", "id": "a"}"#, "\"a\""),
            (r#"{"method": "m", "id": 2}"#, "2"),
            (
                r#"{"jsonrpc": "2.0", "method": "m", "id": {"x": 1}}"#,
                "null",
            ),
            (r#"{"jsonrpc": "2.0", "method": "m", "id": [1]}"#, "null"),
            (r#"{"foo": "boo"}"#, "null"),
            ("1", "null"),
            ("\"text\"", "null"),
        ];
        for (entry, id) in cases {
            assert_eq!(brief(entry), Err((id.to_owned(), -32600)), "{entry}");
        }
    }
}
