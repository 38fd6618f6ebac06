//! An integer function (`x ↦ f(x)`) and how it answers the inner format.

use crate::argument::read_x;
use crate::code::{INVALID_PARAMS, INVALID_REQUEST};
use crate::inner::{InnerError, InnerRequest, ListCall, Outcome, OutcomeList, SingleCall};
use serde_json::value::RawValue;

/// A function of one 64-bit integer, such as `double`.
pub struct IntegerFunction {
    /// The method name, which is also the component id in `spin.toml`.
    pub name: &'static str,
    /// One line for `rpc.discover`: what the function computes.
    pub summary: &'static str,
    /// `f(x)`, or `None` when the result does not fit in an i64.
    pub apply: fn(i64) -> Option<i64>,
    /// An argument and its result, `(x, f(x))`: `rpc.discover` shows it as
    /// the method's example, and the tests call every function with its
    /// example and expect that result.
    pub example: (i64, i64),
}

/// An HTTP answer to an inner request: a status and a JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl IntegerFunction {
    /// The outcome of one call with the given params.
    pub fn call(&self, params: Option<&RawValue>) -> Outcome {
        let x = match read_x(params) {
            Ok(x) => x,
            Err(error) => return invalid_params(error.to_string()),
        };
        match (self.apply)(x) {
            Some(y) => Outcome::Result(integer(y)),
            None => invalid_params(format!(
                "{}({x}) overflows a 64-bit signed integer",
                self.name
            )),
        }
    }

    /// The function's OpenRPC method object: what it answers to `GET`, and
    /// what the router's `rpc.discover` lists for it.
    pub fn describe(&self) -> Vec<u8> {
        let (x, result) = self.example;
        let description = serde_json::json!({
            "name": self.name,
            "summary": self.summary,
            "paramStructure": "either",
            "params": [{
                "name": "x",
                "required": true,
                "description": "A 64-bit signed integer, as a JSON integer or a decimal string.",
                "schema": {"oneOf": [
                    {"type": "integer", "minimum": i64::MIN, "maximum": i64::MAX},
                    {"type": "string", "pattern": "^-?[0-9]+$"}
                ]}
            }],
            "result": {"name": "result", "schema": {"type": "integer"}},
            "errors": [{"code": INVALID_PARAMS, "message": "Invalid params: x is not a 64-bit integer, or the result overflows"}],
            "examples": [{
                "name": format!("{}({x})", self.name),
                "params": [{"name": "x", "value": x}],
                "result": {"name": "result", "value": result}
            }]
        });
        description.to_string().into_bytes()
    }

    /// Answers an inner request body, in whichever form it came.
    pub fn answer(&self, body: &[u8]) -> Answer {
        let answer = match InnerRequest::parse(body) {
            Ok(InnerRequest::Single(SingleCall { params })) => {
                serde_json::to_vec(&self.call(params))
            }
            Ok(InnerRequest::List(ListCall { calls })) => serde_json::to_vec(&OutcomeList {
                outcomes: calls.into_iter().map(|params| self.call(params)).collect(),
            }),
            Err(error) => {
                let refusal = Outcome::Error(InnerError {
                    code: INVALID_REQUEST,
                    message: format!("not an inner request: {error}"),
                });
                return Answer {
                    status: 400,
                    body: to_json(&refusal),
                };
            }
        };
        match answer {
            Ok(body) => Answer { status: 200, body },
            Err(error) => Answer {
                status: 500,
                body: format!("could not encode the answer: {error}").into_bytes(),
            },
        }
    }
}

fn invalid_params(message: String) -> Outcome {
    Outcome::Error(InnerError {
        code: INVALID_PARAMS,
        message,
    })
}

fn integer(value: i64) -> Box<RawValue> {
    RawValue::from_string(value.to_string()).expect("an integer is valid JSON")
}

fn to_json(outcome: &Outcome) -> Vec<u8> {
    serde_json::to_vec(outcome).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEGATE: IntegerFunction = IntegerFunction {
        name: "negate",
        summary: "Negates x: -x.",
        apply: i64::checked_neg,
        example: (5, -5),
    };

    fn answer(body: &str) -> (u16, String) {
        let answer = NEGATE.answer(body.as_bytes());
        (answer.status, String::from_utf8(answer.body).unwrap())
    }

    #[test]
    fn single_form() {
        assert_eq!(
            answer(r#"{"params":["10"]}"#),
            (200, r#"{"result":-10}"#.into())
        );
        assert_eq!(
            answer(r#"{"params":{"x":-4}}"#),
            (200, r#"{"result":4}"#.into())
        );
        let (status, body) = answer(r#"{"params":[-9223372036854775808]}"#);
        assert_eq!(status, 200);
        assert!(
            body.contains("-32602") && body.contains("overflows"),
            "{body}"
        );
        let (_, body) = answer("{}");
        assert!(body.contains("missing params"), "{body}");
    }

    #[test]
    fn list_form_answers_each_call_in_order() {
        let (status, body) = answer(r#"{"calls":[[1],{"x":"2"},[1.5],null,[-3]]}"#);
        assert_eq!(status, 200);
        let list: OutcomeList = serde_json::from_str(&body).unwrap();
        let texts: Vec<String> = list
            .outcomes
            .iter()
            .map(|o| serde_json::to_string(o).unwrap())
            .collect();
        assert_eq!(texts[0], r#"{"result":-1}"#);
        assert_eq!(texts[1], r#"{"result":-2}"#);
        assert!(texts[2].contains("must be an integer"));
        assert!(texts[3].contains("missing params"));
        assert_eq!(texts[4], r#"{"result":3}"#);
    }

    #[test]
    fn describes_itself_with_its_example() {
        let description: serde_json::Value = serde_json::from_slice(&NEGATE.describe()).unwrap();
        assert_eq!(description["name"], "negate");
        assert_eq!(
            description["examples"],
            serde_json::json!([{
                "name": "negate(5)",
                "params": [{"name": "x", "value": 5}],
                "result": {"name": "result", "value": -5}
            }])
        );
    }

    #[test]
    fn unreadable_requests_get_400() {
        for body in [
            "",
            "[1]",
            "not json",
            r#"{"params":[1],"extra":1}"#,
            "\u{0}",
        ] {
            let (status, text) = answer(body);
            assert_eq!(status, 400, "body {body:?}");
            assert!(text.contains("-32600"), "{text}");
        }
    }
}
