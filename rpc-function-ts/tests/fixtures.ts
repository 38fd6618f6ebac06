// Functions the tests call: one whose params take every kind of schema
// (and which answers them as it read them), and one with an error of its
// own and a bug.

import { defineFunction, RpcError, Type, withDefault } from "../src/index.js";

const Window = Type.Object({
  min: Type.Integer({ description: "The smallest kept." }),
  max: Type.Integer(),
});

const Kind = Type.Union([Type.Literal("mean"), Type.Literal("min"), Type.Literal("max")]);

export const everything = defineFunction({
  name: "everything",
  summary: "Answers its params as it read them.",
  description: "Every kind of param the SDK reads.",
  params: {
    count: Type.Integer({ minimum: 0, maximum: 4294967295, description: "How many." }),
    ratio: Type.Number({ exclusiveMinimum: 0 }),
    label: Type.String({ maxLength: 4 }),
    flag: Type.Boolean(),
    kind: Kind,
    numbers: withDefault(Type.Array(Type.Integer()), []),
    window: Type.Optional(Type.Union([Window, Type.Null()])),
  },
  result: Type.Object({
    count: Type.Integer({ minimum: 0, maximum: 4294967295 }),
    ratio: Type.Number(),
    label: Type.String(),
    flag: Type.Boolean(),
    kind: Kind,
    numbers: Type.Array(Type.Integer()),
    window: Type.Optional(Type.Union([Window, Type.Null()])),
  }),
  example: {
    params: { count: 1, ratio: 0.5, label: "a", flag: true, kind: "mean" },
    result: { count: 1, ratio: 0.5, label: "a", flag: true, kind: "mean", numbers: [] },
  },
  apply: (params) => params,
});

/** Its own error. */
export const DIVISION_BY_ZERO = 1;

export const divide = defineFunction({
  name: "divide",
  summary: "Divides a by b, rounding toward zero.",
  params: { a: Type.Integer(), b: Type.Integer() },
  result: Type.Object({ quotient: Type.Integer(), remainder: Type.Integer() }),
  errors: [{ code: DIVISION_BY_ZERO, message: "division by zero (data: the dividend)" }],
  example: { params: { a: 7, b: -2 }, result: { quotient: -3, remainder: 1 } },
  apply: ({ a, b }) => {
    if (b === 0) {
      throw new RpcError(DIVISION_BY_ZERO, "division by zero", { dividend: a });
    }
    if (a === 13) {
      // A bug: what an out-of-range index or an engine's RangeError is.
      throw new RangeError("unlucky");
    }
    if (a === 1) {
      // A bug too: a result its schema does not allow.
      return { quotient: 0.5, remainder: 0 };
    }
    return { quotient: Math.trunc(a / b), remainder: a % b };
  },
});
