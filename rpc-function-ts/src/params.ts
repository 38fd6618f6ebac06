// Reading a call's params into what the function receives: by position
// (`[a, b]`, in the declared order) or by name (`{"a": a, "b": b}`), each
// checked against its schema. Everything else is refused with the Rust
// SDK's messages (rpc-function/src/params.rs), for a JSON-RPC -32602.

import { isObject } from "./json.js";
import { Mismatch, quoted, readMembers, type Member } from "./schema.js";

/** Reads the params of one call (`undefined` or `null` when the client
 * sent none), or throws a `Mismatch` that says what is wrong (its path's
 * root is the param's name). */
export function read(params: readonly Member[], given: unknown): Record<string, unknown> {
  const names = params.map(({ name }) => name);
  let members: Record<string, unknown>;
  if (given === undefined || given === null) {
    if (names.length > 0) {
      const byName = names.map((name) => `"${name}": ${name}`).join(", ");
      throw refusal(`missing params: expected [${names.join(", ")}] or {${byName}}`);
    }
    members = {};
  } else if (Array.isArray(given)) {
    if (given.length > names.length) {
      const expected =
        names.length === 1 ? "exactly one argument" : `at most ${names.length} arguments`;
      throw refusal(`expected ${expected} [${names.join(", ")}], got ${given.length}`);
    }
    members = Object.fromEntries(given.map((value, index) => [names[index], value]));
  } else if (isObject(given)) {
    // The first unexpected name in sorted order, as the Rust SDK's map reads them.
    const unexpected = Object.keys(given)
      .filter((name) => !names.includes(name))
      .sort()[0];
    if (unexpected !== undefined) {
      const expected = names.length === 1 ? `only "${names[0]}"` : quoted(names);
      throw refusal(`unexpected argument "${unexpected}"; expected ${expected}`);
    }
    members = given;
  } else {
    throw refusal("params must be an array or an object");
  }
  return readMembers(params, members, ({ name }) => refusal(`missing argument "${name}"`));
}

/** A refusal of the params as a whole, whatever the path. */
function refusal(message: string): Mismatch {
  return new Mismatch(() => message);
}
