import { silentLogger } from '@switchyard/core';
import { startRedisServer } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { configSchema, createRedisStore, storeFromConfig } from '../src/index.js';

describe('configSchema', () => {
  it('fills the defaults of the redis section', () => {
    expect(configSchema.parse({ type: 'redis', url: 'redis://127.0.0.1:6379' })).toEqual({
      type: 'redis',
      url: 'redis://127.0.0.1:6379',
      keyPrefix: 'switchyard:',
      commandTimeoutMs: 250,
      connectTimeoutMs: 2_000,
      maxReconnectDelayMs: 2_000,
    });
  });

  it('takes numbers written as text (what env interpolation yields)', () => {
    const parsed = configSchema.parse({ type: 'redis', url: 'rediss://cache:6380/2', commandTimeoutMs: '100', db: '3' });
    expect(parsed).toMatchObject({ commandTimeoutMs: 100, db: 3 });
  });

  it('accepts Sentinel and Cluster shapes', () => {
    expect(
      configSchema.safeParse({ type: 'redis', sentinels: [{ host: 's1', port: 26379 }], name: 'mymaster', password: 'x' })
        .success,
    ).toBe(true);
    expect(configSchema.safeParse({ type: 'redis', cluster: ['redis://n1:7000', { host: 'n2', port: 7001 }] }).success).toBe(
      true,
    );
    expect(configSchema.safeParse({ type: 'memory', maxEntries: 10 }).success).toBe(true);
  });

  it('rejects a section that is ambiguous, incomplete or misspelt', () => {
    expect(configSchema.safeParse({ type: 'redis' }).success).toBe(false);
    expect(configSchema.safeParse({ type: 'redis', url: 'redis://a', cluster: ['redis://b:1'] }).success).toBe(false);
    expect(configSchema.safeParse({ type: 'redis', sentinels: [{ host: 's1', port: 26379 }] }).success).toBe(false);
    expect(configSchema.safeParse({ type: 'redis', url: 'http://a' }).success).toBe(false);
    expect(configSchema.safeParse({ type: 'redis', url: 'redis://a', commandTimeout: 5 }).success).toBe(false);
    expect(configSchema.safeParse({ type: 'redis', url: 'redis://a', commandTimeoutMs: 0 }).success).toBe(false);
    expect(configSchema.safeParse({ type: 'mongo' }).success).toBe(false);
  });
});

describe('storeFromConfig', () => {
  it('builds a working Redis store with the configured prefix', async () => {
    const server = await startRedisServer();
    const config = configSchema.parse({ type: 'redis', url: server.url, keyPrefix: 'gw1:' });
    const store = storeFromConfig(config, { logger: silentLogger });
    const other = createRedisStore({ url: server.url, keyPrefix: '' });
    try {
      await store.set('a', '1');
      expect(await store.get('a')).toBe('1');
      expect(await other.get('gw1:a')).toBe('1');
    } finally {
      await store.close();
      await other.close();
      await server.stop();
    }
  });

  it('builds the in-memory store for type memory', async () => {
    const store = storeFromConfig(configSchema.parse({ type: 'memory' }));
    await store.set('a', '1');
    expect(await store.increment('n', 2)).toBe(2);
    expect(await store.get('a')).toBe('1');
    await store.close();
  });
});

describe('createRedisStore options', () => {
  it('needs exactly one way to connect', () => {
    expect(() => createRedisStore({})).toThrow(/exactly one of/);
    expect(() => createRedisStore({ url: 'redis://a:1', cluster: ['redis://b:1'] })).toThrow(/exactly one of/);
    expect(() => createRedisStore({ url: 'http://a:1' })).toThrow(/redis:\/\//);
    expect(() => createRedisStore({ sentinels: [{ host: 'a', port: 1 }] })).toThrow(/name/);
    expect(() => createRedisStore({ url: 'redis://a:1', commandTimeoutMs: 0 })).toThrow(/commandTimeoutMs/);
  });

  it('uses a client passed in, and leaves it open on close', async () => {
    const server = await startRedisServer();
    const { Redis } = await import('ioredis');
    const client = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    try {
      const store = createRedisStore({ client });
      await store.set('shared', 'yes');
      expect(await client.get('switchyard:shared')).toBe('yes');
      await store.close();
      expect(await client.get('switchyard:shared')).toBe('yes');
      await expect(store.get('shared')).rejects.toMatchObject({ code: 'store_unavailable' });
    } finally {
      client.disconnect();
      await server.stop();
    }
  });
});
