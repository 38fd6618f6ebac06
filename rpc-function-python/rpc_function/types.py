"""The types a param or a result may have: each read from JSON and checked,
written back to JSON, and described as a JSON Schema in the dialect of
OpenRPC 1.3 documents (draft-07, every subschema inlined, integers bounded
by `minimum` and `maximum`, never a `format`).

- `int`: an integer (not 1.5, not true);
- `Annotated[int, Range(a, b)]`, or `Int32`, `Int64`, `UInt32`, `UInt64`,
  `SafeInt`: an integer from a to b;
- `Integer`: an `Int64`, or a decimal string of one (`"10"`);
- `float`, `str`, `bool`: a number, a string, a boolean;
- `list[T]` or `List[T]`: an array of T;
- `Optional[T]` or `T | None`: T or null;
- `Literal["a", "b", ...]`: one of these;
- a dataclass: an object of its fields, each read as its type;
- `None`, as a result: null.

`Annotated[T, "text"]` describes T: the text is its schema's description.
"""

import dataclasses
import inspect
import json
import math
import re
import types
import typing
from typing import Annotated, Literal, Union, get_args, get_origin


@dataclasses.dataclass(frozen=True)
class Range:
    """The bounds of an integer: `Annotated[int, Range(0, 9)]`. `None`
    leaves a side open; bounds given twice narrow each other
    (`Annotated[UInt32, Range(maximum=100)]` is 0 to 100)."""

    minimum: int | None = None
    maximum: int | None = None


class DecimalString:
    """Marks an integer that may also come as a decimal string (`"10"`), as
    some clients send integers: `Annotated[int, DecimalString()]`."""


Int32 = Annotated[int, Range(-(2**31), 2**31 - 1)]
Int64 = Annotated[int, Range(-(2**63), 2**63 - 1)]
UInt32 = Annotated[int, Range(0, 2**32 - 1)]
UInt64 = Annotated[int, Range(0, 2**64 - 1)]
# What a JSON number carries exactly in every language (JavaScript's numbers
# are doubles): ±(2^53 − 1).
SafeInt = Annotated[int, Range(-(2**53 - 1), 2**53 - 1)]
# rpc-function's `Integer`, the param of `double` and `triple`.
Integer = Annotated[
    Int64, DecimalString(), "A 64-bit signed integer, as a JSON integer or a decimal string."
]


class NumberText(str):
    """A JSON number that no int holds, kept as its text: one with a fraction
    or an exponent (`1.5`, `1e3`, `1.0`), so that an integer refuses it as
    the client wrote it rather than rounded, or an integer of more digits
    than Python converts (4300)."""


def _int_or_text(text):
    try:
        return int(text)
    except ValueError:
        return NumberText(text)


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


# Integers by C's own int (a hook for each would cost the work budget), and
# numbers with a fraction or an exponent as their text.
DECODER = json.JSONDecoder(parse_float=NumberText, parse_constant=_refuse_constant)
# Only for a text with an integer of more digits than int() converts.
CAREFUL_DECODER = json.JSONDecoder(
    parse_float=NumberText, parse_int=_int_or_text, parse_constant=_refuse_constant
)


def parse(text):
    """JSON as the types read it: numbers that no int holds as `NumberText`,
    and no `NaN` or `Infinity`, which JSON does not have."""
    try:
        return DECODER.decode(text)
    except ValueError:
        return CAREFUL_DECODER.decode(text)


def shown(value):
    """A value as a message quotes it: a JSON scalar as written (at most 64
    characters), an array or an object by its kind."""
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    try:
        text = value if isinstance(value, NumberText) else json.dumps(value)
    except (TypeError, ValueError):
        # A result no JSON holds.
        text = repr(value)
    return text if len(text) <= 64 else text[:63] + "…"


class Invalid(ValueError):
    """A value that does not fit its type. Its message names where the value
    is, `message(root)`: each container the error leaves adds its step to
    the path (`[2]`, `.min`), so that nothing is spent on paths when every
    value fits."""

    def __init__(self, before, after, expected=None):
        super().__init__(before + "…" + after)
        self.before, self.after, self.expected = before, after, expected
        self.steps = []

    @classmethod
    def refusal(cls, expected, value):
        return cls("", f" must be {expected}, got {shown(value)}", expected)

    def at(self, step):
        self.steps.append(step)
        return self

    def message(self, root):
        return self.before + root + "".join(reversed(self.steps)) + self.after


def expected_names(names):
    """What a refusal of an unexpected name says was expected, as rpc-function
    says it: `only "a"`, `"a", "b"` or `none`."""
    quoted = [f'"{name}"' for name in names]
    if len(quoted) == 1:
        return f"only {quoted[0]}"
    return ", ".join(quoted) or "none"


class Type:
    """How the values of one annotation are read, written and described."""

    description = None
    expected = "a value"

    def read(self, value):
        """The Python value of a JSON value; `Invalid` if it does not fit."""
        raise NotImplementedError

    def write(self, value):
        """The JSON value of a Python value; `Invalid` if it does not fit."""
        raise NotImplementedError

    def read_list(self, values):
        """`read` of each of a list's items. A type may check them all at once:
        in a component, CPython's interpreter loop is charged to the work
        budget whole for each bytecode it runs (about 20 000 operators), so
        one call into C (`map`, `min`, `set`) costs less than a bytecode per
        item."""
        return each(self.read, values)

    def write_list(self, values):
        return each(self.write, values)

    def own_schema(self):
        raise NotImplementedError

    def schema(self):
        schema = self.own_schema()
        if self.description:
            return {"description": self.description, **schema}
        return schema


def each(convert, values):
    """`convert` of each of `values`, naming the item that does not fit."""
    converted = []
    try:
        for value in values:
            converted.append(convert(value))
    except Invalid as invalid:
        raise invalid.at(f"[{len(converted)}]")
    return converted


DECIMAL = re.compile(r"-?[0-9]+")


class IntegerType(Type):
    def __init__(self, bounds=Range(), decimal_strings=False):
        self.minimum, self.maximum = bounds.minimum, bounds.maximum
        # An int compares with the infinities: one comparison checks both bounds.
        self.low = -math.inf if self.minimum is None else self.minimum
        self.high = math.inf if self.maximum is None else self.maximum
        self.decimal_strings = decimal_strings
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            bounds = f" from {low} to {high}"
        elif low is not None:
            bounds = f" of at least {low}"
        elif high is not None:
            bounds = f" of at most {high}"
        else:
            bounds = ""
        strings = " or a decimal string of one" if decimal_strings else ""
        self.expected = f"an integer{bounds}{strings}"

    def read(self, value):
        if type(value) is int and self.low <= value <= self.high:
            return value
        if type(value) is str and self.decimal_strings and DECIMAL.fullmatch(value):
            number = _int_or_text(value)
            if type(number) is int and self.low <= number <= self.high:
                return number
        raise Invalid.refusal(self.expected, value)

    def write(self, value):
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and self.low <= value <= self.high
        ):
            return int(value)
        raise Invalid.refusal(self.expected, value)

    def read_list(self, values):
        if self.all_fit(values):
            return values
        return each(self.read, values)

    def write_list(self, values):
        if self.all_fit(values):
            return list(values)
        return each(self.write, values)

    def all_fit(self, values):
        return not values or (
            set(map(type, values)) == {int} and self.low <= min(values) and max(values) <= self.high
        )

    def own_schema(self):
        schema = {"type": "integer"}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        if self.decimal_strings:
            return {"oneOf": [schema, {"type": "string", "pattern": "^-?[0-9]+$"}]}
        return schema


class FloatType(Type):
    expected = "a number"

    def read(self, value):
        if type(value) in (int, NumberText):
            return self.finite(value)
        raise Invalid.refusal(self.expected, value)

    def write(self, value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return self.finite(value)
        raise Invalid.refusal(self.expected, value)

    def finite(self, value):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if math.isfinite(number):
            return number
        raise Invalid.refusal("a number a 64-bit float holds", value)

    def own_schema(self):
        return {"type": "number"}


class ExactType(Type):
    """`str`, `bool` or `None`: a value of exactly that Python type (a
    `NumberText` is no string, `True` is no integer)."""

    def __init__(self, python_type, json_type, expected):
        self.python_type, self.json_type, self.expected = python_type, json_type, expected

    def read(self, value):
        if type(value) is self.python_type:
            return value
        raise Invalid.refusal(self.expected, value)

    def write(self, value):
        if isinstance(value, self.python_type) and not isinstance(value, NumberText):
            return value
        raise Invalid.refusal(self.expected, value)

    def read_list(self, values):
        if set(map(type, values)) <= {self.python_type}:
            return values
        return each(self.read, values)

    def write_list(self, values):
        if set(map(type, values)) <= {self.python_type}:
            return list(values)
        return each(self.write, values)

    def own_schema(self):
        return {"type": self.json_type}


class ListType(Type):
    expected = "an array"

    def __init__(self, item):
        self.item = item

    def read(self, value):
        if type(value) is list:
            return self.item.read_list(value)
        raise Invalid.refusal(self.expected, value)

    def write(self, value):
        if isinstance(value, (list, tuple)):
            return self.item.write_list(value)
        raise Invalid.refusal(self.expected, value)

    def own_schema(self):
        return {"type": "array", "items": self.item.schema()}


class OptionalType(Type):
    def __init__(self, inner):
        self.inner = inner
        self.expected = f"{inner.expected} or null"

    def read(self, value):
        return None if value is None else self.or_null(self.inner.read, value)

    def write(self, value):
        return None if value is None else self.or_null(self.inner.write, value)

    def or_null(self, convert, value):
        try:
            return convert(value)
        except Invalid as invalid:
            # A refusal of the value itself says that null would do too.
            if invalid.expected is None or invalid.steps:
                raise
            raise Invalid.refusal(f"{invalid.expected} or null", value) from None

    def own_schema(self):
        schema = self.inner.schema()
        if isinstance(schema.get("type"), str):
            schema["type"] = [schema["type"], "null"]
            if "enum" in schema:
                schema["enum"] = [*schema["enum"], None]
            return schema
        return {"anyOf": [schema, {"type": "null"}]}


JSON_TYPES = {str: "string", bool: "boolean", int: "integer", type(None): "null"}


class LiteralType(Type):
    def __init__(self, members):
        unfit = [member for member in members if type(member) not in JSON_TYPES]
        if unfit:
            raise TypeError(
                f"a Literal's members are strings, integers, booleans or None, not {unfit[0]!r}"
            )
        self.members = members
        self.expected = "one of " + ", ".join(json.dumps(member) for member in members)
        # By type too: 1 == True in Python, not in JSON.
        self.by_type_and_value = {(type(member), member): member for member in members}

    def read(self, value):
        try:
            return self.by_type_and_value[type(value), value]
        except (KeyError, TypeError):  # TypeError: an array or an object, which no key is
            raise Invalid.refusal(self.expected, value) from None

    write = read

    def own_schema(self):
        json_types = {JSON_TYPES[type(member)] for member in self.members}
        schema = {"type": json_types.pop()} if len(json_types) == 1 else {}
        return {**schema, "enum": list(self.members)}


@dataclasses.dataclass
class Field:
    """A field of a dataclass, or a param of a function: its name, its type,
    and whether it must be given."""

    name: str
    type: Type
    required: bool


class Members:
    """The members of a JSON object read as the fields of a dataclass or the
    params of a function, each as its type; an unexpected or a missing one is
    named, as an unexpected or missing `noun`, by its path step: `prefix`
    and its name."""

    def __init__(self, fields, noun, prefix):
        self.names = [field.name for field in fields]
        self.known = set(self.names)
        self.readers = [(field.name, field.type.read, field.required) for field in fields]
        self.noun, self.prefix = noun, prefix

    def read(self, members):
        unknown = members.keys() - self.known
        if unknown:
            unexpected = Invalid(
                f'unexpected {self.noun} "', f'"; expected {expected_names(self.names)}'
            )
            raise unexpected.at(self.prefix + min(unknown))
        values, missing = {}, None
        try:
            for name, read, required in self.readers:
                if name in members:
                    values[name] = read(members[name])
                elif required and missing is None:
                    missing = name
        except Invalid as invalid:
            raise invalid.at(self.prefix + name)
        if missing is not None:
            raise Invalid(f'missing {self.noun} "', '"').at(self.prefix + missing)
        return values


class DataclassType(Type):
    expected = "an object"

    def __init__(self, cls, within):
        hints = typing.get_type_hints(cls, include_extras=True)
        self.cls = cls
        self.fields = [
            Field(field.name, type_of(hints[field.name], within | {cls}), is_required(field))
            for field in dataclasses.fields(cls)
            if field.init
        ]
        self.members = Members(self.fields, "field", ".")
        self.writers = [(field.name, field.type.write) for field in self.fields]
        self.description = own_doc(cls)

    def read(self, value):
        if type(value) is dict:
            return self.cls(**self.members.read(value))
        raise Invalid.refusal(self.expected, value)

    def write(self, value):
        if not isinstance(value, self.cls):
            raise Invalid.refusal(f"a {self.cls.__name__}", value)
        written = {}
        try:
            for name, write in self.writers:
                written[name] = write(getattr(value, name))
        except Invalid as invalid:
            raise invalid.at(f".{name}")
        return written

    def own_schema(self):
        schema = {
            "title": self.cls.__name__,
            "type": "object",
            "properties": {field.name: field.type.schema() for field in self.fields},
            "additionalProperties": False,
        }
        required = [field.name for field in self.fields if field.required]
        return {**schema, "required": required} if required else schema


def is_required(field):
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def own_doc(cls):
    """A dataclass's docstring, unless it is the one `dataclass` writes for a
    class without one (its signature)."""
    doc = inspect.getdoc(cls)
    written = cls.__name__ + str(inspect.signature(cls)).replace(" -> None", "")
    return None if doc == written else doc


SUPPORTED = (
    "int, float, str, bool, list[T], Optional[T], Literal[...], a dataclass, "
    "or one of these Annotated with a Range or a description"
)


def type_of(annotation, within=frozenset()):
    """The `Type` of an annotation; `TypeError` for one that cannot be read
    or described. `within`: the dataclasses being described around it (a
    dataclass within itself has no schema without `$ref`)."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return annotated(args[0], args[1:], within)
    if annotation is int:
        return IntegerType()
    if annotation is float:
        return FloatType()
    if annotation is str:
        return ExactType(str, "string", "a string")
    if annotation is bool:
        return ExactType(bool, "boolean", "a boolean")
    if annotation is None or annotation is type(None):
        return ExactType(type(None), "null", "null")
    if origin is list and len(args) == 1:
        return ListType(type_of(args[0], within))
    if origin in (Union, types.UnionType) and len(args) == 2 and type(None) in args:
        (inner,) = [arg for arg in args if arg is not type(None)]
        return OptionalType(type_of(inner, within))
    if origin is Literal:
        return LiteralType(args)
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        if annotation in within:
            raise TypeError(f"{annotation.__name__} holds itself: its schema could not be inlined")
        return DataclassType(annotation, within)
    raise TypeError(f"{annotation!r} is not a type a param or result may have: {SUPPORTED}")


def annotated(base, metadata, within):
    bounds = [item for item in metadata if isinstance(item, Range)]
    decimal_strings = any(isinstance(item, DecimalString) for item in metadata)
    if bounds or decimal_strings:
        if base is not int:
            raise TypeError(f"Range and DecimalString are for an int, not {base!r}")
        type_ = IntegerType(narrowest(bounds), decimal_strings)
    else:
        type_ = type_of(base, within)
    descriptions = [item for item in metadata if isinstance(item, str)]
    if descriptions:
        type_.description = descriptions[-1]
    return type_


def narrowest(bounds):
    minima = [bound.minimum for bound in bounds if bound.minimum is not None]
    maxima = [bound.maximum for bound in bounds if bound.maximum is not None]
    return Range(max(minima, default=None), min(maxima, default=None))
