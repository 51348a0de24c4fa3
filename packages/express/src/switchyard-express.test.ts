import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway, type Gateway, silentLogger } from '@switchyard/core';
import { createMockProvider } from '@switchyard/provider-mock';
import { createOpenAIProvider } from '@switchyard/provider-openai';
import { type FakeOpenAI, openaiChunks, startFakeOpenAI } from '@switchyard/testkit';
import express, { type Express } from 'express';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ExpressMountOptions, switchyard } from './switchyard-express.js';

const upstreamKey = 'sk-test-upstream-express-0123456789';

interface RunningApp {
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

interface AppOptions {
  /** Registers `express.json(options)` for the whole app, before the gateway. */
  globalJson?: Parameters<typeof express.json>[0];
  mount?: ExpressMountOptions;
}

/** For each request reaching /ai: whether an earlier body parser had already consumed its body. */
const bodyParsedBeforeGateway: boolean[] = [];

/** An application that existed before the gateway: its own routes, its own body parser, then the mount. */
function createExistingApp(gateway: Gateway, { globalJson, mount }: AppOptions = {}): Express {
  const app = express();
  if (globalJson) app.use(express.json(globalJson));
  app.use('/ai', (request, _response, next) => {
    bodyParsedBeforeGateway.push(request.body !== undefined && request.readableEnded);
    next();
  });
  const notes: Array<{ id: number; text: string }> = [];
  app.get('/health', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.post('/api/notes', express.json(), (request, response) => {
    const text: unknown = request.body?.text;
    if (typeof text !== 'string') {
      response.status(400).json({ error: 'text is required' });
      return;
    }
    const note = { id: notes.length + 1, text };
    notes.push(note);
    response.status(201).json(note);
  });
  app.use('/ai', switchyard(gateway, mount));
  return app;
}

async function listen(app: Express): Promise<RunningApp> {
  const server: Server = await new Promise((resolve, reject) => {
    const started = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(started)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function sdkFor(app: RunningApp): OpenAI {
  return new OpenAI({ baseURL: `${app.origin}/ai/v1`, apiKey: 'gateway-key-not-forwarded', maxRetries: 0 });
}

async function expectOpenAIError(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = await response.json();
  expect(body).toEqual({
    error: { message: expect.any(String), type: expect.any(String), param: null, code },
  });
}

/** Opens a raw streaming request, destroys it after the first bytes, and returns when that happened. */
async function disconnectAfterFirstData(app: RunningApp, body: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port: app.port,
        method: 'POST',
        path: '/ai/v1/chat/completions',
        headers: { 'content-type': 'application/json' },
      },
      (response) => {
        response.once('data', () => {
          request.destroy();
          resolve();
        });
      },
    );
    request.on('error', (error) => (error.message.includes('socket hang up') ? resolve() : reject(error)));
    request.end(body);
  });
  return performance.now();
}

async function collectStreamText(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

let upstream: FakeOpenAI;
let gateway: Gateway;
let plainApp: RunningApp;
let jsonApp: RunningApp;
let limitedApp: RunningApp;

beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: upstreamKey });
  gateway = createGateway({
    providers: [createMockProvider(), createOpenAIProvider({ apiKey: upstreamKey, baseURL: upstream.url })],
    logger: silentLogger,
  });
  plainApp = await listen(createExistingApp(gateway));
  jsonApp = await listen(createExistingApp(gateway, { globalJson: {} }));
  limitedApp = await listen(createExistingApp(gateway, { mount: { maxBodyBytes: 1024 } }));
});
afterAll(async () => {
  await Promise.all([plainApp?.close(), jsonApp?.close(), limitedApp?.close()]);
  await gateway?.close();
  await upstream?.close();
});
beforeEach(() => {
  upstream.reset();
  bodyParsedBeforeGateway.length = 0;
});

const variants = [
  { name: 'without express.json()', app: () => plainApp },
  { name: 'with a global express.json() registered before the gateway', app: () => jsonApp },
];

describe.each(variants)('an existing Express 5 app with the gateway mounted at /ai, $name', ({ app }) => {
  it('answers mock/echo through the openai SDK, without and with streaming', async () => {
    const client = sdkFor(app());
    const { data, response } = await client.chat.completions
      .create({ model: 'mock/echo', messages: [{ role: 'user', content: 'ping' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: ping');
    expect(response.headers.get('x-switchyard-provider')).toBe('mock');
    expect(response.headers.get('x-request-id')).toBeTruthy();

    const stream = await client.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'ping pong' }],
      stream: true,
    });
    expect(await collectStreamText(stream)).toBe('echo: ping pong');
  });

  it('routes an openai/ model to the upstream, without and with streaming', async () => {
    const client = sdkFor(app());
    const completion = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello upstream' }],
    });
    expect(completion.choices[0]?.message.content).toBe('echo: hello upstream');
    expect(completion.model).toBe('gpt-4o-mini');
    expect(upstream.lastRequest()?.path).toBe('/v1/chat/completions');
    expect(upstream.lastRequest()?.headers.authorization).toBe(`Bearer ${upstreamKey}`);

    upstream.script({ kind: 'sse', events: openaiChunks({ model: 'gpt-4o-mini', content: ['Hel', 'lo', '!'] }) });
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    expect(await collectStreamText(stream)).toBe('Hello!');
    expect(upstream.lastRequest()?.body).toMatchObject({ model: 'gpt-4o-mini', stream: true });
  });

  it('lists models and answers its health check under the mount path', async () => {
    const ids: string[] = [];
    for await (const model of sdkFor(app()).models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['mock/echo', 'openai/gpt-4o-mini']));
    const health = await fetch(`${app().origin}/ai/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('leaves the app’s own routes working', async () => {
    const health = await fetch(`${app().origin}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const created = await fetch(`${app().origin}/api/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'buy milk' }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ text: 'buy milk' });
    expect(created.headers.get('x-request-id')).toBeNull();
  });

  it('answers an unknown path under /ai with a 404 in the OpenAI shape', async () => {
    await expectOpenAIError(await fetch(`${app().origin}/ai/v1/nothing-here`), 404, 'unknown_url');
    await expectOpenAIError(await fetch(`${app().origin}/ai`), 404, 'unknown_url');
  });

  it('aborts the upstream request promptly (well under a second) when the client disconnects mid-stream', async () => {
    upstream.script({ kind: 'sse', events: openaiChunks({ content: ['one', 'two', 'three'] }), stallAfter: 2 });
    const body = JSON.stringify({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const disconnectedAt = await disconnectAfterFirstData(app(), body);
    while (upstream.aborts === 0 && performance.now() - disconnectedAt < 2000) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(upstream.aborts).toBe(1);
    expect(performance.now() - disconnectedAt).toBeLessThan(1000);
  });
});

describe('request bodies with and without express.json()', () => {
  it('sends the upstream the same body whether or not express.json() parsed it first', async () => {
    const params = {
      model: 'openai/gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Grüße, 世界 👋' }] },
      ],
      temperature: 0.3,
      seed: 7,
      metadata: { team: 'notes' },
      some_future_field: { nested: [1, 'two', null] },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming;
    await sdkFor(plainApp).chat.completions.create(params);
    await sdkFor(jsonApp).chat.completions.create(params);
    expect(bodyParsedBeforeGateway).toEqual([false, true]);
    const [withoutParser, withParser] = upstream.requests;
    expect(withoutParser?.body).toMatchObject({ ...params, model: 'gpt-4o-mini' });
    expect(withParser?.body).toEqual(withoutParser?.body);
    expect(withParser?.rawBody).toBe(withoutParser?.rawBody);
  });

  it('answers invalid JSON with the gateway’s 400 invalid_json in the OpenAI shape when express.json() is absent', async () => {
    const response = await fetch(`${plainApp.origin}/ai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model": "mock/echo", "messages": [',
    });
    await expectOpenAIError(response, 400, 'invalid_json');
  });

  it('lets a global express.json() answer invalid JSON itself, through Express’s error handler (documented)', async () => {
    const response = await fetch(`${jsonApp.origin}/ai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model": "mock/echo", "messages": [',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(upstream.requests).toHaveLength(0);
  });

  it('reads a body express.json() skipped (another content type) itself', async () => {
    const response = await fetch(`${jsonApp.origin}/ai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'plain text' }] }),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).choices[0].message.content).toBe('echo: plain text');
  });
});

describe('body size limits', () => {
  const largeRequest = JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'x'.repeat(150 * 1024) }] });
  const post = (app: RunningApp, body: string) =>
    fetch(`${app.origin}/ai/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('applies express.json()’s own 100 kb default limit: Express answers 413 itself, not in the OpenAI shape (documented)', async () => {
    const response = await post(jsonApp, largeRequest);
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toMatch(/too large/i);
  });

  it('accepts the same 150 kb body without express.json(), as the gateway’s limit is 5 MB', async () => {
    const response = await post(plainApp, largeRequest);
    expect(response.status).toBe(200);
    expect((await response.json()).choices[0].message.content).toHaveLength('echo: '.length + 150 * 1024);
  });

  it('answers a body over the mount’s maxBodyBytes with a 413 in the OpenAI shape, declared or chunked', async () => {
    const body = JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'x'.repeat(2048) }] });
    await expectOpenAIError(await post(limitedApp, body), 413, 'request_too_large');

    const error = await sdkFor(limitedApp)
      .chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'x'.repeat(2048) }] })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: 413, code: 'request_too_large' });

    // Without content-length the limit is enforced while reading.
    const chunked = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port: limitedApp.port,
          method: 'POST',
          path: '/ai/v1/chat/completions',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode, body: text }));
        },
      );
      request.on('error', reject);
      request.end(body);
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({ error: { code: 'request_too_large' } });
  });

  it('still serves small bodies on the mount with a lower limit', async () => {
    const completion = await sdkFor(limitedApp).chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'small' }],
    });
    expect(completion.choices[0]?.message.content).toBe('echo: small');
  });
});
