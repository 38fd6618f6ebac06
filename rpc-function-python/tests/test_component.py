"""The Spin glue, on a stand-in for spin-sdk's `spin_sdk.http` (the real one
only imports inside a component), and what build.py decides to reinstall."""

import contextlib
import io
import json
import sys
import tempfile
import types
import unittest
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

PACKAGE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PACKAGE))

import build  # noqa: E402
from rpc_function import handler  # noqa: E402


@dataclass
class Request:
    method: str
    uri: str
    headers: dict
    body: bytes | None


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes | None


class IncomingHandler:
    """spin-sdk's base class: its `handle` calls `handle_request`."""


def halve(x: int) -> int:
    """Halves an even x."""
    if x % 2:
        raise ZeroDivisionError("a bug")
    return x // 2


class Handler(unittest.TestCase):
    def setUp(self):
        spin_http = types.ModuleType("spin_sdk.http")
        spin_http.IncomingHandler, spin_http.Response = IncomingHandler, Response
        modules = {"spin_sdk": types.ModuleType("spin_sdk"), "spin_sdk.http": spin_http}
        patch = mock.patch.dict(sys.modules, modules)
        patch.start()
        self.addCleanup(patch.stop)
        self.handler = handler(halve, example=({"x": 4}, 2))()

    def test_the_component_answers_as_the_function_does(self):
        self.assertIsInstance(self.handler, IncomingHandler)
        answer = self.handler.handle_request(Request("POST", "/", {}, b'{"params": {"x": 8}}'))
        self.assertEqual(
            answer, Response(200, {"content-type": "application/json"}, b'{"result":4}')
        )
        described = self.handler.handle_request(Request("GET", "/", {}, None))
        self.assertEqual(json.loads(described.body)["summary"], "Halves an even x.")
        self.assertEqual(self.handler.handle_request(Request("POST", "/", {}, None)).status, 400)

    def test_a_bug_is_an_empty_500(self):
        with contextlib.redirect_stderr(io.StringIO()) as stderr:
            answer = self.handler.handle_request(Request("POST", "/", {}, b'{"calls": [[2], [3]]}'))
        self.assertEqual(answer, Response(500, {}, b""))
        self.assertIn("ZeroDivisionError: a bug", stderr.getvalue())


class Build(unittest.TestCase):
    def test_requirements_are_installed_again_when_a_package_they_name_by_path_changes(self):
        with tempfile.TemporaryDirectory() as directory, contextlib.chdir(directory):
            Path("lib/lib").mkdir(parents=True)
            Path("lib/lib/__init__.py").write_text("A = 1\n")
            requirements = Path("requirements.txt")
            requirements.write_text("spin-sdk==3.4.1\n./lib  # the package\n")
            first = build.requirements_digest(requirements)
            Path("lib/__pycache__").mkdir()
            Path("lib/__pycache__/x.pyc").write_bytes(b"\0")
            self.assertEqual(build.requirements_digest(requirements), first, "a cache is no change")
            Path("lib/lib/__init__.py").write_text("A = 2\n")
            second = build.requirements_digest(requirements)
            self.assertNotEqual(second, first)
            requirements.write_text("spin-sdk==3.4.2\n./lib  # the package\n")
            self.assertNotIn(build.requirements_digest(requirements), (first, second))


if __name__ == "__main__":
    unittest.main()
