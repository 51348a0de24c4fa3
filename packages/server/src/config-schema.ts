import { authConfigSchema } from '@switchyard/auth';
import { configSchema as cacheConfigSchema } from '@switchyard/cache';
import { costConfigSchema } from '@switchyard/cost';
import { configSchema as experimentsConfigSchema } from '@switchyard/experiments';
import { metricsConfigSchema } from '@switchyard/metrics';
import { configSchema as moderationConfigSchema } from '@switchyard/moderation';
import { piiConfigSchema } from '@switchyard/pii';
import { rateLimitConfigSchema } from '@switchyard/rate-limit';
import { aliasSchema, breakerSchema, retrySchema, timeoutSchema } from '@switchyard/router';
import { configSchema as storeConfigSchema } from '@switchyard/store-redis';
import { z } from 'zod';

/**
 * `${ENV}` interpolation always yields text, so a number written as `port: ${PORT:-8787}` arrives as
 * "8787": accept a string of digits where a number is expected (anything else still fails validation).
 */
function numberFromEnv<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value), schema);
}

export const logLevels = ['debug', 'info', 'warn', 'error', 'silent'] as const;

export const providerConfigSchema = z.strictObject({
  /** Which plugin serves this entry; inferred from the entry's name (`openai`, `anthropic`, `gemini`, `mock`, a preset). */
  type: z.enum(['openai', 'openai-compatible', 'anthropic', 'gemini', 'mock']).optional(),
  /** An OpenAI-compatible preset: deepseek, groq, mistral, together, openrouter, ollama, vllm. */
  preset: z.string().optional(),
  apiKey: z.string().min(1).optional(),
  baseURL: z.url().optional(),
  organization: z.string().optional(),
  project: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** Models listed in `/v1/models` for this provider. */
  models: z.array(z.string().min(1)).optional(),
  /** Query parameters added to every upstream call (e.g. Azure's `api-version`). */
  query: z.record(z.string(), z.string()).optional(),
  /** Upstream connection settings. */
  http: z
    .strictObject({
      connections: z.number().int().positive().optional(),
      connectTimeoutMs: z.number().int().positive().optional(),
      headersTimeoutMs: z.number().int().positive().optional(),
      bodyTimeoutMs: z.number().int().positive().optional(),
    })
    .optional(),
});

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: numberFromEnv(z.number().int().min(0).max(65535)).default(8787),
      maxBodyBytes: numberFromEnv(z.number().int().positive()).optional(),
      logLevel: z.enum(logLevels).default('info'),
    })
    .prefault({}),
  /** When absent, the environment decides (mock plus every provider whose key variable is set). */
  providers: z
    .record(
      z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'provider ids are lower-case letters, digits, - and _'),
      providerConfigSchema,
    )
    .optional(),
  /** Aliases: routing trees over `provider/model` deployments (see @switchyard/router). */
  models: z.record(z.string().min(1), aliasSchema).default({}),
  /** Retry, timeout and circuit-breaker defaults for every alias and direct deployment. */
  routing: z
    .strictObject({ retry: retrySchema.optional(), timeouts: timeoutSchema.optional(), breaker: breakerSchema.optional() })
    .prefault({}),
  /** Shared state for limits, budgets, breakers, keys and caches; absent = the embedded in-memory store. */
  store: storeConfigSchema.optional(),
  /** Gateway keys; absent = no authentication (the newcomer default). */
  auth: authConfigSchema.optional(),
  /** Requests/tokens per minute per team and model (key limits live on the keys). */
  rateLimits: rateLimitConfigSchema.optional(),
  /** Cost accounting, budgets and the spend ledger; present (even `{}`) = on. */
  cost: costConfigSchema.optional(),
  /** PII masking (reversible placeholders restored in replies and streams), redaction or blocking. */
  pii: piiConfigSchema.optional(),
  /** Input and output moderation (local rules, profanity, a remote classifier) and `/v1/moderations`. */
  moderation: moderationConfigSchema.optional(),
  /** Response caching (exact and semantic), opt-in per model, key or request. */
  cache: cacheConfigSchema.optional(),
  /** A/B experiments on aliases. */
  experiments: experimentsConfigSchema.optional(),
  /** Prometheus metrics at `GET /metrics` (present = on). */
  metrics: metricsConfigSchema.optional(),
  /** Plugins from npm (or local modules), in order: `"@acme/switchyard-plugin-x"` or `{ package, config }`. */
  plugins: z
    .array(
      z.union([
        z
          .string()
          .min(1)
          .transform((name) => ({ package: name, config: undefined as unknown })),
        z.strictObject({ package: z.string().min(1), config: z.unknown().optional() }),
      ]),
    )
    .default([]),
});

export type SwitchyardConfig = z.infer<typeof configSchema>;
export type ProviderConfig = z.infer<typeof providerConfigSchema>;
