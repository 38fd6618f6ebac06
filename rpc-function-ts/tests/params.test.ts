// Params by position or by name, each kind of schema, and every refusal
// with its message (the structural ones word for word as the Rust SDK's).

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { answer, defineFunction, Type, withDefault, type RpcFunction } from "../src/index.js";
import { divide, everything } from "./fixtures.js";

/** Calls `fn` as the router does, with params written as JSON text. */
function call(fn: RpcFunction, params: string): unknown {
  const reply = answer(fn, "POST", `{"params":${params}}`);
  assert.equal(reply.status, 200, reply.body);
  return JSON.parse(reply.body);
}

/** The -32602 message a call gets. */
function refusal(fn: RpcFunction, params: string): string {
  const outcome = call(fn, params) as { error?: { code: number; message: string } };
  assert.equal(outcome.error?.code, -32602, JSON.stringify(outcome));
  return outcome.error.message;
}

const READ = { count: 3, ratio: 0.5, label: "ab", flag: false, kind: "max", numbers: [] };

describe("params", () => {
  it("are read by position in their declared order, or by name", () => {
    assert.deepEqual(call(everything, `[3, 0.5, "ab", false, "max"]`), { result: READ });
    assert.deepEqual(
      call(everything, `{"kind": "max", "flag": false, "label": "ab", "ratio": 0.5, "count": 3}`),
      { result: READ },
    );
    assert.deepEqual(call(divide, "[7, -2]"), { result: { quotient: -3, remainder: 1 } });
  });

  it("left out take their default, or stay absent when optional", () => {
    const given = `[3, 0.5, "ab", false, "max", [1, -2], {"min": 0, "max": 9}]`;
    assert.deepEqual(call(everything, given), {
      result: { ...READ, numbers: [1, -2], window: { min: 0, max: 9 } },
    });
    const read = call(everything, `[3, 0.5, "ab", false, "max"]`) as { result: object };
    assert.ok(!("window" in read.result));
    assert.deepEqual(call(everything, `[3, 0.5, "ab", false, "max", [], null]`), {
      result: { ...READ, window: null },
    });
  });

  it("are refused, whole, with the Rust SDK's messages", () => {
    assert.equal(refusal(divide, "null"), 'missing params: expected [a, b] or {"a": a, "b": b}');
    assert.equal(
      answer(divide, "POST", "{}").body,
      JSON.stringify({
        error: { code: -32602, message: 'missing params: expected [a, b] or {"a": a, "b": b}' },
      }),
    );
    assert.equal(refusal(divide, "[1, 2, 3]"), "expected at most 2 arguments [a, b], got 3");
    assert.equal(
      refusal(divide, `{"a": 1, "z": 2, "c": 3}`),
      'unexpected argument "c"; expected "a", "b"',
    );
    assert.equal(refusal(divide, `{"a": 1}`), 'missing argument "b"');
    assert.equal(refusal(divide, "[1]"), 'missing argument "b"');
    assert.equal(refusal(divide, `"1, 2"`), "params must be an array or an object");
    assert.equal(refusal(divide, "3"), "params must be an array or an object");
  });

  it("of a function of one param or none, with their own wording", () => {
    const one = defineFunction({
      name: "one",
      summary: "x",
      params: { x: Type.Integer() },
      result: Type.Integer(),
      example: { params: { x: 1 }, result: 1 },
      apply: ({ x }) => x,
    });
    assert.equal(refusal(one, "[1, 2]"), "expected exactly one argument [x], got 2");
    assert.equal(refusal(one, `{"y": 1}`), 'unexpected argument "y"; expected only "x"');
    const none = defineFunction({
      name: "none",
      summary: "nothing",
      params: {},
      result: Type.Null(),
      example: { params: {}, result: null },
      apply: () => null,
    });
    assert.deepEqual(call(none, "null"), { result: null });
    assert.deepEqual(call(none, "[]"), { result: null });
    assert.equal(refusal(none, "[1]"), "expected at most 0 arguments [], got 1");
    assert.equal(refusal(none, `{"x": 1}`), 'unexpected argument "x"; expected none');
  });

  it("report a wrong value before a missing param", () => {
    assert.equal(
      refusal(divide, `{"b": 1.5}`),
      "b must be an integer from -9007199254740991 to 9007199254740991, got 1.5",
    );
  });
});

describe("each kind of schema", () => {
  const refused = (params: string) => refusal(everything, params);
  const at = (index: number, value: string) => {
    const values = [`3`, `0.5`, `"ab"`, `false`, `"max"`];
    values[index] = value;
    return `[${values.join(", ")}]`;
  };

  it("integers: JSON integers within their bounds only", () => {
    const bounds = "count must be an integer from 0 to 4294967295";
    assert.equal(refused(at(0, "1.5")), `${bounds}, got 1.5`);
    assert.equal(refused(at(0, "true")), `${bounds}, got true`);
    assert.equal(refused(at(0, `"3"`)), `${bounds}, got "3"`);
    assert.equal(refused(at(0, "-1")), `${bounds}, got -1`);
    assert.equal(refused(at(0, "4294967296")), `${bounds}, got 4294967296`);
    // Written as a fraction or an exponent: not a JSON integer, whatever its value.
    assert.equal(refused(at(0, "3.0")), `${bounds}, got 3.0`);
    assert.equal(refused(at(0, "3e0")), `${bounds}, got 3e0`);
    assert.deepEqual(call(everything, at(0, "4294967295")), {
      result: { ...READ, count: 4294967295 },
    });
    assert.deepEqual(call(everything, at(0, "-0")), { result: { ...READ, count: 0 } });
  });

  it("integers past 2^53 - 1 are refused as written, never rounded", () => {
    const safe = "must be an integer from -9007199254740991 to 9007199254740991";
    assert.equal(refusal(divide, "[9007199254740993, 1]"), `a ${safe}, got 9007199254740993`);
    assert.equal(refusal(divide, "[9007199254740992, 1]"), `a ${safe}, got 9007199254740992`);
    assert.equal(refusal(divide, "[-9007199254740992, 1]"), `a ${safe}, got -9007199254740992`);
    assert.equal(
      refusal(divide, "[1, 123456789012345678901234567890]"),
      `b ${safe}, got 123456789012345678901234567890`,
    );
    assert.deepEqual(call(divide, "[9007199254740991, 1]"), {
      result: { quotient: 9007199254740991, remainder: 0 },
    });
  });

  it("numbers: any finite JSON number within its bounds", () => {
    assert.deepEqual(call(everything, at(1, "2.5e-1")), { result: { ...READ, ratio: 0.25 } });
    assert.deepEqual(call(everything, at(1, "2")), { result: { ...READ, ratio: 2 } });
    assert.equal(refused(at(1, "0")), "ratio must be a number above 0, got 0");
    assert.equal(refused(at(1, "1e400")), "ratio must be a number above 0, got 1e400");
    assert.equal(refused(at(1, `"0.5"`)), `ratio must be a number above 0, got "0.5"`);
  });

  it("strings, within their length in characters", () => {
    assert.deepEqual(call(everything, at(2, `"🦀🦀🦀🦀"`)), {
      result: { ...READ, label: "🦀🦀🦀🦀" },
    });
    assert.equal(
      refused(at(2, `"abcde"`)),
      `label must be a string of at most 4 characters, got "abcde"`,
    );
    assert.equal(
      refused(at(2, "null")),
      "label must be a string of at most 4 characters, got null",
    );
    const long = "x".repeat(100);
    assert.equal(
      refused(at(2, `"${long}"`)),
      `label must be a string of at most 4 characters, got "${"x".repeat(64)}"…`,
    );
  });

  it("booleans", () => {
    assert.equal(refused(at(3, "0")), "flag must be a boolean, got 0");
  });

  it("literal unions, as enums", () => {
    assert.equal(
      refused(at(4, `"median"`)),
      `kind must be one of "mean", "min", "max", got "median"`,
    );
    assert.equal(refused(at(4, "1")), `kind must be one of "mean", "min", "max", got 1`);
  });

  it("arrays of a type, each item checked where it is", () => {
    const params = (numbers: string) =>
      `{"count": 3, "ratio": 0.5, "label": "ab", "flag": false, "kind": "max", "numbers": ${numbers}}`;
    assert.deepEqual(call(everything, params("[1, 2, 3]")), {
      result: { ...READ, numbers: [1, 2, 3] },
    });
    assert.equal(
      refused(params("[1, 2, 1.5]")),
      "numbers[2] must be an integer from -9007199254740991 to 9007199254740991, got 1.5",
    );
    assert.equal(refused(params(`{"0": 1}`)), "numbers must be an array, got an object");
  });

  it("nested objects, each member checked where it is", () => {
    const params = (window: string) =>
      `{"count": 3, "ratio": 0.5, "label": "ab", "flag": false, "kind": "max", "window": ${window}}`;
    const safe = "must be an integer from -9007199254740991 to 9007199254740991";
    assert.equal(refused(params(`{"min": 1.5, "max": 2}`)), `window.min ${safe}, got 1.5`);
    assert.equal(refused(params(`{"min": 1}`)), "window.max is missing");
    assert.equal(
      refused(params("[1, 2]")),
      "window must be an object or null, got an array of 2 items",
    );
    assert.equal(refused(params("3")), "window must be an object or null, got 3");
    // Members it does not declare are not passed on.
    assert.deepEqual(call(everything, params(`{"min": 1, "max": 2, "other": 3}`)), {
      result: { ...READ, window: { min: 1, max: 2 } },
    });
  });

  it("closed objects refuse members they do not declare", () => {
    const closed = defineFunction({
      name: "closed",
      summary: "x",
      params: { point: Type.Object({ x: Type.Number() }, { additionalProperties: false }) },
      result: Type.Number(),
      example: { params: { point: { x: 1 } }, result: 1 },
      apply: ({ point }) => point.x,
    });
    assert.equal(
      refusal(closed, `[{"x": 1, "y": 2}]`),
      'unexpected member "y" in point; expected "x"',
    );
  });

  it("a default is a fresh copy for every call of a list", () => {
    const append = defineFunction({
      name: "append",
      summary: "Appends 1.",
      params: { list: withDefault(Type.Array(Type.Integer()), []) },
      result: Type.Array(Type.Integer()),
      example: { params: {}, result: [1] },
      apply: ({ list }) => {
        list.push(1);
        return list;
      },
    });
    const reply = answer(append, "POST", `{"calls": [[], {}, []]}`);
    assert.deepEqual(JSON.parse(reply.body), {
      outcomes: [{ result: [1] }, { result: [1] }, { result: [1] }],
    });
  });
});
