import { z } from 'zod';

/** Per-million-token prices in USD, used by the `cost` strategy. */
export interface PriceConfig {
  input: number;
  output: number;
}

/** One deployment: a provider entry, the upstream model, and how it takes part in balancing. */
export interface DeploymentConfig {
  /** `provider/model`, the provider being an entry of `providers` (one per key or endpoint). */
  model: string;
  weight?: number;
  /** Requests per minute this deployment may receive from the gateway (its upstream tier limit). */
  rpm?: number;
  /** Tokens per minute this deployment may receive. */
  tpm?: number;
  price?: PriceConfig;
  /** Request fields to override on this deployment. */
  params?: Record<string, unknown>;
}

export type BalancingStrategy = 'weighted' | 'latency' | 'cost' | 'least-busy';

export interface GroupConfig {
  /** Absent means `fallback`. */
  strategy?: 'fallback' | BalancingStrategy;
  targets: RouteNodeConfig[];
  weight?: number;
  /** For `fallback`: error classes or codes that move on to the next target. */
  on?: string[];
  /** For `latency`: share of requests sent to a random target to keep measurements fresh (0–1). */
  explore?: number;
}

export interface RuleCondition {
  /** Header name → exact value or `/regex/`. */
  headers?: Record<string, string>;
  /** `metadata` field of the request → exact value. */
  metadata?: Record<string, string>;
  /** Languages of the prompt: `zh`, `ja`, `ko` (by script). */
  language?: string[];
  /** Bounds on the characters of the user's text. */
  minPromptChars?: number;
  maxPromptChars?: number;
  /** Request has (true) or has not (false) tools. */
  hasTools?: boolean;
}

export interface ConditionalConfig {
  strategy: 'conditional';
  rules: Array<{ when: RuleCondition; target: RouteNodeConfig }>;
  default?: RouteNodeConfig;
  weight?: number;
}

/** A reference to another alias, inlined at start (cycles are refused). */
export interface AliasReferenceConfig {
  alias: string;
  weight?: number;
}

export type RouteNodeConfig = DeploymentConfig | GroupConfig | ConditionalConfig | AliasReferenceConfig;

export interface RetryConfig {
  /** Extra attempts on the same deployment for rate limits, 5xx and connection failures. */
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A `Retry-After` longer than this moves on to the next deployment instead of waiting. */
  maxRetryAfterMs?: number;
}

export interface TimeoutConfig {
  /** Streams: from sending the request to the first chunk. */
  firstTokenMs?: number;
  /** Streams: the longest silence between two chunks. */
  idleMs?: number;
  /** Non-streaming: the whole answer, per attempt. */
  responseMs?: number;
  /** The whole request, every retry and fallback included. */
  deadlineMs?: number;
}

export interface BreakerConfig {
  /** Consecutive counted failures that open the breaker. */
  consecutiveFailures?: number;
  /** Failure share over the window that opens it, once `minRequests` were seen. */
  errorRate?: number;
  minRequests?: number;
  windowMs?: number;
  /** First open period; doubles on each consecutive opening up to `maxCooldownMs`. */
  cooldownMs?: number;
  maxCooldownMs?: number;
  /** Concurrent trial requests allowed while half-open. */
  halfOpenProbes?: number;
}

export type AliasConfig = (GroupConfig | ConditionalConfig | DeploymentConfig) & {
  retry?: RetryConfig;
  timeouts?: TimeoutConfig;
};

const positive = z.number().positive();
const positiveInteger = z.number().int().positive();

const conditionSchema = z.strictObject({
  headers: z.record(z.string(), z.string()).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  language: z
    .array(z.enum(['zh', 'ja', 'ko']))
    .min(1)
    .optional(),
  minPromptChars: z.number().int().nonnegative().optional(),
  maxPromptChars: z.number().int().nonnegative().optional(),
  hasTools: z.boolean().optional(),
});

/**
 * One schema for every node kind, so zod reports precise paths (`targets[1].weight: Too small`); which
 * fields go together (a deployment has `model`, a group `strategy` + `targets`, ...) is checked when the
 * tree is compiled, again with paths. Weights must be > 0 (`positive`).
 */
const nodeFields = {
  model: z.string().min(1).optional(),
  alias: z.string().min(1).optional(),
  strategy: z.enum(['fallback', 'weighted', 'latency', 'cost', 'least-busy', 'conditional']).optional(),
  get targets() {
    return z.array(routeNodeSchema).min(1).optional();
  },
  get rules() {
    return z
      .array(z.strictObject({ when: conditionSchema, target: routeNodeSchema }))
      .min(1)
      .optional();
  },
  get default() {
    return routeNodeSchema.optional();
  },
  weight: positive.optional(),
  rpm: positiveInteger.optional(),
  tpm: positiveInteger.optional(),
  price: z.strictObject({ input: z.number().nonnegative(), output: z.number().nonnegative() }).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  on: z.array(z.string().regex(/^[a-z0-9_]+$/, 'an error class or code in snake_case')).optional(),
  explore: z.number().min(0).max(1).optional(),
};

export const routeNodeSchema: z.ZodType<RouteNodeConfig> = z.strictObject(nodeFields) as unknown as z.ZodType<RouteNodeConfig>;

export const retrySchema = z.strictObject({
  maxRetries: z.number().int().min(0).max(10).optional(),
  baseDelayMs: z.number().int().nonnegative().optional(),
  maxDelayMs: z.number().int().nonnegative().optional(),
  maxRetryAfterMs: z.number().int().nonnegative().optional(),
});

export const timeoutSchema = z.strictObject({
  firstTokenMs: positiveInteger.optional(),
  idleMs: positiveInteger.optional(),
  responseMs: positiveInteger.optional(),
  deadlineMs: positiveInteger.optional(),
});

export const breakerSchema = z.strictObject({
  consecutiveFailures: positiveInteger.optional(),
  errorRate: z.number().gt(0).max(1).optional(),
  minRequests: positiveInteger.optional(),
  windowMs: positiveInteger.optional(),
  cooldownMs: positiveInteger.optional(),
  maxCooldownMs: positiveInteger.optional(),
  halfOpenProbes: positiveInteger.optional(),
});

/** An alias: a routing tree (`targets` alone means ordered fallback) plus retry and timeout settings. */
export const aliasSchema: z.ZodType<AliasConfig> = z.strictObject({
  ...nodeFields,
  retry: retrySchema.optional(),
  timeouts: timeoutSchema.optional(),
}) as unknown as z.ZodType<AliasConfig>;
