"""What every Python function shares with the router: the Python side of
`rpc-function`, so that a function is a plain, annotated Python function.

`handler(f, example=...)` gives the `IncomingHandler` a Spin component
exports. It reads the params of each call by position or by name from `f`'s
signature, checks each against its annotation, answers the inner format
(README, "The inner format"; single and list forms), and describes `f` to
`rpc.discover` from its signature, its docstring and its annotations.
"""

import inspect
import json
import re

from spin_sdk.http import IncomingHandler, Request, Response

I64_MIN, I64_MAX = -(2**63), 2**63 - 1
DECIMAL = re.compile(r"-?[0-9]+")


class Int64(int):
    """A 64-bit signed integer param or result: a JSON integer, or a decimal
    string as a param."""


class Error(Exception):
    """A failure a function answers with: raise Error(code, message, data)."""

    def __init__(self, code, message, data=None):
        super().__init__(message)
        self.code, self.message, self.data = code, message, data

    def outcome(self):
        error = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return {"error": error}


def invalid_params(message):
    return Error(-32602, message)


class Fraction(str):
    """A JSON number with a fraction or an exponent, kept as its text, so that
    1.5 and 1e3 are refused like in Rust, not rounded."""


SCHEMAS = {
    Int64: {"oneOf": [{"type": "integer", "minimum": I64_MIN, "maximum": I64_MAX},
                      {"type": "string", "pattern": "^-?[0-9]+$"}]},
    int: {"type": "integer"}, str: {"type": "string"}, bool: {"type": "boolean"},
    float: {"type": "number"}, list: {"type": "array"}, dict: {"type": "object"},
}


def read_int64(name, value):
    if isinstance(value, Fraction):
        raise invalid_params(f"{name} must be an integer, got {value}")
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise invalid_params(f"{name} must be an integer or a decimal string, got {json.dumps(value)}")
    if isinstance(value, str):
        if not DECIMAL.fullmatch(value):
            raise invalid_params(f"{name} is not a decimal integer string: {json.dumps(value)}")
        value = int(value)
    if not I64_MIN <= value <= I64_MAX:
        raise invalid_params(f"{name} is outside the 64-bit signed integer range: {value}")
    return value


def read(name, kind, value):
    if kind is Int64:
        return read_int64(name, value)
    if kind is float and isinstance(value, Fraction):
        return float(value)
    if kind in SCHEMAS and (isinstance(value, bool) != (kind is bool) or not isinstance(value, kind)):
        raise invalid_params(f"{name} must be {SCHEMAS[kind]['type']}, got {json.dumps(value)}")
    return value


class Described:
    """A function, its params as its signature gives them, and its example."""

    def __init__(self, function, example, errors):
        self.function, self.example, self.errors = function, example, errors
        signature = inspect.signature(function)
        self.params = list(signature.parameters.values())
        self.result = signature.return_annotation

    def arguments(self, params):
        names = [param.name for param in self.params]
        if params is None and names:
            by_name = ", ".join(f'"{name}": {name}' for name in names)
            raise invalid_params(f"missing params: expected [{', '.join(names)}] or {{{by_name}}}")
        if params is None:
            params = []
        if isinstance(params, list):
            if len(params) > len(names):
                expected = "exactly one argument" if len(names) == 1 else f"at most {len(names)} arguments"
                raise invalid_params(f"expected {expected} [{', '.join(names)}], got {len(params)}")
            params = dict(zip(names, params))
        elif isinstance(params, dict):
            unknown = sorted(set(params) - set(names))
            if unknown:
                quoted = [f'"{name}"' for name in names]
                expected = f"only {quoted[0]}" if len(quoted) == 1 else ", ".join(quoted) or "none"
                raise invalid_params(f'unexpected argument "{unknown[0]}"; expected {expected}')
        else:
            raise invalid_params("params must be an array or an object")
        arguments = {}
        for param in self.params:
            if param.name in params:
                arguments[param.name] = read(param.name, param.annotation, params[param.name])
            elif param.default is inspect.Parameter.empty:
                raise invalid_params(f'missing argument "{param.name}"')
        return arguments

    def call(self, params):
        try:
            arguments = self.arguments(params)
            result = self.function(**arguments)
            if self.result is Int64 and not I64_MIN <= result <= I64_MAX:
                shown = ", ".join(str(value) for value in arguments.values())
                raise invalid_params(f"{self.function.__name__}({shown}) overflows a 64-bit signed integer")
            return {"result": result}
        except Error as error:
            return error.outcome()

    def describe(self):
        doc = inspect.getdoc(self.function) or self.function.__name__
        summary, _, description = doc.partition("\n\n")
        params, result = self.example
        method = {
            "name": self.function.__name__,
            "summary": summary,
            "paramStructure": "either",
            "params": [{"name": param.name, "required": param.default is inspect.Parameter.empty,
                        "schema": SCHEMAS.get(param.annotation, {})} for param in self.params],
            "result": {"name": "result", "schema": SCHEMAS.get(self.result, {})},
            "errors": [{"code": -32602, "message": "Invalid params: a param is missing, unexpected or of the wrong type"}]
            + [{"code": code, "message": meaning} for code, meaning in self.errors],
            "examples": [{"name": f"{self.function.__name__} example",
                          "params": [{"name": name, "value": value} for name, value in params.items()],
                          "result": {"name": "result", "value": result}}],
        }
        if description:
            method["description"] = description
        return method


def answer(status, value):
    return Response(status, {"content-type": "application/json"}, json.dumps(value).encode())


def handler(function, example, errors=()):
    """The `IncomingHandler` of a component serving `function`. `example` is
    `({param: value, ...}, result)`: rpc.discover shows it, the tests check it;
    `errors` lists `(code, meaning)` of the `Error`s it raises."""
    described = Described(function, example, errors)

    class Handler(IncomingHandler):
        def handle_request(self, request: Request) -> Response:
            if request.method == "GET":
                return answer(200, described.describe())
            if request.method != "POST":
                return Response(405, {"allow": "GET, POST"}, b"")
            try:
                inner = json.loads(request.body or b"", parse_float=Fraction)
            except ValueError as error:
                return answer(400, {"error": {"code": -32600, "message": f"not an inner request: {error}"}})
            if isinstance(inner, dict) and set(inner) <= {"params"}:
                return answer(200, described.call(inner.get("params")))
            if isinstance(inner, dict) and set(inner) == {"calls"} and isinstance(inner["calls"], list):
                return answer(200, {"outcomes": [described.call(params) for params in inner["calls"]]})
            return answer(400, {"error": {"code": -32600, "message": "not an inner request"}})

    return Handler
