import type { Logger, Middleware, ServiceRequest, Store } from '@switchyard/core';
import type { ProviderV1 } from '@switchyard/spec';
import { z } from 'zod';
import { cache } from './cache.js';

const semanticSchema = z.strictObject({
  /** `provider/model` of an embeddings model, e.g. `openai/text-embedding-3-small`. */
  embeddingModel: z.string().min(1),
  threshold: z.number().min(0).max(1).default(0.95),
  maxEntries: z.number().int().positive().default(10_000),
  dimensions: z.number().int().positive().optional(),
  allowTools: z.boolean().default(false),
  allowMultipleChoices: z.boolean().default(false),
  maxTemperature: z.number().min(0).default(1),
  maxInputChars: z.number().int().positive().default(16_000),
});

/** The `cache:` section of the config file. */
export const configSchema = z.strictObject({
  ttlSeconds: z.number().positive().default(3_600),
  /** Size of the in-process LRU (characters of cached text). */
  maxBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  maxEntryBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** Requested model names cached for everyone; `'*'` = all. */
  models: z.array(z.string().min(1)).default([]),
  /** Key ids, key names or teams whose requests are cached. */
  keys: z.array(z.string().min(1)).default([]),
  allowRequestOverride: z.boolean().default(true),
  partitionByUser: z.boolean().default(false),
  semantic: semanticSchema.optional(),
});

export type CacheConfig = z.infer<typeof configSchema>;

export interface CacheFromConfigOptions {
  store: Store;
  logger?: Logger;
  /** Mounts `DELETE /admin/cache` when given. */
  authorizeAdmin?: (request: ServiceRequest) => void | Promise<void>;
  /** The gateway's providers, to resolve `semantic.embeddingModel`. */
  providers?: readonly ProviderV1[];
}

/** Builds the middleware from a parsed `cache:` section. */
export function cacheFromConfig(
  config: CacheConfig,
  { store, logger, authorizeAdmin, providers }: CacheFromConfigOptions,
): Middleware {
  return cache({
    ...config,
    store,
    ...(logger ? { logger } : {}),
    ...(authorizeAdmin ? { authorizeAdmin } : {}),
    ...(providers ? { providers } : {}),
  });
}
