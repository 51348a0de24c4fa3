import type { PatternDefinition } from './builtin-detectors.js';
import { type PiiDetector, type PiiMatch, typePattern } from './detector.js';
import type { PiiRule } from './rule.js';

/** One value found in one text, with what to do about it. */
export interface Finding {
  start: number;
  end: number;
  type: string;
  rule: PiiRule;
}

export interface Scanner {
  /** Findings sorted by start, never overlapping. A promise only when an asynchronous detector is configured. */
  scan(text: string): Finding[] | Promise<Finding[]>;
}

interface CompiledDefinition {
  readonly type: string;
  readonly rule: PiiRule;
  readonly sticky: RegExp;
  readonly validate: ((value: string) => boolean) | undefined;
  readonly skip: ((value: string) => number) | undefined;
}

interface Finder {
  readonly type: string;
  readonly rule: PiiRule;
  readonly find: (text: string) => readonly PiiMatch[] | Promise<readonly PiiMatch[]>;
}

/**
 * Joins the built-in patterns into one regular expression, so a text is scanned once for all of them,
 * and runs custom detectors beside it. Everything is compiled here, once per middleware.
 */
export function createScanner(
  definitions: ReadonlyArray<{ definition: PatternDefinition; rule: PiiRule }>,
  custom: ReadonlyArray<{ detector: PiiDetector; rule: PiiRule }>,
): Scanner {
  const withSource = definitions.filter(({ definition }) => definition.source !== undefined);
  const compiled: CompiledDefinition[] = withSource.map(({ definition, rule }) => ({
    type: definition.type,
    rule,
    sticky: new RegExp(definition.source as string, 'y'),
    validate: definition.validate,
    skip: definition.skip,
  }));
  const combined =
    compiled.length === 0 ? undefined : new RegExp(withSource.map(({ definition }) => `(${definition.source})`).join('|'), 'g');
  const finders: Finder[] = [
    ...definitions.flatMap(({ definition, rule }) =>
      definition.find === undefined ? [] : [{ type: definition.type, rule, find: definition.find }],
    ),
    ...custom.map(({ detector, rule }) => ({ type: detector.type, rule, find: (text: string) => detector.detect(text) })),
  ];

  function found(entry: CompiledDefinition, position: number, value: string): Finding {
    const skipped = entry.skip === undefined ? 0 : entry.skip(value);
    return { start: position + skipped, end: position + value.length, type: entry.type, rule: entry.rule };
  }

  /** At a position where alternative `failed` matched but did not validate, tries the later alternatives. */
  function retryAt(text: string, position: number, failed: number): Finding | undefined {
    for (let index = failed + 1; index < compiled.length; index++) {
      const entry = compiled[index] as CompiledDefinition;
      entry.sticky.lastIndex = position;
      const match = entry.sticky.exec(text);
      if (match === null || match[0].length === 0) continue;
      if (entry.validate === undefined || entry.validate(match[0])) return found(entry, position, match[0]);
    }
    return undefined;
  }

  function scanBuiltins(text: string): Finding[] {
    const findings: Finding[] = [];
    if (combined === undefined) return findings;
    combined.lastIndex = 0;
    for (let match = combined.exec(text); match !== null; match = combined.exec(text)) {
      const position = match.index;
      const value = match[0];
      let alternative = 0;
      while (match[alternative + 1] === undefined) alternative++;
      const entry = compiled[alternative] as CompiledDefinition;
      let finding: Finding | undefined;
      if (entry.validate === undefined || entry.validate(value)) {
        finding = found(entry, position, value);
      } else {
        finding = retryAt(text, position, alternative);
      }
      if (finding === undefined) {
        combined.lastIndex = position + 1;
      } else {
        findings.push(finding);
        combined.lastIndex = finding.end;
      }
    }
    return findings;
  }

  if (finders.length === 0) return { scan: scanBuiltins };

  function merge(text: string, builtins: Finding[], results: ReadonlyArray<readonly PiiMatch[]>): Finding[] {
    let all = builtins;
    let added = false;
    results.forEach((matches, index) => {
      const { type: finderType, rule } = finders[index] as Finder;
      for (const match of matches) {
        const start = Math.max(0, Math.floor(match.start));
        const end = Math.min(text.length, Math.floor(match.end));
        if (end <= start) continue;
        const type = match.type !== undefined && typePattern.test(match.type) ? match.type : finderType;
        if (!added) {
          all = builtins.slice();
          added = true;
        }
        all.push({ start, end, type, rule });
      }
    });
    if (!added) return builtins;
    all.sort((left, right) => left.start - right.start || right.end - left.end);
    const kept: Finding[] = [];
    let reached = 0;
    for (const finding of all) {
      if (finding.start < reached) continue;
      kept.push(finding);
      reached = finding.end;
    }
    return kept;
  }

  return {
    scan(text) {
      const builtins = scanBuiltins(text);
      const results = finders.map((finder) => finder.find(text));
      if (results.some(isPromiseLike)) {
        return Promise.all(results).then((settled) => merge(text, builtins, settled));
      }
      return merge(text, builtins, results as ReadonlyArray<readonly PiiMatch[]>);
    },
  };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown }).then === 'function';
}
