import type { Store } from '@switchyard/core';
import { z } from 'zod';
import { rateLimit } from './rate-limit.js';

const specSchema = z.strictObject({
  rpm: z.number().int().positive().optional(),
  tpm: z.number().int().positive().optional(),
});

/** The `rateLimits:` section of the config file. Key limits live on the keys themselves. */
export const rateLimitConfigSchema = z.strictObject({
  failMode: z.enum(['open', 'closed']).default('open'),
  defaultKeyLimits: specSchema.optional(),
  teams: z.record(z.string(), specSchema).default({}),
  models: z.record(z.string(), specSchema).default({}),
});

export type RateLimitConfig = z.infer<typeof rateLimitConfigSchema>;

export function rateLimitFromConfig(config: RateLimitConfig, { store }: { store: Store }) {
  return rateLimit({ store, ...config });
}
