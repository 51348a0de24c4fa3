/**
 * A JSON document that keeps the exact text it arrived as and parses it only when somebody reads it.
 *
 * Bodies and stream chunks that pass through the gateway unchanged are written out byte for byte (no
 * re-serialisation, unknown fields and key order kept). Reading `value` parses once and caches; the
 * parsed value is to be treated as read-only. Middleware that rewrites a payload calls `replace()`,
 * after which `text` is the serialisation of the new value.
 */
/**
 * Needles the gateway's hot paths look for in every stream chunk. The first lookup of any of them scans
 * the text once for all (one regex pass instead of one substring search per needle and layer).
 */
function markerBit(needle: string): number {
  switch (needle) {
    case '"error"':
      return 1;
    case '"usage":{':
      return 2;
    case '"choices":[]':
      return 4;
    case '"finish_reason":"':
      return 8;
    default:
      return 0;
  }
}
const markerPattern = /"(?:error"|usage":\{|choices":\[\]|finish_reason":")/g;

function scanMarkers(text: string): number {
  let found = 0;
  markerPattern.lastIndex = 0;
  for (let match = markerPattern.exec(text); match !== null; match = markerPattern.exec(text)) {
    found |= markerBit(match[0]);
    markerPattern.lastIndex = match.index + 1; // overlapping occurrences count, as with `includes`
  }
  return found;
}

export class JsonPayload<T = unknown> {
  #text: string | undefined;
  #markers = -1;
  #value: T | undefined;
  #parsed: boolean;

  private constructor(text: string | undefined, value: T | undefined, parsed: boolean) {
    this.#text = text;
    this.#value = value;
    this.#parsed = parsed;
  }

  /** Wraps text received from the wire. Throws `SyntaxError` lazily, on first read of `value`. */
  static fromText<T = unknown>(text: string): JsonPayload<T> {
    return new JsonPayload<T>(text, undefined, false);
  }

  /** Wraps a value produced in process; it is serialised on first read of `text`. */
  static fromValue<T>(value: T): JsonPayload<T> {
    return new JsonPayload<T>(undefined, value, true);
  }

  get value(): T {
    if (!this.#parsed) {
      this.#value = JSON.parse(this.#text as string) as T;
      this.#parsed = true;
    }
    return this.#value as T;
  }

  get text(): string {
    if (this.#text === undefined) this.#text = JSON.stringify(this.#value);
    return this.#text;
  }

  /** True while the payload is still the text it arrived as. */
  get isOriginal(): boolean {
    return this.#text !== undefined;
  }

  /** Replaces the document; the original text is dropped. */
  replace(value: T): void {
    this.#value = value;
    this.#parsed = true;
    this.#text = undefined;
    this.#markers = -1;
  }

  /** Whether the raw text contains a substring, without parsing (a cheap pre-filter for hot paths). */
  textIncludes(needle: string): boolean {
    const text = this.#text;
    if (text === undefined) return JSON.stringify(this.#value).includes(needle);
    const bit = markerBit(needle);
    if (bit === 0) return text.includes(needle);
    if (this.#markers < 0) this.#markers = scanMarkers(text);
    return (this.#markers & bit) !== 0;
  }
}
