import type { Store } from '@switchyard/core';
import { type RedisServer, startRedisServer } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisLog, createRedisStore } from '../src/index.js';

let server: RedisServer;
let store: Store;
beforeAll(async () => {
  server = await startRedisServer();
  store = createRedisStore({ url: server.url, commandTimeoutMs: 2_000 });
});
afterAll(async () => {
  await store.close();
  await server.stop();
});

describe('createRedisLog', () => {
  it('appends, reads by offset and counts; two logs on one store with the same key are one log', async () => {
    const log = createRedisLog(store, { key: 'ledger-a' });
    const twin = createRedisLog(store, { key: 'ledger-a' });
    await log.append(['one', 'two']);
    await twin.append(['three']);
    expect(await log.length()).toBe(3);
    expect(await twin.read(0, 10)).toEqual(['one', 'two', 'three']);
    expect(await log.read(1, 1)).toEqual(['two']);
    expect(await log.read(5, 10)).toEqual([]);
    expect(await log.read(0, 0)).toEqual([]);
  });

  it('keeps the newest maxLength entries, large appends included', async () => {
    const log = createRedisLog(store, { key: 'ledger-b', maxLength: 1_000 });
    const entries = Array.from({ length: 1_234 }, (_, index) => `entry-${index}`);
    await log.append(entries);
    expect(await log.length()).toBe(1_000);
    expect(await log.read(0, 1)).toEqual(['entry-234']);
    expect(await log.read(999, 5)).toEqual(['entry-1233']);
  });

  it('loses no entry under concurrent appends', async () => {
    const log = createRedisLog(store, { key: 'ledger-c' });
    await Promise.all(Array.from({ length: 100 }, (_, index) => log.append([`e${index}`])));
    const read = await log.read(0, 1_000);
    expect(read).toHaveLength(100);
    expect(new Set(read).size).toBe(100);
  });
});
