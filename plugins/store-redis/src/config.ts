import { createMemoryStore, type Logger, type Store } from '@switchyard/core';
import { z } from 'zod';
import { createRedisStore } from './redis-store.js';

/** `${ENV}` interpolation yields text: accept a string of digits where a number is expected. */
function numberFromEnv<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value), schema);
}

const redisUrl = z.string().regex(/^rediss?:\/\/\S+$/, 'a redis:// or rediss:// URL');
const node = z.strictObject({ host: z.string().min(1), port: numberFromEnv(z.number().int().min(1).max(65_535)) });

const redisSection = z
  .strictObject({
    type: z.literal('redis'),
    /** One server: `redis://[user:password@]host:port[/db]`, `rediss://` for TLS. */
    url: redisUrl.optional(),
    /** Sentinels and the master group they watch. */
    sentinels: z.array(node).min(1).optional(),
    name: z.string().min(1).optional(),
    /** Cluster seed nodes. */
    cluster: z
      .array(z.union([redisUrl, node]))
      .min(1)
      .optional(),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    sentinelPassword: z.string().min(1).optional(),
    db: numberFromEnv(z.number().int().min(0)).optional(),
    tls: z.boolean().optional(),
    keyPrefix: z.string().default('switchyard:'),
    commandTimeoutMs: numberFromEnv(z.number().int().positive()).default(250),
    connectTimeoutMs: numberFromEnv(z.number().int().positive()).default(2_000),
    maxReconnectDelayMs: numberFromEnv(z.number().int().min(50)).default(2_000),
  })
  .superRefine((section, context) => {
    const modes = [section.url, section.sentinels, section.cluster].filter((mode) => mode !== undefined).length;
    if (modes !== 1) context.addIssue({ code: 'custom', message: 'give exactly one of url, sentinels or cluster' });
    if (section.sentinels !== undefined && section.name === undefined) {
      context.addIssue({ code: 'custom', path: ['name'], message: 'the Sentinel master group name is required with sentinels' });
    }
  });

const memorySection = z.strictObject({
  type: z.literal('memory'),
  maxEntries: numberFromEnv(z.number().int().positive()).optional(),
});

/**
 * The `store:` section of the config file. Absent means the embedded in-memory store.
 *
 * ```yaml
 * store: { type: redis, url: ${REDIS_URL}, keyPrefix: "switchyard:", commandTimeoutMs: 250 }
 * ```
 */
export const configSchema = z.discriminatedUnion('type', [redisSection, memorySection]);

export type StoreConfig = z.infer<typeof configSchema>;

/** Builds the store a parsed `store:` section describes. */
export function storeFromConfig(config: StoreConfig, { logger }: { logger?: Logger } = {}): Store {
  if (config.type === 'memory')
    return createMemoryStore(config.maxEntries === undefined ? {} : { maxEntries: config.maxEntries });
  const { type: _type, ...options } = config;
  return createRedisStore({ ...options, ...(logger === undefined ? {} : { logger }) });
}
