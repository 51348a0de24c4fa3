/** What a placeholder looks like: `<EMAIL_1>`, `<CN_ID_12>`. */
export const placeholderPattern = /<[A-Z][A-Z0-9_]*_\d+>/g;

/**
 * The per-request mapping between values and placeholders. The same value of the same type gets the same
 * placeholder; numbers count up per type in order of appearance. Placeholder-looking text the client
 * wrote itself is reserved, so a real value is never given a name the client already used.
 */
export class PlaceholderMap {
  readonly #byValue = new Map<string, string>();
  readonly #originals = new Map<string, string>();
  readonly #counters = new Map<string, number>();
  readonly #reserved: ReadonlySet<string>;

  constructor(reserved: ReadonlySet<string> = new Set()) {
    this.#reserved = reserved;
  }

  placeholderFor(type: string, value: string): string {
    const key = `${type}\u0000${value}`;
    const known = this.#byValue.get(key);
    if (known !== undefined) return known;
    let counter = this.#counters.get(type) ?? 0;
    let placeholder: string;
    do {
      counter++;
      placeholder = `<${type}_${counter}>`;
    } while (this.#reserved.has(placeholder));
    this.#counters.set(type, counter);
    this.#byValue.set(key, placeholder);
    this.#originals.set(placeholder, value);
    return placeholder;
  }

  /** Placeholder → original value. */
  get originals(): ReadonlyMap<string, string> {
    return this.#originals;
  }
}

/** Adds the placeholder-looking substrings of a text to `into`. */
export function collectPlaceholders(text: string, into: Set<string>): void {
  if (!text.includes('<')) return;
  placeholderPattern.lastIndex = 0;
  for (let match = placeholderPattern.exec(text); match !== null; match = placeholderPattern.exec(text)) into.add(match[0]);
}
