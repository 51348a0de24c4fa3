import { createGateway, type Gateway, silentLogger } from '@switchyard/core';
import { createMockProvider } from '@switchyard/provider-mock';
import { createOpenAIProvider } from '@switchyard/provider-openai';
import { type FakeOpenAI, openaiChunks, startFakeOpenAI } from '@switchyard/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { edgeRuntimeMessage, switchyardRoute } from './switchyard-route.js';

const upstreamKey = 'sk-test-next-route-0123456789';
const origin = 'http://localhost:3000';
let upstream: FakeOpenAI;
let gateway: Gateway;

beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: upstreamKey });
  gateway = createGateway({
    providers: [createMockProvider(), createOpenAIProvider({ apiKey: upstreamKey, baseURL: upstream.url })],
    maxBodyBytes: 4096,
    logger: silentLogger,
  });
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});
beforeEach(() => upstream.reset());

const chatBody = (content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content }], ...extra });
const postTo = (path: string, body: string, init: RequestInit = {}) =>
  new Request(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, ...init });

describe('switchyardRoute', () => {
  it('serves the gateway below basePath with every exported method', async () => {
    const { GET, POST, DELETE } = switchyardRoute(gateway, { basePath: '/api' });
    const completion = await POST(postTo('/api/v1/chat/completions', chatBody('from a route handler')));
    expect(completion.status).toBe(200);
    expect(completion.headers.get('x-request-id')).toBeTruthy();
    expect((await completion.json()).choices[0].message.content).toBe('echo: from a route handler');
    expect(upstream.lastRequest()?.path).toBe('/v1/chat/completions');

    const models = await GET(new Request(`${origin}/api/v1/models?limit=5`));
    expect(models.status).toBe(200);
    expect((await models.json()).data.map((model: { id: string }) => model.id)).toContain('openai/gpt-4o-mini');

    const wrongMethod = await DELETE(new Request(`${origin}/api/v1/models`, { method: 'DELETE' }));
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
  });

  it('takes other base paths, with or without a trailing slash', async () => {
    for (const basePath of ['/ai/', '/ai', '/nested/gateway']) {
      const { GET } = switchyardRoute(gateway, { basePath });
      const path = basePath.endsWith('/') ? basePath.slice(0, -1) : basePath;
      const response = await GET(new Request(`${origin}${path}/v1/models`));
      expect(response.status).toBe(200);
    }
  });

  it('streams: the Response body is a ReadableStream that delivers chunks before the upstream finished', async () => {
    upstream.script({ kind: 'sse', events: openaiChunks({ content: ['first', 'never'] }), stallAfter: 2 });
    const controller = new AbortController();
    const { POST } = switchyardRoute(gateway);
    const response = await POST(
      postTo('/api/v1/chat/completions', chatBody('x', { stream: true }), { signal: controller.signal }),
    );
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.body).toBeInstanceOf(ReadableStream);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('first')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain('"content":"first"');
    // Next aborts request.signal when the client disconnects and cancels the body: the upstream is released.
    controller.abort();
    await reader.cancel();
    const deadline = performance.now() + 5_000;
    while (upstream.aborts === 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(upstream.aborts).toBe(1);
  });

  it('refuses bodies over the gateway’s limit with 413 in the OpenAI shape', async () => {
    const { POST } = switchyardRoute(gateway);
    const response = await POST(postTo('/api/v1/chat/completions', chatBody('x'.repeat(8192))));
    expect(response.status).toBe(413);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(await response.json()).toMatchObject({ error: { code: 'request_too_large', param: null } });
    expect(upstream.requests).toHaveLength(0);
  });

  it('makes the gateway from a factory on first use only, and again after a failed attempt', async () => {
    let calls = 0;
    const { GET } = switchyardRoute(() => {
      calls++;
      if (calls === 1) throw new Error('not configured yet');
      return gateway;
    });
    expect(calls).toBe(0);
    await expect(GET(new Request(`${origin}/api/v1/models`))).rejects.toThrow('not configured yet');
    expect((await GET(new Request(`${origin}/api/v1/models`))).status).toBe(200);
    expect((await GET(new Request(`${origin}/api/healthz`))).status).toBe(200);
    expect(calls).toBe(2);
  });
});

describe('switchyardRoute on the edge runtime', () => {
  const previous = process.env.NEXT_RUNTIME;
  const errors: unknown[][] = [];
  const consoleError = console.error;
  beforeEach(() => {
    process.env.NEXT_RUNTIME = 'edge';
    console.error = (...args: unknown[]) => void errors.push(args);
  });
  afterEach(() => {
    if (previous === undefined) delete process.env.NEXT_RUNTIME;
    else process.env.NEXT_RUNTIME = previous;
    console.error = consoleError;
  });

  it('answers 500 with a message that says to use the nodejs runtime and why, and never makes the gateway', async () => {
    let made = 0;
    const { POST } = switchyardRoute(() => {
      made++;
      return gateway;
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await POST(postTo('/api/v1/chat/completions', chatBody('x')));
      expect(response.status).toBe(500);
      const body = await response.json();
      expect(body).toEqual({
        error: { message: edgeRuntimeMessage, type: 'server_error', param: null, code: 'unsupported_runtime' },
      });
      expect(body.error.message).toContain("export const runtime = 'nodejs'");
    }
    expect(made).toBe(0);
    expect(errors).toHaveLength(1); // logged once, at the first call
    expect(upstream.requests).toHaveLength(0);
  });
});
