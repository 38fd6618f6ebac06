//! What the router checks of a function's description before `rpc.discover`
//! lists it: each member of the OpenRPC method object it reads has the type
//! OpenRPC gives it, so that a client (the explorer page among them) can
//! read every one it finds. A schema is JSON Schema, free in its content:
//! only its own type is checked, an object or a boolean.

use serde_json::{Map, Value};

/// Why `object` is not an OpenRPC method object a client can read, if it is
/// not: the first member found of the wrong type.
pub fn check(object: &Map<String, Value>) -> Result<(), String> {
    optional_text(object, "summary", "its summary")?;
    optional_text(object, "description", "its description")?;
    let params = match object.get("params") {
        Some(Value::Array(params)) => params,
        _ => return Err("its params are not a list".into()),
    };
    for (index, param) in params.iter().enumerate() {
        content_descriptor(param, &format!("its param {}", index + 1))?;
    }
    match object.get("result") {
        Some(result) => content_descriptor(result, "its result")?,
        None => return Err("it has no result".into()),
    }
    if let Some(structure) = object.get("paramStructure") {
        let known = ["by-name", "by-position", "either"];
        if !structure.as_str().is_some_and(|text| known.contains(&text)) {
            return Err("its paramStructure is not by-name, by-position or either".into());
        }
    }
    for (index, error) in list(object, "errors", "its errors")?.iter().enumerate() {
        let what = format!("its error {}", index + 1);
        let error = error
            .as_object()
            .ok_or(format!("{what} is not an object"))?;
        if !error.get("code").is_some_and(Value::is_i64) {
            return Err(format!("{what} has no integer code"));
        }
        if !error.get("message").is_some_and(Value::is_string) {
            return Err(format!("{what} has no message that is text"));
        }
    }
    for (index, example) in list(object, "examples", "its examples")?.iter().enumerate() {
        example_pairing(example, &format!("its example {}", index + 1))?;
    }
    Ok(())
}

/// A content descriptor: a name that is text, a schema, texts and flags.
fn content_descriptor(value: &Value, what: &str) -> Result<(), String> {
    let object = value
        .as_object()
        .ok_or(format!("{what} is not an object"))?;
    if !object.get("name").is_some_and(Value::is_string) {
        return Err(format!("{what} has no name that is text"));
    }
    if !object
        .get("schema")
        .is_some_and(|schema| schema.is_object() || schema.is_boolean())
    {
        return Err(format!("{what} has no schema (an object or a boolean)"));
    }
    optional_text(object, "summary", &format!("{what}'s summary"))?;
    optional_text(object, "description", &format!("{what}'s description"))?;
    for flag in ["required", "deprecated"] {
        if object.get(flag).is_some_and(|value| !value.is_boolean()) {
            return Err(format!("{what}'s {flag} is not true or false"));
        }
    }
    Ok(())
}

/// An example: a name, params each with a name, and a result with a name.
fn example_pairing(value: &Value, what: &str) -> Result<(), String> {
    let object = value
        .as_object()
        .ok_or(format!("{what} is not an object"))?;
    if !object.get("name").is_some_and(Value::is_string) {
        return Err(format!("{what} has no name that is text"));
    }
    let named = |value: &Value| value.get("name").is_some_and(Value::is_string);
    match object.get("params") {
        Some(Value::Array(params)) if params.iter().all(named) => {}
        _ => return Err(format!("{what}'s params are not a list of named values")),
    }
    if object.get("result").is_some_and(|result| !named(result)) {
        return Err(format!("{what}'s result is not a named value"));
    }
    Ok(())
}

fn optional_text(object: &Map<String, Value>, key: &str, what: &str) -> Result<(), String> {
    match object.get(key) {
        None | Some(Value::String(_)) => Ok(()),
        Some(_) => Err(format!("{what} is not text")),
    }
}

/// The list at `key`, empty if absent.
fn list<'a>(object: &'a Map<String, Value>, key: &str, what: &str) -> Result<&'a [Value], String> {
    match object.get(key) {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(format!("{what} are not a list")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn checked(value: Value) -> Result<(), String> {
        check(value.as_object().expect("an object"))
    }

    fn described() -> Value {
        json!({
            "name": "double",
            "summary": "Doubles x.",
            "params": [{"name": "x", "schema": {"type": "integer"}, "required": true}],
            "result": {"name": "doubled", "schema": true},
            "errors": [{"code": 1, "message": "too big"}],
            "examples": [{"name": "one", "params": [{"name": "x", "value": 1}], "result": {"name": "doubled", "value": 2}}],
        })
    }

    #[test]
    fn a_method_object_of_the_right_types_passes_whatever_its_schemas_hold() {
        assert_eq!(checked(described()), Ok(()));
        let mut odd_schema = described();
        odd_schema["params"][0]["schema"] = json!({"type": {"not": "a type"}, "format": [1]});
        assert_eq!(checked(odd_schema), Ok(()));
    }

    #[test]
    fn a_member_of_the_wrong_type_is_named() {
        for (pointer, value, named) in [
            ("/summary", json!({"a": 1}), "its summary is not text"),
            ("/params", json!({}), "its params are not a list"),
            ("/params/0/name", json!({"a": 1}), "its param 1 has no name"),
            (
                "/params/0/schema",
                json!("integer"),
                "its param 1 has no schema",
            ),
            ("/params/0/required", json!("yes"), "its param 1's required"),
            ("/result", json!(null), "its result is not an object"),
            ("/result/schema", json!(1), "its result has no schema"),
            (
                "/errors/0/code",
                json!("1"),
                "its error 1 has no integer code",
            ),
            ("/errors/0/message", json!(2), "its error 1 has no message"),
            ("/examples/0/params", json!("x"), "its example 1's params"),
        ] {
            let mut object = described();
            *object.pointer_mut(pointer).expect(pointer) = value;
            let error = checked(object).expect_err(pointer);
            assert!(error.starts_with(named), "{pointer}: {error}");
        }
    }
}
