import { createMemoryStore, type Gateway, type ServiceRequest } from '@switchyard/core';
import { authenticationError } from '@switchyard/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { chat, closeAll, question, settle, startHarness } from './helpers.js';

afterEach(closeAll);

const authorizeAdmin = (request: ServiceRequest) => {
  if (request.headers.authorization !== 'Bearer admin-secret')
    throw authenticationError('Admin key required.', { code: 'invalid_admin_key' });
};

function purge(gateway: Gateway, query: string, authorization = 'Bearer admin-secret') {
  return gateway.fetch(new Request(`http://gw.test/admin/cache${query}`, { method: 'DELETE', headers: { authorization } }));
}

async function warm(gateway: Gateway, text: string, key?: string, model = 'openai/gpt-4o-mini') {
  await (await chat(gateway, question(text, { model }), key ? { key } : {})).text();
  await settle();
}

async function status(gateway: Gateway, text: string, key?: string, model = 'openai/gpt-4o-mini') {
  const response = await chat(gateway, question(text, { model }), key ? { key } : {});
  await response.text();
  return response.headers.get('x-switchyard-cache');
}

describe('DELETE /admin/cache', () => {
  it('is mounted only with authorizeAdmin, and refuses non-admins', async () => {
    const without = await startHarness();
    expect((await purge(without.gateway, '')).status).toBe(404);
    const { gateway } = await startHarness({ authorizeAdmin });
    const refused = await purge(gateway, '', 'Bearer nope');
    expect(refused.status).toBe(401);
    expect((await refused.json()).error.code).toBe('invalid_admin_key');
  });

  it('purges one entry by key', async () => {
    const seen: string[] = [];
    const { gateway } = await startHarness({
      authorizeAdmin,
      extraMiddleware: [
        {
          name: 'spy',
          async handle(context, next) {
            await next();
            if (context.state.cache?.key) seen.push(context.state.cache.key);
          },
        },
      ],
    });
    await warm(gateway, 'one');
    await warm(gateway, 'two');
    const response = await purge(gateway, `?key=${seen[0]}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ object: 'cache.purge', key: seen[0], purged: true });
    expect(await status(gateway, 'one')).toBe('miss');
    expect(await status(gateway, 'two')).toBe('hit');
    expect((await purge(gateway, '?key=not-a-key')).status).toBe(400);
    expect((await purge(gateway, `?key=${seen[0]}&model=x`)).status).toBe(400);
  });

  it('purges by tenant, by model, by both, and everything', async () => {
    const { gateway } = await startHarness({ authorizeAdmin });
    const entries: Array<[string, string, string]> = [
      ['q', 'alice', 'openai/gpt-4o-mini'], // tenant red
      ['q', 'bob', 'openai/gpt-4o-mini'], // tenant blue
      ['q', 'alice', 'openai/gpt-4o'],
      ['q', 'bob', 'openai/gpt-4o'],
    ];
    const statuses = async () => Promise.all(entries.map(([text, key, model]) => status(gateway, text, key, model)));
    for (const [text, key, model] of entries) await warm(gateway, text, key, model);
    expect(await statuses()).toEqual(['hit', 'hit', 'hit', 'hit']);

    expect((await purge(gateway, '?tenant=red&model=openai/gpt-4o')).status).toBe(200);
    expect(await statuses()).toEqual(['hit', 'hit', 'miss', 'hit']);
    await settle();

    expect(await (await purge(gateway, '?tenant=blue')).json()).toEqual({
      object: 'cache.purge',
      model: null,
      tenant: 'blue',
      purged: true,
    });
    expect(await statuses()).toEqual(['hit', 'miss', 'hit', 'miss']);
    await settle();

    await purge(gateway, '?model=openai%2Fgpt-4o-mini');
    expect(await statuses()).toEqual(['miss', 'miss', 'hit', 'hit']);
    await settle();

    await purge(gateway, '');
    expect(await statuses()).toEqual(['miss', 'miss', 'miss', 'miss']);
  });

  it('reaches the in-process copies of other instances within the epoch check interval', async () => {
    const store = createMemoryStore();
    const first = await startHarness({ store, authorizeAdmin, epochCheckMs: 1_000 });
    const second = await startHarness({ store, upstream: first.upstream, epochCheckMs: 1_000 });
    const original = await (await chat(first.gateway, question('shared'))).json();
    await settle();
    expect(await status(second.gateway, 'shared')).toBe('hit'); // read from the store, now in second's memory too
    await purge(first.gateway, '?tenant=anonymous');
    const fresh = await (await chat(first.gateway, question('shared'))).json();
    expect(fresh.id).not.toBe(original.id);
    await settle();
    // Within the interval, the other instance may still serve its in-process copy...
    expect((await (await chat(second.gateway, question('shared'))).json()).id).toBe(original.id);
    second.advance(1_001);
    // ...after it, it has seen the purge and serves the entry written in the new namespace.
    const response = await chat(second.gateway, question('shared'));
    expect(response.headers.get('x-switchyard-cache')).toBe('hit');
    expect((await response.json()).id).toBe(fresh.id);
    expect(first.chatCalls()).toBe(2);
  });

  it('answers 503 when the store cannot be reached', async () => {
    const inner = createMemoryStore();
    const { gateway } = await startHarness({
      authorizeAdmin,
      store: { ...inner, increment: () => Promise.reject(new Error('down')), delete: () => Promise.reject(new Error('down')) },
    });
    const response = await purge(gateway, '?tenant=red');
    expect(response.status).toBe(503);
    expect((await response.json()).error.code).toBe('cache_unavailable');
  });
});
