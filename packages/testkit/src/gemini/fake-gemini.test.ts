import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeEmbedding } from '../fake-embedding.js';
import { startFakeGemini } from './fake-gemini.js';
import { geminiResponse, geminiRetryInfo, geminiStreamFrames } from './gemini-fixtures.js';
import type { FakeGemini, GeminiErrorBody, GeminiGenerateContentResponse } from './gemini-types.js';

const key = 'AIza-fake-gemini-key';

function post(upstream: FakeGemini, path: string, body: unknown, headers: Record<string, string> = { 'x-goog-api-key': key }) {
  return fetch(`${upstream.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The `data:` payloads of an SSE body, in order. */
function sseData(text: string): string[] {
  return text
    .split(/\r?\n\r?\n/)
    .filter((block) => block.length > 0)
    .map((block) => block.replace(/^data: /, ''));
}

const userTurn = (text: string) => ({ role: 'user', parts: [{ text }] });

describe('fake Gemini defaults', () => {
  let upstream: FakeGemini;
  beforeAll(async () => {
    upstream = await startFakeGemini({ apiKey: key });
  });
  afterEach(() => upstream.reset());
  afterAll(() => upstream.close());

  it('exposes a loopback origin', () => {
    expect(upstream.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('echoes the last user text with deterministic usageMetadata and records the call', async () => {
    const response = await post(upstream, '/v1beta/models/gemini-2.5-flash:generateContent', {
      systemInstruction: { parts: [{ text: 'be brief' }] },
      contents: [userTurn('hello there')],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    const body = (await response.json()) as GeminiGenerateContentResponse;
    expect(body).toEqual({
      candidates: [{ content: { parts: [{ text: 'echo: hello there' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount: 4,
        candidatesTokenCount: 3,
        totalTokenCount: 7,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: 4 }],
      },
      modelVersion: 'gemini-2.5-flash',
      responseId: 'fake-gemini-1',
    });
    expect(upstream.lastRequest()).toMatchObject({
      method: 'POST',
      model: 'gemini-2.5-flash',
      action: 'generateContent',
      auth: 'header',
      body: { contents: [userTurn('hello there')] },
    });
  });

  it('records a key sent as ?key= and rejects missing or wrong keys like Gemini', async () => {
    const viaQuery = await post(
      upstream,
      `/v1beta/models/gemini-2.5-flash:generateContent?key=${key}`,
      { contents: [userTurn('hi')] },
      {},
    );
    expect(viaQuery.status).toBe(200);
    expect(upstream.lastRequest()?.auth).toBe('query');
    expect(upstream.lastRequest()?.query.key).toBe(key);

    const missing = await post(upstream, '/v1beta/models/gemini-2.5-flash:generateContent', { contents: [userTurn('x')] }, {});
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as GeminiErrorBody).error.status).toBe('PERMISSION_DENIED');
    expect(upstream.lastRequest()?.auth).toBe('none');

    const wrong = await post(
      upstream,
      '/v1beta/models/gemini-2.5-flash:generateContent',
      { contents: [userTurn('x')] },
      { 'x-goog-api-key': 'nope' },
    );
    expect(wrong.status).toBe(400);
    const wrongBody = (await wrong.json()) as GeminiErrorBody;
    expect(wrongBody.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(JSON.stringify(wrongBody.error.details)).toContain('API_KEY_INVALID');
  });

  it('streams SSE frames with no [DONE] and usageMetadata only on the last frame', async () => {
    const response = await post(upstream, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', {
      contents: [userTurn('one two three')],
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const raw = await response.text();
    expect(raw).not.toContain('[DONE]');
    const frames = sseData(raw).map((data) => JSON.parse(data) as GeminiGenerateContentResponse);
    expect(frames).toHaveLength(4);
    const text = frames.map((frame) => frame.candidates?.[0]?.content?.parts[0]?.text ?? '').join('');
    expect(text).toBe('echo: one two three');
    expect(frames.slice(0, -1).every((frame) => frame.usageMetadata === undefined)).toBe(true);
    expect(frames.slice(0, -1).every((frame) => frame.candidates?.[0]?.finishReason === undefined)).toBe(true);
    expect(frames.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(frames.at(-1)?.usageMetadata).toMatchObject({ promptTokenCount: 3, candidatesTokenCount: 4, totalTokenCount: 7 });
    expect(new Set(frames.map((frame) => frame.responseId)).size).toBe(1);
  });

  it('streams one JSON array without alt=sse', async () => {
    const response = await post(upstream, '/v1beta/models/gemini-2.5-flash:streamGenerateContent', {
      contents: [userTurn('a b')],
    });
    expect(response.headers.get('content-type')).toContain('application/json');
    const frames = (await response.json()) as GeminiGenerateContentResponse[];
    expect(Array.isArray(frames)).toBe(true);
    expect(frames.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
  });

  it('answers with a functionCall when tools are given and the mode is ANY', async () => {
    const response = await post(upstream, '/v1beta/models/gemini-2.5-flash:generateContent', {
      contents: [userTurn('Oslo')],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } } },
            },
            { name: 'get_time' },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather', 'get_time'] } },
    });
    const body = (await response.json()) as GeminiGenerateContentResponse;
    expect(body.candidates?.[0]).toEqual({
      content: {
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Oslo', days: 1 } } },
          { functionCall: { name: 'get_time', args: {} } },
        ],
        role: 'model',
      },
      finishReason: 'STOP',
      index: 0,
    });
  });

  it('signs the first function call for Gemini 3 and rejects a replay without the signature', async () => {
    const tools = [
      { functionDeclarations: [{ name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } }] },
    ];
    const first = await post(upstream, '/v1beta/models/gemini-3-pro-preview:generateContent', {
      contents: [userTurn('find')],
      tools,
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
    });
    const call = ((await first.json()) as GeminiGenerateContentResponse).candidates?.[0]?.content?.parts[0];
    expect(typeof call?.thoughtSignature).toBe('string');

    const replay = (part: unknown) =>
      post(upstream, '/v1beta/models/gemini-3-pro-preview:generateContent', {
        contents: [
          userTurn('find'),
          { role: 'model', parts: [part] },
          { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: { output: 'found it' } } }] },
        ],
        tools,
      });
    const unsigned = await replay({ functionCall: call?.functionCall });
    expect(unsigned.status).toBe(400);
    expect(((await unsigned.json()) as GeminiErrorBody).error.message).toContain('thought_signature');
    const signed = await replay(call);
    expect(signed.status).toBe(200);
    const text = ((await signed.json()) as GeminiGenerateContentResponse).candidates?.[0]?.content?.parts[0]?.text;
    expect(text).toBe('echo: {"output":"found it"}');
  });

  it('rejects a function-call turn answered with the wrong number of responses', async () => {
    const response = await post(upstream, '/v1beta/models/gemini-2.5-flash:generateContent', {
      contents: [
        userTurn('x'),
        { role: 'model', parts: [{ functionCall: { name: 'a', args: {} } }, { functionCall: { name: 'b', args: {} } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'a', response: {} } }] },
      ],
    });
    expect(response.status).toBe(400);
  });

  it('validates contents, roles and parts with INVALID_ARGUMENT', async () => {
    for (const body of [
      {},
      { contents: [] },
      { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] },
      { contents: [{ role: 'user', parts: [] }] },
    ]) {
      const response = await post(upstream, '/v1beta/models/gemini-2.5-flash:generateContent', body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as GeminiErrorBody).error.status).toBe('INVALID_ARGUMENT');
    }
    const garbage = await post(upstream, '/v1beta/models/gemini-2.5-flash:generateContent', '{nope');
    expect(garbage.status).toBe(400);
  });

  it('adds thoughts, JSON mode, candidates and MAX_TOKENS from generationConfig', async () => {
    const response = await post(upstream, '/v1beta/models/gemini-2.5-flash:generateContent', {
      contents: [userTurn('a b c')],
      generationConfig: {
        thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 },
        candidateCount: 2,
        maxOutputTokens: 2,
      },
    });
    const body = (await response.json()) as GeminiGenerateContentResponse;
    expect(body.candidates).toHaveLength(2);
    expect(body.candidates?.[1]).toMatchObject({
      index: 1,
      finishReason: 'MAX_TOKENS',
      content: { parts: [{ text: 'thinking about: a b c', thought: true }, { text: 'echo: a' }] },
    });
    expect(body.usageMetadata).toMatchObject({ thoughtsTokenCount: 5, candidatesTokenCount: 4 });

    const json = await post(upstream, '/v1beta/models/gemini-2.5-flash:generateContent', {
      contents: [userTurn('hi')],
      generationConfig: { responseMimeType: 'application/json' },
    });
    const text = ((await json.json()) as GeminiGenerateContentResponse).candidates?.[0]?.content?.parts[0]?.text;
    expect(JSON.parse(text ?? '')).toEqual({ echo: 'hi' });
  });

  it('embeds with embedContent and batchEmbedContents', async () => {
    const single = await post(upstream, '/v1beta/models/gemini-embedding-001:embedContent', {
      content: { parts: [{ text: 'alpha' }] },
      outputDimensionality: 4,
    });
    expect(await single.json()).toEqual({ embedding: { values: fakeEmbedding({ text: 'alpha', dimensions: 4 }) } });

    const batch = await post(upstream, '/v1beta/models/gemini-embedding-001:batchEmbedContents', {
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] } },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] } },
      ],
    });
    expect(await batch.json()).toEqual({
      embeddings: [{ values: fakeEmbedding({ text: 'a' }) }, { values: fakeEmbedding({ text: 'b' }) }],
    });

    const mismatch = await post(upstream, '/v1beta/models/gemini-embedding-001:batchEmbedContents', {
      requests: [{ model: 'models/other', content: { parts: [{ text: 'a' }] } }],
    });
    expect(mismatch.status).toBe(400);
  });

  it('counts tokens and lists models', async () => {
    const count = await post(upstream, '/v1beta/models/gemini-2.5-flash:countTokens', { contents: [userTurn('a b c')] });
    expect(await count.json()).toEqual({ totalTokens: 3, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 3 }] });

    const list = await fetch(`${upstream.url}/v1beta/models`, { headers: { 'x-goog-api-key': key } });
    const models = (await list.json()) as { models: Array<{ name: string; supportedGenerationMethods: string[] }> };
    expect(models.models.map((model) => model.name)).toContain('models/gemini-2.5-flash');
    expect(models.models.find((model) => model.name === 'models/gemini-embedding-001')?.supportedGenerationMethods).toContain(
      'batchEmbedContents',
    );
    const missing = await fetch(`${upstream.url}/v1beta/models/nope`, { headers: { 'x-goog-api-key': key } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as GeminiErrorBody).error.status).toBe('NOT_FOUND');
  });
});

describe('fake Gemini scripting', () => {
  let upstream: FakeGemini;
  beforeAll(async () => {
    upstream = await startFakeGemini();
  });
  afterEach(() => upstream.reset());
  afterAll(() => upstream.close());

  const path = '/v1beta/models/gemini-2.5-flash:generateContent';
  const body = { contents: [userTurn('x')] };

  it('plays scripted json and errors in order, then falls back to the default', async () => {
    upstream.script(
      { kind: 'json', body: geminiResponse({ text: 'scripted' }) },
      {
        kind: 'error',
        status: 429,
        message: 'Quota exceeded',
        details: [geminiRetryInfo('20s')],
        headers: { 'retry-after': '20' },
      },
      { kind: 'error', status: 503, message: 'The model is overloaded.' },
    );
    const first = (await (await post(upstream, path, body)).json()) as GeminiGenerateContentResponse;
    expect(first.candidates?.[0]?.content?.parts[0]?.text).toBe('scripted');

    const limited = await post(upstream, path, body);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('20');
    expect(await limited.json()).toEqual({
      error: {
        code: 429,
        message: 'Quota exceeded',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '20s' }],
      },
    });
    const overloaded = await post(upstream, path, body);
    expect(overloaded.status).toBe(503);
    expect(((await overloaded.json()) as GeminiErrorBody).error).toEqual({
      code: 503,
      message: 'The model is overloaded.',
      status: 'UNAVAILABLE',
    });
    expect((await post(upstream, path, body)).status).toBe(200);
  });

  it('streams scripted frames, and cuts a stream short', async () => {
    upstream.script(
      { kind: 'sse', events: geminiStreamFrames({ text: ['a', 'b'] }), delayMs: 5, firstEventDelayMs: 5 },
      { kind: 'sse', events: geminiStreamFrames({ text: ['a', 'b', 'c'] }), cutAfter: 1 },
    );
    const full = sseData(await (await post(upstream, path, body)).text());
    expect(full).toHaveLength(2);
    const cut = await post(upstream, path, body);
    await expect(cut.text()).rejects.toThrow();
  });

  it('counts a client that leaves a stalled stream as an abort', async () => {
    upstream.script({ kind: 'sse', events: geminiStreamFrames({ text: ['a', 'b'] }), stallAfter: 1 });
    const controller = new AbortController();
    const response = await fetch(`${upstream.url}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    const reader = response.body?.getReader();
    await reader?.read();
    controller.abort();
    await expect.poll(() => upstream.aborts).toBe(1);
  });

  it('plays raw bodies, resets and hangs', async () => {
    upstream.script({ kind: 'raw', status: 502, body: '<html>bad gateway</html>' }, { kind: 'reset' }, { kind: 'hang' });
    const raw = await post(upstream, path, body);
    expect(raw.status).toBe(502);
    expect(await raw.text()).toBe('<html>bad gateway</html>');
    await expect(post(upstream, path, body)).rejects.toThrow();
    await expect(
      fetch(`${upstream.url}${path}`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(100) }),
    ).rejects.toThrow();
  });

  it('reset clears the queue and the recordings', async () => {
    upstream.script({ kind: 'error', status: 500, message: 'boom' });
    await post(upstream, '/v1beta/models/gemini-2.5-flash:countTokens', body);
    upstream.reset();
    expect(upstream.requests).toHaveLength(0);
    expect((await post(upstream, path, body)).status).toBe(200);
    expect(upstream.lastRequest()?.auth).toBe('header');
  });
});
