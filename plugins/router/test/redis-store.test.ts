/**
 * The router on the Redis store: two gateways (as two processes would) sharing one real Redis share
 * circuit-breaker state and per-deployment RPM admission, and the router's Lua scripts give exactly what
 * their in-memory twins give (the Store's result convention), checked on random operation sequences.
 */
import { createMemoryStore, type Store } from '@switchyard/core';
import { createRedisStore } from '@switchyard/store-redis';
import { type RedisServer, startRedisServer } from '@switchyard/testkit';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCircuitBreakers, DeploymentStats } from '../src/index.js';
import { createScope, postChat, sleep } from './harness.js';

const scope = createScope();
afterEach(() => scope.closeAll());

let redis: RedisServer;
const stores: Store[] = [];
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  for (const store of stores.splice(0)) await store.close();
  await redis.stop();
});

/** A store of its own (its own connection), as each gateway process would have; `keyPrefix` isolates tests. */
function redisStore(keyPrefix: string): Store {
  const store = createRedisStore({ url: redis.url, keyPrefix, commandTimeoutMs: 2_000 });
  stores.push(store);
  return store;
}

const unavailable = { kind: 'error' as const, status: 503, message: 'The engine is currently overloaded' };
const targets = [{ model: 'primary/gpt-4o' }, { model: 'backup/gpt-4o-mini' }];

interface Served {
  status: number;
  deployment: string | null;
  skipped: string | null;
}

async function chat(baseURL: string): Promise<Served> {
  const response = await postChat(baseURL, { model: 'smart' });
  await response.arrayBuffer();
  return {
    status: response.status,
    deployment: response.headers.get('x-switchyard-deployment'),
    skipped: response.headers.get('x-switchyard-skipped'),
  };
}

describe('two gateways sharing one Redis store', () => {
  it('share circuit-breaker state: failures seen by one open the breaker for the other', async () => {
    const primary = await scope.fake();
    const backup = await scope.fake();
    primary.script(...Array.from({ length: 50 }, () => unavailable));
    const prefix = 'breakers:';
    const common = {
      upstreams: { primary: primary.url, backup: backup.url },
      aliases: { smart: { targets, retry: { maxRetries: 0 } } },
      breaker: { consecutiveFailures: 3, cooldownMs: 60_000, minRequests: 1_000 },
    };
    const first = await scope.gateway({ ...common, store: redisStore(prefix) });
    const second = await scope.gateway({ ...common, store: redisStore(prefix) });

    // Three failures through the first gateway open the primary's breaker.
    for (let index = 0; index < 3; index++) {
      expect(await chat(first.baseURL)).toMatchObject({ status: 200, deployment: 'backup/gpt-4o-mini' });
    }
    expect(primary.requests).toHaveLength(3);

    // The second gateway never saw a failure, yet skips the primary: the breaker is shared.
    for (let index = 0; index < 5; index++) {
      expect(await chat(second.baseURL)).toEqual({
        status: 200,
        deployment: 'backup/gpt-4o-mini',
        skipped: 'primary/gpt-4o=breaker-open',
      });
    }
    expect(primary.requests).toHaveLength(3);
  });

  it('a gateway on its own memory store does not see the other gateway’s breaker (the control)', async () => {
    const primary = await scope.fake();
    const backup = await scope.fake();
    primary.script(...Array.from({ length: 50 }, () => unavailable));
    const common = {
      upstreams: { primary: primary.url, backup: backup.url },
      aliases: { smart: { targets, retry: { maxRetries: 0 } } },
      breaker: { consecutiveFailures: 3, cooldownMs: 60_000, minRequests: 1_000 },
    };
    const first = await scope.gateway({ ...common, store: redisStore('control:') });
    const second = await scope.gateway({ ...common, store: createMemoryStore() });
    for (let index = 0; index < 3; index++) await chat(first.baseURL);
    expect(await chat(second.baseURL)).toMatchObject({ status: 200, skipped: null });
    expect(primary.requests).toHaveLength(4);
  });

  it('share RPM admission: concurrent traffic through both gateways sends the deployment exactly its rpm', async () => {
    // The RPM window is the calendar minute: do not start in its last seconds.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 55_000) await sleep(60_000 - intoMinute + 50);
    const primary = await scope.fake();
    const backup = await scope.fake();
    const prefix = 'rpm:';
    const common = {
      upstreams: { primary: primary.url, backup: backup.url },
      aliases: { smart: { targets: [{ model: 'primary/gpt-4o', rpm: 7 }, { model: 'backup/gpt-4o-mini' }] } },
    };
    const first = await scope.gateway({ ...common, store: redisStore(prefix) });
    const second = await scope.gateway({ ...common, store: redisStore(prefix) });

    const served = await Promise.all(
      Array.from({ length: 24 }, (_, index) => chat(index % 2 === 0 ? first.baseURL : second.baseURL)),
    );
    expect(served.every((response) => response.status === 200)).toBe(true);
    expect(primary.requests).toHaveLength(7);
    expect(backup.requests).toHaveLength(17);
    expect(served.filter((response) => response.deployment === 'primary/gpt-4o')).toHaveLength(7);
    expect(served.filter((response) => response.skipped === 'primary/gpt-4o=rpm-limit')).toHaveLength(17);
  });
});

describe('the router’s scripts give the same answers on Redis as in memory', () => {
  const outcome = fc.constantFrom('success' as const, 'failure' as const, 'neutral' as const);
  const operation = fc.oneof(
    fc.record({ kind: fc.constant('acquire' as const) }),
    fc.record({ kind: fc.constant('record' as const), outcome, asProbe: fc.boolean() }),
    fc.record({ kind: fc.constant('wait' as const), milliseconds: fc.integer({ min: 0, max: 4_000 }) }),
  );
  let runId = 0;

  it('circuit breakers: acquire/record sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 40 }), async (operations) => {
        runId += 1;
        const clock = { time: 1_763_900_000_000 };
        const now = () => clock.time;
        const config = {
          consecutiveFailures: 3,
          errorRate: 0.5,
          minRequests: 4,
          windowMs: 5_000,
          cooldownMs: 1_000,
          maxCooldownMs: 4_000,
          halfOpenProbes: 2,
        };
        const memory = createCircuitBreakers(createMemoryStore({ now }), config, now);
        const onRedis = createCircuitBreakers(redisStore(`equivalence-${runId}:`), config, now);
        let lastProbe = 0;
        for (const step of operations) {
          if (step.kind === 'wait') {
            clock.time += step.milliseconds;
          } else if (step.kind === 'acquire') {
            const expected = await memory.acquire('d');
            expect(await onRedis.acquire('d')).toEqual(expected);
            if (expected.allowed && expected.probe > 0) lastProbe = expected.probe;
          } else {
            const probe = step.asProbe ? lastProbe : 0;
            await memory.record('d', step.outcome, probe);
            await onRedis.record('d', step.outcome, probe);
          }
        }
        // And the final state admits the same.
        expect(await onRedis.acquire('d')).toEqual(await memory.acquire('d'));
      }),
      { numRuns: 40 },
    );
  });

  it('deployment RPM admission: the same admissions for the same sequence', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 10 }),
        async (limits, rpm) => {
          runId += 1;
          const now = () => 1_763_900_000_000;
          const memory = new DeploymentStats(createMemoryStore({ now }), now);
          const onRedis = new DeploymentStats(redisStore(`admission-${runId}:`), now);
          for (const limit of limits) {
            const deployment = `d${limit % 2}`;
            expect(await onRedis.admitRequest(deployment, rpm + limit)).toBe(await memory.admitRequest(deployment, rpm + limit));
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
