// The official openai SDK → the standalone server → the gateway → this provider → the fake Gemini API.
import { createGateway, silentLogger } from '@switchyard/core';
import { type RunningServer, startServer } from '@switchyard/server';
import {
  type FakeGemini,
  fakeEmbedding,
  geminiResponse,
  geminiRetryInfo,
  geminiStreamFrames,
  startFakeGemini,
} from '@switchyard/testkit';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGeminiProvider } from './gemini-provider.js';

const upstreamKey = 'AIzaSyTestUpstreamKey0123456789abcd';
let upstream: FakeGemini;
let server: RunningServer;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeGemini({ apiKey: upstreamKey });
  const gateway = createGateway({
    providers: [createGeminiProvider({ apiKey: upstreamKey, baseURL: upstream.url })],
    logger: silentLogger,
  });
  server = await startServer({ gateway, port: 0 });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'gateway-key-not-forwarded', maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
  await upstream.close();
});
beforeEach(() => upstream.reset());

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    },
    strict: true,
  },
};

/** The JSON body the fake received last. */
function lastBody(): Record<string, unknown> {
  const body = upstream.lastRequest()?.body;
  if (typeof body !== 'object' || body === null) throw new Error('the fake received no JSON body');
  return body as Record<string, unknown>;
}

function expectKeyInHeaderOnly(): void {
  const recorded = upstream.lastRequest();
  expect(recorded?.headers['x-goog-api-key']).toBe(upstreamKey);
  expect(recorded?.auth).toBe('header');
  expect(recorded?.path).not.toContain('key=');
  expect(recorded?.headers.authorization).toBeUndefined();
}

describe('the openai SDK through the gateway to Gemini', () => {
  it('creates a plain completion', async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: 'gemini/gemini-2.5-flash',
        messages: [{ role: 'user', content: 'Say hi' }],
        temperature: 0.2,
        max_tokens: 64,
      })
      .withResponse();
    expect(data).toMatchObject({
      id: 'fake-gemini-1',
      object: 'chat.completion',
      model: 'gemini-2.5-flash',
      choices: [{ index: 0, message: { role: 'assistant', content: 'echo: Say hi' }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: 2,
        completion_tokens: 3,
        total_tokens: 5,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(response.headers.get('x-switchyard-provider')).toBe('gemini');
    expect(upstream.lastRequest()?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(upstream.lastRequest()?.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Say hi' }] }],
      generationConfig: { temperature: 0.2, maxOutputTokens: 64 },
    });
    expectKeyInHeaderOnly();
  });

  it('resolves a bare gemini-* model name to this provider', async () => {
    const completion = await client.chat.completions.create({
      model: 'gemini-2.5-pro',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(completion.model).toBe('gemini-2.5-pro');
  });

  it('streams with include_usage, ending in a usage chunk and [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('echo: one two three');
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(new Set(['fake-gemini-1']));
    expect(upstream.lastRequest()?.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expectKeyInHeaderOnly();
  });

  it('leaves the usage chunk out when the client did not ask for it', async () => {
    const stream = await client.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.choices.length === 1)).toBe(true);
  });

  it('sends tools and tool_choice, and returns parallel function calls', async () => {
    upstream.script({
      kind: 'json',
      body: geminiResponse({
        functionCalls: [
          { name: 'get_weather', args: { city: 'Oslo' } },
          { name: 'get_weather', args: { city: 'Paris' } },
        ],
      }),
    });
    const completion = await client.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'Weather in Oslo and Paris?' }],
      tools: [weatherTool],
      tool_choice: 'required',
    });
    expect(upstream.lastRequest()?.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Weather in Oslo and Paris?' }] }],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Current weather',
              parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const calls = choice?.message.tool_calls ?? [];
    expect(calls.map((call) => (call.type === 'function' ? [call.function.name, call.function.arguments] : []))).toEqual([
      ['get_weather', '{"city":"Oslo"}'],
      ['get_weather', '{"city":"Paris"}'],
    ]);
    expect(calls[0]?.id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(calls[0]?.id).not.toBe(calls[1]?.id);
  });

  it('streams parallel function calls the SDK can accumulate', async () => {
    upstream.script({
      kind: 'sse',
      events: geminiStreamFrames({
        text: ['Checking.'],
        functionCalls: [
          { name: 'get_weather', args: { city: 'Oslo' } },
          { name: 'get_time', args: { zone: 'CET' } },
        ],
      }),
    });
    const runner = client.chat.completions.stream({
      model: 'gemini/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'x' }],
      tools: [weatherTool],
    });
    const completion = await runner.finalChatCompletion();
    const message = completion.choices[0]?.message;
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(message?.content).toBe('Checking.');
    expect(
      message?.tool_calls?.map((call) => (call.type === 'function' ? [call.function.name, call.function.arguments] : [])),
    ).toEqual([
      ['get_weather', '{"city":"Oslo"}'],
      ['get_time', '{"zone":"CET"}'],
    ]);
    expect(new Set(message?.tool_calls?.map((call) => call.id)).size).toBe(2);
  });

  it('round-trips tool results with the Gemini 3 thought signature intact', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Oslo' }];
    const first = await client.chat.completions.create({
      model: 'gemini/gemini-3-pro-preview',
      messages,
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(lastBody().toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } });
    const assistant = first.choices[0]?.message;
    const toolCall = assistant?.tool_calls?.[0];
    expect(toolCall?.id).toMatch(/^call_[0-9a-f]{24}\.[A-Za-z0-9_-]+$/);
    if (!assistant || !toolCall) throw new Error('expected a tool call');

    messages.push(assistant, { role: 'tool', tool_call_id: toolCall.id, content: '{"temperature":3}' });
    const second = await client.chat.completions.create({ model: 'gemini/gemini-3-pro-preview', messages, tools: [weatherTool] });
    expect(second.choices[0]?.message.content).toBe('echo: {"temperature":3}');
    const signature = Buffer.from('fake-signature:gemini-3-pro-preview:1').toString('base64');
    expect(lastBody().contents).toEqual([
      { role: 'user', parts: [{ text: 'Oslo' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: signature }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temperature: 3 } } }] },
    ]);

    // Without the signature (a client that rewrote the id) Gemini 3 refuses the replay.
    messages[1] = { ...assistant, tool_calls: [{ ...toolCall, id: 'call_plain' }] };
    messages[2] = { role: 'tool', tool_call_id: 'call_plain', content: 'x' };
    const failure = await client.chat.completions
      .create({ model: 'gemini/gemini-3-pro-preview', messages, tools: [weatherTool] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).status).toBe(400);
    expect((failure as APIError).message).toContain('thought_signature');
  });

  it('sends system and developer messages as systemInstruction', async () => {
    await client.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: 'Answer in French.' },
        { role: 'user', content: 'Hello' },
      ],
    });
    expect(upstream.lastRequest()?.body).toEqual({
      systemInstruction: { parts: [{ text: 'You are terse.' }, { text: 'Answer in French.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Hello' }] }],
    });
  });

  it('sends images as inlineData and fileData', async () => {
    await client.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/photos/cat.webp' } },
          ],
        },
      ],
    });
    expect(lastBody().contents).toEqual([
      {
        role: 'user',
        parts: [
          { text: 'Compare' },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
          { fileData: { fileUri: 'https://example.com/photos/cat.webp', mimeType: 'image/webp' } },
        ],
      },
    ]);
  });

  it('maps JSON mode and json_schema', async () => {
    const completion = await client.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'hi' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'echo',
          strict: true,
          schema: { type: 'object', properties: { echo: { type: 'string' } }, required: ['echo'], additionalProperties: false },
        },
      },
    });
    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual({ echo: 'hi' });
    expect(lastBody().generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { echo: { type: 'string' } }, required: ['echo'] },
    });

    await client.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'hi' }],
      response_format: { type: 'json_object' },
    });
    expect(lastBody().generationConfig).toEqual({
      responseMimeType: 'application/json',
    });
  });

  it('maps reasoning_effort to thinkingConfig and returns thoughts as reasoning_content', async () => {
    const completion = await client.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'why' }],
      reasoning_effort: 'low',
    });
    expect(lastBody().generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
    });
    const message = completion.choices[0]?.message as unknown as { content: string; reasoning_content: string };
    expect(message).toMatchObject({ content: 'echo: why', reasoning_content: 'thinking about: why' });
    expect(completion.usage).toMatchObject({ completion_tokens: 2 + 3, completion_tokens_details: { reasoning_tokens: 3 } });
  });

  it('answers embeddings in the SDK default (base64) and as floats', async () => {
    const viaDefault = await client.embeddings.create({ model: 'gemini/gemini-embedding-001', input: ['alpha', 'beta gamma'] });
    const recorded = upstream.lastRequest();
    expect(recorded?.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(recorded?.body).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'alpha' }] } },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'beta gamma' }] } },
      ],
    });
    expectKeyInHeaderOnly();
    expect(viaDefault.data.map((entry) => entry.embedding)).toEqual([
      fakeEmbedding({ text: 'alpha' }),
      fakeEmbedding({ text: 'beta gamma' }),
    ]);
    expect(viaDefault.usage).toEqual({ prompt_tokens: 0, total_tokens: 0 });

    const floats = await client.embeddings.create({
      model: 'gemini/gemini-embedding-001',
      input: 'alpha',
      encoding_format: 'float',
      dimensions: 4,
    });
    expect((lastBody().requests as Array<{ outputDimensionality?: number }>)[0]?.outputDimensionality).toBe(4);
    expect(floats.data[0]?.embedding).toEqual(fakeEmbedding({ text: 'alpha', dimensions: 4 }));
  });

  it('returns a blocked prompt as an empty content_filter completion, streamed or not', async () => {
    upstream.script(
      { kind: 'json', body: geminiResponse({ blockReason: 'SAFETY', usage: { promptTokens: 4 } }) },
      { kind: 'sse', events: geminiStreamFrames({ blockReason: 'SAFETY' }) },
    );
    const completion = await client.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(completion.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: 'content_filter' },
    ]);
    expect(completion.usage?.prompt_tokens).toBe(4);

    const stream = await client.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const finishes = [];
    for await (const chunk of stream) finishes.push(chunk.choices[0]?.finish_reason ?? null);
    expect(finishes).toEqual([null, 'content_filter']);
  });

  it('maps 429 RESOURCE_EXHAUSTED to a retryable rate limit with retry-after', async () => {
    upstream.script({
      kind: 'error',
      status: 429,
      message: 'Resource has been exhausted (e.g. check quota).',
      details: [geminiRetryInfo('20s')],
    });
    const failure = await client.chat.completions
      .create({ model: 'gemini/gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(APIError);
    const error = failure as APIError;
    expect(error.status).toBe(429);
    expect(error.headers?.get('retry-after')).toBe('20');
    expect(error.headers?.get('retry-after-ms')).toBe('20000');
    expect(error.headers?.get('x-should-retry')).toBeNull();
    expect(error.error).toEqual({
      message: 'Resource has been exhausted (e.g. check quota).',
      type: 'rate_limit_error',
      param: null,
      code: 'resource_exhausted',
    });
  });

  it('maps 503 UNAVAILABLE as retryable and 400 INVALID_ARGUMENT as final', async () => {
    upstream.script(
      { kind: 'error', status: 503, message: 'The model is overloaded. Please try again later.' },
      { kind: 'error', status: 400, message: 'Invalid value at generation_config.temperature' },
    );
    const unavailable = (await client.chat.completions
      .create({ model: 'gemini/gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] })
      .catch((error: unknown) => error)) as APIError;
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers?.get('x-should-retry')).toBeNull();
    expect(unavailable.error).toMatchObject({ type: 'service_unavailable_error', code: 'unavailable' });

    const invalid = (await client.chat.completions
      .create({ model: 'gemini/gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] })
      .catch((error: unknown) => error)) as APIError;
    expect(invalid.status).toBe(400);
    // The SDKs never retry a 400, so the dialect adds no x-should-retry header.
    expect(invalid.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_argument' });
  });

  it('rejects invalid tool arguments with a 400 before calling Gemini', async () => {
    const failure = (await client.chat.completions
      .create({
        model: 'gemini/gemini-2.5-flash',
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{oops' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: 'r' },
        ],
      })
      .catch((error: unknown) => error)) as APIError;
    expect(failure.status).toBe(400);
    expect(failure.error).toMatchObject({
      param: 'messages[1].tool_calls[0].function.arguments',
      code: 'invalid_tool_arguments',
    });
    expect(upstream.requests).toHaveLength(0);
  });

  it('surfaces an error in the middle of a stream as an SDK error, not a clean end', async () => {
    const [first] = geminiStreamFrames({ text: ['partial '], finishReason: null });
    upstream.script({
      kind: 'sse',
      events: [first, { error: { code: 500, message: 'An internal error has occurred.', status: 'INTERNAL' } }],
    });
    const stream = await client.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    let text = '';
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((error: unknown) => error);
    expect(text).toBe('partial ');
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).message).toContain('An internal error has occurred.');
  });

  it('fails a stream whose first frame is an error with a proper HTTP status', async () => {
    upstream.script({ kind: 'sse', events: [{ error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } }] });
    const failure = (await client.chat.completions
      .create({ model: 'gemini/gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], stream: true })
      .catch((error: unknown) => error)) as APIError;
    expect(failure.status).toBe(429);
  });
});
