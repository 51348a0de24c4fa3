import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI } from './fake-openai.js';
import { openaiChunks, openaiCompletion } from './openai-fixtures.js';
import type { FakeOpenAI, OpenAIErrorBody } from './types.js';

const chatBody = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

function postChat(upstream: FakeOpenAI, init: { signal?: AbortSignal } = {}) {
  return fetch(`${upstream.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: chatBody,
    ...init,
  });
}

async function eventually(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Reads a body to its end; returns the text received and the error that ended it, if any. */
async function readToEnd(response: Response): Promise<{ text: string; error: unknown }> {
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let text = '';
  if (reader === undefined) return { text, error: undefined };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, error: undefined };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}

describe('scripted responses', () => {
  let upstream: FakeOpenAI;
  beforeAll(async () => {
    upstream = await startFakeOpenAI();
  });
  afterEach(() => upstream.reset());
  afterAll(() => upstream.close());

  it('plays the queue in order on POST requests, then falls back to the defaults', async () => {
    upstream.script(
      { kind: 'json', body: openaiCompletion({ content: 'first' }), headers: { 'x-extra': '1' } },
      { kind: 'json', status: 202, body: { second: true }, delayMs: 30 },
    );
    const models = await fetch(`${upstream.url}/models`);
    expect(models.status).toBe(200);
    await models.text();

    const first = await postChat(upstream);
    expect(first.headers.get('x-extra')).toBe('1');
    expect(first.headers.get('x-request-id')).toBe('req_fake_2');
    expect(((await first.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBe(
      'first',
    );
    const startedAt = Date.now();
    const second = await postChat(upstream);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(25);
    expect(second.status).toBe(202);
    expect(await second.json()).toEqual({ second: true });
    const third = await postChat(upstream);
    expect(((await third.json()) as { object: string }).object).toBe('chat.completion');
  });

  it('answers a scripted OpenAI error with its headers', async () => {
    upstream.script({
      kind: 'error',
      status: 429,
      message: 'Slow down',
      code: 'rate_limit_exceeded',
      headers: { 'retry-after': '2' },
    });
    const response = await postChat(upstream);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect((await response.json()) as OpenAIErrorBody).toEqual({
      error: { message: 'Slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' },
    });
  });

  it('answers raw bodies as-is', async () => {
    upstream.script({ kind: 'raw', status: 502, headers: { 'content-type': 'text/html' }, body: '<html>Bad gateway</html>' });
    const response = await postChat(upstream);
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toBe('<html>Bad gateway</html>');
  });

  it('streams scripted events, strings as-is, with delays and [DONE]', async () => {
    upstream.script({
      kind: 'sse',
      events: [...openaiChunks({ content: ['a', 'b'] }), '{"raw":true}'],
      firstByteDelayMs: 40,
      delayMs: 5,
    });
    const startedAt = Date.now();
    const response = await postChat(upstream);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(35);
    const { text, error } = await readToEnd(response);
    expect(error).toBeUndefined();
    const blocks = text.split('\n\n').filter((block) => block.length > 0);
    expect(blocks).toHaveLength(6);
    expect(blocks.at(-2)).toBe('data: {"raw":true}');
    expect(blocks.at(-1)).toBe('data: [DONE]');
  });

  it('omits [DONE] when done is false', async () => {
    upstream.script({ kind: 'sse', events: ['x'], done: false });
    expect(await (await postChat(upstream)).text()).toBe('data: x\n\n');
  });

  it('cuts the connection after N events without a terminator', async () => {
    upstream.script({ kind: 'sse', events: ['one', 'two', 'three'], cutAfter: 2 });
    const response = await postChat(upstream);
    expect(response.status).toBe(200);
    const { text, error } = await readToEnd(response);
    expect(text).toBe('data: one\n\ndata: two\n\n');
    expect(error).toBeInstanceOf(Error);
    expect(upstream.aborts).toBe(0);
  });

  it('stalls after N events until the client leaves, and counts the abort', async () => {
    upstream.script({ kind: 'sse', events: ['one', 'two'], stallAfter: 1 });
    const controller = new AbortController();
    const response = await postChat(upstream, { signal: controller.signal });
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toBe('data: one\n\n');
    controller.abort();
    await eventually(() => upstream.aborts === 1);
  });

  it('resets the connection before any header', async () => {
    upstream.script({ kind: 'reset' });
    await expect(postChat(upstream)).rejects.toThrow(TypeError);
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.aborts).toBe(0);
  });

  it('hangs until the client aborts, then counts the abort', async () => {
    upstream.script({ kind: 'hang' });
    const controller = new AbortController();
    const pending = postChat(upstream, { signal: controller.signal });
    await eventually(() => upstream.requests.length === 1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await eventually(() => upstream.aborts === 1);
  });
});

describe('connections and closing', () => {
  it('tracks open connections and sees them close', async () => {
    const upstream = await startFakeOpenAI();
    const agent = new Agent();
    try {
      const response = await request(`${upstream.url}/models`, { dispatcher: agent });
      await response.body.text();
      expect(upstream.openConnections()).toBe(1);
      await agent.close();
      await eventually(() => upstream.openConnections() === 0);
    } finally {
      await upstream.close();
    }
  });

  it('releases hanging and stalled requests and destroys sockets', async () => {
    const upstream = await startFakeOpenAI();
    upstream.script({ kind: 'hang' });
    const hanging = postChat(upstream);
    await eventually(() => upstream.requests.length === 1);
    upstream.script({ kind: 'sse', events: ['a'], stallAfter: 0 });
    const stalled = await postChat(upstream);
    const stalledBody = readToEnd(stalled);
    await upstream.close();
    await expect(hanging).rejects.toThrow();
    expect((await stalledBody).error).toBeInstanceOf(Error);
    await eventually(() => upstream.openConnections() === 0);
    expect(upstream.aborts).toBe(0);
  });
});
