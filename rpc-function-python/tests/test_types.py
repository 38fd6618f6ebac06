"""Each type a param or result may have: what it reads, what it refuses and
how the refusal names the value, what it writes, and its JSON Schema."""

import sys
import unittest
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, List, Literal, Optional, Union

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rpc_function import Int64, Integer, Range, SafeInt, UInt32  # noqa: E402
from rpc_function.types import Invalid, parse, type_of  # noqa: E402


def read(annotation, text, root="x"):
    """The value `text` (JSON) reads as, or the refusal's message."""
    try:
        return type_of(annotation).read(parse(text))
    except Invalid as invalid:
        return invalid.message(root)


@dataclass
class Window:
    """Only the values from `min` to `max`."""

    min: SafeInt
    max: SafeInt


@dataclass
class Query:
    name: str
    windows: list[Window]
    window: Optional[Window] = None
    tags: list[str] = field(default_factory=list)


@dataclass
class Node:
    children: list["Node"]


class Integers(unittest.TestCase):
    def test_int_takes_json_integers_only(self):
        self.assertEqual(read(int, "-12"), -12)
        self.assertEqual(
            read(int, "123456789012345678901234567890"), 123456789012345678901234567890
        )
        for text, got in [
            ("1.5", "1.5"),
            ("1.0", "1.0"),
            ("1e3", "1e3"),
            ("true", "true"),
            ('"3"', '"3"'),
            ("null", "null"),
            ("[1]", "an array"),
            ('{"a":1}', "an object"),
        ]:
            self.assertEqual(read(int, text), f"x must be an integer, got {got}")
        self.assertEqual(type_of(int).schema(), {"type": "integer"})

    def test_an_integer_of_more_digits_than_python_converts_is_refused_not_a_crash(self):
        self.assertEqual(read(Int64, "9" * 5000)[:40], "x must be an integer from -9223372036854")
        self.assertTrue(read(Int64, "9" * 5000).endswith("…"))

    def test_bounded_integers(self):
        self.assertEqual(read(UInt32, "4294967295"), 4294967295)
        self.assertEqual(read(UInt32, "0"), 0)
        for text in ["-1", "4294967296"]:
            self.assertEqual(
                read(UInt32, text, "count"),
                f"count must be an integer from 0 to 4294967295, got {text}",
            )
        self.assertEqual(
            read(Int64, "9223372036854775808")[:33], "x must be an integer from -922337"
        )
        self.assertEqual(
            type_of(Int64).schema(), {"type": "integer", "minimum": -(2**63), "maximum": 2**63 - 1}
        )
        self.assertEqual(type_of(SafeInt).schema()["maximum"], 9007199254740991)

    def test_bounds_narrow_each_other_and_may_leave_a_side_open(self):
        percent = Annotated[UInt32, Range(maximum=100)]
        self.assertEqual(
            type_of(percent).schema(), {"type": "integer", "minimum": 0, "maximum": 100}
        )
        self.assertEqual(read(percent, "101"), "x must be an integer from 0 to 100, got 101")
        self.assertEqual(
            read(Annotated[int, Range(1)], "0"), "x must be an integer of at least 1, got 0"
        )
        self.assertEqual(
            read(Annotated[int, Range(maximum=-1)], "0"),
            "x must be an integer of at most -1, got 0",
        )
        with self.assertRaisesRegex(TypeError, "for an int"):
            type_of(Annotated[str, Range(0, 1)])

    def test_integer_takes_a_decimal_string_too_as_rpc_functions_does(self):
        self.assertEqual(read(Integer, '"-7"'), -7)
        self.assertEqual(read(Integer, '"9223372036854775807"'), 2**63 - 1)
        for text in ['"9223372036854775808"', '" 10"', '"+10"', '"ten"', '""', "1.5", "true"]:
            self.assertEqual(
                read(Integer, text),
                "x must be an integer from -9223372036854775808 to 9223372036854775807 "
                f"or a decimal string of one, got {text}",
            )
        self.assertEqual(
            type_of(Integer).schema(),
            {
                "description": "A 64-bit signed integer, as a JSON integer or a decimal string.",
                "oneOf": [
                    {"type": "integer", "minimum": -(2**63), "maximum": 2**63 - 1},
                    {"type": "string", "pattern": "^-?[0-9]+$"},
                ],
            },
        )

    def test_a_result_is_checked_as_a_param_is_read(self):
        self.assertEqual(type_of(UInt32).write(7), 7)
        for value in [True, -1, 1.0, "7"]:
            with self.assertRaises(Invalid):
                type_of(UInt32).write(value)


class Scalars(unittest.TestCase):
    def test_float_takes_any_json_number_of_the_float_range(self):
        self.assertEqual(read(float, "1.5"), 1.5)
        self.assertEqual(read(float, "-2e3"), -2000.0)
        self.assertIs(type(read(float, "3")), float)
        self.assertEqual(read(float, "1e400"), "x must be a number a 64-bit float holds, got 1e400")
        for text in ['"1.5"', "true", "null"]:
            self.assertEqual(read(float, text), f"x must be a number, got {text}")
        self.assertEqual(type_of(float).schema(), {"type": "number"})
        with self.assertRaises(Invalid):
            type_of(float).write(float("nan"))

    def test_str_and_bool_take_exactly_their_json_type(self):
        self.assertEqual(read(str, '"é"'), "é")
        self.assertEqual(read(str, "1.5"), "x must be a string, got 1.5")
        self.assertEqual(read(str, "1"), "x must be a string, got 1")
        self.assertIs(read(bool, "false"), False)
        self.assertEqual(read(bool, "0"), "x must be a boolean, got 0")
        self.assertEqual(type_of(str).schema(), {"type": "string"})
        self.assertEqual(type_of(bool).schema(), {"type": "boolean"})
        self.assertEqual(type_of(None).schema(), {"type": "null"})
        self.assertIsNone(type_of(None).write(None))

    def test_a_long_value_is_quoted_by_its_start(self):
        message = read(int, '"' + "a" * 100 + '"')
        self.assertEqual(message, 'x must be an integer, got "' + "a" * 62 + "…")


class Containers(unittest.TestCase):
    def test_lists_name_the_item_that_is_wrong(self):
        self.assertEqual(read(list[SafeInt], "[1, -2]"), [1, -2])
        self.assertEqual(read(List[int], "[]"), [])
        self.assertEqual(
            read(list[int], "[1, 2, true]", "skip"), "skip[2] must be an integer, got true"
        )
        self.assertEqual(
            read(list[list[int]], "[[1], [2, 1.5]]"), "x[1][1] must be an integer, got 1.5"
        )
        self.assertEqual(read(list[int], "{}"), "x must be an array, got an object")
        self.assertEqual(
            type_of(list[bool]).schema(), {"type": "array", "items": {"type": "boolean"}}
        )
        self.assertEqual(type_of(list[int]).write((1, 2)), [1, 2])

    def test_optional_takes_null_too_and_says_so(self):
        for annotation in [Optional[UInt32], UInt32 | None, Union[None, UInt32]]:
            self.assertIsNone(read(annotation, "null"))
            self.assertEqual(read(annotation, "5"), 5)
            self.assertEqual(
                read(annotation, "-1"), "x must be an integer from 0 to 4294967295 or null, got -1"
            )
            self.assertEqual(
                type_of(annotation).schema(),
                {"type": ["integer", "null"], "minimum": 0, "maximum": 4294967295},
            )
        self.assertEqual(
            type_of(Optional[Literal["a", "b"]]).schema(),
            {"type": ["string", "null"], "enum": ["a", "b", None]},
        )
        self.assertEqual(type_of(Optional[Integer]).schema()["anyOf"][1], {"type": "null"})

    def test_literals_are_enums_of_exactly_their_members(self):
        kind = Literal["fibonacci", "primes", "squares"]
        self.assertEqual(read(kind, '"primes"'), "primes")
        self.assertEqual(
            read(kind, '"cubes"', "kind"),
            'kind must be one of "fibonacci", "primes", "squares", got "cubes"',
        )
        self.assertEqual(
            type_of(kind).schema(), {"type": "string", "enum": ["fibonacci", "primes", "squares"]}
        )
        self.assertEqual(read(Literal[1, 2], "true"), "x must be one of 1, 2, got true")
        self.assertIs(read(Literal[True, 1], "1"), 1)
        self.assertEqual(type_of(Literal[1, "one"]).schema(), {"enum": [1, "one"]})
        with self.assertRaisesRegex(TypeError, "Literal"):
            type_of(Literal[1.5])


class Dataclasses(unittest.TestCase):
    def test_fields_are_read_and_checked_recursively(self):
        query = read(Query, '{"name": "q", "windows": [{"min": 1, "max": 2}], "window": null}')
        self.assertEqual(query, Query("q", [Window(1, 2)], None, []))
        self.assertEqual(
            read(Query, '{"name": "q", "windows": [], "window": {"max": 3, "min": -3}}').window,
            Window(-3, 3),
        )

    def test_what_is_wrong_is_named_by_its_path(self):
        for text, message in [
            (
                '{"name": "q", "windows": [], "window": {"min": 1}}',
                'missing field "query.window.max"',
            ),
            (
                '{"name": "q", "windows": [{"min": 1, "max": 2, "mid": 0}]}',
                'unexpected field "query.windows[0].mid"; expected "min", "max"',
            ),
            (
                '{"name": "q", "windows": [{"min": 1, "max": 2}, {"min": 1, "max": 1.5}]}',
                "query.windows[1].max must be an integer "
                "from -9007199254740991 to 9007199254740991, got 1.5",
            ),
            (
                '{"name": "q", "windows": [], "window": 3}',
                "query.window must be an object or null, got 3",
            ),
            ('{"windows": []}', 'missing field "query.name"'),
            ('["q", []]', "query must be an object, got an array"),
        ]:
            self.assertEqual(read(Query, text, "query"), message)

    def test_its_schema_inlines_every_field_and_refuses_other_members(self):
        self.assertEqual(
            type_of(Window).schema(),
            {
                "description": "Only the values from `min` to `max`.",
                "title": "Window",
                "type": "object",
                "properties": {
                    "min": {
                        "type": "integer",
                        "minimum": -9007199254740991,
                        "maximum": 9007199254740991,
                    },
                    "max": {
                        "type": "integer",
                        "minimum": -9007199254740991,
                        "maximum": 9007199254740991,
                    },
                },
                "additionalProperties": False,
                "required": ["min", "max"],
            },
        )
        schema = type_of(Annotated[Optional[Query], "A query."]).schema()
        self.assertEqual(schema["description"], "A query.")
        self.assertEqual(schema["type"], ["object", "null"])
        self.assertEqual(schema["required"], ["name", "windows"])
        self.assertNotIn(
            "description", type_of(Query).schema(), "Query's docstring is the one dataclass writes"
        )
        self.assertEqual(schema["properties"]["windows"]["items"]["title"], "Window")

    def test_written_as_the_object_of_its_fields(self):
        written = type_of(Query).write(Query("q", [Window(1, 2)]))
        self.assertEqual(
            written, {"name": "q", "windows": [{"min": 1, "max": 2}], "window": None, "tags": []}
        )
        with self.assertRaises(Invalid) as refused:
            type_of(Query).write(Query("q", [Window(1, 2**60)]))
        self.assertEqual(
            refused.exception.message("result"),
            "result.windows[0].max must be an integer from -9007199254740991 to 9007199254740991, "
            "got 1152921504606846976",
        )

    def test_a_dataclass_within_itself_cannot_be_inlined(self):
        with self.assertRaisesRegex(TypeError, "Node holds itself"):
            type_of(Node)


class Unsupported(unittest.TestCase):
    def test_what_has_no_schema_is_refused_when_the_function_is_described(self):
        for annotation in [dict, list, Any, Union[int, str], tuple[int, int], object]:
            with self.assertRaisesRegex(TypeError, "not a type a param or result may have"):
                type_of(annotation)


if __name__ == "__main__":
    unittest.main()
