"""The SDK for a function written in Python, the counterpart of the Rust
`rpc-function`: a function is a plain annotated Python function, and

    IncomingHandler = handler(function, example=({"x": 12}, 144), errors=[(1, "...")])

serves it over the inner format the router speaks (docs/protocol.md), its
params read by position or by name and checked against their annotations
(`types`), and describes it to rpc.discover from its signature and
docstring. Only `handler` needs spin-sdk; the rest runs anywhere.
"""

from .component import handler
from .function import Error, Function
from .types import DecimalString, Int32, Int64, Integer, Range, SafeInt, UInt32, UInt64

__all__ = [
    "DecimalString",
    "Error",
    "Function",
    "Int32",
    "Int64",
    "Integer",
    "Range",
    "SafeInt",
    "UInt32",
    "UInt64",
    "handler",
]
