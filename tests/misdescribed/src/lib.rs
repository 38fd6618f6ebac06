//! `misdescribed`: x ↦ x, described (`GET /`) with valid JSON of the wrong
//! types, as a careless or hostile function may write it. Its environment's
//! `DESCRIPTION` says how:
//!
//! - `schemas`: a method object of the right types whose schemas hold
//!   members JSON Schema gives other types (`type`, `format`, `enum`,
//!   `properties`, `items`, bounds): the router lists it as it is, and a
//!   client must show it as far as it can;
//! - `members`: the method object's own members of the wrong types (its
//!   summary, a param's name, an error's code): the router lists the method
//!   as undescribed.
//!
//! The suites serve it in place of a test-only function (`harness::
//! misdescribed_manifest`), never in an app of its own.

use rpc_function::IntegerFunction;
use serde_json::{json, Value};
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;

const IDENTITY: IntegerFunction = IntegerFunction {
    name: "misdescribed",
    summary: "Returns x (test only).",
    apply: Some,
    example: (7, 7),
};

#[http_component]
fn handle(request: Request) -> Response {
    if *request.method() != Method::Get {
        return test_function::answer_as_any(&IDENTITY, &request);
    }
    let description = match std::env::var("DESCRIPTION").as_deref() {
        Ok("members") => ill_typed_members(),
        _ => ill_typed_schemas(),
    };
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(description.to_string())
        .build()
}

fn ill_typed_schemas() -> Value {
    json!({
        "name": "misdescribed",
        "summary": "Its schemas hold members of the wrong types.",
        "params": [
            {"name": "x", "required": true, "schema": {
                "type": {"integer": true}, "format": {"int64": 1}, "minimum": {"low": 0},
                "maximum": [1], "pattern": {"re": "x"}, "description": {"not": "text"},
            }},
            {"name": "listed", "schema": {"type": "array", "items": "integer"}},
            {"name": "shaped", "schema": {"type": "object", "properties": [1, 2], "required": "x"}},
            {"name": "chosen", "schema": {"enum": {"a": 1}, "oneOf": "x", "const": {"k": [1]}}},
            {"name": "counted", "schema": {"type": "integer", "minimum": 0, "maximum": {"max": 1}, "format": 64}},
        ],
        "result": {"name": "x", "schema": {"type": ["integer", {"or": "null"}]}},
        "errors": [{"code": 1, "message": "never"}],
        "examples": [{"name": "seven", "params": [{"name": "x", "value": 7}], "result": {"name": "x", "value": 7}}],
    })
}

fn ill_typed_members() -> Value {
    json!({
        "name": "misdescribed",
        "summary": {"text": "a summary that is an object"},
        "params": [{"name": {"not": "text"}, "schema": {"type": "integer"}}],
        "result": {"name": "x", "schema": {}},
        "errors": [{"code": "one", "message": ["no"]}],
    })
}
