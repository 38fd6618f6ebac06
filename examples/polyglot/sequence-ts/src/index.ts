// `sequence-ts`: the terms of a sequence (examples/polyglot/README.md), the
// same function as `sequence-rust` and `sequence-python`.

import {
  defineFunction,
  MAX_SAFE_INTEGER,
  RpcError,
  Type,
  withDefault,
  type Static,
} from "rpc-function";

const Kind = Type.Union(
  [Type.Literal("fibonacci"), Type.Literal("primes"), Type.Literal("squares")],
  {
    description: "Which sequence.",
  },
);
type Kind = Static<typeof Kind>;

const Window = Type.Object({ min: Type.Integer(), max: Type.Integer() });

/** A term or the sum passes what a safe integer holds. */
const TOO_LARGE = 1;

export default defineFunction({
  name: "sequence-ts",
  summary:
    "The terms `start` to `start + count - 1` of a sequence (indices from 0), " +
    "without the values in `skip` and those outside `window`.",
  params: {
    kind: Kind,
    count: Type.Integer({
      minimum: 0,
      maximum: 4294967295,
      description: "How many terms are computed.",
    }),
    start: withDefault(
      Type.Integer({
        minimum: 0,
        maximum: 4294967295,
        description: "The index of the first term.",
      }),
      0,
    ),
    skip: withDefault(Type.Array(Type.Integer(), { description: "Values left out." }), []),
    window: Type.Optional(
      Type.Union([Window, Type.Null()], { description: "Only the values from `min` to `max`." }),
    ),
  },
  result: Type.Object({ kind: Kind, terms: Type.Array(Type.Integer()), sum: Type.Integer() }),
  errors: [{ code: TOO_LARGE, message: "a term or the sum is past 2^53 - 1 (data: its index)" }],
  example: {
    params: { kind: "fibonacci", count: 10 },
    result: { kind: "fibonacci", terms: [0, 1, 1, 2, 3, 5, 8, 13, 21, 34], sum: 88 },
  },
  apply: ({ kind, count, start, skip, window }) => {
    // Room for every term before the first is computed, as a plain
    // function keeps it.
    const terms = new Float64Array(count);
    let kept = 0;
    let sum = 0;
    const skipped = new Set(skip);
    const term = sequence(kind);
    for (let index = 0; index < start + count; index++) {
      const value = term(index);
      if (value > MAX_SAFE_INTEGER) {
        throw tooLarge(`term ${index}`, index);
      }
      const inWindow = !window || (window.min <= value && value <= window.max);
      if (index < start || skipped.has(value) || !inWindow) {
        continue;
      }
      // Terms are safe integers, so a sum past the largest is past it as a
      // double too, rounded or not.
      sum += value;
      if (sum > MAX_SAFE_INTEGER) {
        throw tooLarge("the sum of the terms", index);
      }
      terms[kept++] = value;
    }
    return { kind, terms: Array.from(terms.subarray(0, kept)), sum };
  },
});

/** Each term in turn: the term at `index`, the one after the last asked for. */
function sequence(kind: Kind): (index: number) => number {
  switch (kind) {
    case "fibonacci": {
      let [a, b] = [0, 1];
      return () => {
        const term = a;
        [a, b] = [b, a + b];
        return term;
      };
    }
    case "squares":
      return (index) => index * index;
    case "primes": {
      const primes: number[] = [];
      return () => nextPrime(primes);
    }
  }
}

/** The next prime after those found so far, by trial division by them. */
function nextPrime(primes: number[]): number {
  let candidate = primes.length === 0 ? 2 : primes[primes.length - 1] + 1;
  while (!isPrime(candidate, primes)) {
    candidate++;
  }
  primes.push(candidate);
  return candidate;
}

function isPrime(candidate: number, primes: readonly number[]): boolean {
  for (const prime of primes) {
    if (prime * prime > candidate) {
      break;
    }
    if (candidate % prime === 0) {
      return false;
    }
  }
  return true;
}

/** The error of its own: the index of the term it was at. */
function tooLarge(what: string, index: number): RpcError {
  return new RpcError(TOO_LARGE, `${what} is past ${MAX_SAFE_INTEGER}`, { index });
}
