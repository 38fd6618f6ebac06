// The SDK for a function written in TypeScript, the counterpart of the Rust
// SDK (rpc-function/): a function module declares its params and result
// once, with TypeBox schemas, and default-exports `defineFunction({...})`;
// `rpc-function-build` (bin/) makes a wasi:http component of it.
//
// - `defineFunction`: params by position or by name, checked; a result
//   checked against its schema; errors of its own (`RpcError`); described
//   to `rpc.discover` from the schemas, with an example;
// - `Type` (TypeBox's builder) and `withDefault`: the schemas;
// - `answer`: the inner format, for native tests of a function.

export { Type, type Static } from "@sinclair/typebox";
export {
  defineFunction,
  RpcError,
  withDefault,
  INVALID_PARAMS,
  type Definition,
  type ErrorDescription,
  type Outcome,
  type ParamsOf,
  type RpcFunction,
  type TDefault,
} from "./function.js";
export { answer, type Answer } from "./inner.js";
export { MAX_SAFE_INTEGER } from "./schema.js";
