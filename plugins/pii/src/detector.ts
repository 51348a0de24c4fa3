/**
 * The detector contract. A third-party package (a Presidio HTTP client, a vendor's name finder) exports
 * an object of this shape, or a `createDetector(options)` function returning one, and users list it in
 * the `custom` section of the `pii` options.
 */
export interface PiiMatch {
  /** Offset of the first character, in UTF-16 code units (what `String.prototype.slice` takes). */
  start: number;
  /** Offset just past the last character. */
  end: number;
  /** Overrides the detector's `type` for this match (e.g. one detector finding both `PERSON` and `LOCATION`). */
  type?: string;
}

export interface PiiDetector {
  /**
   * Upper-case type used in placeholders (`<EMAIL_1>`), redactions (`[EMAIL]`), counts and block errors.
   * Must match `/^[A-Z][A-Z0-9_]*$/`.
   */
  readonly type: string;
  /**
   * Finds values in one text (a message, a text part, a tool call's arguments). Called once per text per
   * request; keep it fast and free of per-call setup. Matches may overlap and come in any order: the
   * earliest start wins, then the longest. Return a promise only when the detector must call out (an HTTP
   * classifier); synchronous detectors keep the request path free of extra awaits.
   */
  detect(text: string): readonly PiiMatch[] | Promise<readonly PiiMatch[]>;
}

export interface RegexDetectorOptions {
  type: string;
  /** Compiled once. The `g` flag is added when missing; the pattern must not match the empty string. */
  pattern: RegExp | string;
  /** Regex flags when `pattern` is a string (`i`, `u`, `m`, `s`). */
  flags?: string;
  /** Rejects candidates the pattern over-matches (checksums, ranges). */
  validate?: (value: string) => boolean;
}

export const typePattern = /^[A-Z][A-Z0-9_]*$/;

export function checkType(type: string, owner: string): void {
  if (!typePattern.test(type)) {
    throw new TypeError(`${owner}: type "${type}" must be upper case letters, digits and underscores, starting with a letter.`);
  }
}

/** A detector from a regular expression and an optional validator, compiled once. */
export function regexDetector({ type, pattern, flags = '', validate }: RegexDetectorOptions): PiiDetector {
  checkType(type, 'regexDetector');
  const source = typeof pattern === 'string' ? pattern : pattern.source;
  const baseFlags = typeof pattern === 'string' ? flags : pattern.flags;
  const compiled = new RegExp(source, baseFlags.includes('g') ? baseFlags.replace('y', '') : `${baseFlags.replace('y', '')}g`);
  if (compiled.test('')) throw new TypeError(`regexDetector: the pattern for ${type} matches the empty string.`);
  return {
    type,
    detect(text) {
      const matches: PiiMatch[] = [];
      compiled.lastIndex = 0;
      for (let match = compiled.exec(text); match !== null; match = compiled.exec(text)) {
        const value = match[0];
        if (value.length === 0) {
          compiled.lastIndex = match.index + 1;
          continue;
        }
        if (validate === undefined || validate(value)) matches.push({ start: match.index, end: match.index + value.length });
      }
      return matches;
    },
  };
}
