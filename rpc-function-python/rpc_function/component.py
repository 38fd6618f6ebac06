"""The Spin glue: a function as the `IncomingHandler` class a Spin component
exports (the Spin Python SDK, `spin-sdk`, with componentize-py)."""

from .function import Function


def handler(function, *, example, errors=(), name=None):
    """The `IncomingHandler` of a component that serves `function`:

        IncomingHandler = handler(square, example=({"x": 12}, 144))

    `example` is a call and its result, `({param: value, ...}, result)`, in
    the values the function takes and returns (a dataclass's instance, not a
    dict of its fields): rpc.discover shows it, and the tests make that call through the router
    and expect that result. `errors` lists the `(code, meaning)` of the
    `Error`s the function raises; `name` is the method name it describes
    itself with (the router lists it under its registered name)."""
    # Imported here, so that the rest of the package runs without spin-sdk.
    from spin_sdk.http import IncomingHandler, Response

    served = Function(function, example, errors, name)

    class Handler(IncomingHandler):
        def handle_request(self, request):
            answer = served.answer(request.method, request.body)
            return Response(answer.status, dict(answer.headers), answer.body)

    return Handler
