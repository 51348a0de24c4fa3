import { createGateway, type Gateway, silentLogger } from '@switchyard/core';
import { createMockProvider } from '@switchyard/provider-mock';
import { createOpenAIProvider } from '@switchyard/provider-openai';
import { defineAdapterConformance } from '@switchyard/testkit/conformance';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { switchyardPlugin } from './switchyard-plugin.js';

/** An app that existed before the gateway: a health check, a JSON route of its own, its own error handler. */
function createExistingApp(options: FastifyServerOptions = {}): FastifyInstance {
  const app = Fastify(options);
  app.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
    reply.code(error.statusCode ?? 500).send({ appError: true, statusCode: error.statusCode ?? 500 });
  });
  app.get('/health', async () => ({ status: 'ok' }));
  app.post('/api/notes', async (request, reply) => {
    const text = (request.body as { text?: unknown } | undefined)?.text;
    return reply.code(201).send({ text });
  });
  return app;
}

async function listen(app: FastifyInstance): Promise<string> {
  return await app.listen({ port: 0, host: '127.0.0.1' });
}

defineAdapterConformance({
  name: 'Fastify 5 (@switchyard/fastify registered under /llm)',
  createGateway: ({ upstreamUrl, upstreamApiKey, maxBodyBytes }) =>
    createGateway({
      providers: [createOpenAIProvider({ baseURL: upstreamUrl, apiKey: upstreamApiKey })],
      maxBodyBytes,
      logger: silentLogger,
    }),
  async start(gateway) {
    const app = createExistingApp();
    await app.register(switchyardPlugin, { gateway, prefix: '/llm' });
    const origin = await listen(app);
    return {
      url: `${origin}/llm`,
      async close() {
        await app.close();
        await gateway.close();
      },
    };
  },
});

describe('the Fastify plugin in an existing app', () => {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function start(register: (app: FastifyInstance) => PromiseLike<unknown>, options?: FastifyServerOptions) {
    const app = createExistingApp(options);
    apps.push(app);
    await register(app);
    const origin = await listen(app);
    return { app, origin, client: new OpenAI({ baseURL: `${origin}/llm/v1`, apiKey: 'unused', maxRetries: 0 }) };
  }
  const mockGateway = () => createGateway({ providers: [createMockProvider()], logger: silentLogger });

  it('leaves the app’s own routes, body parser and error handler as they were', async () => {
    const { origin, client } = await start((app) => app.register(switchyardPlugin, { gateway: mockGateway(), prefix: '/llm' }));
    expect(await (await fetch(`${origin}/health`)).json()).toEqual({ status: 'ok' });
    const created = await fetch(`${origin}/api/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'buy milk' }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ text: 'buy milk' });
    expect(created.headers.get('x-request-id')).toBeNull();

    // Outside the prefix, Fastify's own answers stand: invalid JSON and unknown content types go to the
    // app's error handler, not to the gateway's OpenAI shape.
    const invalid = await fetch(`${origin}/api/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ appError: true, statusCode: 400 });
    const unsupported = await fetch(`${origin}/api/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<a/>',
    });
    expect(unsupported.status).toBe(415);

    const completion = await client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]?.message.content).toBe('echo: hi');
  });

  it('serves the prefix itself, the health check and bodies of any content type under it', async () => {
    const { origin } = await start((app) => app.register(switchyardPlugin, { gateway: mockGateway(), prefix: '/llm' }));
    expect(await (await fetch(`${origin}/llm/healthz`)).json()).toEqual({ status: 'ok' });
    const root = await fetch(`${origin}/llm`);
    expect(root.status).toBe(404);
    expect(await root.json()).toMatchObject({ error: { code: 'unknown_url' } });

    const body = JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'as text' }] });
    for (const contentType of ['text/plain', 'application/octet-stream']) {
      const response = await fetch(`${origin}/llm/v1/chat/completions?trace=1`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
      expect(response.status).toBe(200);
      expect((await response.json()).choices[0].message.content).toBe('echo: as text');
    }
    const empty = await fetch(`${origin}/llm/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { code: 'missing_body' } });
  });

  it('lets errors thrown by the app’s own hooks reach the app’s error handler', async () => {
    const { origin } = await start(async (app) => {
      app.addHook('onRequest', async (request) => {
        if (request.headers.authorization !== 'Bearer app-session')
          throw Object.assign(new Error('no session'), { statusCode: 401 });
      });
      await app.register(switchyardPlugin, { gateway: mockGateway(), prefix: '/llm' });
    });
    const refused = await fetch(`${origin}/llm/v1/models`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ appError: true, statusCode: 401 });
    const allowed = await fetch(`${origin}/llm/v1/models`, { headers: { authorization: 'Bearer app-session' } });
    expect(allowed.status).toBe(200);
  });

  it('uses bodyLimit over the gateway’s maxBodyBytes and Fastify’s app-wide limit', async () => {
    const { client } = await start(
      (app) => app.register(switchyardPlugin, { gateway: mockGateway(), prefix: '/llm', bodyLimit: 2048 }),
      {
        bodyLimit: 10 * 1024 * 1024,
      },
    );
    await expect(
      client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'x'.repeat(4096) }] }),
    ).rejects.toMatchObject({ status: 413, code: 'request_too_large', message: expect.stringContaining('2048 bytes') });
    const small = await client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'ok' }] });
    expect(small.choices[0]?.message.content).toBe('echo: ok');
  });

  it('accepts bodies over Fastify’s 1 MiB default up to the gateway’s own 5 MB limit', async () => {
    const { client } = await start((app) => app.register(switchyardPlugin, { gateway: mockGateway(), prefix: '/llm' }));
    const content = 'z'.repeat(2 * 1024 * 1024);
    const completion = await client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content }] });
    expect(completion.choices[0]?.message.content).toHaveLength('echo: '.length + content.length);
  });

  it('creates, logs through Fastify’s logger and closes a gateway built from gatewayOptions', async () => {
    const lines: Array<Record<string, unknown>> = [];
    let closed = 0;
    const provider = { ...createMockProvider(), close: async () => void closed++ };
    const { app, client } = await start(
      (app) => app.register(switchyardPlugin, { gatewayOptions: { providers: [provider] }, prefix: '/llm' }),
      {
        logger: { level: 'info', stream: { write: (line: string) => void lines.push(JSON.parse(line)) } },
      },
    );
    const { response } = await client.chat.completions
      .create({ model: 'mock/echo', messages: [{ role: 'user', content: 'secret words' }] })
      .withResponse();
    const requestId = response.headers.get('x-request-id');
    const gatewayLine = lines.find((line) => line.msg === 'request' && line.requestId === requestId);
    expect(gatewayLine).toMatchObject({
      name: 'switchyard',
      level: 30,
      status: 200,
      provider: 'mock',
      path: '/v1/chat/completions',
    });
    expect(JSON.stringify(lines)).not.toContain('secret words');
    expect(lines.some((line) => line.msg === 'request completed')).toBe(true); // Fastify's own line still written

    expect(closed).toBe(0);
    await app.close();
    expect(closed).toBe(1);
  });

  it('leaves a gateway it was given open on close unless closeGateway is set', async () => {
    let closed = 0;
    const provider = { ...createMockProvider(), close: async () => void closed++ };
    const given = createGateway({ providers: [provider], logger: silentLogger });
    const first = Fastify();
    await first.register(switchyardPlugin, { gateway: given, prefix: '/llm' });
    await first.ready();
    await first.close();
    expect(closed).toBe(0);
    const second = Fastify();
    await second.register(switchyardPlugin, { gateway: given, prefix: '/llm', closeGateway: true });
    await second.ready();
    await second.close();
    expect(closed).toBe(1);
  });

  it('streams through the app with Fastify’s onSend hooks applied to the streamed reply', async () => {
    const { origin, client } = await start(async (app) => {
      app.addHook('onSend', async (_request, reply, payload) => {
        reply.header('x-app-hook', 'seen');
        return payload;
      });
      await app.register(switchyardPlugin, { gateway: mockGateway() satisfies Gateway, prefix: '/llm' });
    });
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'mock/echo', messages: [{ role: 'user', content: 'stream this through' }], stream: true })
      .withResponse();
    expect(response.headers.get('x-app-hook')).toBe('seen');
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: stream this through');
    expect((await fetch(`${origin}/health`)).status).toBe(200);
  });
});
