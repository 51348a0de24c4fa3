import { placeholderPattern } from './placeholder-map.js';

/** Escapes a value for the inside of a JSON string (tool call arguments are JSON text). */
function jsonEscape(value: string): string {
  const encoded = JSON.stringify(value);
  return encoded.length === value.length + 2 ? value : encoded.slice(1, -1);
}

/**
 * Puts original values back in place of this request's placeholders. Text without `<` is returned as is
 * (the same string), so untouched output costs one `indexOf`.
 */
export class Restorer {
  readonly #originals: ReadonlyMap<string, string>;
  readonly #pattern = new RegExp(placeholderPattern.source, 'g');
  /** Every proper prefix of every placeholder: text that could still become one. */
  readonly #prefixes = new Set<string>();
  readonly #longest: number;

  constructor(originals: ReadonlyMap<string, string>) {
    this.#originals = originals;
    let longest = 0;
    for (const placeholder of originals.keys()) {
      longest = Math.max(longest, placeholder.length);
      for (let length = 1; length < placeholder.length; length++) this.#prefixes.add(placeholder.slice(0, length));
    }
    this.#longest = longest;
  }

  get isEmpty(): boolean {
    return this.#originals.size === 0;
  }

  /** Restores every complete placeholder in `text`; `json` escapes values for the inside of a JSON string. */
  restore(text: string, json = false): string {
    if (!text.includes('<')) return text;
    this.#pattern.lastIndex = 0;
    return text.replace(this.#pattern, (placeholder) => {
      const original = this.#originals.get(placeholder);
      if (original === undefined) return placeholder;
      return json ? jsonEscape(original) : original;
    });
  }

  /**
   * How many characters at the end of `text` must be held back because they may be the start of a
   * placeholder that the next piece completes: the tail from the last `<`, when it is a proper prefix
   * of one of this request's placeholders; otherwise 0.
   */
  holdLength(text: string): number {
    const open = text.lastIndexOf('<');
    if (open === -1) return 0;
    const tailLength = text.length - open;
    if (tailLength >= this.#longest) return 0;
    return this.#prefixes.has(text.slice(open)) ? tailLength : 0;
  }
}
