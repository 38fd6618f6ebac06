//! A function of any signature, and how it answers the inner format.
//!
//! The author writes plain Rust: a params struct, a result type, and the
//! function. The params come by position or by name ([`crate::params`]);
//! the result is anything serde can write; a failure is an [`Error`] with a
//! code of the function's own. The self-description `rpc.discover` lists is
//! generated from the types: JSON Schemas of each param and of the result,
//! the params struct's doc comment as the summary, the declared errors, and
//! an example call.

use crate::params;
use crate::schema::schema_of;
use rpc_protocol::code::ErrorCode;
use rpc_protocol::error::ErrorObject;
use rpc_protocol::inner::{InnerRequest, ListCall, Outcome, OutcomeList, SingleCall};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// A function from a params struct `P` to a result `R`.
pub struct Function<P, R> {
    /// The method name it describes itself with (the router lists it under
    /// its registered name).
    pub name: &'static str,
    /// The function itself.
    pub apply: fn(P) -> Result<R, Error>,
    /// The errors of its own it may answer, `(code, meaning)`, for
    /// `rpc.discover` (invalid params, `-32602`, go without saying).
    pub errors: &'static [(i64, &'static str)],
    /// A call and its result: `rpc.discover` shows it, and the tests make
    /// that call through the router and expect that result.
    pub example: fn() -> (P, R),
}

/// A failure a function answers with: the error object the client gets,
/// built the way a function writes its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(ErrorObject);

impl Error {
    /// An error of the function's own: its code outside `-32768..=-32000`,
    /// which JSON-RPC reserves (a function may answer
    /// [`Error::invalid_params`] itself).
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Error(ErrorObject::new(code, message))
    }

    /// JSON-RPC `Invalid params`, for params that are well formed but wrong:
    /// the message whole, as it names the param.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        Error(ErrorObject::new(ErrorCode::InvalidParams, message))
    }

    /// The same error, with `data` (none if it cannot be written as JSON).
    /// Written through a `Value`: an object's members come out sorted.
    pub fn with_data(self, data: impl Serialize) -> Self {
        match serde_json::to_value(data) {
            Ok(data) => Error(self.0.with_data(data)),
            Err(_) => Error(ErrorObject {
                data: None,
                ..self.0
            }),
        }
    }
}

/// What the Spin glue needs of a function: to call it with the params of
/// one call, and its description.
pub trait Callable {
    /// The outcome of one call with the given params.
    fn call(&self, params: Option<&RawValue>) -> Outcome;

    /// Its OpenRPC method object: what it answers to `GET`, and what the
    /// router's `rpc.discover` lists for it.
    fn describe(&self) -> Vec<u8>;
}

impl<P, R> Callable for Function<P, R>
where
    P: DeserializeOwned + Serialize + JsonSchema,
    R: Serialize + JsonSchema,
{
    fn call(&self, params: Option<&RawValue>) -> Outcome {
        call_with(params, self.apply)
    }

    fn describe(&self) -> Vec<u8> {
        describe(self.name, None, self.errors, (self.example)())
    }
}

/// Reads the params into `P`, applies `apply`, and writes the outcome.
pub fn call_with<P: DeserializeOwned, R: Serialize>(
    params: Option<&RawValue>,
    apply: impl FnOnce(P) -> Result<R, Error>,
) -> Outcome {
    let result = params::read(params)
        .map_err(Error::invalid_params)
        .and_then(apply)
        .and_then(|result| {
            serde_json::value::to_raw_value(&result).map_err(|error| {
                Error(ErrorObject::new(
                    ErrorCode::InternalError,
                    error.to_string(),
                ))
            })
        });
    match result {
        Ok(result) => Outcome::Result(result),
        Err(Error(error)) => Outcome::Error(error),
    }
}

/// The OpenRPC method object of a function from `P` to `R`; its summary is
/// `summary`, or else the doc comment of `P`.
pub fn describe<P, R>(
    name: &str,
    summary: Option<&str>,
    errors: &[(i64, &str)],
    example: (P, R),
) -> Vec<u8>
where
    P: DeserializeOwned + Serialize + JsonSchema,
    R: Serialize + JsonSchema,
{
    let (example_params, example_result) = example;
    let description = Description {
        name,
        summary,
        errors,
        param_names: params::names::<P>(),
        params: schema_of::<P>(),
        result: schema_of::<R>(),
        example_params: serde_json::to_value(example_params).unwrap_or_default(),
        example_result: serde_json::to_value(example_result).unwrap_or_default(),
    };
    serde_json::to_vec(&description.method_object()).unwrap_or_default()
}

/// An OpenRPC method object, as `rpc.discover` lists it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MethodObject<'a> {
    name: &'a str,
    summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    param_structure: &'static str,
    params: Vec<ContentDescriptor<'a>>,
    result: ContentDescriptor<'a>,
    errors: Vec<ErrorObject>,
    examples: [Example<'a>; 1],
}

#[derive(Serialize)]
struct ContentDescriptor<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    required: Option<bool>,
    schema: Value,
}

#[derive(Serialize)]
struct Example<'a> {
    name: String,
    params: Vec<ExampleValue<'a>>,
    result: ExampleValue<'a>,
}

#[derive(Serialize)]
struct ExampleValue<'a> {
    name: &'a str,
    value: Value,
}

/// What a method object is made of: its name, summary and errors, its
/// types' schemas and its example's values. Not generic, so turned into the
/// object by code written once in a component however many types it has.
struct Description<'a> {
    name: &'a str,
    summary: Option<&'a str>,
    errors: &'a [(i64, &'a str)],
    /// The params' names, in their order by position.
    param_names: &'a [&'a str],
    /// The params struct's schema.
    params: Value,
    /// The result's schema.
    result: Value,
    example_params: Value,
    example_result: Value,
}

impl<'a> Description<'a> {
    fn method_object(mut self) -> MethodObject<'a> {
        let (summary, description) = self.summary_and_description();
        let params = self.param_descriptors();
        let examples = [self.example()];
        MethodObject {
            name: self.name,
            summary,
            description,
            param_structure: "either",
            params,
            result: ContentDescriptor {
                name: "result",
                required: None,
                schema: self.result,
            },
            errors: std::iter::once(ErrorObject::invalid_params(INVALID_PARAMS_MEANING))
                .chain(
                    self.errors
                        .iter()
                        .map(|&(code, meaning)| ErrorObject::new(code, meaning)),
                )
                .collect(),
            examples,
        }
    }

    /// The summary given, or else the params struct's doc comment: its
    /// first paragraph is the summary, the rest the description.
    fn summary_and_description(&self) -> (String, Option<String>) {
        let doc = self.params["description"].as_str().unwrap_or(self.name);
        let (summary, description) = match (self.summary, doc.split_once("\n\n")) {
            (Some(summary), _) => (summary, None),
            (None, Some((summary, description))) => (summary, Some(description)),
            (None, None) => (doc, None),
        };
        (summary.to_owned(), description.map(str::to_owned))
    }

    /// A content descriptor per param, in their order by position, each
    /// with its field's schema taken from the params struct's.
    fn param_descriptors(&mut self) -> Vec<ContentDescriptor<'a>> {
        let required: Vec<String> = match self.params.get_mut("required").map(Value::take) {
            Some(Value::Array(required)) => required
                .into_iter()
                .filter_map(|name| name.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        let mut properties = match self.params.get_mut("properties").map(Value::take) {
            Some(Value::Object(properties)) => properties,
            _ => Map::new(),
        };
        self.param_names
            .iter()
            .map(|name| ContentDescriptor {
                name,
                required: Some(required.iter().any(|r| r == name)),
                schema: properties.remove(*name).unwrap_or_default(),
            })
            .collect()
    }

    /// The example, its params by name in their order by position, up to
    /// the last it gives: those after it keep their defaults, and a call by
    /// position leaves them out.
    fn example(&mut self) -> Example<'a> {
        let given = |name: &&str| {
            self.example_params
                .get(*name)
                .is_some_and(|value| !value.is_null())
        };
        let last = self
            .param_names
            .iter()
            .rposition(given)
            .map_or(0, |i| i + 1);
        let names = &self.param_names[..last];
        Example {
            name: format!("{} example", self.name),
            params: names
                .iter()
                .map(|name| ExampleValue {
                    name,
                    value: self
                        .example_params
                        .get_mut(*name)
                        .map(Value::take)
                        .unwrap_or_default(),
                })
                .collect(),
            result: ExampleValue {
                name: "result",
                value: self.example_result.take(),
            },
        }
    }
}

/// What `-32602` means for every function, in its description (the Python
/// and TypeScript helpers say the same: `tests/helpers.rs`).
pub const INVALID_PARAMS_MEANING: &str = "a param is missing, unexpected or of the wrong type";

/// An HTTP answer to an inner request: a status and a JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Answers an inner request body, in whichever form it came.
pub fn answer(function: &(impl Callable + ?Sized), body: &[u8]) -> Answer {
    let answer = match InnerRequest::parse(body) {
        Ok(InnerRequest::Single(SingleCall { params })) => {
            serde_json::to_vec(&function.call(params))
        }
        Ok(InnerRequest::List(ListCall { calls })) => serde_json::to_vec(&OutcomeList {
            outcomes: calls
                .into_iter()
                .map(|params| function.call(params))
                .collect(),
        }),
        Err(error) => {
            let refusal = Outcome::Error(ErrorObject::new(
                ErrorCode::InvalidRequest,
                format!("not an inner request: {error}"),
            ));
            return Answer {
                status: 400,
                body: serde_json::to_vec(&refusal).unwrap_or_default(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    /// Joins two words.
    ///
    /// With a separator, if given.
    #[derive(Deserialize, Serialize, JsonSchema)]
    struct Join {
        /// The first word.
        second: String,
        first: String,
        separator: Option<String>,
    }

    #[derive(Serialize, JsonSchema)]
    struct Joined {
        text: String,
        length: usize,
    }

    const JOIN: Function<Join, Joined> = Function {
        name: "join",
        apply: |Join {
                    second,
                    first,
                    separator,
                }| match separator.as_deref() {
            Some("!") => Err(Error::new(7, "no shouting").with_data(json!({"at": "separator"}))),
            separator => {
                let text = [second, first].join(separator.unwrap_or(" "));
                Ok(Joined {
                    length: text.len(),
                    text,
                })
            }
        },
        errors: &[(7, "the separator was \"!\"")],
        example: || {
            let join = Join {
                second: "a".into(),
                first: "b".into(),
                separator: None,
            };
            (
                join,
                Joined {
                    text: "a b".into(),
                    length: 3,
                },
            )
        },
    };

    fn call(params: &str) -> serde_json::Value {
        let params: Box<RawValue> = serde_json::from_str(params).unwrap();
        serde_json::to_value(JOIN.call(Some(&params))).unwrap()
    }

    #[test]
    fn params_by_position_in_declaration_order_or_by_name() {
        let joined = json!({"result": {"text": "x-y", "length": 3}});
        assert_eq!(call(r#"["x", "y", "-"]"#), joined);
        assert_eq!(
            call(r#"{"separator": "-", "first": "y", "second": "x"}"#),
            joined
        );
        assert_eq!(call(r#"["x", "y"]"#)["result"]["text"], "x y");
        assert_eq!(
            call(r#"["x", "y", "!"]"#),
            json!({"error": {"code": 7, "message": "no shouting", "data": {"at": "separator"}}})
        );
        let wrong = call(r#"{"first": 1, "second": "x"}"#);
        assert_eq!(wrong["error"]["code"], -32602);
        assert!(wrong["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("first invalid type: integer `1`, expected a string"));
    }

    #[test]
    fn describes_itself_from_its_types() {
        let method: serde_json::Value = serde_json::from_slice(&JOIN.describe()).unwrap();
        assert_eq!(method["summary"], "Joins two words.");
        assert_eq!(method["description"], "With a separator, if given.");
        let params: Vec<_> = method["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["name"].clone(), p["required"].clone()))
            .collect();
        assert_eq!(
            params,
            [
                (json!("second"), json!(true)),
                (json!("first"), json!(true)),
                (json!("separator"), json!(false))
            ]
        );
        assert_eq!(
            method["params"][0]["schema"]["description"],
            "The first word."
        );
        assert_eq!(
            method["result"]["schema"]["properties"]["length"]["type"],
            "integer"
        );
        assert_eq!(
            method["errors"][1],
            json!({"code": 7, "message": "the separator was \"!\""})
        );
        assert_eq!(
            method["examples"][0]["params"],
            json!([
                {"name": "second", "value": "a"},
                {"name": "first", "value": "b"}
            ]),
            "the params the example gives, the optional one it leaves out left out"
        );
        assert!(!method.to_string().contains("$ref"), "{method}");
    }
}
