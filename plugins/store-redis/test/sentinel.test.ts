/**
 * Sentinel mode against real processes: a master, a replica and one Sentinel (quorum 1). The store finds
 * the master through the Sentinel, and after the master is killed and the Sentinel promotes the replica,
 * the same store works again on the new master (scripts reloaded there on NOSCRIPT if needed).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoreScript } from '@switchyard/core';
import { type RedisServer, startRedisServer } from '@switchyard/testkit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/index.js';
import { eventually, timed, trackUnhandledRejections } from './helpers.js';

const addScript: StoreScript<number> = {
  name: 'sentinel-add',
  lua: `return redis.call('INCRBY', KEYS[1], ARGV[1])`,
  local(keys, args) {
    const value = Number(keys.get(0) ?? '0') + Number(args[0]);
    keys.set(0, String(value));
    return value;
  },
};

const servers: RedisServer[] = [];
afterAll(async () => {
  for (const server of servers.reverse()) await server.stop();
});

describe('redis sentinel', () => {
  it('follows the master through a failover without recreating the store', { timeout: 60_000 }, async () => {
    const unhandled = trackUnhandledRejections();
    const master = await startRedisServer();
    servers.push(master);
    const replica = await startRedisServer({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
    servers.push(replica);
    const configFile = join(tmpdir(), `switchyard-sentinel-${process.pid}-${Date.now()}.conf`);
    writeFileSync(
      configFile,
      [
        `sentinel monitor mymaster 127.0.0.1 ${master.port} 1`,
        'sentinel down-after-milliseconds mymaster 1000',
        'sentinel failover-timeout mymaster 5000',
        '',
      ].join('\n'),
    );
    const sentinel = await startRedisServer({ configFile, args: ['--sentinel'] });
    servers.push(sentinel);

    const store = createRedisStore({
      sentinels: [{ host: '127.0.0.1', port: sentinel.port }],
      name: 'mymaster',
      commandTimeoutMs: 500,
      maxReconnectDelayMs: 200,
    });
    const admin = new Redis(master.url, { maxRetriesPerRequest: 0 });
    admin.on('error', () => undefined);
    try {
      await eventually(() => store.set('before', 'kept'), 10_000);
      expect(await store.run(addScript, ['count'], ['5'])).toBe(5);
      expect(await admin.get('switchyard:before')).toBe('kept');
      // The replica has everything before the master goes.
      await eventually(async () => {
        if (Number(await admin.call('WAIT', '1', '1000')) < 1) throw new Error('replica not in sync');
      });
      admin.disconnect();

      await master.kill();
      const duringOutage = await timed(() => store.get('before'));
      expect(['store_unavailable', 'store_timeout']).toContain(duringOutage.code);
      expect(duringOutage.milliseconds).toBeLessThan(1_500);

      // The Sentinel promotes the replica; the store finds it and runs scripts there.
      expect(await eventually(() => store.run(addScript, ['count'], ['1']), 30_000)).toBe(6);
      expect(await store.get('before')).toBe('kept');
      const promoted = new Redis(replica.url, { maxRetriesPerRequest: 0 });
      try {
        expect(await promoted.get('switchyard:count')).toBe('6');
      } finally {
        promoted.disconnect();
      }
    } finally {
      admin.disconnect();
      await store.close();
      await sentinel.stop();
      rmSync(configFile, { force: true });
      unhandled.stop();
    }
    expect(unhandled.reasons).toEqual([]);
  });
});
