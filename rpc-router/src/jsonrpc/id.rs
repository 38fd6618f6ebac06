//! Request ids (spec §4: "a String, Number, or NULL value").

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

/// An id exactly as the client wrote it: echoed back token for token, so a
/// large integer keeps every digit and `1.0` stays `1.0`.
#[derive(Debug, Clone, Copy)]
pub struct Id<'a>(&'a RawValue);

impl<'a> Id<'a> {
    /// The id of a response to a request whose id could not be read (spec §5).
    pub const NULL: Id<'static> = Id(RawValue::NULL);

    /// Accepts a raw JSON value as an id if it is a string, a number or null.
    pub fn new(raw: &'a RawValue) -> Option<Self> {
        match raw.get().as_bytes().first() {
            Some(b'"' | b'-' | b'0'..=b'9' | b'n') => Some(Id(raw)),
            _ => None,
        }
    }

    /// The id's JSON text, as sent.
    pub fn as_json(&self) -> &'a str {
        self.0.get()
    }
}

impl Serialize for Id<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}
