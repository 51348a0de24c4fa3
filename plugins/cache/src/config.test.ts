import { createMemoryStore } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { cacheFromConfig, configSchema } from './config.js';

describe('configSchema', () => {
  it('fills defaults and rejects unknown fields', () => {
    const config = configSchema.parse({ models: ['*'], semantic: { embeddingModel: 'openai/text-embedding-3-small' } });
    expect(config).toMatchObject({ ttlSeconds: 3_600, models: ['*'], keys: [], allowRequestOverride: true });
    expect(config.semantic).toMatchObject({ threshold: 0.95, maxEntries: 10_000, allowTools: false, maxTemperature: 1 });
    expect(configSchema.safeParse({ ttl: 5 }).success).toBe(false);
    expect(configSchema.safeParse({ semantic: { embeddingModel: 'x', threshold: 2 } }).success).toBe(false);
  });

  it('mounts the purge endpoint only when an admin check is given', () => {
    const config = configSchema.parse({});
    const store = createMemoryStore();
    expect(cacheFromConfig(config, { store }).handlers).toBeUndefined();
    const withAdmin = cacheFromConfig(config, { store, authorizeAdmin: () => {} });
    expect(withAdmin.handlers?.map((handler) => `${handler.method} ${String(handler.path)}`)).toEqual(['DELETE /admin/cache']);
  });
});
