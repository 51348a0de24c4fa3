/**
 * Cluster mode against a real one-node Redis Cluster (all 16384 slots on one server): the conformance
 * suite passes through ioredis' Cluster client, our slot computation agrees with CLUSTER KEYSLOT, and a
 * script whose keys span slots is refused before it reaches Redis.
 */
import type { Store, StoreScript } from '@switchyard/core';
import { type RedisServer, startRedisServer } from '@switchyard/testkit';
import { defineStoreConformance } from '@switchyard/testkit/conformance';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, hashSlot } from '../src/index.js';
import { eventually, timed } from './helpers.js';

async function startOneNodeCluster(): Promise<RedisServer> {
  const server = await startRedisServer({ args: ['--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1'] });
  const admin = new Redis(server.url, { maxRetriesPerRequest: 0 });
  try {
    await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    await eventually(async () => {
      const info = String(await admin.call('CLUSTER', 'INFO'));
      if (!info.includes('cluster_state:ok')) throw new Error('cluster not ready');
    });
  } finally {
    admin.disconnect();
  }
  return server;
}

const servers: RedisServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
});

defineStoreConformance('redis cluster', async () => {
  const server = await startOneNodeCluster();
  servers.push(server);
  return createRedisStore({ cluster: [server.url], commandTimeoutMs: 2_000 });
});

const pairScript: StoreScript<string[]> = {
  name: 'cluster-pair',
  lua: `
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[1])
return {redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2])}
`,
  local(keys, args) {
    keys.set(0, args[0] ?? '');
    keys.set(1, args[0] ?? '');
    return [keys.get(0) ?? '', keys.get(1) ?? ''];
  },
};

describe('redis cluster: hash slots', () => {
  let server: RedisServer;
  let store: Store;
  let admin: Redis;
  beforeAll(async () => {
    server = await startOneNodeCluster();
    servers.push(server);
    store = createRedisStore({ cluster: [server.url], commandTimeoutMs: 2_000 });
    admin = new Redis(server.url, { maxRetriesPerRequest: 0 });
  });
  afterAll(async () => {
    await store.close();
    admin.disconnect();
  });

  it('computes the slot Redis computes', async () => {
    const keys = [
      'a',
      'foo',
      'switchyard:breaker:openai/gpt-4o',
      '{team-7}:rpm',
      'limits:{key-42}:tpm',
      'ünïcødé',
      'x{}y',
      '{{a}}',
    ];
    for (const key of keys) expect(hashSlot(key)).toBe(Number(await admin.call('CLUSTER', 'KEYSLOT', key)));
  });

  it('runs a script whose keys share a {hash-tag}', async () => {
    expect(await store.run(pairScript, ['limits:{key-42}:rpm', 'limits:{key-42}:tpm'], ['7'])).toEqual(['7', '7']);
    expect(await admin.get('switchyard:limits:{key-42}:tpm')).toBe('7');
  });

  it('refuses a script whose keys are in different slots, before sending it', async () => {
    await expect(store.run(pairScript, ['limits:key-1:rpm', 'limits:key-2:rpm'], ['1'])).rejects.toThrow(
      /cluster-pair.*different Redis Cluster hash slots.*\{hash-tag\}/,
    );
    expect(await admin.exists('switchyard:limits:key-1:rpm')).toBe(0);
  });
});

describe('redis cluster: node killed', () => {
  it('fails calls within the bound while the node is down and recovers after restart', async () => {
    const server = await startOneNodeCluster();
    servers.push(server);
    const store = createRedisStore({ cluster: [server.url], commandTimeoutMs: 250, maxReconnectDelayMs: 200 });
    try {
      await store.set('k', 'v');
      await server.kill();
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => timed(() => store.run(pairScript, ['{t}:a', '{t}:b'], ['1']))),
      );
      for (const outcome of outcomes) {
        expect(['store_unavailable', 'store_timeout']).toContain(outcome.code);
        expect(outcome.milliseconds).toBeLessThan(1_000);
      }
      // The restarted node keeps its slots (nodes.conf) but not its data or scripts.
      await server.restart();
      expect(await eventually(() => store.run(pairScript, ['{t}:a', '{t}:b'], ['2']), 15_000)).toEqual(['2', '2']);
    } finally {
      await store.close();
    }
  });
});
