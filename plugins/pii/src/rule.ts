export type PiiAction = 'mask' | 'redact' | 'block';

/** What to do with the values one detector finds. */
export interface PiiRule {
  readonly action: PiiAction;
  /** For `redact`: characters kept at the start (e.g. 3 of an email); the rest become `*`. */
  readonly keepFirst: number;
  /** For `redact`: characters kept at the end (e.g. 4 of a card number). */
  readonly keepLast: number;
}

/** A detector's setting: an action, `off`, or an action with redaction details. */
export type PiiRuleInput = PiiAction | 'off' | { action: PiiAction | 'off'; keepFirst?: number; keepLast?: number };

/** Normalises a setting; `undefined` for `off`. */
export function toRule(input: PiiRuleInput, owner: string): PiiRule | undefined {
  const spec = typeof input === 'string' ? { action: input } : input;
  if (spec.action === 'off') return undefined;
  if (spec.action !== 'mask' && spec.action !== 'redact' && spec.action !== 'block') {
    throw new TypeError(`${owner}: unknown action "${String(spec.action)}" (mask, redact, block or off).`);
  }
  const keepFirst = 'keepFirst' in spec ? (spec.keepFirst ?? 0) : 0;
  const keepLast = 'keepLast' in spec ? (spec.keepLast ?? 0) : 0;
  for (const [name, count] of [
    ['keepFirst', keepFirst],
    ['keepLast', keepLast],
  ] as const) {
    if (!Number.isInteger(count) || count < 0) throw new TypeError(`${owner}: ${name} must be a non-negative integer.`);
  }
  return { action: spec.action, keepFirst, keepLast };
}

/**
 * The irreversible replacement: `[TYPE]`, or the value with all but the kept ends turned into `*`
 * (`4111********1111`). When the kept ends would show the whole value, `[TYPE]` is used instead.
 */
export function redact(value: string, type: string, rule: PiiRule): string {
  const { keepFirst, keepLast } = rule;
  if (keepFirst + keepLast === 0 || keepFirst + keepLast >= value.length) return `[${type}]`;
  return value.slice(0, keepFirst) + '*'.repeat(value.length - keepFirst - keepLast) + value.slice(value.length - keepLast);
}
