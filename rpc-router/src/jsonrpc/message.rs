//! A request body: one request, or a batch of them (spec §6).

use super::{request::InvalidRequest, ErrorObject, Request};
use serde_json::value::RawValue;

/// What a body holds, before any call is made.
#[derive(Debug)]
pub enum Message<'a> {
    /// One request object (or an invalid one, answered with its error).
    Single(Result<Request<'a>, InvalidRequest<'a>>),
    /// A non-empty array of entries, each valid or not on its own.
    Batch(Vec<Result<Request<'a>, InvalidRequest<'a>>>),
    /// Not JSON, or an empty batch: answered with one error, id `null`.
    Unanswerable(ErrorObject),
}

impl<'a> Message<'a> {
    /// Parses a body. A batch longer than `max_batch` is refused whole,
    /// before any of its entries is validated.
    pub fn parse(body: &'a [u8], max_batch: usize) -> Self {
        let text = match std::str::from_utf8(body) {
            Ok(text) => text,
            Err(error) => return Message::Unanswerable(ErrorObject::parse_error(error)),
        };
        let value: &RawValue = match serde_json::from_str(text) {
            Ok(value) => value,
            Err(error) => return Message::Unanswerable(ErrorObject::parse_error(error)),
        };
        if !value.get().starts_with('[') {
            return Message::Single(Request::parse(value));
        }
        let entries: Vec<&RawValue> = match serde_json::from_str(value.get()) {
            Ok(entries) => entries,
            Err(error) => return Message::Unanswerable(ErrorObject::parse_error(error)),
        };
        if entries.is_empty() {
            return Message::Unanswerable(ErrorObject::invalid_request("an empty batch"));
        }
        if entries.len() > max_batch {
            return Message::Unanswerable(ErrorObject::invalid_request(format!(
                "a batch of {} calls is over the limit of {max_batch} (variable max_batch_calls)",
                entries.len()
            )));
        }
        Message::Batch(entries.into_iter().map(Request::parse).collect())
    }
}
