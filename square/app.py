"""`square`: x -> x*x, in Python, speaking the app's inner format.

The same format as the Rust functions (README, "The inner format"):
POST {"params": P} -> an outcome; POST {"calls": [P1, ...]} -> {"outcomes": [...]};
GET -> the OpenRPC method object. `x` comes as [x] or {"x": x}, a JSON integer or
a decimal string, and must fit in a signed 64-bit integer, as must the result.
"""

import json
import re

from spin_sdk.http import IncomingHandler, Request, Response

I64_MIN, I64_MAX = -(2**63), 2**63 - 1
DECIMAL = re.compile(r"-?[0-9]+")

METHOD = {
    "name": "square",
    "summary": "Squares x: x·x (a function written in Python).",
    "paramStructure": "either",
    "params": [{
        "name": "x",
        "required": True,
        "description": "A 64-bit signed integer, as a JSON integer or a decimal string.",
        "schema": {"oneOf": [
            {"type": "integer", "minimum": I64_MIN, "maximum": I64_MAX},
            {"type": "string", "pattern": "^-?[0-9]+$"},
        ]},
    }],
    "result": {"name": "result", "schema": {"type": "integer"}},
    "errors": [{"code": -32602, "message": "Invalid params: x is not a 64-bit integer, or the result overflows"}],
    "examples": [{
        "name": "square(12)",
        "params": [{"name": "x", "value": 12}],
        "result": {"name": "result", "value": 144},
    }],
}


class InvalidParams(Exception):
    pass


class Fraction(str):
    """A JSON number with a fraction or an exponent, kept as its text."""


def read_x(params):
    if params is None:
        raise InvalidParams('missing params: expected [x] or {"x": x}')
    if isinstance(params, list):
        if len(params) != 1:
            raise InvalidParams(f"expected exactly one argument [x], got {len(params)}")
        x = params[0]
    elif isinstance(params, dict):
        if "x" not in params:
            raise InvalidParams('missing argument "x"')
        extra = sorted(name for name in params if name != "x")
        if extra:
            raise InvalidParams(f'unexpected argument "{extra[0]}"; expected only "x"')
        x = params["x"]
    else:
        raise InvalidParams('params must be [x] or {"x": x}')
    if isinstance(x, Fraction):
        raise InvalidParams(f"x must be an integer, got {x}")
    if isinstance(x, bool) or not isinstance(x, (int, str)):
        raise InvalidParams(f"x must be an integer or a decimal string, got {json.dumps(x)}")
    if isinstance(x, str):
        if not DECIMAL.fullmatch(x):
            raise InvalidParams(f"x is not a decimal integer string: {json.dumps(x)}")
        x = int(x)
    if not I64_MIN <= x <= I64_MAX:
        raise InvalidParams(f"x is outside the 64-bit signed integer range: {x}")
    return x


def call(params):
    try:
        x = read_x(params)
    except InvalidParams as error:
        return {"error": {"code": -32602, "message": str(error)}}
    result = x * x
    if result > I64_MAX:
        return {"error": {"code": -32602, "message": f"square({x}) overflows a 64-bit signed integer"}}
    return {"result": result}


def answer(status, value):
    return Response(status, {"content-type": "application/json"}, json.dumps(value).encode())


class IncomingHandler(IncomingHandler):
    def handle_request(self, request: Request) -> Response:
        if request.method == "GET":
            return answer(200, METHOD)
        if request.method != "POST":
            return Response(405, {"allow": "GET, POST"}, b"")
        try:
            # Floats stay text so that 1.5 and 1e3 are refused like in Rust, not rounded.
            inner = json.loads(request.body or b"", parse_float=Fraction)
        except ValueError as error:
            return answer(400, {"error": {"code": -32600, "message": f"not an inner request: {error}"}})
        if isinstance(inner, dict) and set(inner) <= {"params"}:
            return answer(200, call(inner.get("params")))
        if isinstance(inner, dict) and set(inner) == {"calls"} and isinstance(inner["calls"], list):
            return answer(200, {"outcomes": [call(params) for params in inner["calls"]]})
        return answer(400, {"error": {"code": -32600, "message": "not an inner request"}})
