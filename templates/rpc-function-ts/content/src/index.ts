// `{{project-name | kebab_case}}`: {{summary}}

import { defineFunction, Type } from "rpc-function";

// Its params by position (`[x]`) or by name (`{"x": x}`), in this order, and
// its result: TypeBox schemas, which give `apply` its types and
// rpc.discover its JSON Schemas. An integer is a safe integer (±(2^53 - 1))
// unless its `minimum` and `maximum` say less.
export default defineFunction({
  name: "{{project-name | kebab_case}}",
  summary: "{{summary}}",
  params: {
    x: Type.Integer({ description: "A whole number." }),
  },
  result: Type.Integer(),
  // Its own errors, `{ code, message }`; `apply` answers one with
  // `throw new RpcError(code, "...", data)` (import RpcError too).
  errors: [],
  // A call and its result: rpc.discover shows it, the tests check it.
  example: { params: { x: 21 }, result: 21 },
  apply: ({ x }) => x,
});
