import { createMemoryStore } from '@switchyard/core';
import { createOpenAIProvider } from '@switchyard/provider-openai';
import { type FakeOpenAI, startFakeOpenAI } from '@switchyard/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CacheOptions } from '../src/index.js';
import { chat, closeAll, question, RecordingLogger, settle, startHarness } from './helpers.js';

let embedder: FakeOpenAI;
beforeAll(async () => {
  embedder = await startFakeOpenAI();
});
afterAll(() => embedder.close());
afterEach(async () => {
  await closeAll();
  embedder.reset();
});

function semanticOptions(overrides: Partial<NonNullable<CacheOptions['semantic']>> = {}): Partial<CacheOptions> {
  return {
    providers: [createOpenAIProvider({ id: 'embedder', baseURL: embedder.url, apiKey: 'sk-embed' })],
    semantic: { embeddingModel: 'embedder/text-embedding-3-small', threshold: 0.95, ...overrides },
  };
}

/** The next embeddings call answers with this vector. */
function nextVector(...values: number[]) {
  embedder.script({
    kind: 'json',
    body: {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: values }],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 1, total_tokens: 1 },
    },
  });
}

const embeddingCalls = () => embedder.requests.filter((request) => request.path === '/v1/embeddings').length;

describe('semantic cache', () => {
  it('serves a near-identical question from the cache above the threshold, and not below it', async () => {
    const { gateway, chatCalls } = await startHarness(semanticOptions());
    nextVector(1, 0, 0, 0);
    const original = await (await chat(gateway, question('How do I reset my password?'))).json();
    await settle();
    expect(embedder.lastRequest()?.body).toMatchObject({
      model: 'text-embedding-3-small',
      input: 'user: How do I reset my password?',
    });

    nextVector(0.99, 0.141, 0, 0);
    const similar = await chat(gateway, question('How can I reset my password?'));
    expect(similar.headers.get('x-switchyard-cache')).toBe('semantic-hit');
    expect(Number(similar.headers.get('x-switchyard-cache-similarity'))).toBeCloseTo(0.99, 2);
    expect((await similar.json()).choices[0].message.content).toBe(original.choices[0].message.content);

    nextVector(0.8, 0.6, 0, 0);
    const different = await chat(gateway, question('How do I delete my account?'));
    expect(different.headers.get('x-switchyard-cache')).toBe('miss');
    expect(different.headers.get('x-switchyard-cache-similarity')).toBeNull();
    expect(chatCalls()).toBe(2);
  });

  it('matches only within the same tenant and answer-relevant parameters', async () => {
    const { gateway, chatCalls } = await startHarness(semanticOptions());
    nextVector(1, 0, 0, 0);
    await (await chat(gateway, question('shared question', { temperature: 0 }), { key: 'alice' })).text();
    await settle();
    nextVector(1, 0, 0, 0);
    expect(
      (await chat(gateway, question('shared question?', { temperature: 0 }), { key: 'bob' })).headers.get('x-switchyard-cache'),
    ).toBe('miss');
    nextVector(1, 0, 0, 0);
    expect(
      (await chat(gateway, question('shared question?', { temperature: 0.2 }), { key: 'alice' })).headers.get(
        'x-switchyard-cache',
      ),
    ).toBe('miss');
    nextVector(1, 0, 0, 0);
    expect(
      (await chat(gateway, question('shared question?', { temperature: 0 }), { key: 'carol' })).headers.get('x-switchyard-cache'),
    ).toBe('semantic-hit');
    expect(chatCalls()).toBe(3);
  });

  it('does not embed requests with tools, n > 1 or a high temperature unless configured', async () => {
    const { gateway } = await startHarness(semanticOptions({ maxTemperature: 0.5 }));
    const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }];
    await (await chat(gateway, question('with tools', { tools }))).text();
    await (await chat(gateway, question('many answers', { n: 2 }))).text();
    await (await chat(gateway, question('creative', { temperature: 0.9 }))).text();
    expect(embeddingCalls()).toBe(0);
    await (await chat(gateway, question('plain', { temperature: 0.2 }))).text();
    expect(embeddingCalls()).toBe(1);
  });

  it('serves tools semantically when configured', async () => {
    const { gateway } = await startHarness(semanticOptions({ allowTools: true }));
    const tools = [{ type: 'function', function: { name: 'lookup' } }];
    await (await chat(gateway, question('weather in Paris', { tools }))).text();
    await settle();
    const again = await chat(gateway, {
      ...question('', { tools }),
      messages: [{ role: 'user', content: [{ type: 'text', text: 'weather in Paris' }] }],
    });
    expect(again.headers.get('x-switchyard-cache')).toBe('semantic-hit');
    expect(again.headers.get('x-switchyard-cache-similarity')).toBe('1.0000');
    expect(embeddingCalls()).toBe(2);
  });

  it('shares cached vectors between gateway instances through the store', async () => {
    const store = createMemoryStore();
    const first = await startHarness({ ...semanticOptions(), store });
    const second = await startHarness({ ...semanticOptions(), store, upstream: first.upstream });
    nextVector(0, 1, 0, 0);
    await (await chat(first.gateway, question('What does a switchyard do?'))).text();
    await settle();
    nextVector(0, 0.98, 0.199, 0);
    const response = await chat(second.gateway, question('What is a switchyard for?'));
    expect(response.headers.get('x-switchyard-cache')).toBe('semantic-hit');
    expect(first.chatCalls()).toBe(1);
  });

  it('treats a failing embeddings upstream as a miss and logs it once', async () => {
    const logger = new RecordingLogger();
    const { gateway, chatCalls } = await startHarness({ ...semanticOptions(), logger });
    embedder.script({ kind: 'error', status: 500, message: 'boom' }, { kind: 'error', status: 500, message: 'boom' });
    for (const text of ['one', 'two']) {
      const response = await chat(gateway, question(text));
      expect(response.status).toBe(200);
      expect(response.headers.get('x-switchyard-cache')).toBe('miss');
      await response.text();
    }
    expect(chatCalls()).toBe(2);
    expect(logger.lines.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
      'cache embeddings unavailable; cache lookups count as misses',
    ]);
  });

  it('refuses to start when the embedding model cannot be resolved', async () => {
    await expect(startHarness({ upstream: embedder, semantic: { embeddingModel: 'nobody/embedder' } })).rejects.toThrow(/nobody/);
  });
});
