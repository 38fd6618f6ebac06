// The OpenRPC method object a function answers to GET, as the Rust SDK
// writes it, with schemas in OpenRPC's dialect; and the mistakes in a
// definition that are refused when the function is defined.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defineFunction, Type, withDefault, type TDefault } from "../src/index.js";
import type { TSchema } from "@sinclair/typebox";
import { divide, everything } from "./fixtures.js";

const SAFE = { type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 };
const INVALID_PARAMS = {
  code: -32602,
  message: "Invalid params: a param is missing, unexpected or of the wrong type",
};

describe("the description", () => {
  it("is the method object of the Rust SDK", () => {
    assert.deepEqual(JSON.parse(divide.description), {
      name: "divide",
      summary: "Divides a by b, rounding toward zero.",
      paramStructure: "either",
      params: [
        { name: "a", required: true, schema: SAFE },
        { name: "b", required: true, schema: SAFE },
      ],
      result: {
        name: "result",
        schema: {
          type: "object",
          properties: { quotient: SAFE, remainder: SAFE },
          required: ["quotient", "remainder"],
        },
      },
      errors: [INVALID_PARAMS, { code: 1, message: "division by zero (data: the dividend)" }],
      examples: [
        {
          name: "divide example",
          params: [
            { name: "a", value: 7 },
            { name: "b", value: -2 },
          ],
          result: { name: "result", value: { quotient: -3, remainder: 1 } },
        },
      ],
    });
  });

  it("lists every kind of schema in OpenRPC's dialect: draft-07, inlined, bounded integers", () => {
    const method = JSON.parse(everything.description);
    assert.equal(method.description, "Every kind of param the SDK reads.");
    const window = {
      anyOf: [
        {
          type: "object",
          properties: { min: { description: "The smallest kept.", ...SAFE }, max: SAFE },
          required: ["min", "max"],
        },
        { type: "null" },
      ],
    };
    assert.deepEqual(method.params, [
      {
        name: "count",
        required: true,
        schema: { description: "How many.", type: "integer", minimum: 0, maximum: 4294967295 },
        description: "How many.",
      },
      { name: "ratio", required: true, schema: { type: "number", exclusiveMinimum: 0 } },
      { name: "label", required: true, schema: { type: "string", maxLength: 4 } },
      { name: "flag", required: true, schema: { type: "boolean" } },
      { name: "kind", required: true, schema: { type: "string", enum: ["mean", "min", "max"] } },
      { name: "numbers", required: false, schema: { default: [], type: "array", items: SAFE } },
      { name: "window", required: false, schema: window },
    ]);
    // The example lists the params given, by position.
    assert.deepEqual(
      method.examples[0].params.map(({ name }: { name: string }) => name),
      ["count", "ratio", "label", "flag", "kind"],
    );
    const text = everything.description;
    for (const foreign of ["$ref", "$id", "format", "Kind", "Optional", "definitions"]) {
      assert.ok(!text.includes(foreign), `${foreign} in ${text}`);
    }
  });

  it("lists a param left out before a given one by its default", () => {
    const fn = defineFunction({
      name: "range",
      summary: "Counts.",
      params: { from: withDefault(Type.Integer(), 0), to: Type.Integer() },
      result: Type.Integer(),
      example: { params: { to: 3 }, result: 3 },
      apply: ({ from, to }) => to - from,
    });
    assert.deepEqual(JSON.parse(fn.description).examples[0].params, [
      { name: "from", value: 0 },
      { name: "to", value: 3 },
    ]);
  });
});

describe("a definition", () => {
  const define = (params: Record<string, TSchema>, example: Record<string, unknown> = {}) =>
    defineFunction({
      name: "wrong",
      summary: "Wrong.",
      params,
      result: Type.Null(),
      example: { params: example as never, result: null },
      apply: () => null,
    });

  it("refuses what the SDK cannot check, naming where", () => {
    assert.throws(() => define({ when: Type.Date() }), {
      message:
        /^rpc-function: wrong: params\.when: Type\.Date is not supported; use Type\.Integer, /,
    });
    assert.throws(() => define({ id: Type.String({ format: "uuid" }) }), {
      message:
        'rpc-function: wrong: params.id: the keyword "format" is not supported on Type.String',
    });
    assert.throws(() => define({ big: Type.Integer({ maximum: 2 ** 64 }) }), {
      message:
        /^rpc-function: wrong: params\.big: its maximum must be a safe integer .* got 18446744073709552000/,
    });
    assert.throws(() => define({ list: Type.Array(Type.Tuple([Type.Number()])) }), {
      message: /^rpc-function: wrong: params\.list\[\]: Type\.Tuple is not supported/,
    });
    assert.throws(() => define({ x: Type.Integer({ default: 1 }) }), {
      message: /params\.x: has a default but is not optional: use withDefault/,
    });
    assert.throws(
      () => define({ x: withDefault(Type.Integer({ minimum: 0 }), -1) as TDefault<TSchema> }),
      {
        message:
          "rpc-function: wrong: params.x: its default must be an integer from 0 to 9007199254740991, got -1",
      },
    );
    assert.throws(() => define({ "0": Type.Integer() }), {
      message: /a param may not be named like an index: "0"/,
    });
  });

  it("refuses an example that does not fit its schemas", () => {
    assert.throws(() => define({ x: Type.Integer() }, { x: 1.5 }), {
      message:
        "rpc-function: wrong: example: x must be an integer from -9007199254740991 to 9007199254740991, got 1.5",
    });
    assert.throws(() => define({ x: Type.Optional(Type.Integer()), y: Type.Integer() }, { y: 1 }), {
      message: /example: it leaves "x" out but gives a param after it/,
    });
  });
});
