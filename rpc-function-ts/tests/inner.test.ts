// The inner format (docs/protocol.md): both forms, errors of the function's
// own with their data, a bug as HTTP 500, and what is not an inner request.

import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import { answer, defineFunction, Type } from "../src/index.js";
import { divide } from "./fixtures.js";

const post = (body: string) => answer(divide, "POST", body);

describe("the inner format", () => {
  it("single: {params} answers an outcome", () => {
    const reply = post(`{"params": {"a": 7, "b": 2}}`);
    assert.deepEqual(reply, {
      status: 200,
      headers: { "content-type": "application/json" },
      body: `{"result":{"quotient":3,"remainder":1}}`,
    });
  });

  it("list: {calls} answers {outcomes}, one per call, in order", () => {
    const reply = post(`{"calls": [[7, 2], {"a": 1, "b": 0}, [1.5, 1], null]}`);
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body), {
      outcomes: [
        { result: { quotient: 3, remainder: 1 } },
        { error: { code: 1, message: "division by zero", data: { dividend: 1 } } },
        {
          error: {
            code: -32602,
            message: "a must be an integer from -9007199254740991 to 9007199254740991, got 1.5",
          },
        },
        { error: { code: -32602, message: 'missing params: expected [a, b] or {"a": a, "b": b}' } },
      ],
    });
  });

  it("an error of the function's own keeps its code and data", () => {
    assert.equal(
      post(`{"params": [5, 0]}`).body,
      `{"error":{"code":1,"message":"division by zero","data":{"dividend":5}}}`,
    );
  });

  it("a bug fails the whole request with HTTP 500, never a -326xx", () => {
    const logged = mock.method(console, "error", () => {});
    try {
      for (const body of [
        `{"params": [13, 1]}`,
        `{"calls": [[7, 2], [13, 1]]}`,
        `{"params": [1, 1]}`,
      ]) {
        assert.deepEqual(post(body), { status: 500, headers: {}, body: "" }, body);
      }
      assert.equal(logged.mock.callCount(), 3);
      assert.match(
        String(logged.mock.calls[0]?.arguments[0]),
        /^divide: a bug, answered with HTTP 500: RangeError: unlucky\n/,
      );
      assert.match(
        String(logged.mock.calls[2]?.arguments[0]),
        /its result does not fit its schema: result.quotient must be an integer/,
      );
    } finally {
      logged.mock.restore();
    }
  });

  it("an optional member of a result left undefined is left out, as JSON.stringify does", () => {
    const first = defineFunction({
      name: "first",
      summary: "The first of some numbers, if any.",
      params: { numbers: Type.Array(Type.Number()) },
      result: Type.Object({ first: Type.Optional(Type.Number()) }, { additionalProperties: false }),
      example: { params: { numbers: [2] }, result: { first: 2 } },
      apply: ({ numbers }) => ({ first: numbers[0] }),
    });
    assert.deepEqual(answer(first, "POST", `{"calls": [[[]], [[2, 3]]]}`), {
      status: 200,
      headers: { "content-type": "application/json" },
      body: `{"outcomes":[{"result":{}},{"result":{"first":2}}]}`,
    });
  });

  it("a body that is not an inner request gets 400", () => {
    for (const [body, why] of [
      ["", "Unexpected end of JSON input"],
      ["[1]", "an inner request is a JSON object"],
      ["null", "an inner request is a JSON object"],
      [`{"params": [1, 2], "calls": []}`, `"params" and "calls" together`],
      [`{"other": 1}`, `unknown member "other", expected "params" or "calls"`],
      [`{"calls": {"a": 1}}`, `"calls" is not a list`],
    ]) {
      const reply = post(body);
      assert.equal(reply.status, 400, body);
      const refusal = JSON.parse(reply.body) as { error: { code: number; message: string } };
      assert.equal(refusal.error.code, -32600);
      assert.ok(
        refusal.error.message.startsWith(`not an inner request: ${why}`),
        refusal.error.message,
      );
    }
    assert.deepEqual(JSON.parse(post(`{}`).body).error.code, -32602, "{} is a call without params");
  });

  it("GET describes the function; other methods get 405", () => {
    const reply = answer(divide, "GET", "");
    assert.equal(reply.status, 200);
    assert.equal(reply.body, divide.description);
    assert.deepEqual(answer(divide, "PUT", "{}"), {
      status: 405,
      headers: { allow: "GET, POST" },
      body: "",
    });
  });
});
