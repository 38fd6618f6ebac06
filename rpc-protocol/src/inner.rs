//! The inner format: what the router sends a function and what it answers.
//!
//! A function is called with `POST /` and a JSON body in one of two forms:
//!
//! | form   | request                    | answer                                  |
//! |--------|----------------------------|-----------------------------------------|
//! | single | `{"params": P}`            | an [`Outcome`]                          |
//! | list   | `{"calls": [P1, P2, ...]}` | `{"outcomes": [O1, O2, ...]}`, in order |
//!
//! `P` is the JSON-RPC `params` exactly as the client sent them (`null` or
//! missing when the client sent none). An [`Outcome`] is `{"result": R}` or
//! `{"error": {"code": C, "message": M}}` with a JSON-RPC error code. Both
//! answers have status 200; a request the function cannot read gets 400.
//! `GET /` answers the function's OpenRPC method object, for `rpc.discover`,
//! in at most [`MAX_DESCRIPTION_BYTES`].
//!
//! The list form exists because on Spin every chained request instantiates
//! the callee afresh: a batch costs one instance per function instead of one
//! per call. A function may speak only the single form; it then answers a
//! list request with anything but a list of outcomes, and the router falls
//! back to single calls.

use crate::error::ErrorObject;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// The most a function's description (its OpenRPC method object, `GET /`)
/// may take: past it, `rpc.discover` lists the method as undescribed. Every
/// copy of the document an answer holds counts against the request's
/// `max_answer_bytes`, so a description is kept small enough for a few.
pub const MAX_DESCRIPTION_BYTES: usize = 64 * 1024;

/// A request from the router, in either form.
#[derive(Debug)]
pub enum InnerRequest<'a> {
    Single(SingleCall<'a>),
    List(ListCall<'a>),
}

/// The members either form may have; which are present decides the form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Members<'a> {
    #[serde(borrow, default)]
    params: Option<&'a RawValue>,
    #[serde(borrow, default)]
    calls: Option<Vec<Option<&'a RawValue>>>,
}

impl<'a> InnerRequest<'a> {
    /// Reads a request body in either form.
    pub fn parse(body: &'a [u8]) -> Result<Self, String> {
        // serde would also take a struct from an array of its members.
        if body.trim_ascii_start().first() != Some(&b'{') {
            return Err("an inner request is a JSON object".to_owned());
        }
        let members: Members = serde_json::from_slice(body).map_err(|error| error.to_string())?;
        match members {
            Members {
                params,
                calls: None,
            } => Ok(InnerRequest::Single(SingleCall { params })),
            Members {
                params: None,
                calls: Some(calls),
            } => Ok(InnerRequest::List(ListCall { calls })),
            Members { .. } => Err("\"params\" and \"calls\" together".to_owned()),
        }
    }
}

/// One call: `{"params": P}`.
#[derive(Debug, Serialize)]
pub struct SingleCall<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<&'a RawValue>,
}

/// Several calls of one function: `{"calls": [P1, P2, ...]}`.
#[derive(Debug, Serialize)]
pub struct ListCall<'a> {
    pub calls: Vec<Option<&'a RawValue>>,
}

/// The outcome of one call: a result, or a JSON-RPC error, which the
/// router passes on to the client as it is.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Outcome {
    Result(Box<RawValue>),
    Error(ErrorObject),
}

/// The answer to a list-form request.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeList {
    pub outcomes: Vec<Outcome>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_request_forms_are_told_apart() {
        let single = InnerRequest::parse(br#"{"params":[1]}"#).unwrap();
        assert!(
            matches!(single, InnerRequest::Single(SingleCall { params: Some(p) }) if p.get() == "[1]")
        );
        let empty = InnerRequest::parse(b"{}").unwrap();
        assert!(matches!(
            empty,
            InnerRequest::Single(SingleCall { params: None })
        ));
        let list = InnerRequest::parse(br#"{"calls":[[1],{"x":2},null]}"#).unwrap();
        match list {
            InnerRequest::List(ListCall { calls }) => {
                let texts: Vec<_> = calls.iter().map(|c| c.map(RawValue::get)).collect();
                assert_eq!(texts, [Some("[1]"), Some(r#"{"x":2}"#), None]);
            }
            other => panic!("expected the list form, got {other:?}"),
        }
        for refused in [
            &br#"{"params":[1],"calls":[]}"#[..],
            br#"{"other":1}"#,
            b"[]",
            b"null",
        ] {
            assert!(InnerRequest::parse(refused).is_err());
        }
    }

    #[test]
    fn outcomes_round_trip_byte_exact() {
        for text in [
            r#"{"result":20}"#,
            r#"{"error":{"code":-32602,"message":"no"}}"#,
            r#"{"error":{"code":1001,"message":"no","data":{"why":[1,2]}}}"#,
        ] {
            let outcome: Outcome = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&outcome).unwrap(), text);
        }
        assert!(serde_json::from_str::<Outcome>(r#"{"result":1,"error":null}"#).is_err());
    }
}
