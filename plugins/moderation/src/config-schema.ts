import type { Logger, Middleware } from '@switchyard/core';
import type { ProviderV1 } from '@switchyard/spec';
import { z } from 'zod';
import { moderation } from './moderation.js';
import { createProfanityCheck } from './profanity-check.js';
import { createRemoteCheck } from './remote-check.js';
import { createRulesCheck } from './rules-check.js';
import type { ModerationCheck } from './verdict.js';

const failModeSchema = z.enum(['open', 'closed']);
const score = z.number().min(0).max(1);

const regexRuleSchema = z.union([
  z.string().min(1),
  z.strictObject({ pattern: z.string().min(1), flags: z.string().optional(), category: z.string().min(1).optional() }),
]);

/** The `moderation:` section of the config file. */
export const configSchema = z.strictObject({
  /** Check requests before any upstream call. */
  input: z.union([z.boolean(), z.strictObject({ roles: z.array(z.string()).min(1).optional() })]).default(true),
  /** Check replies; streams are held back by `holdBackChars`. */
  output: z
    .union([
      z.boolean(),
      z.strictObject({
        holdBackChars: z.number().int().nonnegative().default(200),
        windowChars: z.number().int().positive().optional(),
      }),
    ])
    .default(true),
  rules: z
    .strictObject({
      deny: z.array(z.string().min(1)).default([]),
      denyCategory: z.string().min(1).optional(),
      regex: z.array(regexRuleSchema).default([]),
    })
    .optional(),
  /** The `obscenity` English profanity matcher. */
  profanity: z.union([z.boolean(), z.strictObject({ category: z.string().min(1).optional() })]).default(false),
  /** A remote classifier behind a configured provider's `/v1/moderations`. */
  remote: z
    .strictObject({
      /** A provider id from `providers:` (`openai`, or any OpenAI-compatible one). */
      provider: z.string().min(1),
      model: z.string().min(1).default('omni-moderation-latest'),
      thresholds: z.record(z.string(), score).default({}),
      defaultThreshold: score.optional(),
      timeoutMs: z.number().int().positive().optional(),
      failMode: failModeSchema.optional(),
    })
    .optional(),
  /** Default for every check: `closed` answers 503 `moderation_unavailable`; `open` logs and sets a header. */
  failMode: failModeSchema.default('closed'),
  timeoutMs: z.number().int().positive().default(2_000),
  /** Replaces a flagged reply. */
  refusal: z.string().min(1).optional(),
  /** `POST /v1/moderations` through the gateway. */
  endpoint: z.union([z.boolean(), z.strictObject({ defaultModel: z.string().min(1).optional() })]).default(true),
});

export type ModerationConfig = z.output<typeof configSchema>;

export interface ModerationFromConfigOptions {
  logger?: Logger;
  /** The gateway's providers, to resolve `remote.provider`. */
  providers?: readonly ProviderV1[];
  /** Extra checks (third-party packages), run after the configured ones. */
  checks?: readonly ModerationCheck[];
}

/** Builds the middleware from a parsed `moderation:` section. Throws on a missing provider or an empty chain. */
export function moderationFromConfig(
  config: ModerationConfig,
  { logger, providers = [], checks: extraChecks = [] }: ModerationFromConfigOptions = {},
): Middleware {
  const checks: ModerationCheck[] = [];
  if (config.rules && (config.rules.deny.length > 0 || config.rules.regex.length > 0)) {
    checks.push(
      createRulesCheck({
        deny: config.rules.deny,
        regex: config.rules.regex,
        ...(config.rules.denyCategory ? { denyCategory: config.rules.denyCategory } : {}),
      }),
    );
  }
  if (config.profanity !== false) {
    checks.push(createProfanityCheck(config.profanity === true ? {} : config.profanity));
  }
  const remote = config.remote;
  if (remote) {
    const provider = providers.find((candidate) => candidate.id === remote.provider);
    if (!provider) throw new Error(`moderation.remote.provider: no provider "${remote.provider}" is configured.`);
    checks.push(
      createRemoteCheck({
        provider,
        model: remote.model,
        thresholds: remote.thresholds,
        ...(remote.defaultThreshold === undefined ? {} : { defaultThreshold: remote.defaultThreshold }),
        ...(remote.timeoutMs === undefined ? {} : { timeoutMs: remote.timeoutMs }),
        ...(remote.failMode === undefined ? {} : { failMode: remote.failMode }),
      }),
    );
  }
  checks.push(...extraChecks);
  if (checks.length === 0) throw new Error('moderation: no checks configured (rules, profanity, remote).');
  const defaultModel = remote ? `${remote.provider}/${remote.model}` : undefined;
  const endpoint =
    config.endpoint === false
      ? false
      : { defaultModel: (config.endpoint === true ? undefined : config.endpoint.defaultModel) ?? defaultModel };
  return moderation({
    checks,
    input: config.input,
    output: config.output,
    failMode: config.failMode,
    timeoutMs: config.timeoutMs,
    endpoint: endpoint === false ? false : endpoint.defaultModel ? { defaultModel: endpoint.defaultModel } : true,
    ...(config.refusal ? { refusal: config.refusal } : {}),
    ...(logger ? { logger } : {}),
  });
}
