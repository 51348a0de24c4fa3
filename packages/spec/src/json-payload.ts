/**
 * A JSON document that keeps the exact text it arrived as and parses it only when somebody reads it.
 *
 * Bodies and stream chunks that pass through the gateway unchanged are written out byte for byte (no
 * re-serialisation, unknown fields and key order kept). Reading `value` parses once and caches; the
 * parsed value is to be treated as read-only. Middleware that rewrites a payload calls `replace()`,
 * after which `text` is the serialisation of the new value.
 */
export class JsonPayload<T = unknown> {
  #text: string | undefined;
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
  }

  /** Whether the raw text contains a substring, without parsing (a cheap pre-filter for hot paths). */
  textIncludes(needle: string): boolean {
    return this.#text === undefined ? JSON.stringify(this.#value).includes(needle) : this.#text.includes(needle);
  }
}
