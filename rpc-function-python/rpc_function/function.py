"""A plain annotated function, and how it answers the inner format
(docs/protocol.md, "The inner format"): rpc-function's `function.rs` and
`params.rs` in Python, with the same messages and the same method object.

The params are the function's own, read by position (`[a, b]`, in the
order of its signature) or by name (`{"a": a, "b": b}`), each checked
against its annotation (`types`); a param with a default may be left out.
The result is checked against the return annotation. The description
`rpc.discover` lists is made once, from the signature, the docstring (its
first paragraph is the summary, the rest the description), the errors
given and the example.
"""

import dataclasses
import inspect
import json
import traceback
import typing
from typing import NamedTuple

from .types import Field, Invalid, Members, parse, type_of

# rpc-protocol's codes (its `ErrorCode`), and the Rust SDK's words for
# invalid params: rpc-function/tests/helpers.rs checks them against both.
INVALID_REQUEST = -32600
INVALID_PARAMS = -32602
INVALID_PARAMS_MEANING = "Invalid params: a param is missing, unexpected or of the wrong type"


class Error(Exception):
    """A failure a function answers with: `raise Error(code, message, data)`,
    with a code of its own, outside -32768 to -32000, which JSON-RPC
    reserves; `data` (anything JSON holds, dataclasses too) is passed on to
    the client as written."""

    def __init__(self, code, message, data=None):
        super().__init__(message)
        self.code, self.message, self.data = code, message, data

    def outcome(self):
        error = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return {"error": error}


class Answer(NamedTuple):
    """An HTTP answer to an inner request."""

    status: int
    headers: dict
    body: bytes


JSON_HEADERS = {"content-type": "application/json"}


def plain(value):
    """A dataclass in an error's data, as the object of its fields."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


# Made once: json.dumps with options makes an encoder per call. ASCII, so
# that no string a client sent (a lone surrogate) fails to encode.
ENCODER = json.JSONEncoder(separators=(",", ":"), allow_nan=False, default=plain)


def dumps(value):
    return ENCODER.encode(value).encode()


class Function:
    """A function served over the inner format: `function`, its `example`
    (`({param: value, ...}, result)`), its own `errors` (`[(code, meaning),
    ...]`) and the method `name` it describes itself with (its own name by
    default). `TypeError` or `ValueError` here, when the component is built,
    for a signature or an example it cannot read or describe."""

    def __init__(self, function, example, errors=(), name=None):
        self.function = function
        self.name = name or function.__name__
        hints = typing.get_type_hints(function, include_extras=True)
        self.params = []
        for param in inspect.signature(function).parameters.values():
            if param.kind not in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
                raise TypeError(f"{self.name}: param {param.name} cannot be given by name")
            if param.name not in hints:
                raise TypeError(f"{self.name}: param {param.name} has no annotation")
            self.params.append(
                Field(param.name, type_of(hints[param.name]), param.default is param.empty)
            )
        if "return" not in hints:
            raise TypeError(f"{self.name}: its result has no annotation")
        self.result = type_of(hints["return"])
        self.names = [param.name for param in self.params]
        self.members = Members(self.params, "argument", "")
        self.description = dumps(self.method_object(example, errors))

    def read(self, params):
        """The arguments of one call from its params (`None` when the client
        sent none); `Error` -32602 naming what is wrong."""
        names = self.names
        if params is None:
            if names:
                by_name = ", ".join(f'"{name}": {name}' for name in names)
                raise invalid_params(
                    f"missing params: expected [{', '.join(names)}] or {{{by_name}}}"
                )
            return {}
        if type(params) is list:
            if len(params) > len(names):
                expected = (
                    "exactly one argument" if len(names) == 1 else f"at most {len(names)} arguments"
                )
                raise invalid_params(f"expected {expected} [{', '.join(names)}], got {len(params)}")
            params = dict(zip(names, params))
        elif type(params) is not dict:
            raise invalid_params("params must be an array or an object")
        try:
            return self.members.read(params)
        except Invalid as invalid:
            raise invalid_params(invalid.message("")) from None

    def call(self, params):
        """The outcome of one call. An exception other than `Error` (a bug,
        a result that does not fit its annotation, `MemoryError`) goes on up:
        the request fails, as a Rust function's trap does."""
        try:
            result = self.function(**self.read(params))
        except Error as error:
            return error.outcome()
        try:
            return {"result": self.result.write(result)}
        except Invalid as invalid:
            raise TypeError(f"{self.name} answered {invalid.message('result')}") from None

    def answer(self, method, body):
        """The answer to an inner request: `POST` with a body in either form
        calls the function, `GET` describes it, any other method is 405."""
        if method == "GET":
            return Answer(200, JSON_HEADERS, self.description)
        if method != "POST":
            return Answer(405, {"allow": "GET, POST"}, b"")
        try:
            calls, is_list = read_inner(body or b"")
        except (ValueError, RecursionError) as why:
            refusal = {
                "error": {"code": INVALID_REQUEST, "message": f"not an inner request: {why}"}
            }
            return Answer(400, JSON_HEADERS, dumps(refusal))
        try:
            if is_list:
                answer = {"outcomes": [self.call(params) for params in calls]}
            else:
                answer = self.call(calls[0])
            return Answer(200, JSON_HEADERS, dumps(answer))
        except Exception:
            # What Spin answers a trap: the router answers -32000 ("the
            # function failed") and sends a list's calls again one by one.
            traceback.print_exc()
            return Answer(500, {}, b"")

    def method_object(self, example, errors):
        """The OpenRPC method object, as rpc-function writes it."""
        doc = inspect.getdoc(self.function) or self.name
        summary, _, description = doc.partition("\n\n")
        method = {"name": self.name, "summary": summary}
        if description:
            method["description"] = description
        method["paramStructure"] = "either"
        method["params"] = [
            {"name": param.name, "required": param.required, "schema": param.type.schema()}
            for param in self.params
        ]
        method["result"] = {"name": "result", "schema": self.result.schema()}
        method["errors"] = [{"code": INVALID_PARAMS, "message": INVALID_PARAMS_MEANING}] + [
            {"code": code, "message": meaning} for code, meaning in errors
        ]
        method["examples"] = [self.example_object(*example)]
        return method

    def example_object(self, params, result):
        """The example, its params by name in their order by position: up to
        the last one given, those left out before it at their defaults, so
        that it can be sent by position too."""
        unknown = params.keys() - set(self.names)
        if unknown:
            raise ValueError(
                f"{self.name}'s example gives {', '.join(sorted(unknown))}: not its params"
            )
        missing = [
            param.name for param in self.params if param.required and param.name not in params
        ]
        if missing:
            raise ValueError(
                f"{self.name}'s example leaves out {', '.join(missing)}, which it requires"
            )
        given = [index for index, param in enumerate(self.params) if param.name in params]
        defaults = inspect.signature(self.function).parameters
        values = []
        for param in self.params[: max(given, default=-1) + 1]:
            value = params.get(param.name, defaults[param.name].default)
            where = f"{self.name}'s example: {param.name}"
            values.append({"name": param.name, "value": written(param.type, value, where)})
        return {
            "name": f"{self.name} example",
            "params": values,
            "result": {
                "name": "result",
                "value": written(self.result, result, f"{self.name}'s example: result"),
            },
        }


def written(type_, value, root):
    try:
        return type_.write(value)
    except Invalid as invalid:
        raise ValueError(invalid.message(root)) from None


def invalid_params(message):
    return Error(INVALID_PARAMS, message)


def read_inner(body):
    """The calls of an inner request, and whether it is the list form:
    `{"params": P}` or `{"calls": [P1, P2, ...]}` (a missing or null `P` is
    no params); `ValueError` saying why for anything else."""
    text = body.decode()
    # As rpc-protocol reads it: an object, nothing else.
    if not text.lstrip(" \t\n\r").startswith("{"):
        raise ValueError("an inner request is a JSON object")
    members = parse(text)
    unknown = members.keys() - {"params", "calls"}
    if unknown:
        raise ValueError(f"unknown field `{min(unknown)}`, expected `params` or `calls`")
    params, calls = members.get("params"), members.get("calls")
    if calls is None:
        return [params], False
    if type(calls) is not list:
        raise ValueError("`calls` is not an array")
    if params is not None:
        raise ValueError('"params" and "calls" together')
    return calls, True
