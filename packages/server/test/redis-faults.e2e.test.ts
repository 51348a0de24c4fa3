/**
 * Redis paused (SIGSTOP) and killed under a gateway with keys, budgets and rate limits on it: each
 * middleware follows its fail policy, no request waits much past the store's command timeout, and the
 * gateway recovers on its own once Redis is back.
 */
import { createJsonLogger, type Gateway } from '@switchyard/core';
import { type FakeOpenAI, type RedisServer, startFakeOpenAI, startRedisServer } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayFromConfig } from '../src/gateway-from-config.js';
import { parseConfig } from '../src/load-config.js';

const adminKey = 'admin-faults-0123456789';
const configKey = 'config-key-faults-0123456789';
const COMMAND_TIMEOUT_MS = 150;
let redis: RedisServer;
let upstream: FakeOpenAI;
let closedPolicy: Gateway;
let openPolicy: Gateway;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

function gatewayWith(budgetFailMode: 'open' | 'closed', authFailMode: 'open' | 'closed'): Gateway {
  const config = parseConfig(
    {
      server: { logLevel: 'silent' },
      store: { type: 'redis', url: redis.url, commandTimeoutMs: COMMAND_TIMEOUT_MS, maxReconnectDelayMs: 100 },
      providers: { openai: { apiKey: 'sk-up-000000000000', baseURL: upstream.url } },
      auth: {
        adminKey,
        failMode: authFailMode,
        cacheTtlMs: 0,
        keys: [{ id: 'cfg', name: 'cfg', key: configKey, limits: { rpm: 10_000 }, budgets: [{ window: 'month', usd: 100 }] }],
      },
      cost: { budgets: { failMode: budgetFailMode } },
    },
    {},
  );
  return gatewayFromConfig(config, { env: {}, logger: createJsonLogger({ level: 'silent' }) });
}

async function call(gateway: Gateway, key: string) {
  const started = performance.now();
  const response = await gateway.fetch(
    new Request('http://gw.test/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'ping' }] }),
    }),
  );
  const body = (await response.json()) as { error?: { code?: string } };
  return { status: response.status, code: body.error?.code, headers: response.headers, ms: performance.now() - started };
}

async function issueKey(gateway: Gateway): Promise<string> {
  const response = await gateway.fetch(
    new Request('http://gw.test/admin/keys', {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ name: 'api-key' }),
    }),
  );
  return ((await response.json()) as { key: string }).key;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the gateway did not recover in time');
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  redis = await startRedisServer();
  upstream = await startFakeOpenAI();
  closedPolicy = gatewayWith('closed', 'closed');
  openPolicy = gatewayWith('open', 'open');
});
afterAll(async () => {
  await closedPolicy?.close();
  await openPolicy?.close();
  await upstream?.close();
  await redis?.stop();
  process.off('unhandledRejection', onUnhandled);
});

describe('when Redis hangs or dies', () => {
  it('fails closed on budgets and API keys, open on rate limits, within the timeout, and recovers after SIGCONT', async () => {
    const apiKey = await issueKey(closedPolicy);
    expect((await call(closedPolicy, apiKey)).status).toBe(200);
    expect((await call(closedPolicy, configKey)).status).toBe(200);

    redis.pause();
    try {
      const byApiKey = await call(closedPolicy, apiKey);
      expect(byApiKey).toMatchObject({ status: 503, code: 'auth_unavailable' });
      const byConfigKey = await call(closedPolicy, configKey);
      expect(byConfigKey).toMatchObject({ status: 503, code: 'budget_unavailable' });
      const opened = await call(openPolicy, configKey);
      expect(opened.status).toBe(200);
      expect(opened.headers.get('x-switchyard-budget')).toBe('unavailable');
      expect(opened.headers.get('x-switchyard-rate-limit')).toBe('unavailable');
      for (const result of [byApiKey, byConfigKey, opened]) expect(result.ms).toBeLessThan(COMMAND_TIMEOUT_MS * 4 + 500);
      const unverified = await call(openPolicy, 'sy_abcdefghijkl_not-a-real-secret-at-all');
      expect(unverified.status).toBe(200);
      expect(unverified.headers.get('x-switchyard-auth')).toBe('unverified');
    } finally {
      redis.resume();
    }
    await eventually(async () => (await call(closedPolicy, apiKey)).status === 200);
    expect((await call(closedPolicy, configKey)).status).toBe(200);
  });

  it('fails fast while Redis is down and recovers after a restart, without restarting the gateway', async () => {
    await redis.kill();
    const down = await call(closedPolicy, configKey);
    expect(down).toMatchObject({ status: 503, code: 'budget_unavailable' });
    expect(down.ms).toBeLessThan(COMMAND_TIMEOUT_MS * 4 + 500);
    const opened = await call(openPolicy, configKey);
    expect(opened.status).toBe(200);

    await redis.restart();
    await eventually(async () => (await call(closedPolicy, configKey)).status === 200);
    // Redis came back empty (no persistence in tests): keys issued before are gone, config keys still work.
    expect((await call(openPolicy, configKey)).headers.get('x-switchyard-budget')).toBeNull();
    expect(unhandled).toEqual([]);
  });
});
