// A TypeBox schema made ready for calls: a check that refuses a value with
// a message naming where it is wrong (`window.min`, `skip[2]`), and the
// JSON Schema `rpc.discover` lists, in the dialect of OpenRPC 1.3 documents
// as the Rust SDK writes it (rpc-function/src/schema.rs): draft-07, every
// subschema inlined, no keyword or symbol of TypeBox's own, and every
// integer bounded by `minimum` and `maximum`.
//
// Only what the check enforces is published: a schema with a kind or a
// keyword outside the set below is refused when the function is defined
// (at build time), so the schema a client reads never promises more than
// the function checks.

import { Kind, OptionalKind, type TSchema } from "@sinclair/typebox";
import { WrittenNumber, isObject, show } from "./json.js";

/** A JSON Schema, as `rpc.discover` lists it. */
export type JsonSchema = { [keyword: string]: unknown };

/** A value a schema refuses. Where it is in the value is only written
 * out when a refusal reaches the top (`window.min`, `skip[2]`), so that a
 * value that passes costs no path. */
export class Mismatch extends Error {
  /** Where the refused part is, from the outermost: `.min`, `[2]`. */
  private readonly within: string[] = [];

  /** `says` words the problem, given where the refused part is. */
  constructor(private readonly says: (path: string) => string) {
    super("a value its schema refuses");
  }

  /** The same refusal, seen from one level up: it was at `place`. */
  in(place: string): this {
    this.within.unshift(place);
    return this;
  }

  /** What is wrong, the value being `root` (a param's name, `result`). */
  at(root: string): string {
    return this.says(root + this.within.join(""));
  }
}

/** A schema is not one the SDK can check, or a default or an example does
 * not fit its schema: a mistake in the function's definition. */
export class DefinitionError extends Error {
  constructor(where: string, problem: string) {
    super(`rpc-function: ${where}: ${problem}`);
  }
}

/** What a checked value may be in JSON, to choose a union's branch. */
type JsonType = "null" | "boolean" | "number" | "string" | "array" | "object";

/** A schema made ready: its check and its published form. */
export interface Compiled {
  /** The value as the function receives it (a number as a number, only
   * the members an object declares), or throws a `Mismatch`. */
  check(value: unknown): unknown;
  /** What a value must be, for messages: `an integer from 0 to 9`. */
  readonly expected: string;
  /** The JSON types a value may have. */
  readonly types: ReadonlySet<JsonType>;
  /** The JSON Schema published for it. */
  readonly schema: JsonSchema;
}

/** A member of an object, or a param: its name, its schema, and whether it
 * may be left out (with its default, checked, if it has one). */
export interface Member {
  readonly name: string;
  /** Where it is in a path: `.name`, `["a name"]`, or a param's name. */
  readonly place: string;
  readonly compiled: Compiled;
  readonly optional: boolean;
  readonly default?: { value: unknown };
  /** Its description, for a param's content descriptor. */
  readonly description?: string;
}

/** ±(2^53 - 1): the integers a JSON number carries exactly in every
 * language, and the widest bounds an integer may have here. */
export const MAX_SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

const ANNOTATIONS = ["title", "description", "default", "examples", "$comment"];

/** The keywords each kind may carry besides annotations. */
const KEYWORDS: Record<string, readonly string[]> = {
  Integer: ["type", "minimum", "maximum"],
  Number: ["type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"],
  String: ["type", "minLength", "maxLength", "pattern"],
  Boolean: ["type"],
  Null: ["type"],
  Literal: ["type", "const"],
  Union: ["anyOf"],
  Array: ["type", "items", "minItems", "maxItems"],
  Object: ["type", "properties", "required", "additionalProperties"],
};

/** Compiles `schema`, found at `where` (for a mistake's message). */
export function compile(schema: TSchema, where: string): Compiled {
  const kind = schema[Kind];
  const allowed = typeof kind === "string" ? KEYWORDS[kind] : undefined;
  if (allowed === undefined) {
    throw new DefinitionError(
      where,
      `${typeof kind === "string" ? `Type.${kind}` : "a schema not made by TypeBox"} is not supported; ` +
        `use Type.${Object.keys(KEYWORDS).join(", Type.")}`,
    );
  }
  for (const keyword of Object.keys(schema)) {
    if (!allowed.includes(keyword) && !ANNOTATIONS.includes(keyword)) {
      throw new DefinitionError(where, `the keyword "${keyword}" is not supported on Type.${kind}`);
    }
  }
  const compiled = COMPILERS[kind](schema, where);
  return { ...compiled, schema: { ...annotations(schema), ...compiled.schema } };
}

type Compiler = (schema: TSchema, where: string) => Compiled;

const COMPILERS: Record<string, Compiler> = {
  Integer(schema, where) {
    const minimum = safeBound(schema.minimum, -MAX_SAFE_INTEGER, where, "minimum");
    const maximum = safeBound(schema.maximum, MAX_SAFE_INTEGER, where, "maximum");
    if (minimum > maximum) {
      throw new DefinitionError(where, `its minimum ${minimum} is above its maximum ${maximum}`);
    }
    const expected = `an integer from ${minimum} to ${maximum}`;
    return {
      expected,
      types: NUMBER,
      schema: { type: "integer", minimum, maximum },
      check(value) {
        const number = value instanceof WrittenNumber && value.isIntegerText ? value.value : value;
        if (
          typeof number !== "number" ||
          !Number.isInteger(number) ||
          number < minimum ||
          number > maximum
        ) {
          throw mismatch(expected, value);
        }
        // `-0` is the integer 0.
        return number === 0 ? 0 : number;
      },
    };
  },

  Number(schema, where) {
    const bounds: [keyword: string, holds: (n: number, bound: number) => boolean, words: string][] =
      [
        ["minimum", (n, bound) => n >= bound, "at least"],
        ["maximum", (n, bound) => n <= bound, "at most"],
        ["exclusiveMinimum", (n, bound) => n > bound, "above"],
        ["exclusiveMaximum", (n, bound) => n < bound, "below"],
      ];
    const limits = bounds
      .filter(([keyword]) => schema[keyword] !== undefined)
      .map(([keyword, holds, words]) => {
        const bound = schema[keyword];
        if (typeof bound !== "number" || !Number.isFinite(bound)) {
          throw new DefinitionError(where, `its ${keyword} is not a number`);
        }
        return { keyword, bound, holds, words };
      });
    const expected = ["a number", ...limits.map(({ bound, words }) => `${words} ${bound}`)].join(
      " ",
    );
    return {
      expected,
      types: NUMBER,
      schema: {
        type: "number",
        ...Object.fromEntries(limits.map(({ keyword, bound }) => [keyword, bound])),
      },
      check(value) {
        const number = value instanceof WrittenNumber ? value.value : value;
        if (
          typeof number !== "number" ||
          !Number.isFinite(number) ||
          !limits.every(({ bound, holds }) => holds(number, bound))
        ) {
          throw mismatch(expected, value);
        }
        return number;
      },
    };
  },

  String(schema, where) {
    const minLength = wholeNumber(schema.minLength, where, "minLength");
    const maxLength = wholeNumber(schema.maxLength, where, "maxLength");
    const pattern = schema.pattern === undefined ? undefined : regExp(schema.pattern, where);
    const expected = [
      `a string${sized(minLength, maxLength, "characters")}`,
      pattern === undefined ? "" : ` matching /${pattern.source}/`,
    ].join("");
    return {
      expected,
      types: STRING,
      schema: defined({ type: "string", minLength, maxLength, pattern: pattern?.source }),
      check(value) {
        if (typeof value !== "string") {
          throw mismatch(expected, value);
        }
        // JSON Schema counts characters (code points), not UTF-16 units.
        const length = minLength === undefined && maxLength === undefined ? 0 : [...value].length;
        if (
          (minLength !== undefined && length < minLength) ||
          (maxLength !== undefined && length > maxLength) ||
          (pattern !== undefined && !pattern.test(value))
        ) {
          throw mismatch(expected, value);
        }
        return value;
      },
    };
  },

  Boolean() {
    return {
      expected: "a boolean",
      types: BOOLEAN,
      schema: { type: "boolean" },
      check(value) {
        if (typeof value !== "boolean") {
          throw mismatch("a boolean", value);
        }
        return value;
      },
    };
  },

  Null() {
    return {
      expected: "null",
      types: NULL,
      schema: { type: "null" },
      check(value) {
        if (value !== null) {
          throw mismatch("null", value);
        }
        return value;
      },
    };
  },

  Literal(schema, where) {
    const constant = literal(schema.const, where);
    const expected = JSON.stringify(constant);
    return {
      expected,
      types: new Set([jsonType(constant)]),
      schema: { type: jsonType(constant), const: constant },
      check(value) {
        const read = value instanceof WrittenNumber ? value.value : value;
        if (read !== constant) {
          throw mismatch(expected, value);
        }
        return read;
      },
    };
  },

  Union(schema, where) {
    const anyOf = schema.anyOf as TSchema[];
    if (anyOf.length === 0) {
      throw new DefinitionError(where, "a union of nothing accepts no value");
    }
    const branches = anyOf.map((branch, index) => compile(branch, `${where}.anyOf[${index}]`));
    const constants = anyOf.map((branch) => branch.const);
    // A union of literals of one JSON type is an enum, as Rust's schemas
    // write it: checked by a lookup, and listed as `enum`.
    const types = new Set(branches.flatMap((branch) => [...branch.types]));
    if (anyOf.every((branch) => branch[Kind] === "Literal") && types.size === 1) {
      const values = new Set(constants);
      const expected = `one of ${constants.map((constant) => JSON.stringify(constant)).join(", ")}`;
      return {
        expected,
        types,
        schema: { type: [...types][0], enum: constants },
        check(value) {
          const read = value instanceof WrittenNumber ? value.value : value;
          if (!values.has(read)) {
            throw mismatch(expected, value);
          }
          return read;
        },
      };
    }
    const expected = branches.map((branch) => branch.expected).join(" or ");
    return {
      expected,
      types,
      schema: { anyOf: branches.map((branch) => branch.schema) },
      check(value) {
        // The branches that take a value of this JSON type; if only one
        // does, its own message says what is wrong deeper in the value.
        const candidates = branches.filter((branch) => branch.types.has(jsonType(value)));
        let refusal: Mismatch | undefined;
        for (const branch of candidates) {
          try {
            return branch.check(value);
          } catch (error) {
            if (!(error instanceof Mismatch)) {
              throw error;
            }
            refusal ??= error;
          }
        }
        throw candidates.length === 1 && refusal !== undefined
          ? refusal
          : mismatch(expected, value);
      },
    };
  },

  Array(schema, where) {
    if (Array.isArray(schema.items) || typeof schema.items !== "object") {
      throw new DefinitionError(where, "an array's items must be one schema");
    }
    const items = compile(schema.items as TSchema, `${where}[]`);
    const minItems = wholeNumber(schema.minItems, where, "minItems");
    const maxItems = wholeNumber(schema.maxItems, where, "maxItems");
    const expected = `an array${sized(minItems, maxItems, "items")}`;
    return {
      expected,
      types: ARRAY,
      schema: defined({ type: "array", items: items.schema, minItems, maxItems }),
      check(value) {
        if (
          !Array.isArray(value) ||
          (minItems !== undefined && value.length < minItems) ||
          (maxItems !== undefined && value.length > maxItems)
        ) {
          throw mismatch(expected, value);
        }
        const read = new Array<unknown>(value.length);
        for (let index = 0; index < value.length; index++) {
          try {
            read[index] = items.check(value[index]);
          } catch (error) {
            throw error instanceof Mismatch ? error.in(`[${index}]`) : error;
          }
        }
        return read;
      },
    };
  },

  Object(schema, where) {
    const properties = (schema.properties ?? {}) as Record<string, TSchema>;
    const members = compileMembers(properties, where, memberPlace);
    const closed = schema.additionalProperties === false;
    if (schema.additionalProperties !== undefined && !closed) {
      throw new DefinitionError(
        where,
        "additionalProperties may only be false (refuse other members)",
      );
    }
    const names = members.map(({ name }) => name);
    const required = members.filter(({ optional }) => !optional).map(({ name }) => name);
    return {
      expected: "an object",
      types: OBJECT,
      schema: defined({
        type: "object",
        properties: Object.fromEntries(
          members.map(({ name, compiled }) => [name, compiled.schema]),
        ),
        required: required.length > 0 ? required : undefined,
        additionalProperties: closed ? false : undefined,
      }),
      check(value) {
        if (!isObject(value)) {
          throw mismatch("an object", value);
        }
        if (closed) {
          const unexpected = Object.keys(value).find(
            (name) => !names.includes(name) && value[name] !== undefined,
          );
          if (unexpected !== undefined) {
            throw new Mismatch(
              (path) => `unexpected member "${unexpected}" in ${path}; expected ${quoted(names)}`,
            );
          }
        }
        return readMembers(members, value, ({ place }) =>
          new Mismatch((path) => `${path} is missing`).in(place),
        );
      },
    };
  },
};

/** Compiles the members of an object, or the params of a function, in
 * their declared order; `placeOf` says how a path names one. */
export function compileMembers(
  properties: Record<string, TSchema>,
  where: string,
  placeOf: (name: string) => string,
): Member[] {
  return Object.entries(properties).map(([name, schema]) => {
    const at = where + memberPlace(name);
    const compiled = compile(schema, at);
    const optional = schema[OptionalKind] === "Optional";
    if (schema.default !== undefined && !optional) {
      throw new DefinitionError(
        at,
        "has a default but is not optional: use withDefault(schema, value)",
      );
    }
    const fallback =
      optional && schema.default !== undefined
        ? { value: checked(compiled, schema.default, at, "its default") }
        : undefined;
    const description = typeof schema.description === "string" ? schema.description : undefined;
    return { name, place: placeOf(name), compiled, optional, default: fallback, description };
  });
}

/** Reads the members `given` of an object (or a call's params) into what
 * the function receives: each given one checked, in the declared order,
 * then each absent one given its default, left out if optional, or
 * refused with `missing(member)`. Members not declared are not passed on.
 * A member whose value is `undefined` is absent, as `JSON.stringify` writes
 * it: `{ farthest: undefined }` is how TypeScript code leaves an optional
 * member of a result out (JSON never gives `undefined`). */
export function readMembers(
  members: readonly Member[],
  given: Record<string, unknown>,
  missing: (member: Member) => Mismatch,
): Record<string, unknown> {
  const read: Record<string, unknown> = {};
  const present = (name: string) => Object.hasOwn(given, name) && given[name] !== undefined;
  for (const { name, place, compiled } of members) {
    if (present(name)) {
      try {
        read[name] = compiled.check(given[name]);
      } catch (error) {
        throw error instanceof Mismatch ? error.in(place) : error;
      }
    }
  }
  for (const member of members) {
    const { name, optional, default: fallback } = member;
    if (present(name)) {
      continue;
    }
    if (fallback !== undefined) {
      // A fresh copy for each call, so that one call cannot change the next's.
      read[name] =
        typeof fallback.value === "object" ? structuredClone(fallback.value) : fallback.value;
    } else if (!optional) {
      throw missing(member);
    }
  }
  return read;
}

/** `value` checked against `compiled` at definition time (it is `what`
 * there), or the mistake. */
export function checked(compiled: Compiled, value: unknown, where: string, what: string): unknown {
  try {
    return compiled.check(value);
  } catch (error) {
    throw error instanceof Mismatch ? new DefinitionError(where, error.at(what)) : error;
  }
}

/** `"a", "b"`, or `none`. */
export function quoted(names: readonly string[]): string {
  return names.length === 0 ? "none" : names.map((name) => `"${name}"`).join(", ");
}

/** How a path names an object's member: `.name`, or `["a name"]`. */
function memberPlace(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

/** ` of 1 to 3 items`, ` of at least 1 items`, or nothing. */
function sized(minimum: number | undefined, maximum: number | undefined, unit: string): string {
  if (minimum !== undefined && maximum !== undefined) return ` of ${minimum} to ${maximum} ${unit}`;
  if (minimum !== undefined) return ` of at least ${minimum} ${unit}`;
  if (maximum !== undefined) return ` of at most ${maximum} ${unit}`;
  return "";
}

/** `schema` without its members that are `undefined`. */
function defined(schema: JsonSchema): JsonSchema {
  return Object.fromEntries(Object.entries(schema).filter(([, value]) => value !== undefined));
}

function mismatch(expected: string, value: unknown): Mismatch {
  return new Mismatch((path) => `${path} must be ${expected}, got ${show(value)}`);
}

function annotations(schema: TSchema): JsonSchema {
  return Object.fromEntries(
    ANNOTATIONS.filter((keyword) => schema[keyword] !== undefined).map((keyword) => [
      keyword,
      schema[keyword],
    ]),
  );
}

function safeBound(bound: unknown, otherwise: number, where: string, keyword: string): number {
  if (bound === undefined) {
    return otherwise;
  }
  if (!Number.isSafeInteger(bound)) {
    throw new DefinitionError(
      where,
      `its ${keyword} must be a safe integer (within ±${MAX_SAFE_INTEGER}), got ${show(bound)}: ` +
        "JavaScript's numbers carry no larger integer exactly",
    );
  }
  return bound as number;
}

function wholeNumber(value: unknown, where: string, keyword: string): number | undefined {
  if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0)) {
    throw new DefinitionError(where, `its ${keyword} must be a whole number, got ${show(value)}`);
  }
  return value as number | undefined;
}

function regExp(pattern: unknown, where: string): RegExp {
  try {
    return new RegExp(pattern as string, "u");
  } catch {
    throw new DefinitionError(where, `its pattern ${show(pattern)} is not a regular expression`);
  }
}

function literal(constant: unknown, where: string): string | number | boolean {
  if (
    typeof constant === "string" ||
    typeof constant === "boolean" ||
    (typeof constant === "number" && Number.isFinite(constant))
  ) {
    return constant;
  }
  throw new DefinitionError(
    where,
    `a literal must be a string, a finite number or a boolean, got ${show(constant)}`,
  );
}

function jsonType(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof WrittenNumber) return "number";
  return typeof value as JsonType;
}

const NUMBER: ReadonlySet<JsonType> = new Set(["number"]);
const STRING: ReadonlySet<JsonType> = new Set(["string"]);
const BOOLEAN: ReadonlySet<JsonType> = new Set(["boolean"]);
const NULL: ReadonlySet<JsonType> = new Set(["null"]);
const ARRAY: ReadonlySet<JsonType> = new Set(["array"]);
const OBJECT: ReadonlySet<JsonType> = new Set(["object"]);
