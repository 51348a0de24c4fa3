import { type FakeOpenAI, openaiChunks, startFakeOpenAI } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';

interface Running {
  readonly origin: string;
  readonly client: OpenAI;
  readonly app: FastifyInstance;
}

async function start(app: FastifyInstance): Promise<Running> {
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, origin, client: new OpenAI({ baseURL: `${origin}/llm/v1`, apiKey: 'unused', maxRetries: 0 }) };
}

describe('the fastify-mount example without OPENAI_API_KEY', () => {
  let running: Running;
  const lines: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    running = await start(
      await createApp({
        env: {},
        logger: { level: 'info', stream: { write: (line: string) => void lines.push(JSON.parse(line)) } },
      }),
    );
  });
  afterAll(() => running?.app.close());

  it('answers and streams mock/echo through the openai SDK under /llm', async () => {
    const completion = await running.client.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'hello from the example' }],
    });
    expect(completion.choices[0]?.message.content).toBe('echo: hello from the example');
    const stream = await running.client.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'stream me' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: stream me');
  });

  it('keeps the app’s own routes and their schema validation', async () => {
    expect(await (await fetch(`${running.origin}/health`)).json()).toEqual({ status: 'ok' });
    const created = await fetch(`${running.origin}/api/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'register the gateway' }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: 1, text: 'register the gateway' });
    expect(await (await fetch(`${running.origin}/api/notes`)).json()).toEqual([{ id: 1, text: 'register the gateway' }]);
    const invalid = await fetch(`${running.origin}/api/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '' }),
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ code: 'FST_ERR_VALIDATION' });
  });

  it('logs the gateway’s request lines through Fastify’s logger', async () => {
    const { response } = await running.client.chat.completions
      .create({ model: 'mock/echo', messages: [{ role: 'user', content: 'log me' }] })
      .withResponse();
    const requestId = response.headers.get('x-request-id');
    expect(lines.find((line) => line.msg === 'request' && line.requestId === requestId)).toMatchObject({
      name: 'switchyard',
      path: '/v1/chat/completions',
      status: 200,
      provider: 'mock',
    });
  });

  it('does not serve openai/ models without a key', async () => {
    await expect(
      running.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });
});

describe('the fastify-mount example with OPENAI_API_KEY set', () => {
  const upstreamKey = 'sk-test-fastify-example-0123456789';
  let upstream: FakeOpenAI;
  let running: Running;
  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: upstreamKey });
    running = await start(
      await createApp({ env: { OPENAI_API_KEY: upstreamKey, OPENAI_BASE_URL: upstream.url }, logger: false }),
    );
  });
  afterAll(async () => {
    await running?.app.close();
    await upstream?.close();
  });

  it('routes openai/ models to the OpenAI provider, streamed too', async () => {
    const completion = await running.client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'upstream please' }],
    });
    expect(completion.choices[0]?.message.content).toBe('echo: upstream please');
    expect(upstream.lastRequest()?.headers.authorization).toBe(`Bearer ${upstreamKey}`);

    upstream.script({ kind: 'sse', events: openaiChunks({ content: ['Fast', 'ify'] }) });
    const stream = await running.client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Fastify');
  });
});
