"""`{{project-name | kebab_case}}`: {{summary}}"""

from typing import Annotated

from rpc_function import Int64, handler


# Its params by position ([x]) or by name ({"x": x}), each checked against its
# annotation, and its result, checked against the return annotation: int,
# float, str, bool, list[T], Optional[T], Literal[...], dataclasses, bounded
# integers (Int64, UInt32, SafeInt, Annotated[int, Range(a, b)]). The
# docstring and Annotated[T, "text"] describe it.
def {{project-name | snake_case}}(x: Annotated[Int64, "A whole number."]) -> Int64:
    """{{summary}}"""
    return x


IncomingHandler = handler(
    {{project-name | snake_case}},
    name="{{project-name | kebab_case}}",
    # A call and its result: rpc.discover shows it, the tests check it.
    example=({"x": 21}, 21),
    # Its own errors, (code, meaning); the function answers one with
    # `raise rpc_function.Error(code, "message", data)`.
    errors=[],
)
