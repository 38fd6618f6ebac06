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
