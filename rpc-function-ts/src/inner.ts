// The inner format (docs/protocol.md, "The inner format"): what the router
// sends a function and what it answers, whichever runtime serves it.
//
// | form   | request body               | answer body (200)                       |
// |--------|----------------------------|-----------------------------------------|
// | single | `{"params": P}`            | an outcome                              |
// | list   | `{"calls": [P1, P2, ...]}` | `{"outcomes": [O1, O2, ...]}`, in order |
//
// A body that is neither gets 400; `GET` answers the method object; a bug
// in the function (any exception but an `RpcError`) gets 500 with no body,
// as a Rust function's trap does, so that the router answers -32000 and
// sends the other calls of a list again on their own.

import type { RpcFunction } from "./function.js";
import { isObject, parse } from "./json.js";

/** An HTTP answer: a status, its headers and its body. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

// rpc-protocol's code (checked by rpc-function/tests/helpers.rs).
const INVALID_REQUEST = -32600;

const JSON_TYPE = { "content-type": "application/json" };

/** Answers one inner request to `fn`: its HTTP method and its body. */
export function answer(fn: RpcFunction, method: string, body: string): Answer {
  if (method === "GET") {
    return { status: 200, headers: JSON_TYPE, body: fn.description };
  }
  if (method !== "POST") {
    return { status: 405, headers: { allow: "GET, POST" }, body: "" };
  }
  let request: InnerRequest;
  try {
    request = innerRequest(body);
  } catch (error) {
    if (!(error instanceof NotInner)) {
      throw error;
    }
    const refusal = {
      error: { code: INVALID_REQUEST, message: `not an inner request: ${error.message}` },
    };
    return { status: 400, headers: JSON_TYPE, body: JSON.stringify(refusal) };
  }
  try {
    const outcome =
      "calls" in request
        ? { outcomes: request.calls.map((params) => fn.call(params)) }
        : fn.call(request.params);
    return { status: 200, headers: JSON_TYPE, body: JSON.stringify(outcome) };
  } catch (bug) {
    // The runtime's log keeps what went wrong; the router sees a failure.
    const trace = bug instanceof Error ? `${bug}\n${bug.stack ?? ""}` : String(bug);
    console.error(`${fn.name}: a bug, answered with HTTP 500: ${trace}`);
    return { status: 500, headers: {}, body: "" };
  }
}

type InnerRequest = { params: unknown } | { calls: unknown[] };

class NotInner extends Error {}

/** Reads a request body in either form. */
function innerRequest(body: string): InnerRequest {
  let request: unknown;
  try {
    request = parse(body);
  } catch (error) {
    // Only text that is not JSON; running out of memory is no answer.
    if (!(error instanceof SyntaxError)) {
      throw error;
    }
    throw new NotInner(error.message);
  }
  if (!isObject(request)) {
    throw new NotInner("an inner request is a JSON object");
  }
  const unknown = Object.keys(request).find((member) => member !== "params" && member !== "calls");
  if (unknown !== undefined) {
    throw new NotInner(`unknown member "${unknown}", expected "params" or "calls"`);
  }
  if (!Object.hasOwn(request, "calls")) {
    return { params: request.params };
  }
  if (Object.hasOwn(request, "params")) {
    throw new NotInner(`"params" and "calls" together`);
  }
  if (!Array.isArray(request.calls)) {
    throw new NotInner(`"calls" is not a list`);
  }
  return { calls: request.calls };
}
