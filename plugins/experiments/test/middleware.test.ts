/**
 * The middleware through a real gateway and fake upstreams: routing to the variant, overrides, the
 * header and state, stickiness, the schedule, requests without a unit, and hand-over to a router alias.
 */
import { createMemoryStore, type Middleware, type Store } from '@switchyard/core';
import { createRouter } from '@switchyard/router';
import type { ProviderV1 } from '@switchyard/spec';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chat, gatewayWith, providersFor, reportAfter, startUpstreams, twoArms, type Upstreams } from './harness.js';

let upstreams: Upstreams;
beforeAll(async () => {
  upstreams = await startUpstreams();
});
afterAll(() => upstreams.close());
beforeEach(() => {
  upstreams.alpha.reset();
  upstreams.beta.reset();
});

/** Finds a user id the hash puts in the wanted variant (deterministic: the first that fits). */
async function userIn(variant: string, experiment = 'test'): Promise<string> {
  const { bucketOf } = await import('../src/index.js');
  for (let index = 0; ; index++) {
    const user = `user-${index}`;
    const bucket = bucketOf(experiment, user);
    if ((variant === 'control') === bucket < 0.5) return user;
  }
}

describe('assignment and routing', () => {
  it('routes a treatment user to the treatment model with its overrides, marks the response and sets state', async () => {
    const { gateway, seen } = gatewayWith(providersFor(upstreams), { experiments: { test: twoArms } });
    const user = await userIn('treatment');
    const response = await chat(gateway, { user, body: { temperature: 0.9 } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-experiment')).toBe('test; variant=treatment');
    expect(upstreams.alpha.requests).toHaveLength(0);
    const sent = upstreams.beta.lastRequest()?.body as Record<string, unknown>;
    expect(sent.model).toBe('gpt-4o');
    expect(sent.temperature).toBe(0.1);
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Answer in one line.' },
      { role: 'user', content: 'hello there' },
    ]);
    expect(seen.at(-1)).toEqual({ experiment: { name: 'test', variant: 'treatment' }, routed: 'beta/gpt-4o', model: 'chat' });
  });

  it('routes a control user to control unchanged', async () => {
    const { gateway } = gatewayWith(providersFor(upstreams), { experiments: { test: twoArms } });
    const response = await chat(gateway, { user: await userIn('control'), body: { temperature: 0.9 } });
    expect(response.headers.get('x-switchyard-experiment')).toBe('test; variant=control');
    expect(upstreams.beta.requests).toHaveLength(0);
    const sent = upstreams.alpha.lastRequest()?.body as Record<string, unknown>;
    expect(sent).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.9, messages: [{ role: 'user', content: 'hello there' }] });
  });

  it('keeps a unit on its variant across calls and across gateway instances sharing nothing', async () => {
    const first = gatewayWith(providersFor(upstreams), { experiments: { test: twoArms } });
    const second = gatewayWith(providersFor(upstreams), { experiments: { test: twoArms } });
    for (let index = 0; index < 40; index++) {
      const user = `sticky-${index}`;
      const variants = new Set<string | null>();
      for (const gateway of [first.gateway, second.gateway, first.gateway]) {
        const response = await chat(gateway, { user });
        await response.arrayBuffer();
        variants.add(response.headers.get('x-switchyard-experiment'));
      }
      expect(variants.size).toBe(1);
    }
    // Both arms were used by the 40 users.
    expect(upstreams.alpha.requests.length).toBeGreaterThan(0);
    expect(upstreams.beta.requests.length).toBeGreaterThan(0);
  });

  it('leaves other models, and requests another middleware already routed, alone', async () => {
    const providers = providersFor(upstreams);
    const alpha = providers[0] as ProviderV1;
    const preRouted: Middleware = {
      name: 'pre-routed',
      async handle(context, next) {
        if (context.http.headers['x-pre-route'] === 'yes') {
          context.route = { requested: 'chat', targets: [{ providerId: 'alpha', provider: alpha, model: 'pinned-model' }] };
        }
        await next();
      },
    };
    const { gateway, seen } = gatewayWith(providers, { experiments: { test: twoArms } }, { before: [preRouted] });
    const other = await chat(gateway, { model: 'alpha/gpt-4o', user: 'anyone' });
    expect(other.headers.get('x-switchyard-experiment')).toBeNull();
    expect(seen.at(-1)).toEqual({ model: 'alpha/gpt-4o' });
    expect(upstreams.alpha.lastRequest()?.body).toMatchObject({ model: 'gpt-4o' });

    const routed = await chat(gateway, { user: await userIn('treatment'), headers: { 'x-pre-route': 'yes' } });
    expect(routed.headers.get('x-switchyard-experiment')).toBeNull();
    expect(seen.at(-1)).toEqual({ model: 'chat', routed: 'alpha/pinned-model' });
    expect(upstreams.beta.requests).toHaveLength(0);
  });

  it('lists the alias in /v1/models', async () => {
    const { gateway } = gatewayWith(providersFor(upstreams), { experiments: { test: twoArms } });
    const models = (await (await gateway.fetch(new Request('http://gateway.test/v1/models'))).json()) as {
      data: Array<{ id: string }>;
    };
    expect(models.data.map((model) => model.id)).toContain('chat');
  });
});

describe('units', () => {
  it('reads a header, a metadata field, a session header or the gateway key', async () => {
    const principal: Middleware = {
      name: 'fake-auth',
      async handle(context, next) {
        const key = context.http.headers['x-test-key'];
        if (key) context.state.principal = { keyId: key };
        await next();
      },
    };
    const cases = [
      { unit: { header: 'X-End-User' }, carry: (value: string) => ({ headers: { 'x-end-user': value } }) },
      { unit: { metadata: 'customer' }, carry: (value: string) => ({ body: { metadata: { customer: value } } }) },
      { unit: 'session', carry: (value: string) => ({ headers: { 'x-session-id': value } }) },
      { unit: 'key', carry: (value: string) => ({ headers: { 'x-test-key': value } }) },
    ] as const;
    for (const { unit, carry } of cases) {
      const { gateway } = gatewayWith(
        providersFor(upstreams),
        { experiments: { test: { ...twoArms, unit } } },
        { before: [principal] },
      );
      const treatmentUnit = await userIn('treatment');
      const controlUnit = await userIn('control');
      const treated = await chat(gateway, carry(treatmentUnit));
      const controlled = await chat(gateway, carry(controlUnit));
      expect(treated.headers.get('x-switchyard-experiment'), JSON.stringify(unit)).toBe('test; variant=treatment');
      expect(controlled.headers.get('x-switchyard-experiment'), JSON.stringify(unit)).toBe('test; variant=control');
      // The `user` field is not this experiment's unit: without the configured unit, control serves, unmarked.
      const without = await chat(gateway, { user: treatmentUnit });
      expect(without.headers.get('x-switchyard-experiment')).toBeNull();
    }
  });

  it('serves requests without the unit from control, uncounted, by default', async () => {
    const store = createMemoryStore();
    const { gateway, middleware, seen } = gatewayWith(providersFor(upstreams), { experiments: { test: twoArms }, store });
    for (let index = 0; index < 5; index++) expect((await chat(gateway)).headers.get('x-switchyard-experiment')).toBeNull();
    expect(upstreams.alpha.requests).toHaveLength(5);
    expect(seen.every((entry) => entry.experiment === undefined && entry.routed === 'alpha/gpt-4o-mini')).toBe(true);
    await chat(gateway, { user: 'someone' });
    const report = await reportAfter(middleware, 'test', 1);
    expect(report.excludedWithoutUnit).toBe(5);
  });

  it('draws a random, counted variant for requests without the unit when asked to', async () => {
    const draws = [0.1, 0.9, 0.2, 0.8];
    const { gateway, middleware } = gatewayWith(providersFor(upstreams), {
      experiments: { test: { ...twoArms, whenUnitMissing: 'random' } },
      random: () => draws.shift() ?? 0,
    });
    const variants = [];
    for (let index = 0; index < 4; index++) variants.push((await chat(gateway)).headers.get('x-switchyard-experiment'));
    expect(variants).toEqual([
      'test; variant=control',
      'test; variant=treatment',
      'test; variant=control',
      'test; variant=treatment',
    ]);
    const report = await reportAfter(middleware, 'test', 4);
    expect(report.variants.map((variant) => variant.requests)).toEqual([2, 2]);
    expect(report.excludedWithoutUnit).toBe(0);
  });
});

describe('store outages', () => {
  it('never fail or delay a request: counting is best effort', async () => {
    const down = (): Promise<never> => Promise.reject(new Error('store unreachable'));
    const brokenStore: Store = { get: down, set: down, delete: down, increment: down, run: down, close: async () => {} };
    const { gateway } = gatewayWith(providersFor(upstreams), { experiments: { test: twoArms }, store: brokenStore });
    const response = await chat(gateway, { user: await userIn('treatment') });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-experiment')).toBe('test; variant=treatment');
    expect((await chat(gateway)).status).toBe(200);
  });
});

describe('schedule', () => {
  it('sends everyone to control, unmarked and uncounted, before start and from stop on', async () => {
    let now = Date.parse('2025-01-01T00:00:00Z');
    const { gateway, middleware } = gatewayWith(providersFor(upstreams), {
      experiments: { test: { ...twoArms, start: '2025-02-01T00:00:00Z', stop: '2025-03-01T00:00:00Z' } },
      now: () => now,
    });
    const user = await userIn('treatment');
    const before = await chat(gateway, { user });
    expect(before.headers.get('x-switchyard-experiment')).toBeNull();
    expect(upstreams.alpha.requests).toHaveLength(1);
    expect((await middleware.report('test')).status).toBe('scheduled');

    now = Date.parse('2025-02-01T00:00:00Z');
    const during = await chat(gateway, { user });
    expect(during.headers.get('x-switchyard-experiment')).toBe('test; variant=treatment');
    expect(upstreams.beta.requests).toHaveLength(1);
    expect((await middleware.report('test')).status).toBe('running');

    now = Date.parse('2025-03-01T00:00:00Z');
    const after = await chat(gateway, { user });
    expect(after.headers.get('x-switchyard-experiment')).toBeNull();
    expect(upstreams.alpha.requests).toHaveLength(2);
    const report = await reportAfter(middleware, 'test', 1);
    expect(report.status).toBe('stopped');
    expect(report.variants.find((variant) => variant.name === 'treatment')?.requests).toBe(1);
  });

  it('routes nothing for a disabled experiment but still reports it', async () => {
    const { gateway, middleware } = gatewayWith(providersFor(upstreams), {
      experiments: { test: { ...twoArms, alias: 'alpha/gpt-4o', enabled: false } },
    });
    const response = await chat(gateway, { model: 'alpha/gpt-4o', user: await userIn('treatment') });
    expect(response.headers.get('x-switchyard-experiment')).toBeNull();
    expect(upstreams.alpha.lastRequest()?.body).toMatchObject({ model: 'gpt-4o' });
    expect((await middleware.report('test')).status).toBe('disabled');
  });
});

describe('models the registry does not know', () => {
  it('hands a router alias on by name, and a variant without a model keeps the alias', async () => {
    const providers = providersFor(upstreams);
    const router = createRouter({
      providers,
      aliases: { chat: { targets: [{ model: 'alpha/gpt-4o-mini' }] }, smart: { targets: [{ model: 'beta/gpt-4o' }] } },
    });
    const { gateway, seen } = gatewayWith(
      providers,
      {
        experiments: {
          test: {
            alias: 'chat',
            variants: { control: {}, treatment: { model: 'smart', params: { seed: 7 } } },
            control: 'control',
          },
        },
      },
      { after: [router.middleware] },
    );
    const treated = await chat(gateway, { user: await userIn('treatment') });
    expect(treated.status).toBe(200);
    expect(seen.at(-1)).toEqual({ experiment: { name: 'test', variant: 'treatment' }, model: 'smart' });
    expect(upstreams.beta.lastRequest()?.body).toMatchObject({ model: 'gpt-4o', seed: 7 });

    const controlled = await chat(gateway, { user: await userIn('control') });
    expect(controlled.status).toBe(200);
    expect(seen.at(-1)).toEqual({ experiment: { name: 'test', variant: 'control' }, model: 'chat' });
    expect(upstreams.alpha.lastRequest()?.body).toMatchObject({ model: 'gpt-4o-mini' });
  });
});
