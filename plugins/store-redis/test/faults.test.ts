/**
 * The Redis store against a real redis-server under faults: scripts forgotten by the server (SCRIPT FLUSH,
 * restart), the server killed and restarted, the server hung (SIGSTOP) and resumed. Every call settles
 * within a bound, as a `store_unavailable` / `store_timeout` GatewayError, with no unhandled rejection,
 * and the same store works again once the server is back.
 */
import type { Store, StoreScript } from '@switchyard/core';
import { type RedisServer, startRedisServer } from '@switchyard/testkit';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/index.js';
import { eventually, type Outcome, recordingLogger, sleep, timed, trackUnhandledRejections } from './helpers.js';

const counterScript: StoreScript<number> = {
  name: 'faults-counter',
  lua: `return redis.call('INCRBY', KEYS[1], ARGV[1])`,
  local(keys, args) {
    const value = Number(keys.get(0) ?? '0') + Number(args[0]);
    keys.set(0, String(value));
    return value;
  },
};

const commandTimeoutMs = 250;
/** Generous: a loaded 2-core machine; the point is that nothing waits for a dead server. */
const bound = 1_000;

let server: RedisServer;
let store: Store;
let admin: Redis;
let unhandled: ReturnType<typeof trackUnhandledRejections>;
const logger = recordingLogger();

beforeEach(async () => {
  unhandled = trackUnhandledRejections();
  server = await startRedisServer();
  store = createRedisStore({ url: server.url, commandTimeoutMs, maxReconnectDelayMs: 200, logger });
  admin = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  admin.on('error', () => undefined);
});

afterEach(async () => {
  await store.close();
  admin.disconnect();
  server.resume();
  await server.stop();
  // Let late timers and socket events run before checking.
  await sleep(50);
  unhandled.stop();
  expect(unhandled.reasons).toEqual([]);
});

async function commandCount(command: string): Promise<number> {
  const info = await admin.info('commandstats');
  const match = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info);
  return match ? Number(match[1]) : 0;
}

describe('scripts', () => {
  it('runs scripts by EVALSHA with the locally computed SHA, loading each once', async () => {
    expect(await store.run(counterScript, ['hits'], ['2'])).toBe(2);
    expect(await store.run(counterScript, ['hits'], ['3'])).toBe(5);
    await Promise.all(Array.from({ length: 20 }, () => store.run(counterScript, ['hits'], ['1'])));
    expect(await store.get('hits')).toBe('25');
    // 22 answered calls and the first one, answered NOSCRIPT.
    expect(await commandCount('evalsha')).toBe(23);
    expect(await commandCount('eval')).toBe(0);
    // Loaded on the first NOSCRIPT only, not once per call.
    expect(await commandCount('script\\|load')).toBe(1);
    // The key prefix applies to script keys.
    expect(await admin.get('switchyard:hits')).toBe('25');
  });

  it('reloads a script after SCRIPT FLUSH, once, even for concurrent calls', async () => {
    await store.run(counterScript, ['flush'], ['1']);
    await admin.script('FLUSH');
    const results = await Promise.all(Array.from({ length: 10 }, () => store.run(counterScript, ['flush'], ['1'])));
    expect([...results].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(await commandCount('script\\|load')).toBe(2);
  });

  it('reloads scripts after a restart (the server forgot them) without recreating the store', async () => {
    expect(await store.run(counterScript, ['restart'], ['1'])).toBe(1);
    await server.restart();
    // The restarted server is empty: the counter starts again, so the script ran there, after a reload.
    expect(await eventually(() => store.run(counterScript, ['restart'], ['1']))).toBe(1);
    expect(await eventually(() => store.run(counterScript, ['restart'], ['1']))).toBe(2);
  });

  it('rejects a failing script with store_unavailable and logs its Redis error word', async () => {
    const broken: StoreScript<number> = {
      name: 'faults-broken',
      lua: `return redis.call('INCRBY', KEYS[1], 'not-a-number')`,
      local: () => 0,
    };
    const outcome = await timed(() => store.run(broken, ['broken'], []));
    expect(outcome.code).toBe('store_unavailable');
    expect(
      logger.entries.some((entry) => entry.message === 'redis store command failed' && entry.fields?.script === 'faults-broken'),
    ).toBe(true);
  });
});

describe('server killed (SIGKILL)', () => {
  it('fails every call fast with store_unavailable, then works again after restart with the same store', async () => {
    await store.set('before', 'yes');
    await server.kill();
    const outcomes: Outcome<unknown>[] = [];
    const calls: Array<() => Promise<unknown>> = [
      () => store.get('before'),
      () => store.set('x', 'y'),
      () => store.increment('n'),
      () => store.delete('x'),
      () => store.run(counterScript, ['c'], ['1']),
    ];
    for (const call of calls) {
      outcomes.push(await timed(call));
    }
    // And a burst of concurrent calls while it is down.
    outcomes.push(...(await Promise.all(Array.from({ length: 50 }, () => timed(() => store.increment('burst'))))));
    for (const outcome of outcomes) {
      expect(outcome.code).toBe('store_unavailable');
      expect(outcome.milliseconds).toBeLessThan(bound);
    }
    const error = outcomes[0]?.error as Error;
    expect(error.message).not.toContain('127.0.0.1');
    expect(error.message).not.toContain(String(server.port));
    expect((error as { status?: number }).status).toBe(503);

    // Still down a while later (the client keeps reconnecting in the background): still fast failures.
    await sleep(600);
    const later = await timed(() => store.get('before'));
    expect(later.code).toBe('store_unavailable');
    expect(later.milliseconds).toBeLessThan(bound);

    await server.restart();
    await eventually(() => store.set('after', 'yes'), 10_000);
    expect(await store.get('after')).toBe('yes');
    expect(await store.increment('n')).toBe(1);
    expect(logger.entries.some((entry) => entry.message.includes('disconnected'))).toBe(true);
    expect(logger.entries.some((entry) => entry.message.includes('reconnected'))).toBe(true);
  });
});

describe('server hung (SIGSTOP)', () => {
  it('rejects every call within the bound while paused and recovers after SIGCONT', async () => {
    await store.set('k', 'v');
    server.pause();
    const outcomes = [];
    const pausedAt = Date.now();
    // Sequential calls for 2.5 s (past the socket timeout, so both the timing-out and the dropped-connection
    // phases are covered), plus concurrent bursts.
    while (Date.now() - pausedAt < 2_500) {
      outcomes.push(await timed(() => store.get('k')));
      outcomes.push(
        ...(await Promise.all(Array.from({ length: 10 }, () => timed(() => store.run(counterScript, ['c'], ['1']))))),
      );
      await sleep(25);
    }
    expect(outcomes.length).toBeGreaterThan(20);
    for (const outcome of outcomes) {
      expect(['store_timeout', 'store_unavailable']).toContain(outcome.code);
      expect(outcome.milliseconds).toBeLessThan(bound);
    }
    // The first calls hit a live socket to a silent server: they time out.
    expect(outcomes[0]?.code).toBe('store_timeout');

    server.resume();
    expect(await eventually(() => store.get('k'), 10_000)).toBe('v');
    // No write attempted while paused was applied twice or lost silently: the counter only holds what
    // reached the server, and the store counts on from there.
    const after = await store.run(counterScript, ['c'], ['1']);
    expect(after).toBeGreaterThanOrEqual(1);
  });
});

describe('startup and shutdown', () => {
  it('waits for the first connection: a store used right after creation works', async () => {
    const fresh = createRedisStore({ url: server.url, commandTimeoutMs: 2_000 });
    try {
      await fresh.set('fresh', '1');
      expect(await fresh.get('fresh')).toBe('1');
    } finally {
      await fresh.close();
    }
  });

  it('a store whose server never answers rejects within the timeout', async () => {
    const port = server.port;
    await server.kill();
    const orphan = createRedisStore({ url: `redis://127.0.0.1:${port}`, commandTimeoutMs });
    try {
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => timed(() => orphan.get('x'))));
      for (const outcome of outcomes) {
        expect(['store_timeout', 'store_unavailable']).toContain(outcome.code);
        expect(outcome.milliseconds).toBeLessThan(bound);
      }
    } finally {
      await orphan.close();
      await server.restart();
    }
  });

  it('after close, calls reject with store_unavailable', async () => {
    const closing = createRedisStore({ url: server.url, commandTimeoutMs });
    await closing.set('a', '1');
    await closing.close();
    const outcome = await timed(() => closing.get('a'));
    expect(outcome.code).toBe('store_unavailable');
  });
});
