"""`sequence-python`: the terms of a sequence (examples/polyglot/README.md),
the same function as `sequence-rust` and `sequence-ts`."""

import itertools
from dataclasses import dataclass
from typing import Annotated, Literal, Optional

from rpc_function import Error, SafeInt, UInt32, handler

Kind = Literal["fibonacci", "primes", "squares"]

# A term or the sum passes what a safe integer holds.
TOO_LARGE = 1
SAFE_MAX = 2**53 - 1


@dataclass
class Window:
    min: SafeInt
    max: SafeInt


@dataclass
class Terms:
    kind: Kind
    terms: list[SafeInt]
    sum: SafeInt


def sequence_python(
    kind: Annotated[Kind, "Which sequence."],
    count: Annotated[UInt32, "How many terms are computed."],
    start: Annotated[UInt32, "The index of the first term."] = 0,
    skip: Annotated[list[SafeInt], "Values left out."] = [],
    window: Annotated[Optional[Window], "Only the values from `min` to `max`."] = None,
) -> Terms:
    """The terms `start` to `start + count - 1` of a sequence (indices from 0),
    without the values in `skip` and those outside `window`."""
    # Room for every term before the first is computed, as a plain function
    # keeps it.
    terms = [0] * count
    kept = 0
    total = 0
    left_out = set(skip)
    for index, value in enumerate(itertools.islice(SEQUENCES[kind](), start + count)):
        if value > SAFE_MAX:
            raise too_large(f"term {index}", index)
        if (
            index < start
            or value in left_out
            or (window is not None and not window.min <= value <= window.max)
        ):
            continue
        total += value
        if total > SAFE_MAX:
            raise too_large("the sum of the terms", index)
        terms[kept] = value
        kept += 1
    del terms[kept:]
    return Terms(kind, terms, total)


def fibonacci():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b


def primes():
    found = []
    for candidate in itertools.count(2):
        if is_prime(candidate, found):
            found.append(candidate)
            yield candidate


def is_prime(candidate, smaller_primes):
    """By trial division by the primes up to its square root."""
    for prime in smaller_primes:
        if prime * prime > candidate:
            return True
        if candidate % prime == 0:
            return False
    return True


def squares():
    for index in itertools.count():
        yield index * index


SEQUENCES = {"fibonacci": fibonacci, "primes": primes, "squares": squares}


def too_large(what, index):
    return Error(TOO_LARGE, f"{what} is past {SAFE_MAX}", {"index": index})


IncomingHandler = handler(
    sequence_python,
    name="sequence-python",
    example=(
        {"kind": "fibonacci", "count": 10},
        Terms("fibonacci", [0, 1, 1, 2, 3, 5, 8, 13, 21, 34], 88),
    ),
    errors=[(TOO_LARGE, "a term or the sum is past 2^53 - 1 (data: its index)")],
)
