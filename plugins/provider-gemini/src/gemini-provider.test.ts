import type { ChatCompletionChunk, ChatRequest, ProviderV1, StreamPart } from '@switchyard/spec';
import { type FakeGemini, geminiStreamFrames, startFakeGemini } from '@switchyard/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGeminiProvider, geminiDefaultBaseURL, geminiDefaultModels } from './gemini-provider.js';
import { geminiProviderFromEnv } from './gemini-provider-from-env.js';

const apiKey = 'AIzaTestKey0123456789abcdefghij';
const request: ChatRequest = { model: 'gemini/gemini-2.5-flash', messages: [{ role: 'user', content: 'hello there' }] };

function call(overrides: Partial<{ model: string; request: ChatRequest; signal: AbortSignal }> = {}) {
  return { model: 'gemini-2.5-flash', request, signal: new AbortController().signal, requestId: 'req-1', ...overrides };
}

async function collect(parts: AsyncIterable<StreamPart>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const part of parts) chunks.push(part.chunk.value);
  return chunks;
}

describe('createGeminiProvider options', () => {
  it('validates its options once, at construction', () => {
    const saved = process.env.GEMINI_API_KEY;
    delete process.env.GEMINI_API_KEY;
    try {
      expect(() => createGeminiProvider()).toThrow(/GEMINI_API_KEY/);
    } finally {
      if (saved !== undefined) process.env.GEMINI_API_KEY = saved;
    }
    expect(() => createGeminiProvider({ apiKey, baseURL: 'not a url' })).toThrow(TypeError);
    expect(() => createGeminiProvider({ apiKey, baseURL: 'ftp://example.com' })).toThrow(/http/);
    expect(() => createGeminiProvider({ apiKey, baseURL: 'https://example.com/?key=x' })).toThrow(/query/);
    expect(() => createGeminiProvider({ apiKey, id: '' })).toThrow(/id/);
    const provider = createGeminiProvider({ apiKey });
    expect(provider).toMatchObject({ specificationVersion: 'v1', id: 'gemini', models: geminiDefaultModels });
    expect(typeof provider.embed).toBe('function');
    void provider.close?.();
  });

  it('reads the environment', async () => {
    expect(geminiProviderFromEnv({})).toBeUndefined();
    expect(geminiProviderFromEnv({ GEMINI_API_KEY: '  ' })).toBeUndefined();
    const upstream = await startFakeGemini({ apiKey });
    try {
      const provider = geminiProviderFromEnv({ GOOGLE_API_KEY: apiKey, GEMINI_BASE_URL: upstream.url });
      expect(provider?.id).toBe('gemini');
      await provider?.chat(call());
      expect(upstream.lastRequest()?.headers['x-goog-api-key']).toBe(apiKey);
      await provider?.close?.();
    } finally {
      await upstream.close();
    }
    expect(geminiDefaultBaseURL).toBe('https://generativelanguage.googleapis.com');
  });
});

describe('the Gemini provider against the fake', () => {
  let upstream: FakeGemini;
  let provider: ProviderV1;
  beforeAll(async () => {
    upstream = await startFakeGemini({ apiKey });
    provider = createGeminiProvider({ apiKey, baseURL: upstream.url, id: 'google' });
  });
  afterEach(() => upstream.reset());
  afterAll(async () => {
    await provider.close?.();
    await upstream.close();
  });

  it('calls generateContent with the key in the header only', async () => {
    const { body, upstream: meta } = await provider.chat(call());
    expect(body.value.choices[0]?.message.content).toBe('echo: hello there');
    expect(meta).toEqual({ status: 200, requestId: 'fake-gemini-1' });
    const recorded = upstream.lastRequest();
    expect(recorded?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(recorded?.auth).toBe('header');
    expect(recorded?.query).toEqual({});
    expect(recorded?.headers['content-type']).toBe('application/json');
    expect(recorded?.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'hello there' }] }] });
  });

  it('accepts a models/ prefixed id and a base URL with a path prefix', async () => {
    await provider.chat(call({ model: 'models/gemini-2.5-pro' }));
    expect(upstream.lastRequest()?.path).toBe('/v1beta/models/gemini-2.5-pro:generateContent');
    const prefixed = createGeminiProvider({ apiKey, baseURL: `${upstream.url}/proxy` });
    await prefixed.chat(call()).catch(() => undefined);
    expect(upstream.lastRequest()?.path).toBe('/proxy/v1beta/models/gemini-2.5-flash:generateContent');
    await prefixed.close?.();
  });

  it('streams with alt=sse and ends with a usage chunk', async () => {
    const { parts, upstream: meta } = await provider.streamChat(call());
    expect(meta.status).toBe(200);
    const chunks = await collect(parts);
    expect(upstream.lastRequest()?.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('echo: hello there');
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
  });

  it('turns an in-stream error object into a GatewayError', async () => {
    const [first] = geminiStreamFrames({ text: ['partial'], finishReason: null });
    upstream.script({
      kind: 'sse',
      events: [first, { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }],
    });
    const { parts } = await provider.streamChat(call());
    await expect(collect(parts)).rejects.toMatchObject({
      status: 503,
      code: 'unavailable',
      retryable: true,
      message: 'The model is overloaded.',
    });
  });

  it('refuses truncated streams: no finish reason, or a cut connection', async () => {
    upstream.script({ kind: 'sse', events: geminiStreamFrames({ text: ['a', 'b'], finishReason: null }) });
    const { parts } = await provider.streamChat(call());
    await expect(collect(parts)).rejects.toMatchObject({ code: 'upstream_stream_truncated', status: 502 });

    upstream.script({ kind: 'sse', events: geminiStreamFrames({ text: ['a', 'b', 'c'] }), cutAfter: 1 });
    const cut = await provider.streamChat(call());
    await expect(collect(cut.parts)).rejects.toMatchObject({ status: 502, retryable: true });
  });

  it('rejects garbage frames and bodies as invalid upstream responses', async () => {
    upstream.script({ kind: 'sse', events: ['{not json'] });
    const { parts } = await provider.streamChat(call());
    await expect(collect(parts)).rejects.toMatchObject({ code: 'invalid_upstream_response' });

    upstream.script({ kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: '[1,2]' });
    await expect(provider.chat(call())).rejects.toMatchObject({ code: 'invalid_upstream_response', status: 502 });

    upstream.script({ kind: 'json', body: { candidates: [] } });
    await expect(provider.streamChat(call())).rejects.toMatchObject({ code: 'invalid_upstream_response' });
  });

  it('maps non-2xx answers and keeps the key out of messages', async () => {
    upstream.script({ kind: 'error', status: 400, message: `API key not valid: ${apiKey}` });
    const failure = await provider.chat(call()).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 400, kind: 'invalid_request', code: 'invalid_argument', retryable: false });
    expect(String((failure as Error).message)).not.toContain(apiKey);
  });

  it('rejects requests Gemini cannot express before calling it', async () => {
    const bad: ChatRequest = { ...request, messages: [{ role: 'tool', tool_call_id: 'nope', content: 'x' }] };
    await expect(provider.chat(call({ request: bad }))).rejects.toMatchObject({ status: 400 });
    expect(upstream.requests).toHaveLength(0);
  });

  it('stops the upstream request when the call is aborted', async () => {
    upstream.script({ kind: 'sse', events: geminiStreamFrames({ text: ['a', 'b'] }), stallAfter: 1 });
    const controller = new AbortController();
    const { parts } = await provider.streamChat(call({ signal: controller.signal }));
    const iterator = parts[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort(new Error('client left'));
    const drain = async (): Promise<void> => {
      while (!(await iterator.next()).done) {
        // chunks of the first frame are still buffered
      }
    };
    await expect(drain()).rejects.toThrow('client left');
    await expect.poll(() => upstream.aborts).toBe(1);
  });

  it('embeds in batches of 100 and keeps the input order', async () => {
    const input = Array.from({ length: 150 }, (_, index) => `text ${index}`);
    const { body } = (await provider.embed?.({
      model: 'gemini-embedding-001',
      request: { model: 'google/gemini-embedding-001', input, dimensions: 3 },
      signal: new AbortController().signal,
      requestId: 'req-2',
    })) ?? { body: undefined };
    expect(upstream.requests.map((recorded) => (recorded.body as { requests: unknown[] }).requests.length)).toEqual([100, 50]);
    expect(upstream.requests[0]?.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(body?.value.data).toHaveLength(150);
    expect(body?.value.data.map((entry) => entry.index)).toEqual(input.map((_, index) => index));
    expect(body?.value.data[0]?.embedding).toHaveLength(3);
  });

  it('refuses an embeddings answer with the wrong number of vectors', async () => {
    upstream.script({ kind: 'json', body: { embeddings: [] } });
    await expect(
      provider.embed?.({
        model: 'gemini-embedding-001',
        request: { model: 'm', input: 'x' },
        signal: new AbortController().signal,
        requestId: 'req-3',
      }),
    ).rejects.toMatchObject({ code: 'invalid_upstream_response' });
  });
});
