// Wire-compatibility check against the official SDK (a root devDependency, not a testkit dependency).
import OpenAI, { APIError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeEmbedding } from './fake-embedding.js';
import { startFakeOpenAI } from './fake-openai.js';
import { openaiChunks } from './openai-fixtures.js';
import type { FakeOpenAI } from './types.js';

describe('the openai SDK against the fake', () => {
  let upstream: FakeOpenAI;
  let client: OpenAI;
  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: 'sk-fake' });
    client = new OpenAI({ baseURL: upstream.url, apiKey: 'sk-fake', maxRetries: 0 });
  });
  afterEach(() => upstream.reset());
  afterAll(() => upstream.close());

  it('reads a chat completion', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'ping' }],
    });
    expect(completion.choices[0]?.message.content).toBe('echo: ping');
    expect(completion.usage?.total_tokens).toBe(3);
    expect(upstream.lastRequest()?.headers.authorization).toBe('Bearer sk-fake');
  });

  it('reads a default stream with usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'a b c' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let totalTokens = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      totalTokens = chunk.usage?.total_tokens ?? totalTokens;
    }
    expect(text).toBe('echo: a b c');
    expect(totalTokens).toBe(7);
  });

  it('accumulates scripted tool-call chunks', async () => {
    upstream.script({
      kind: 'sse',
      events: openaiChunks({ toolCalls: [{ id: 'call_1', name: 'lookup', argumentPieces: ['{"city":', '"Oslo"}'] }] }),
    });
    const runner = client.chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    const completion = await runner.finalChatCompletion();
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      id: 'call_1',
      function: { name: 'lookup', arguments: '{"city":"Oslo"}' },
    });
  });

  it('decodes base64 embeddings (the SDK default)', async () => {
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello world' });
    expect(upstream.lastRequest()?.body).toMatchObject({ encoding_format: 'base64' });
    expect(result.data[0]?.embedding).toEqual(fakeEmbedding({ text: 'hello world' }));
  });

  it('surfaces a scripted 429 with retry-after, and retries when allowed', async () => {
    upstream.script({ kind: 'error', status: 429, message: 'Rate limited', headers: { 'retry-after': '1' } });
    const error: unknown = await client.models.list().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    // GET requests never consume the script: the list succeeds and the 429 waits for the next POST.
    expect(error).toBeUndefined();
    const failure: unknown = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).status).toBe(429);
    expect((failure as APIError).headers?.get('retry-after')).toBe('1');

    upstream.script({ kind: 'error', status: 429, message: 'Rate limited', headers: { 'retry-after-ms': '10' } });
    const retrying = new OpenAI({ baseURL: upstream.url, apiKey: 'sk-fake', maxRetries: 1 });
    const completion = await retrying.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'again' }],
    });
    expect(completion.choices[0]?.message.content).toBe('echo: again');
    expect(upstream.requests.filter((recorded) => recorded.method === 'POST')).toHaveLength(3);
  });
});
