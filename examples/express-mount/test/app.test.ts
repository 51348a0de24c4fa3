import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Gateway } from '@switchyard/core';
import { silentLogger } from '@switchyard/core';
import { type FakeOpenAI, startFakeOpenAI } from '@switchyard/testkit';
import type { Express } from 'express';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';

interface Running {
  readonly origin: string;
  readonly client: OpenAI;
  close(): Promise<void>;
}

async function start({ app, gateway }: { app: Express; gateway: Gateway }): Promise<Running> {
  const server: Server = await new Promise((resolve, reject) => {
    const started = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(started)));
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    client: new OpenAI({ baseURL: `${origin}/ai/v1`, apiKey: 'unused', maxRetries: 0 }),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await gateway.close();
    },
  };
}

describe('the express-mount example without OPENAI_API_KEY', () => {
  let running: Running;
  beforeAll(async () => {
    running = await start(createApp({ env: {}, logger: silentLogger }));
  });
  afterAll(() => running?.close());

  it('answers mock/echo through the openai SDK', async () => {
    const completion = await running.client.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'hello from the example' }],
    });
    expect(completion.choices[0]?.message.content).toBe('echo: hello from the example');
  });

  it('streams mock/echo through the openai SDK', async () => {
    const stream = await running.client.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'stream me' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: stream me');
  });

  it('keeps the app’s own routes', async () => {
    expect(await (await fetch(`${running.origin}/health`)).json()).toEqual({ status: 'ok' });
    const created = await fetch(`${running.origin}/api/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'mount the gateway' }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: 1, text: 'mount the gateway' });
    expect(await (await fetch(`${running.origin}/api/notes`)).json()).toEqual([{ id: 1, text: 'mount the gateway' }]);
  });

  it('does not serve openai/ models without a key', async () => {
    const ids: string[] = [];
    for await (const model of running.client.models.list()) ids.push(model.id);
    expect(ids).toContain('mock/echo');
    expect(ids.some((id) => id.startsWith('openai/'))).toBe(false);
    await expect(
      running.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });
});

describe('the express-mount example with OPENAI_API_KEY set', () => {
  const upstreamKey = 'sk-test-example-0123456789';
  let upstream: FakeOpenAI;
  let running: Running;
  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: upstreamKey });
    running = await start(
      createApp({ env: { OPENAI_API_KEY: upstreamKey, OPENAI_BASE_URL: upstream.url }, logger: silentLogger }),
    );
  });
  afterAll(async () => {
    await running?.close();
    await upstream?.close();
  });

  it('routes openai/ models to the OpenAI provider', async () => {
    const completion = await running.client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'upstream please' }],
    });
    expect(completion.choices[0]?.message.content).toBe('echo: upstream please');
    expect(upstream.lastRequest()?.headers.authorization).toBe(`Bearer ${upstreamKey}`);
  });
});
