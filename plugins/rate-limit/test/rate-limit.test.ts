import {
  createGateway,
  createMemoryStore,
  type Gateway,
  type Middleware,
  type Principal,
  type Store,
  silentLogger,
} from '@switchyard/core';
import { createMockProvider } from '@switchyard/provider-mock';
import { GatewayError } from '@switchyard/spec';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { admitScript, formatDuration, PERIOD_MS, type RateLimitOptions, rateLimit } from '../src/index.js';

const gateways: Gateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

/** Stands in for the auth middleware: the caller named by the `x-test-key` header. */
function principalFrom(principals: Record<string, Principal>): Middleware {
  return {
    name: 'auth',
    async handle(context, next) {
      const key = context.http.headers['x-test-key'];
      if (key) context.state.principal = principals[key];
      await next();
    },
  };
}

function setup(options: Partial<RateLimitOptions> & { principals?: Record<string, Principal> } = {}) {
  let now = Date.parse('2026-11-23T12:00:00Z');
  const store = options.store ?? createMemoryStore({ now: () => now });
  const gateway = createGateway({
    providers: [createMockProvider()],
    middleware: [principalFrom(options.principals ?? {}), rateLimit({ store, now: () => now, ...options })],
    logger: silentLogger,
  });
  gateways.push(gateway);
  return {
    gateway,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function chat(gateway: Gateway, key: string | undefined, body: Record<string, unknown> = {}, path = '/v1/chat/completions') {
  return gateway.fetch(
    new Request(`http://gw.test${path}`, {
      method: 'POST',
      headers: key ? { 'x-test-key': key } : {},
      body: JSON.stringify({ model: 'mock/echo', max_tokens: 16, messages: [{ role: 'user', content: 'hello there' }], ...body }),
    }),
  );
}

const teamKeys: Record<string, Principal> = {
  a1: { keyId: 'a1', team: 'a', limits: { rpm: 3 } },
  a2: { keyId: 'a2', team: 'a', limits: { rpm: 100 } },
  t: { keyId: 't', limits: { tpm: 1000 } },
};

describe('requests per minute', () => {
  it('admits the limit, then refuses with 429, Retry-After and the OpenAI headers, and refills at the rate', async () => {
    const { gateway, advance } = setup({ principals: teamKeys });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i += 1) {
      last = await chat(gateway, 'a1');
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last?.headers.get('retry-after')).toBe('20');
    expect(last?.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect(last?.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const body = (await last?.json()) as { error: { code: string; message: string; type: string } };
    expect(body.error).toMatchObject({ code: 'rate_limit_exceeded' });
    expect(body.error.message).toContain('3 requests per minute for key a1');

    advance(20_000);
    const refilled = await chat(gateway, 'a1');
    expect(refilled.status).toBe(200);
    expect(refilled.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(refilled.headers.get('x-ratelimit-reset-requests')).toBe('1m0s');
  });

  it('shares a team limit between the team keys and limits models gateway-wide', async () => {
    const { gateway } = setup({ principals: teamKeys, teams: { a: { rpm: 4 } }, models: { 'mock/fixed': { rpm: 1 } } });
    const statuses = [];
    for (const key of ['a2', 'a2', 'a2', 'a2', 'a2']) statuses.push((await chat(gateway, key)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect((await chat(gateway, undefined, { model: 'mock/fixed' })).status).toBe(200);
    expect((await chat(gateway, undefined, { model: 'mock/fixed' })).status).toBe(429);
    expect((await chat(gateway, undefined)).status).toBe(200);
  });

  it('answers in the client dialect (Anthropic)', async () => {
    const { gateway } = setup({ principals: teamKeys });
    for (let i = 0; i < 3; i += 1) await chat(gateway, 'a1', {}, '/v1/messages');
    const refused = await chat(gateway, 'a1', {}, '/v1/messages');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('20');
    expect(await refused.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
  });
});

describe('tokens per minute', () => {
  it('charges an estimate up front and settles to the real usage afterwards', async () => {
    const { gateway } = setup({ principals: teamKeys });
    const first = await chat(gateway, 't', { max_tokens: 500 });
    expect(first.status).toBe(200);
    // The estimate included room for 500 output tokens.
    expect(Number(first.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThan(500);
    const usage = ((await first.json()) as { usage: { total_tokens: number } }).usage.total_tokens;
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = await chat(gateway, 't', { max_tokens: 1 });
    // After settling, only the real usage of the first request (and this one's estimate) is charged.
    expect(Number(second.headers.get('x-ratelimit-remaining-tokens'))).toBeGreaterThan(1000 - usage - 20);
  });

  it('refuses a request that could never fit the token limit, without retry', async () => {
    const { gateway } = setup({ principals: teamKeys });
    const refused = await chat(gateway, 't', { max_tokens: 5000 });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-should-retry')).toBe('false');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('tokens_exceed_limit');
  });
});

describe('when the store fails', () => {
  const broken: Store = {
    ...createMemoryStore(),
    async run() {
      throw new GatewayError({ message: 'down', kind: 'unavailable', status: 503, code: 'store_unavailable' });
    },
  };

  it('fails open by default, marking the response', async () => {
    const { gateway } = setup({ principals: teamKeys, store: broken });
    const response = await chat(gateway, 'a1');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-rate-limit')).toBe('unavailable');
  });

  it('fails closed when configured', async () => {
    const { gateway } = setup({ principals: teamKeys, store: broken, failMode: 'closed' });
    const response = await chat(gateway, 'a1');
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('rate_limit_unavailable');
  });
});

describe('GCRA', () => {
  it('never admits more than limit + span × rate over any span, and always admits after a full idle period', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 15_000 }), { minLength: 1, maxLength: 120 }),
        async (limit, gaps) => {
          let now = 0;
          const store = createMemoryStore({ now: () => now });
          const admitted: number[] = [];
          for (const gap of gaps) {
            now += gap;
            const [ok] = await store.run(admitScript, ['b'], [String(now), String(limit), '1']);
            if (gap >= PERIOD_MS) expect(ok).toBe(1);
            if (ok === 1) admitted.push(now);
          }
          const interval = PERIOD_MS / limit;
          // A bucket of `limit` refilled at one per interval: n admissions spanning s ms need n ≤ limit + s / interval.
          for (let i = 0; i < admitted.length; i += 1) {
            for (let j = i; j < admitted.length; j += 1) {
              const span = (admitted[j] ?? 0) - (admitted[i] ?? 0);
              expect(j - i + 1).toBeLessThanOrEqual(limit + span / interval + 1e-9);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('formats reset durations like OpenAI', () => {
    expect(formatDuration(20)).toBe('20ms');
    expect(formatDuration(1000)).toBe('1s');
    expect(formatDuration(59_500)).toBe('1m0s');
    expect(formatDuration(90_000)).toBe('1m30s');
  });
});
