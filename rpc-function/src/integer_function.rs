//! `IntegerFunction`: the shortest way to write `x ↦ f(x)` on 64-bit
//! integers, as `double` and `triple` are; a [`Function`](crate::Function)
//! of one [`Integer`] param underneath.

use crate::function::{call_with, describe, Callable, Error};
use crate::integer::Integer;
use rpc_protocol::inner::Outcome;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// A function of one 64-bit integer, such as `double`.
pub struct IntegerFunction {
    /// The method name it describes itself with.
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

/// The one param of an integer function: `[x]` or `{"x": x}`.
#[derive(Deserialize, Serialize, JsonSchema)]
pub struct IntegerParams {
    pub x: Integer,
}

impl Callable for IntegerFunction {
    fn call(&self, params: Option<&RawValue>) -> Outcome {
        call_with(params, |IntegerParams { x: Integer(x) }| {
            (self.apply)(x).ok_or_else(|| {
                Error::invalid_params(format!(
                    "{}({x}) overflows a 64-bit signed integer",
                    self.name
                ))
            })
        })
    }

    fn describe(&self) -> Vec<u8> {
        let (x, result) = self.example;
        let example = (IntegerParams { x: Integer(x) }, result);
        describe(self.name, Some(self.summary), &[], example)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::function::answer;
    use rpc_protocol::inner::OutcomeList;

    const NEGATE: IntegerFunction = IntegerFunction {
        name: "negate",
        summary: "Negates x: -x.",
        apply: i64::checked_neg,
        example: (5, -5),
    };

    fn call(body: &str) -> (u16, String) {
        let answer = answer(&NEGATE, body.as_bytes());
        (answer.status, String::from_utf8(answer.body).unwrap())
    }

    #[test]
    fn single_form() {
        assert_eq!(
            call(r#"{"params":["10"]}"#),
            (200, r#"{"result":-10}"#.into())
        );
        assert_eq!(
            call(r#"{"params":{"x":-4}}"#),
            (200, r#"{"result":4}"#.into())
        );
        let (status, body) = call(r#"{"params":[-9223372036854775808]}"#);
        assert_eq!(status, 200);
        assert!(
            body.contains("-32602") && body.contains("overflows"),
            "{body}"
        );
        let (_, body) = call("{}");
        assert!(body.contains("missing params"), "{body}");
    }

    #[test]
    fn list_form_answers_each_call_in_order() {
        let (status, body) = call(r#"{"calls":[[1],{"x":"2"},[1.5],null,[-3]]}"#);
        assert_eq!(status, 200);
        let list: OutcomeList = serde_json::from_str(&body).unwrap();
        let texts: Vec<String> = list
            .outcomes
            .iter()
            .map(|o| serde_json::to_string(o).unwrap())
            .collect();
        assert_eq!(texts[0], r#"{"result":-1}"#);
        assert_eq!(texts[1], r#"{"result":-2}"#);
        assert!(
            texts[2].contains("x must be an integer, got 1.5"),
            "{}",
            texts[2]
        );
        assert!(texts[3].contains("missing params"));
        assert_eq!(texts[4], r#"{"result":3}"#);
    }

    #[test]
    fn refused_params_say_which_and_why() {
        for (params, words) in [
            ("[]", "missing argument \"x\""),
            ("[1, 2]", "expected exactly one argument [x], got 2"),
            ("{}", "missing argument \"x\""),
            (
                r#"{"x": 1, "y": 2}"#,
                "unexpected argument \"y\"; expected only \"x\"",
            ),
            ("[1.0]", "x must be an integer, got 1.0"),
            (
                "[true]",
                "x must be an integer or a decimal string, got a boolean",
            ),
            (r#"["ten"]"#, "x is not a decimal integer string: \"ten\""),
            (
                "[9223372036854775808]",
                "x is outside the 64-bit signed integer range",
            ),
        ] {
            let (_, body) = call(&format!(r#"{{"params":{params}}}"#));
            let outcome: serde_json::Value = serde_json::from_str(&body).unwrap();
            let message = outcome["error"]["message"].as_str().unwrap_or_default();
            assert_eq!(outcome["error"]["code"], -32602, "{params}");
            assert!(message.contains(words), "{params}: {message}");
        }
    }

    #[test]
    fn describes_itself_with_its_example() {
        let description: serde_json::Value = serde_json::from_slice(&NEGATE.describe()).unwrap();
        assert_eq!(description["summary"], "Negates x: -x.");
        assert_eq!(description["params"][0]["name"], "x");
        assert_eq!(description["params"][0]["required"], true);
        assert_eq!(
            description["examples"][0]["params"],
            serde_json::json!([{"name": "x", "value": 5}])
        );
        assert_eq!(description["examples"][0]["result"]["value"], -5);
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
            let (status, text) = call(body);
            assert_eq!(status, 400, "body {body:?}");
            assert!(text.contains("-32600"), "{text}");
        }
    }
}
