// Reading JSON without losing what a number was written as, and showing a
// value in a message.
//
// JavaScript reads every JSON number as a double: `1.0` becomes 1 and
// `9007199254740993` becomes 9007199254740992. A param declared an integer
// must be written as one, and one past 2^53 - 1 must be refused rather than
// rounded; so a number whose text is not what the double prints back is
// kept as a `WrittenNumber`, its value with its text, for the checks to
// judge (the engine tells the text through `JSON.parse`'s reviver, the
// "source text access" of ES2025; where it does not, numbers are plain).

/** A JSON number whose text differs from its value's: `1.0`, `1e3`, a
 * 17-digit integer, `-0`. */
export class WrittenNumber {
  constructor(
    readonly value: number,
    readonly text: string,
  ) {}

  /** Written as a JSON integer: no fraction, no exponent. */
  get isIntegerText(): boolean {
    return !/[.eE]/.test(this.text);
  }
}

/** What may hold such a number: a digit followed by a fraction or an
 * exponent, 16 digits in a row, or a minus zero. Text without any reads
 * the same either way, so it takes the faster plain `JSON.parse`. */
const MAY_NOT_ROUND_TRIP = /\d[.eE]|\d{16}|-0/;

/** Parses JSON text; numbers that would not print back as written come as
 * `WrittenNumber`s. Throws a `SyntaxError` for text that is not JSON. */
export function parse(text: string): unknown {
  if (!MAY_NOT_ROUND_TRIP.test(text)) {
    return JSON.parse(text);
  }
  return JSON.parse(text, keepWrittenNumbers);
}

function keepWrittenNumbers(
  this: unknown,
  _key: string,
  value: unknown,
  context?: { source?: string },
): unknown {
  const text = context?.source;
  if (typeof value === "number" && text !== undefined && text !== String(value)) {
    return new WrittenNumber(value, text);
  }
  return value;
}

/** How a message shows a value it refused: scalars as JSON (a number as
 * it was written, a long string cut short), arrays and objects by kind. */
export function show(value: unknown): string {
  if (value instanceof WrittenNumber) {
    return value.text;
  }
  if (Array.isArray(value)) {
    return value.length === 1 ? "an array of 1 item" : `an array of ${value.length} items`;
  }
  if (typeof value === "object" && value !== null) {
    return "an object";
  }
  if (typeof value === "string" && value.length > MAX_SHOWN) {
    return `${JSON.stringify(value.slice(0, MAX_SHOWN))}…`;
  }
  return typeof value === "number" ? String(value) : JSON.stringify(value);
}

/** The most characters of a string a message quotes. */
const MAX_SHOWN = 64;

/** A JSON object, as parsed (not an array, nor a `WrittenNumber`). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof WrittenNumber)
  );
}
