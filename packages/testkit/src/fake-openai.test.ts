import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeFloat32Base64, fakeEmbedding } from './fake-embedding.js';
import { startFakeOpenAI } from './fake-openai.js';
import type { FakeOpenAI, OpenAIChatCompletion, OpenAIChatCompletionChunk, OpenAIErrorBody } from './types.js';

function post(upstream: FakeOpenAI, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${upstream.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The `data:` payloads of an SSE body, in order. */
function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block.length > 0)
    .map((block) => block.replace(/^data: /, ''));
}

describe('fake OpenAI defaults', () => {
  let upstream: FakeOpenAI;
  beforeAll(async () => {
    upstream = await startFakeOpenAI();
  });
  afterEach(() => upstream.reset());
  afterAll(() => upstream.close());

  it('exposes loopback urls', () => {
    expect(upstream.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(upstream.url).toBe(`${upstream.origin}/v1`);
  });

  it('echoes the last user message in a full chat.completion with deterministic usage', async () => {
    const response = await post(upstream, '/chat/completions', {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hello ' },
            { type: 'text', text: 'there' },
          ],
        },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-request-id')).toBe('req_fake_1');
    expect(response.headers.get('openai-processing-ms')).toMatch(/^\d+$/);
    const completion = (await response.json()) as OpenAIChatCompletion;
    expect(completion).toMatchObject({
      id: 'chatcmpl-fake-1',
      object: 'chat.completion',
      model: 'gpt-4o',
      system_fingerprint: 'fp_fake',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'echo: hello there', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 4,
        completion_tokens: 3,
        total_tokens: 7,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(typeof completion.created).toBe('number');
  });

  it('streams one chunk per word, a finish chunk and [DONE] without usage by default', async () => {
    const response = await post(upstream, '/chat/completions', {
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'one  two three' }],
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const data = sseData(await response.text());
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((payload) => JSON.parse(payload) as OpenAIChatCompletionChunk);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('echo: one  two three');
    expect(chunks).toHaveLength(1 + 4 + 1);
    expect(chunks.at(-1)?.choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
    expect(new Set(chunks.map((chunk) => `${chunk.id}|${chunk.created}|${chunk.model}|${chunk.object}`)).size).toBe(1);
    expect(chunks[0]?.id).toBe('chatcmpl-fake-1');
    expect(chunks.some((chunk) => 'usage' in chunk)).toBe(false);
  });

  it('ends the stream with a usage chunk when stream_options.include_usage is set', async () => {
    const response = await post(upstream, '/chat/completions', {
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi you' }],
    });
    const data = sseData(await response.text());
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((payload) => JSON.parse(payload) as OpenAIChatCompletionChunk);
    const usageChunk = chunks.at(-1);
    expect(usageChunk?.choices).toEqual([]);
    expect(usageChunk?.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('answers embeddings as floats or base64 float32', async () => {
    const floatResponse = await post(upstream, '/embeddings', {
      model: 'text-embedding-3-small',
      input: ['alpha beta', 'gamma'],
      dimensions: 12,
    });
    const floats = (await floatResponse.json()) as {
      object: string;
      model: string;
      data: Array<{ object: string; index: number; embedding: number[] }>;
      usage: unknown;
    };
    expect(floats.object).toBe('list');
    expect(floats.model).toBe('text-embedding-3-small');
    expect(floats.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    expect(floats.data.map((item) => [item.object, item.index])).toEqual([
      ['embedding', 0],
      ['embedding', 1],
    ]);
    expect(floats.data[0]?.embedding).toEqual(fakeEmbedding({ text: 'alpha beta', dimensions: 12 }));

    const base64Response = await post(upstream, '/embeddings', {
      model: 'text-embedding-3-small',
      input: 'gamma',
      encoding_format: 'base64',
    });
    const encoded = (await base64Response.json()) as { data: Array<{ embedding: string }> };
    const decoded = decodeFloat32Base64(encoded.data[0]?.embedding ?? '');
    expect(decoded).toHaveLength(8);
    expect(decoded).toEqual(fakeEmbedding({ text: 'gamma' }));
    expect(decoded.every((value) => value >= -1 && value <= 1)).toBe(true);
  });

  it('lists models', async () => {
    const response = await fetch(`${upstream.url}/models`);
    expect(await response.json()).toEqual({
      object: 'list',
      data: ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'].map((id) => ({
        id,
        object: 'model',
        created: 1700000000,
        owned_by: 'fake',
      })),
    });
  });

  it('answers OpenAI errors for unknown paths and invalid JSON', async () => {
    const unknown = await post(upstream, '/nope', {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: { message: 'Unknown path', type: 'invalid_request_error', param: null, code: 'unknown_url' },
    });
    const invalid = await post(upstream, '/chat/completions', '{"model":');
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as OpenAIErrorBody;
    expect(body.error.type).toBe('invalid_request_error');
    expect(upstream.lastRequest()?.body).toBe('{"model":');
  });

  it('validates the fields the defaults rely on', async () => {
    const response = await post(upstream, '/chat/completions', { model: 'gpt-4o-mini' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as OpenAIErrorBody).error).toMatchObject({
      type: 'invalid_request_error',
      param: 'messages',
    });
    const wrongMethod = await fetch(`${upstream.url}/chat/completions`);
    expect(wrongMethod.status).toBe(405);
    await wrongMethod.text();
  });

  it('records the exact requests received', async () => {
    const sent = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'récord' }], temperature: 0.5 };
    const rawBody = JSON.stringify(sent);
    await (await post(upstream, '/chat/completions?api-version=1', rawBody, { 'X-Custom': 'yes' })).text();
    expect(upstream.requests).toHaveLength(1);
    const recorded = upstream.lastRequest();
    expect(recorded).toMatchObject({ method: 'POST', path: '/v1/chat/completions?api-version=1', rawBody });
    expect(recorded?.body).toEqual(sent);
    expect(recorded?.headers['x-custom']).toBe('yes');
    expect(recorded?.headers['content-type']).toBe('application/json');
    expect(recorded?.receivedAt).toBeLessThanOrEqual(Date.now());
    upstream.reset();
    expect(upstream.requests).toHaveLength(0);
    expect(upstream.lastRequest()).toBeUndefined();
  });
});

describe('fake OpenAI with an api key', () => {
  let upstream: FakeOpenAI;
  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: 'sk-test', models: ['only-model'] });
  });
  afterAll(() => upstream.close());

  it('rejects missing or wrong keys with a 401 OpenAI error and accepts the right one', async () => {
    const missing = await fetch(`${upstream.url}/models`);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as OpenAIErrorBody).error.type).toBe('invalid_request_error');

    const wrong = await fetch(`${upstream.url}/models`, { headers: { authorization: 'Bearer sk-wrong' } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as OpenAIErrorBody).error.code).toBe('invalid_api_key');

    const right = await fetch(`${upstream.url}/models`, { headers: { authorization: 'Bearer sk-test' } });
    expect(right.status).toBe(200);
    expect(((await right.json()) as { data: Array<{ id: string }> }).data.map((model) => model.id)).toEqual(['only-model']);
    expect(upstream.requests).toHaveLength(3);
  });
});
