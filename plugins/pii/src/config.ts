import type { Logger } from '@switchyard/core';
import { z } from 'zod';
import { builtinDetectorNames } from './builtin-detectors.js';
import { type PiiDetector, regexDetector, typePattern } from './detector.js';
import { type CustomDetectorEntry, type PiiMiddleware, pii } from './pii.js';

const actionSchema = z.enum(['mask', 'redact', 'block', 'off']);

/** `mask`, or `{ action: redact, keepFirst: 0, keepLast: 4 }`. */
const ruleSchema = z.union([
  actionSchema,
  z.strictObject({
    action: actionSchema,
    keepFirst: z.number().int().nonnegative().optional(),
    keepLast: z.number().int().nonnegative().optional(),
  }),
]);

const nameSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower case letters, digits and underscores');

const customBase = {
  /** Names the entry in errors; the type defaults to it in upper case. */
  name: nameSchema,
  type: z.string().regex(typePattern, 'upper case letters, digits and underscores').optional(),
  action: actionSchema.default('mask'),
  keepFirst: z.number().int().nonnegative().optional(),
  keepLast: z.number().int().nonnegative().optional(),
};

const customRegexSchema = z.strictObject({
  ...customBase,
  /** A JavaScript regular expression, e.g. `EMP-\d{6}`. */
  pattern: z.string().min(1),
  flags: z
    .string()
    .regex(/^[imsu]*$/, 'only i, m, s and u')
    .default(''),
});

const customModuleSchema = z.strictObject({
  ...customBase,
  /** An npm package (or path) exporting `createDetector(options)` or a detector as its default export. */
  module: z.string().min(1),
  options: z.record(z.string(), z.unknown()).optional(),
});

/** The `pii:` section of the config file. */
export const configSchema = z.strictObject({
  detectors: z.partialRecord(z.enum(builtinDetectorNames), ruleSchema).default({}),
  custom: z
    .array(z.union([customRegexSchema, customModuleSchema]))
    .default([])
    .superRefine((entries, issues) => {
      const seen = new Set<string>();
      for (const [index, entry] of entries.entries()) {
        if (seen.has(entry.name)) issues.addIssue({ code: 'custom', path: [index, 'name'], message: 'duplicate name' });
        seen.add(entry.name);
        if ('pattern' in entry) {
          try {
            new RegExp(entry.pattern, entry.flags);
          } catch {
            issues.addIssue({ code: 'custom', path: [index, 'pattern'], message: 'not a valid regular expression' });
          }
        }
      }
    }),
});

export const piiConfigSchema = configSchema;
export type PiiConfig = z.infer<typeof configSchema>;

export interface PiiFromConfigDependencies {
  logger?: Logger;
  /** Detectors for the config's `module` entries, by entry name (see `loadDetectorModules`). */
  modules?: Readonly<Record<string, PiiDetector>>;
}

/** Builds the middleware from a parsed `pii:` section. */
export function piiFromConfig(config: PiiConfig, { logger, modules = {} }: PiiFromConfigDependencies = {}): PiiMiddleware {
  const parsed = configSchema.parse(config);
  const custom: CustomDetectorEntry[] = parsed.custom.map((entry) => {
    const action = { action: entry.action, keepFirst: entry.keepFirst, keepLast: entry.keepLast };
    if ('pattern' in entry) {
      const type = entry.type ?? entry.name.toUpperCase();
      return { detector: regexDetector({ type, pattern: entry.pattern, flags: entry.flags }), action };
    }
    const loaded = modules[entry.name];
    if (loaded === undefined) {
      throw new TypeError(
        `pii: custom detector "${entry.name}" names module ${entry.module}; load it with loadDetectorModules first.`,
      );
    }
    if (entry.type === undefined) return { detector: loaded, action };
    return { detector: { type: entry.type, detect: (text: string) => loaded.detect(text) }, action };
  });
  return pii({ detectors: parsed.detectors, custom, logger });
}

/**
 * Imports the packages named by the config's `module` entries. A package exports
 * `createDetector(options): PiiDetector`, or a detector as its default export.
 */
export async function loadDetectorModules(
  config: PiiConfig,
  importModule: (specifier: string) => Promise<unknown> = (specifier) => import(specifier),
): Promise<Record<string, PiiDetector>> {
  const loaded: Record<string, PiiDetector> = {};
  for (const entry of configSchema.parse(config).custom) {
    if (!('module' in entry)) continue;
    const exports = (await importModule(entry.module)) as { createDetector?: unknown; default?: unknown };
    const detector =
      typeof exports.createDetector === 'function'
        ? ((await exports.createDetector(entry.options ?? {})) as unknown)
        : (exports.default as unknown);
    if (typeof (detector as PiiDetector | undefined)?.detect !== 'function') {
      throw new TypeError(`pii: module ${entry.module} exports neither createDetector() nor a default detector.`);
    }
    loaded[entry.name] = detector as PiiDetector;
  }
  return loaded;
}
