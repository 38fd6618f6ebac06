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
        // Any valid JSON array reads as a list of raw entries, so a batch is
        // read in one pass over the text (each entry then in one more).
        if !text.trim_start().starts_with('[') {
            return match serde_json::from_str(text) {
                Ok(value) => Message::Single(Request::parse(value)),
                Err(error) => Message::Unanswerable(ErrorObject::parse_error(error)),
            };
        }
        let entries: Vec<&RawValue> = match serde_json::from_str(text) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What a body parses to, in brief: per entry, its method (a valid
    /// request) or its error code (an invalid one), or the one error code
    /// of an unanswerable body.
    type Brief = Result<Vec<Result<String, i64>>, i64>;

    fn brief(body: &str) -> Brief {
        let entry = |entry: Result<Request, InvalidRequest>| {
            entry
                .map(|request| request.method.into_owned())
                .map_err(|invalid| invalid.error.code)
        };
        match Message::parse(body.as_bytes(), 100) {
            Message::Single(single) => Ok(vec![entry(single)]),
            Message::Batch(entries) => Ok(entries.into_iter().map(entry).collect()),
            Message::Unanswerable(error) => Err(error.code),
        }
    }

    /// The §7 examples a parse settles (the others, whose answers take a
    /// call, are in the router's contract tests).
    #[test]
    fn the_spec_examples_of_section_7() {
        let cases: &[(&str, Brief)] = &[
            // rpc call with invalid JSON
            (
                r#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#,
                Err(-32700),
            ),
            // rpc call Batch, invalid JSON
            (
                r#"[{"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},{"jsonrpc": "2.0", "method"]"#,
                Err(-32700),
            ),
            // rpc call with an empty Array
            ("[]", Err(-32600)),
            // rpc call with an invalid Batch (but not empty)
            ("[1]", Ok(vec![Err(-32600)])),
            // rpc call with invalid Batch
            ("[1,2,3]", Ok(vec![Err(-32600); 3])),
            // (not in §7) a batch keeps its valid entries beside the invalid
            (
                r#"[{"jsonrpc": "2.0", "method": "a"}, 1]"#,
                Ok(vec![Ok("a".into()), Err(-32600)]),
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(&brief(body), expected, "{body}");
        }
    }

    #[test]
    fn bodies_that_are_not_utf8_json_or_small_enough() {
        assert_eq!(brief("\u{feff}{}"), Err(-32700));
        assert!(matches!(
            Message::parse(b"\xff", 100),
            Message::Unanswerable(ErrorObject { code: -32700, .. })
        ));
        let three = r#"[{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"2.0","method":"a"}]"#;
        assert!(matches!(
            Message::parse(three.as_bytes(), 2),
            Message::Unanswerable(ErrorObject { code: -32600, .. })
        ));
    }
}
