import type { GatewayContext, Logger, Middleware } from '@switchyard/core';
import { invalidRequest } from '@switchyard/spec';
import { type BuiltinDetectorName, builtinDefinitions, builtinDetectorNames } from './builtin-detectors.js';
import { checkType, type PiiDetector } from './detector.js';
import { maskRequest } from './mask-request.js';
import { restoreCompletion } from './restore-completion.js';
import { restoreStream } from './restore-stream.js';
import { Restorer } from './restorer.js';
import { type PiiRule, type PiiRuleInput, toRule } from './rule.js';
import { createScanner } from './scanner.js';

declare module '@switchyard/core' {
  interface GatewayState {
    /** Set by the pii middleware on every chat request: values found, by type. Never the values. */
    pii?: { counts: Readonly<Record<string, number>> };
  }
}

/** What each built-in detector does unless configured: everything is masked, secrets are redacted. */
export const defaultDetectorRules: Readonly<Record<BuiltinDetectorName, PiiRuleInput>> = {
  secret: 'redact',
  email: 'mask',
  iban: 'mask',
  cn_id: 'mask',
  card: 'mask',
  phone: 'mask',
  ip: 'mask',
};

export interface CustomDetectorEntry {
  detector: PiiDetector;
  /** Default `mask`. */
  action?: PiiRuleInput;
}

export interface PiiOptions {
  /** Per built-in detector: `mask`, `redact`, `block`, `off`, or `{ action: 'redact', keepLast: 4 }`. Unlisted ones use the defaults. */
  detectors?: Partial<Record<BuiltinDetectorName, PiiRuleInput>>;
  /** Your own detectors (regex via `regexDetector`, functions, npm packages), each with its action. */
  custom?: readonly CustomDetectorEntry[];
  /** For one line at construction listing the enabled detectors; request lines go to `context.log`. */
  logger?: Logger;
  /** Middleware name; default `pii`. */
  name?: string;
}

export type PiiMiddleware = Middleware;

function blockedMessage(types: readonly string[]): string {
  return `The request was refused because it contains personal data of type ${types.join(', ')}. Remove it and try again.`;
}

/**
 * Masks personal data in chat requests before they leave the gateway and restores masked values in the
 * response, streamed or not. Place it before any cache, ledger or logging middleware that reads the
 * request, so they see placeholders only.
 */
export function pii({ detectors = {}, custom = [], logger, name = 'pii' }: PiiOptions = {}): PiiMiddleware {
  for (const key of Object.keys(detectors)) {
    if (!(builtinDetectorNames as readonly string[]).includes(key)) {
      throw new TypeError(`pii: unknown detector "${key}" (known: ${builtinDetectorNames.join(', ')}).`);
    }
  }
  const enabled: Array<{ definition: (typeof builtinDefinitions)[number]; rule: PiiRule }> = [];
  for (const definition of builtinDefinitions) {
    const rule = toRule(detectors[definition.name] ?? defaultDetectorRules[definition.name], `pii: ${definition.name}`);
    if (rule !== undefined) enabled.push({ definition, rule });
  }
  const customEnabled: Array<{ detector: PiiDetector; rule: PiiRule }> = [];
  for (const entry of custom) {
    checkType(entry.detector.type, 'pii: custom detector');
    if (typeof entry.detector.detect !== 'function')
      throw new TypeError(`pii: custom detector ${entry.detector.type} has no detect().`);
    const rule = toRule(entry.action ?? 'mask', `pii: custom detector ${entry.detector.type}`);
    if (rule !== undefined) customEnabled.push({ detector: entry.detector, rule });
  }
  const scanner = createScanner(enabled, customEnabled);
  logger?.info('pii detectors', {
    builtin: enabled.map(({ definition, rule }) => `${definition.name}:${rule.action}`).join(','),
    custom: customEnabled.map(({ detector, rule }) => `${detector.type}:${rule.action}`).join(','),
  });

  return {
    name,
    async handle(context: GatewayContext, next) {
      if (context.operation !== 'chat' || (enabled.length === 0 && customEnabled.length === 0)) return next();
      const outcome = await maskRequest(context.request, scanner);
      context.state.pii = { counts: outcome.counts };
      const types = Object.keys(outcome.counts);
      if (types.length > 0 && (context.log.isEnabled?.('info') ?? true)) {
        const fields: Record<string, string | number> = { requestId: context.requestId };
        let total = 0;
        for (const type of types) {
          const count = outcome.counts[type] as number;
          fields[`pii_${type}`] = count;
          total += count;
        }
        fields.total = total;
        if (outcome.blocked.length > 0) fields.blocked = outcome.blocked.join(',');
        context.log.info('pii', fields);
      }
      if (outcome.blocked.length > 0) {
        throw invalidRequest(blockedMessage(outcome.blocked), { code: 'pii_blocked' });
      }
      context.request = outcome.request;
      await next();
      if (outcome.originals.size === 0) return;
      const result = context.result;
      if (result === undefined) return;
      const restorer = new Restorer(outcome.originals);
      if (result.type === 'completion') {
        const body = restoreCompletion(result.body, restorer);
        if (body !== result.body) context.result = { ...result, body };
      } else if (result.type === 'stream') {
        context.result = { ...result, parts: restoreStream(result.parts, restorer) };
      }
    },
  };
}
