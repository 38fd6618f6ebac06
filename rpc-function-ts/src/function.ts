// A function of any signature, declared once with TypeBox schemas: its
// params (read by position or by name and checked), its result (checked
// too), its own errors and an example. The static types `apply` sees and
// the JSON Schemas `rpc.discover` lists both come from those schemas.

import { Type, type Static, type TObject, type TOptional, type TSchema } from "@sinclair/typebox";
import { read } from "./params.js";
import {
  checked,
  compile,
  compileMembers,
  DefinitionError,
  Mismatch,
  type Compiled,
  type Member,
} from "./schema.js";

/** The params of a function: a schema per name, in their order by position. */
export type ParamSchemas = Record<string, TSchema>;

/** A param (or an object's member) that may be left out, and then takes
 * its default: what `withDefault` makes. */
export type TDefault<S extends TSchema> = TOptional<S> & { default: Static<S> };

/** `schema`, optional: left out, it is `value`. */
export function withDefault<S extends TSchema>(schema: S, value: Static<S>): TDefault<S> {
  return { ...Type.Optional(schema), default: value } as TDefault<S>;
}

/** The names of the params that may be absent when `apply` runs: the
 * optional ones without a default. */
type AbsentNames<P> = {
  [K in keyof P]: P[K] extends TOptional<TSchema>
    ? P[K] extends { default: unknown }
      ? never
      : K
    : never;
}[keyof P];

/** What `apply` receives: every param's value, but an optional one without
 * a default, which is absent when the call left it out. */
export type ParamsOf<P extends ParamSchemas> = Evaluate<
  { [K in Exclude<keyof P, AbsentNames<P>>]: Static<P[K]> } & {
    [K in AbsentNames<P>]?: Static<P[K]>;
  }
>;

type Evaluate<T> = { [K in keyof T]: T[K] } & {};

/** An error of the function's own: its code and what it means. */
export interface ErrorDescription {
  code: number;
  message: string;
}

/** A function, as its module declares it. */
export interface Definition<P extends ParamSchemas, R extends TSchema> {
  /** The method name it describes itself with (the router lists it under
   * its registered name). */
  name: string;
  /** One line: what it computes. */
  summary: string;
  /** More, if a line is not enough. */
  description?: string;
  /** Its params, in their order by position, each a TypeBox schema:
   * `Type.Optional(...)` may be left out, `withDefault(...)` then takes
   * its default. */
  params: P;
  /** Its result's schema. */
  result: R;
  /** The errors of its own it may answer (invalid params, -32602, go
   * without saying). */
  errors?: readonly ErrorDescription[];
  /** A call and its result: `rpc.discover` shows it, and the tests make
   * that call through the router and expect that result. */
  example: { params: Static<TObject<P>>; result: Static<R> };
  /** The function. It answers an error of its own by throwing an
   * `RpcError`; any other exception is a bug, which fails the request as a
   * Rust panic does (HTTP 500, `-32000` to the client). */
  apply: (params: ParamsOf<P>) => Static<R>;
}

/** An error a function answers with: `throw new RpcError(1, "...", data)`.
 * Its code is outside -32768..-32000, which JSON-RPC reserves (but
 * -32602, invalid params, which a function may answer itself). */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    /** Anything more the client may use (JSON). */
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "RpcError";
    if (!Number.isSafeInteger(code)) {
      throw new TypeError(`an RpcError's code must be an integer, got ${code}`);
    }
  }
}

/** JSON-RPC's invalid params. This code, `INVALID_REQUEST` and the
 * meaning below are rpc-protocol's `ErrorCode`s and the Rust SDK's words:
 * rpc-function/tests/helpers.rs checks them against both. */
export const INVALID_PARAMS = -32602;

const INVALID_PARAMS_MEANING =
  "Invalid params: a param is missing, unexpected or of the wrong type";

/** The most a description may take (`MAX_DESCRIPTION_BYTES` of
 * docs/protocol.md): past it `rpc.discover` lists the method undescribed. */
const MAX_DESCRIPTION_BYTES = 64 * 1024;

/** The outcome of one call, as the inner format writes it. */
export type Outcome =
  { result: unknown } | { error: { code: number; message: string; data?: unknown } };

/** A function made ready to serve. */
export interface RpcFunction {
  readonly name: string;
  /** The outcome of one call with the params the client sent. Throws
   * whatever `apply` throws that is not an `RpcError`, and an `Error` if
   * its result does not fit its schema: both bugs. */
  call(params: unknown): Outcome;
  /** Its OpenRPC method object, as JSON text: what it answers to `GET`. */
  readonly description: string;
}

/** Makes a function of its definition, or throws a `DefinitionError` that
 * names what is wrong in it (at build time: the module's top level runs
 * when the component is made). */
export function defineFunction<P extends ParamSchemas, R extends TSchema>(
  definition: Definition<P, R>,
): RpcFunction {
  const { name, apply } = definition;
  if (typeof name !== "string" || name === "") {
    throw new DefinitionError("defineFunction", "its name must be a non-empty string");
  }
  for (const param of Object.keys(definition.params)) {
    // Such names would come first in any object, whatever their place.
    if (/^(0|[1-9]\d*)$/.test(param)) {
      throw new DefinitionError(
        `${name}: params`,
        `a param may not be named like an index: "${param}"`,
      );
    }
  }
  // A param's name is the root of the paths in its messages.
  const params = compileMembers(definition.params, `${name}: params`, (param) => param);
  const result = compile(definition.result, `${name}: result`);

  const call = (given: unknown): Outcome => {
    let args: Record<string, unknown>;
    try {
      args = read(params, given);
    } catch (error) {
      if (error instanceof Mismatch) {
        return { error: { code: INVALID_PARAMS, message: error.at("") } };
      }
      throw error;
    }
    let answer: unknown;
    try {
      answer = apply(args as ParamsOf<P>);
    } catch (error) {
      if (error instanceof RpcError) {
        const { code, message, data } = error;
        return { error: data === undefined ? { code, message } : { code, message, data } };
      }
      throw error;
    }
    try {
      return { result: result.check(answer) };
    } catch (error) {
      if (error instanceof Mismatch) {
        throw new Error(`${name}: its result does not fit its schema: ${error.at("result")}`);
      }
      throw error;
    }
  };

  return { name, call, description: describe(definition, params, result) };
}

/** The OpenRPC method object, as the Rust SDK writes it. */
function describe<P extends ParamSchemas, R extends TSchema>(
  definition: Definition<P, R>,
  params: readonly Member[],
  result: Compiled,
): string {
  const { name, summary, description, errors = [], example } = definition;
  const where = `${name}: example`;
  try {
    read(params, example.params);
  } catch (error) {
    throw error instanceof Mismatch ? new DefinitionError(where, error.at("")) : error;
  }
  checked(result, example.result, where, "its result");
  const method = {
    name,
    summary,
    description,
    paramStructure: "either",
    params: params.map((param) => ({
      name: param.name,
      required: !param.optional,
      schema: param.compiled.schema,
      description: param.description,
    })),
    result: { name: "result", schema: result.schema },
    errors: [{ code: INVALID_PARAMS, message: INVALID_PARAMS_MEANING }, ...errors],
    examples: [
      {
        name: `${name} example`,
        params: exampleParams(params, example.params as Record<string, unknown>, where),
        result: { name: "result", value: example.result },
      },
    ],
  };
  const text = JSON.stringify(method);
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_DESCRIPTION_BYTES) {
    throw new DefinitionError(
      name,
      `its description takes ${bytes} bytes, over ${MAX_DESCRIPTION_BYTES}`,
    );
  }
  return text;
}

/** The example's params in their order by position, up to the last one
 * given, so that the example reads the same by position and by name; a
 * param left out before that one is listed with its default. */
function exampleParams(
  params: readonly Member[],
  given: Record<string, unknown>,
  where: string,
): { name: string; value: unknown }[] {
  const last = params.findLastIndex(({ name }) => Object.hasOwn(given, name));
  return params.slice(0, last + 1).map(({ name, default: fallback }) => {
    if (Object.hasOwn(given, name)) {
      return { name, value: given[name] };
    }
    if (fallback === undefined) {
      throw new DefinitionError(
        where,
        `it leaves "${name}" out but gives a param after it: give "${name}" too, or a default`,
      );
    }
    return { name, value: fallback.value };
  });
}
