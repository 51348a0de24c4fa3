import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway, createMemoryStore, type Gateway, silentLogger } from '@switchyard/core';
import { createNodeHandler } from '@switchyard/node-http';
import { createOpenAIProvider } from '@switchyard/provider-openai';
import { type FakeOpenAI, startFakeOpenAI } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheFromConfig, configSchema } from '../src/index.js';

let upstream: FakeOpenAI;
let gateway: Gateway;
let server: Server;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  const providers = [createOpenAIProvider({ baseURL: upstream.url, apiKey: 'sk-upstream' })];
  const config = configSchema.parse({
    ttlSeconds: 600,
    models: ['openai/gpt-4o-mini'],
    semantic: { embeddingModel: 'openai/text-embedding-3-small', threshold: 0.99 },
  });
  gateway = createGateway({
    providers,
    middleware: [cacheFromConfig(config, { store: createMemoryStore(), providers })],
    logger: silentLogger,
  });
  server = createServer(createNodeHandler(gateway));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'sk-gateway', maxRetries: 0 });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await gateway.close();
  await upstream.close();
});

const chatCalls = () => upstream.requests.filter((request) => request.path === '/v1/chat/completions').length;
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('the official OpenAI SDK through a cached gateway', () => {
  it('gets a cached completion with the cache header', async () => {
    const request = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Name a colour.' }] };
    const first = await client.chat.completions.create(request).withResponse();
    expect(first.response.headers.get('x-switchyard-cache')).toBe('miss');
    await settle();
    const second = await client.chat.completions.create(request).withResponse();
    expect(second.response.headers.get('x-switchyard-cache')).toBe('hit');
    expect(second.data).toEqual(first.data);
    expect(chatCalls()).toBe(1);
  });

  it('streams a cached answer, and a semantic hit for the same conversation written differently', async () => {
    const messages = [{ role: 'user' as const, content: 'Count to three.' }];
    const collect = async (stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) => {
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    };
    const original = await collect(await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages, stream: true }));
    await settle();
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages, stream: true })
      .withResponse();
    expect(response.headers.get('x-switchyard-cache')).toBe('hit');
    expect(await collect(stream)).toBe(original);
    expect(original).toBe('echo: Count to three.');

    const rewritten = await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: [{ type: 'text', text: 'Count to three.' }] }] })
      .withResponse();
    expect(rewritten.response.headers.get('x-switchyard-cache')).toBe('semantic-hit');
    expect(rewritten.data.choices[0]?.message.content).toBe(original);
    expect(chatCalls()).toBe(2);
  });

  it('leaves routes that are not configured alone', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(response.headers.get('x-switchyard-cache')).toBeNull();
  });
});
