import { createMockProvider } from '@switchyard/provider-mock';
import { createOpenAICompatibleProvider } from '@switchyard/provider-utils';
import { invalidRequest } from '@switchyard/spec';
import { type FakeOpenAI, openaiChunks, startFakeOpenAI } from '@switchyard/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DispatchInterceptor } from './dispatch.js';
import { createGateway, type Gateway, type GatewayOptions } from './gateway.js';
import { createJsonLogger } from './logger.js';
import type { Middleware } from './middleware.js';

const upstreamKey = 'sk-upstream-secret-key-1234567890';
let upstream: FakeOpenAI;
const logLines: string[] = [];
const gateways: Gateway[] = [];

beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: upstreamKey });
});
afterAll(() => upstream.close());
afterEach(async () => {
  upstream.reset();
  logLines.length = 0;
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

function gatewayWith(options: Partial<GatewayOptions> = {}): Gateway {
  const gateway = createGateway({
    providers: [
      createMockProvider(),
      createOpenAICompatibleProvider({ id: 'openai', baseURL: upstream.url, apiKey: upstreamKey, models: ['gpt-4o-mini'] }),
    ],
    logger: createJsonLogger({ level: 'debug', write: (line) => logLines.push(line) }),
    ...options,
  });
  gateways.push(gateway);
  return gateway;
}

function post(
  gateway: Gateway,
  body: unknown,
  { path = '/v1/chat/completions', headers = {} }: { path?: string; headers?: Record<string, string> } = {},
) {
  return gateway.fetch(
    new Request(`http://gateway.test${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

/** Splits an SSE body into its `data:` payloads. */
async function sseData(response: Response): Promise<string[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => frame.slice('data: '.length));
}

const hello = { model: 'mock/echo', messages: [{ role: 'user', content: 'hello there' }] };

describe('createGateway: OpenAI chat completions', () => {
  it('answers a non-streaming request from the mock provider with a chat.completion', async () => {
    const response = await post(gatewayWith(), hello);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-provider')).toBe('mock');
    expect(response.headers.get('x-switchyard-model')).toBe('echo');
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{24,}$/);
    const body = await response.json();
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'echo',
      choices: [{ message: { role: 'assistant', content: 'echo: hello there' }, finish_reason: 'stop' }],
    });
    expect(body.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
  });

  it('keeps the client x-request-id', async () => {
    const response = await post(gatewayWith(), hello, { headers: { 'x-request-id': 'client-id-42' } });
    expect(response.headers.get('x-request-id')).toBe('client-id-42');
  });

  it('streams SSE chunks ending with [DONE], and hides the usage chunk unless asked for', async () => {
    const gateway = gatewayWith();
    const plain = await sseData(await post(gateway, { ...hello, stream: true }));
    expect(plain.at(-1)).toBe('[DONE]');
    const chunks = plain.slice(0, -1).map((data) => JSON.parse(data));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('echo: hello there');
    expect(chunks.every((chunk) => chunk.choices.length === 1)).toBe(true);

    const withUsage = await sseData(await post(gateway, { ...hello, stream: true, stream_options: { include_usage: true } }));
    const usageChunk = JSON.parse(withUsage.at(-2) as string);
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3 });
  });

  it('forwards the body unchanged except the model, and passes the upstream text through byte for byte', async () => {
    const gateway = gatewayWith();
    const raw =
      '{"id":"chatcmpl-x","object":"chat.completion","created":1,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":7,"completion_tokens":1,"total_tokens":8},"x_future_field":{"a":1}}';
    upstream.script({ kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: raw });
    const request = {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      seed: 7,
      metadata: { team: 'a' },
      service_tier: 'flex',
      brand_new_field: [1, 2],
    };
    const response = await post(gateway, request);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(raw);
    expect(upstream.lastRequest()?.body).toEqual({ ...request, model: 'gpt-4o-mini' });
    expect(upstream.lastRequest()?.headers.authorization).toBe(`Bearer ${upstreamKey}`);
  });

  it('asks the upstream for usage on streams and strips it again when the client did not ask', async () => {
    const gateway = gatewayWith();
    const frames = await sseData(
      await post(gateway, { model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'one two' }] }),
    );
    expect(upstream.lastRequest()?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(frames.at(-1)).toBe('[DONE]');
    expect(frames.slice(0, -1).every((data) => JSON.parse(data).choices.length > 0)).toBe(true);
    const access = logLines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'request');
    expect(access).toMatchObject({ status: 200, provider: 'openai', stream: true, promptTokens: 2, completionTokens: 3 });
  });
});

describe('createGateway: bad input', () => {
  const cases: Array<[string, unknown, number, Record<string, unknown>]> = [
    ['invalid JSON', '{"model": "mock/echo", "messages": [', 400, { code: 'invalid_json', type: 'invalid_request_error' }],
    ['missing messages', { model: 'mock/echo' }, 400, { param: 'messages', code: 'missing_required_parameter' }],
    ['messages of the wrong type', { model: 'mock/echo', messages: 'hi' }, 400, { param: 'messages' }],
    ['an unknown role', { model: 'mock/echo', messages: [{ role: 'robot', content: 'x' }] }, 400, { param: 'messages[0].role' }],
    ['temperature as a string', { ...hello, temperature: 'hot' }, 400, { param: 'temperature' }],
    ['an unknown model', { ...hello, model: 'nope/model' }, 404, { code: 'model_not_found', param: 'model' }],
    ['a bare model of a provider that is off', { ...hello, model: 'claude-sonnet-4-5' }, 404, { code: 'model_not_found' }],
    ['an empty body', '', 400, { code: 'missing_body' }],
  ];
  for (const [name, body, status, error] of cases) {
    it(`answers ${name} with ${status} in the OpenAI error shape`, async () => {
      const response = await post(gatewayWith(), body);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/json');
      const json = await response.json();
      expect(json.error).toMatchObject(error);
      expect(typeof json.error.message).toBe('string');
      expect(JSON.stringify(json)).not.toMatch(/at .*\.ts:\d+|node_modules/);
    });
  }

  it('refuses a body over the limit with 413', async () => {
    const response = await post(gatewayWith({ maxBodyBytes: 1024 }), {
      ...hello,
      messages: [{ role: 'user', content: 'x'.repeat(2000) }],
    });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('request_too_large');
  });

  it('answers an unknown path with 404 and a wrong method with 405', async () => {
    const gateway = gatewayWith();
    const unknown = await gateway.fetch(new Request('http://gateway.test/v1/nothing-here'));
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('unknown_url');
    const wrongMethod = await gateway.fetch(new Request('http://gateway.test/v1/chat/completions'));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });
});

describe('createGateway: upstream failures', () => {
  const openaiHello = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

  it('keeps an upstream 429 with its message and retry-after, and scrubs the key from the message', async () => {
    upstream.script({
      kind: 'error',
      status: 429,
      message: `Rate limit reached for key ${upstreamKey}`,
      type: 'requests',
      code: 'rate_limit_exceeded',
      headers: { 'retry-after': '3' },
    });
    const response = await post(gatewayWith(), openaiHello);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    const body = await response.json();
    expect(body.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    expect(body.error.message).toContain('Rate limit reached');
    expect(body.error.message).not.toContain(upstreamKey);
  });

  it('turns an HTML error page into a 502 without echoing it', async () => {
    upstream.script({
      kind: 'raw',
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<html>Bad gateway at upstream.internal</html>',
    });
    const response = await post(gatewayWith(), openaiHello);
    expect(response.status).toBe(502);
    const body = await response.json();
    expect(body.error.message).toBe('The upstream provider "openai" answered with HTTP 502.');
  });

  it('answers a 2xx garbage body with 502 invalid_upstream_response', async () => {
    upstream.script({ kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: 'not json at all' });
    const response = await post(gatewayWith(), openaiHello);
    expect(response.status).toBe(502);
    expect((await response.json()).error.code).toBe('invalid_upstream_response');
  });

  it('ends a stream cut mid-way with an in-band error event and no [DONE]', async () => {
    upstream.script({ kind: 'sse', events: openaiChunks({ content: ['a', 'b', 'c', 'd'] }), cutAfter: 3 });
    const frames = await sseData(await post(gatewayWith(), { ...openaiHello, stream: true }));
    expect(frames).not.toContain('[DONE]');
    const last = JSON.parse(frames.at(-1) as string);
    expect(last.error).toMatchObject({ code: 'upstream_connection_error', type: 'api_error' });
    expect(frames.length).toBe(4);
  });

  it('treats an upstream stream that ends before any finish reason, without [DONE], as truncated', async () => {
    upstream.script({ kind: 'sse', events: openaiChunks({ content: ['a', 'b'] }).slice(0, -1), done: false });
    const frames = await sseData(await post(gatewayWith(), { ...openaiHello, stream: true }));
    expect(frames).not.toContain('[DONE]');
    expect(JSON.parse(frames.at(-1) as string).error).toMatchObject({ code: 'upstream_stream_truncated', type: 'api_error' });
  });

  it('completes a stream that ends after its finish reason but without [DONE]', async () => {
    upstream.script({ kind: 'sse', events: openaiChunks({ content: ['a', 'b'] }), done: false });
    const frames = await sseData(await post(gatewayWith(), { ...openaiHello, stream: true }));
    expect(frames.at(-1)).toBe('[DONE]');
    expect(
      frames
        .slice(0, -1)
        .map((data) => JSON.parse(data).choices[0].delta.content ?? '')
        .join(''),
    ).toBe('ab');
  });

  it('gives a proper HTTP status when a stream fails before its first chunk', async () => {
    upstream.script({ kind: 'sse', events: [{ error: { message: 'overloaded', type: 'server_error', code: null } }] });
    const response = await post(gatewayWith(), { ...openaiHello, stream: true });
    expect(response.status).toBe(502);
    expect((await response.json()).error.message).toBe('overloaded');
  });

  it('reports an unreachable upstream as 502 without its URL, and logs no secret or URL', async () => {
    const gateway = gatewayWith({
      providers: [createOpenAICompatibleProvider({ id: 'down', baseURL: 'http://127.0.0.1:9/v1', apiKey: upstreamKey })],
    });
    const response = await post(gateway, { ...openaiHello, model: 'down/x' });
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(text).toContain('upstream_connection_error');
    expect(text).not.toContain('127.0.0.1');
    const logs = logLines.join('');
    expect(logs).toContain('upstream_connection_error');
    expect(logs).not.toContain('127.0.0.1:9');
    expect(logs).not.toContain(upstreamKey);
  });
});

describe('createGateway: composition', () => {
  function recorder(name: string, trace: string[]): Middleware {
    return {
      name,
      async handle(context, next) {
        trace.push(`${name}:before`);
        await next();
        trace.push(`${name}:after:${context.result?.type}`);
      },
    };
  }

  it('runs middleware in order, as an onion, for streaming and non-streaming requests', async () => {
    const trace: string[] = [];
    const gateway = gatewayWith({ middleware: [recorder('outer', trace), recorder('inner', trace)] });
    await (await post(gateway, hello)).text();
    await (await post(gateway, { ...hello, stream: true })).text();
    expect(trace).toEqual([
      'outer:before',
      'inner:before',
      'inner:after:completion',
      'outer:after:completion',
      'outer:before',
      'inner:before',
      'inner:after:stream',
      'outer:after:stream',
    ]);
  });

  it('lets middleware rewrite the request and stamp response headers', async () => {
    const clampTemperature: Middleware = {
      name: 'clamp-temperature',
      async handle(context, next) {
        if (context.operation === 'chat') context.request = { ...context.request, temperature: 0.2 };
        context.responseHeaders['x-team'] = 'blue';
        await next();
      },
    };
    const response = await post(gatewayWith({ middleware: [clampTemperature] }), {
      model: 'openai/gpt-4o-mini',
      temperature: 1.5,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(response.headers.get('x-team')).toBe('blue');
    expect(upstream.lastRequest()?.body).toMatchObject({ temperature: 0.2 });
  });

  it('lets middleware answer without calling the provider', async () => {
    const blocker: Middleware = {
      name: 'blocker',
      async handle() {
        throw invalidRequest('Blocked by policy.', { code: 'policy_block' });
      },
    };
    const response = await post(gatewayWith({ middleware: [blocker] }), { ...hello, model: 'openai/gpt-4o-mini' });
    expect(response.status).toBe(400);
    expect(upstream.requests).toHaveLength(0);
  });

  it('refuses a middleware list whose dependencies are out of order', () => {
    const first: Middleware = { name: 'cost', dependsOn: ['auth'], handle: (_context, next) => next() };
    const second: Middleware = { name: 'auth', handle: (_context, next) => next() };
    expect(() => gatewayWith({ middleware: [first, second] })).toThrow('Middleware "cost" depends on "auth"');
  });

  it('runs dispatch interceptors that may call the provider more than once', async () => {
    const attempts: string[] = [];
    const retryOnce: DispatchInterceptor = (next) => async (request) => {
      attempts.push(request.target.model);
      try {
        return await next(request);
      } catch {
        attempts.push('retry');
        return next(request);
      }
    };
    upstream.script({ kind: 'error', status: 500, message: 'boom' });
    const response = await post(gatewayWith({ interceptors: [retryOnce] }), {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(response.status).toBe(200);
    expect(attempts).toEqual(['gpt-4o-mini', 'retry']);
    expect(upstream.requests).toHaveLength(2);
  });

  it('resolves aliases to their target with parameter overrides, and lists them in /v1/models', async () => {
    const gateway = gatewayWith({ models: { fast: { targets: [{ model: 'openai/gpt-4o-mini', params: { temperature: 0 } }] } } });
    const response = await post(gateway, { model: 'fast', messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(200);
    expect(upstream.lastRequest()?.body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0 });
    const models = await (await gateway.fetch(new Request('http://gateway.test/v1/models'))).json();
    expect(models.object).toBe('list');
    expect(models.data.map((entry: { id: string }) => entry.id)).toEqual(
      expect.arrayContaining(['fast', 'openai/gpt-4o-mini', 'mock/echo']),
    );
  });

  it('refuses an alias whose target names an unknown provider', () => {
    expect(() => gatewayWith({ models: { fast: { targets: [{ model: 'opnai/gpt-4o' }] } } })).toThrow(
      'models.fast.targets[0].model: unknown provider "opnai"',
    );
  });
});

describe('createGateway: malformed upstream stream events', () => {
  it('ends the stream with an in-band error instead of forwarding a fragment', async () => {
    const upstreamStream = openaiChunks({ content: ['a', 'b', 'c'] });
    upstream.script({
      kind: 'sse',
      events: [upstreamStream[0], upstreamStream[1], '{"id":"chatcmpl-x","choices":[{"delta":{"content":"tru', upstreamStream[2]],
    });
    const frames = await sseData(
      await post(gatewayWith(), { model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(frames).not.toContain('[DONE]');
    for (const frame of frames) expect(() => JSON.parse(frame)).not.toThrow();
    expect(JSON.parse(frames.at(-1) as string).error.code).toBe('invalid_upstream_response');
  });
});
