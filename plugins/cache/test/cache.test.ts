import { createMemoryStore, type Store } from '@switchyard/core';
import { GatewayError } from '@switchyard/spec';
import { openaiChunks } from '@switchyard/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { chat, closeAll, question, RecordingLogger, settle, startHarness } from './helpers.js';

afterEach(closeAll);

describe('exact cache', () => {
  it('answers the second identical request from the cache, byte for byte, and marks both', async () => {
    const { gateway, chatCalls } = await startHarness();
    const first = await chat(gateway, question('What is a switchyard?'));
    const firstText = await first.text();
    expect(first.headers.get('x-switchyard-cache')).toBe('miss');
    await settle();
    const second = await chat(gateway, question('What is a switchyard?'));
    expect(second.status).toBe(200);
    expect(second.headers.get('x-switchyard-cache')).toBe('hit');
    expect(second.headers.get('x-switchyard-source')).toBe('cache');
    expect(await second.text()).toBe(firstText);
    expect(chatCalls()).toBe(1);
  });

  it('treats requests that differ only in key order, stream options or user as the same', async () => {
    const { gateway, chatCalls } = await startHarness();
    await (
      await chat(gateway, { model: 'openai/gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content: 'hi' }] })
    ).text();
    await settle();
    const reordered = await chat(gateway, {
      messages: [{ content: 'hi', role: 'user' }],
      temperature: 0,
      user: 'end-user-7',
      model: 'openai/gpt-4o-mini',
    });
    expect(reordered.headers.get('x-switchyard-cache')).toBe('hit');
    expect(chatCalls()).toBe(1);
    const hotter = await chat(gateway, {
      model: 'openai/gpt-4o-mini',
      temperature: 0.7,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(hotter.headers.get('x-switchyard-cache')).toBe('miss');
    expect(chatCalls()).toBe(2);
  });

  it('replays a streamed answer as the same SSE bytes the first client received', async () => {
    const { gateway, upstream, chatCalls } = await startHarness();
    upstream.script({
      kind: 'sse',
      events: openaiChunks({
        id: 'chatcmpl-stream-1',
        created: 1_700_000_123,
        content: ['Hel', 'lo', ' wor', 'ld'],
        usage: { prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 },
      }),
    });
    const body = question('Say hello', { stream: true });
    const first = await chat(gateway, body);
    const firstText = await first.text();
    expect(firstText).toContain('data: [DONE]');
    await settle();
    const second = await chat(gateway, body);
    expect(second.headers.get('x-switchyard-cache')).toBe('hit');
    expect(second.headers.get('content-type')).toContain('text/event-stream');
    expect(await second.text()).toBe(firstText);
    expect(chatCalls()).toBe(1);

    // With usage asked for, the same recording includes the usage chunk the upstream sent.
    const withUsage = await chat(gateway, { ...body, stream_options: { include_usage: true } });
    const withUsageText = await withUsage.text();
    expect(withUsage.headers.get('x-switchyard-cache')).toBe('hit');
    expect(withUsageText).toContain('"total_tokens":8');
    expect(chatCalls()).toBe(1);
  });

  it('replays in the Anthropic dialect what an Anthropic client got the first time', async () => {
    const { gateway, chatCalls } = await startHarness();
    const body = { model: 'openai/gpt-4o-mini', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Bonjour' }] };
    const first = await chat(gateway, body, { path: '/v1/messages', headers: { 'anthropic-version': '2023-06-01' } });
    const firstText = await first.text();
    expect(firstText).toContain('event: message_stop');
    await settle();
    const second = await chat(gateway, body, { path: '/v1/messages', headers: { 'anthropic-version': '2023-06-01' } });
    expect(second.headers.get('x-switchyard-cache')).toBe('hit');
    expect(await second.text()).toBe(firstText);
    expect(chatCalls()).toBe(1);
  });

  it('answers a streamed request from a cached completion and a plain one from a cached stream', async () => {
    const { gateway, chatCalls } = await startHarness();
    const plain = await (await chat(gateway, question('first question'))).json();
    await settle();
    const streamed = await chat(gateway, question('first question', { stream: true }));
    expect(streamed.headers.get('x-switchyard-cache')).toBe('hit');
    const sse = await streamed.text();
    const content = sse
      .split('\n\n')
      .filter((frame) => frame.startsWith('data: {'))
      .map((frame) => JSON.parse(frame.slice(6)))
      .flatMap((chunk) => chunk.choices.map((choice: { delta: { content?: string } }) => choice.delta.content ?? ''))
      .join('');
    expect(content).toBe(plain.choices[0].message.content);
    expect(sse.endsWith('data: [DONE]\n\n')).toBe(true);

    await (await chat(gateway, question('second question', { stream: true }))).text();
    await settle();
    const assembled = await chat(gateway, question('second question'));
    expect(assembled.headers.get('x-switchyard-cache')).toBe('hit');
    const completion = await assembled.json();
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0].message.content).toBe('echo: second question');
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(chatCalls()).toBe(2);
  });

  it('keeps tenants apart: another team never gets an entry, a teammate does', async () => {
    const { gateway, chatCalls } = await startHarness();
    await (await chat(gateway, question('team secret plan'), { key: 'alice' })).text();
    await settle();
    const bob = await chat(gateway, question('team secret plan'), { key: 'bob' });
    expect(bob.headers.get('x-switchyard-cache')).toBe('miss');
    const anonymous = await chat(gateway, question('team secret plan'));
    expect(anonymous.headers.get('x-switchyard-cache')).toBe('miss');
    const carol = await chat(gateway, question('team secret plan'), { key: 'carol' });
    expect(carol.headers.get('x-switchyard-cache')).toBe('hit');
    expect(chatCalls()).toBe(3);
  });

  it('expires entries after the TTL', async () => {
    const { gateway, advance, chatCalls } = await startHarness({ ttlSeconds: 60 });
    await (await chat(gateway, question('ttl'))).text();
    await settle();
    advance(59_000);
    expect((await chat(gateway, question('ttl'))).headers.get('x-switchyard-cache')).toBe('hit');
    advance(2_000);
    expect((await chat(gateway, question('ttl'))).headers.get('x-switchyard-cache')).toBe('miss');
    expect(chatCalls()).toBe(2);
  });

  it('is opt-in: only configured models, opted-in keys, or requests that ask', async () => {
    const { gateway, chatCalls } = await startHarness({ models: ['openai/gpt-4o'], keys: ['blue'] });
    const uncached = question('opt in');
    await (await chat(gateway, uncached)).text();
    await settle();
    const again = await chat(gateway, uncached);
    expect(again.headers.get('x-switchyard-cache')).toBeNull();
    expect(chatCalls()).toBe(2);

    await (await chat(gateway, uncached, { key: 'bob' })).text();
    await settle();
    expect((await chat(gateway, uncached, { key: 'bob' })).headers.get('x-switchyard-cache')).toBe('hit');

    await (await chat(gateway, uncached, { headers: { 'x-switchyard-cache': 'on' } })).text();
    await settle();
    expect((await chat(gateway, uncached, { headers: { 'x-switchyard-cache': 'on' } })).headers.get('x-switchyard-cache')).toBe(
      'hit',
    );

    const configured = { ...uncached, model: 'openai/gpt-4o' };
    await (await chat(gateway, configured)).text();
    await settle();
    expect((await chat(gateway, configured)).headers.get('x-switchyard-cache')).toBe('hit');
  });

  it('honours off, refresh and a key that turns caching off', async () => {
    const { gateway, chatCalls } = await startHarness();
    await (await chat(gateway, question('modes'))).text();
    await settle();
    const bypass = await chat(gateway, question('modes'), { headers: { 'x-switchyard-cache': 'off' } });
    expect(bypass.headers.get('x-switchyard-cache')).toBe('bypass');
    expect(chatCalls()).toBe(2);
    const refresh = await chat(gateway, question('modes'), { headers: { 'x-switchyard-cache': 'refresh' } });
    expect(refresh.headers.get('x-switchyard-cache')).toBe('refresh');
    const refreshed = await refresh.json();
    expect(chatCalls()).toBe(3);
    await settle();
    const hit = await chat(gateway, question('modes'));
    expect(hit.headers.get('x-switchyard-cache')).toBe('hit');
    expect((await hit.json()).id).toBe(refreshed.id);

    await (await chat(gateway, question('modes'), { key: 'quiet' })).text();
    const quiet = await chat(gateway, question('modes'), { key: 'quiet' });
    expect(quiet.headers.get('x-switchyard-cache')).toBeNull();
    expect(chatCalls()).toBe(5);
  });

  it('never caches errors', async () => {
    const { gateway, upstream, chatCalls } = await startHarness();
    upstream.script({ kind: 'error', status: 400, message: 'bad request', code: 'invalid_value' });
    const failed = await chat(gateway, question('error please'));
    expect(failed.status).toBe(400);
    expect(failed.headers.get('x-switchyard-cache')).toBe('miss');
    await settle();
    const retried = await chat(gateway, question('error please'));
    expect(retried.status).toBe(200);
    expect(retried.headers.get('x-switchyard-cache')).toBe('miss');
    expect(chatCalls()).toBe(2);
  });

  it('never caches a truncated stream, a stream without a finish reason, or one the client abandoned', async () => {
    const { gateway, upstream, chatCalls } = await startHarness();
    const body = question('cut', { stream: true });
    // Every chunk, the finish reason included, then the connection drops before the end of the stream.
    const events = openaiChunks({ content: ['a', 'b', 'c'] });
    upstream.script({ kind: 'sse', events, cutAfter: events.length });
    const cut = await (await chat(gateway, body)).text();
    expect(cut).toContain('"finish_reason":"stop"');
    expect(cut).toContain('"error"');
    await settle();
    upstream.script({ kind: 'sse', events: openaiChunks({ content: ['a', 'b'] }).slice(0, 3) });
    const unfinished = await chat(gateway, body);
    expect(unfinished.headers.get('x-switchyard-cache')).toBe('miss');
    await unfinished.text();
    await settle();

    upstream.script({ kind: 'sse', events: openaiChunks({ content: ['x', 'y', 'z'] }), delayMs: 30 });
    const abandoned = await chat(gateway, body);
    const reader = abandoned.body?.getReader();
    await reader?.read();
    await reader?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 150));

    const after = await chat(gateway, body);
    expect(after.headers.get('x-switchyard-cache')).toBe('miss');
    await after.text();
    expect(chatCalls()).toBe(4);
  });

  it('keeps the state for the ledger', async () => {
    const seen: unknown[] = [];
    const { gateway } = await startHarness({
      extraMiddleware: [
        {
          name: 'ledger',
          async handle(context, next) {
            await next();
            seen.push({ ...context.state.cache });
          },
        },
      ],
    });
    await (await chat(gateway, question('ledger'))).text();
    await settle();
    await (await chat(gateway, question('ledger'))).text();
    expect(seen).toEqual([
      { status: 'miss', key: expect.stringMatching(/^[0-9a-f]{64}$/) },
      { status: 'hit', key: (seen[0] as { key: string }).key },
    ]);
  });
});

describe('store outages', () => {
  it('serves from the upstream, marks a miss and logs once per outage', async () => {
    const failing: Store = {
      get: async () => {
        throw new GatewayError({ message: 'store down', kind: 'unavailable', status: 503 });
      },
      set: async () => {
        throw new GatewayError({ message: 'store down', kind: 'unavailable', status: 503 });
      },
      delete: async () => {
        throw new Error('store down');
      },
      increment: async () => {
        throw new Error('store down');
      },
      run: async () => {
        throw new Error('store down');
      },
      close: async () => {},
    };
    const logger = new RecordingLogger();
    const { gateway, chatCalls } = await startHarness({ store: failing, logger });
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await chat(gateway, question('outage'));
      expect(response.status).toBe(200);
      expect(response.headers.get('x-switchyard-cache')).toBe('miss');
      await response.text();
    }
    await settle();
    expect(chatCalls()).toBe(5);
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('cache store unavailable');
  });

  it('logs the recovery and caches again when the store comes back', async () => {
    const inner = createMemoryStore();
    let down = true;
    const flaky: Store = {
      get: (key) => (down ? Promise.reject(new Error('down')) : inner.get(key)),
      set: (key, value, options) => (down ? Promise.reject(new Error('down')) : inner.set(key, value, options)),
      delete: (key) => inner.delete(key),
      increment: (key, by, options) => (down ? Promise.reject(new Error('down')) : inner.increment(key, by, options)),
      run: (script, keys, args) => inner.run(script, keys, args),
      close: () => inner.close(),
    };
    const logger = new RecordingLogger();
    const { gateway } = await startHarness({ store: flaky, logger });
    await (await chat(gateway, question('flaky'))).text();
    down = false;
    await (await chat(gateway, question('flaky'))).text();
    await settle();
    expect((await chat(gateway, question('flaky'))).headers.get('x-switchyard-cache')).toBe('hit');
    expect(logger.lines.map((line) => line.message)).toEqual([
      'cache store unavailable; cache lookups count as misses',
      'cache store recovered',
    ]);
  });
});
