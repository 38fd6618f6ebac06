"""`square`: x -> x*x, a function written in Python (see rpc_function.py)."""

from rpc_function import Int64, handler


def square(x: Int64) -> Int64:
    """Squares x: x·x (a function written in Python)."""
    return x * x


IncomingHandler = handler(square, example=({"x": 12}, 144))
