import { request as httpRequest } from 'node:http';
import { createGateway, silentLogger } from '@switchyard/core';
import { createMockProvider } from '@switchyard/provider-mock';
import { createOpenAIProvider } from '@switchyard/provider-openai';
import {
  decodeFloat32Base64,
  type FakeOpenAI,
  fakeEmbedding,
  openaiChunks,
  openaiUsage,
  startFakeOpenAI,
} from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './start-server.js';

const upstreamKey = 'sk-test-upstream-0123456789abcdef';
let upstream: FakeOpenAI;
let server: RunningServer;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: upstreamKey });
  const gateway = createGateway({
    providers: [createMockProvider(), createOpenAIProvider({ apiKey: upstreamKey, baseURL: upstream.url })],
    models: { fast: { targets: [{ model: 'openai/gpt-4o-mini' }] } },
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

describe('the official openai SDK against the standalone server', () => {
  it('creates a plain completion and gets exactly what the upstream sent', async () => {
    upstream.script({
      kind: 'json',
      body: {
        id: 'chatcmpl-123',
        object: 'chat.completion',
        created: 1726012687,
        model: 'gpt-4o-mini-2024-07-18',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'Hi!', refusal: null }, logprobs: null, finish_reason: 'stop' },
        ],
        usage: {
          prompt_tokens: 11,
          completion_tokens: 2,
          total_tokens: 13,
          prompt_tokens_details: { cached_tokens: 4 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
        service_tier: 'default',
        system_fingerprint: 'fp_abc',
      },
    });
    const { data, response } = await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Say hi' }] })
      .withResponse();
    expect(data.model).toBe('gpt-4o-mini-2024-07-18');
    expect(data.choices[0]?.message.content).toBe('Hi!');
    expect(data.usage).toEqual({
      prompt_tokens: 11,
      completion_tokens: 2,
      total_tokens: 13,
      prompt_tokens_details: { cached_tokens: 4 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    expect(data.service_tier).toBe('default');
    expect(response.headers.get('x-switchyard-provider')).toBe('openai');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    // The client's gateway key is never forwarded; the provider's key is.
    expect(upstream.lastRequest()?.headers.authorization).toBe(`Bearer ${upstreamKey}`);
  });

  it('forwards unknown and newer request fields unchanged', async () => {
    const extra = {
      seed: 42,
      metadata: { team: 'search' },
      service_tier: 'flex',
      store: false,
      some_future_field: { nested: [1, 'two'] },
    };
    await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      ...extra,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(upstream.lastRequest()?.body).toMatchObject({ model: 'gpt-4o-mini', ...extra });
  });

  it('streams with include_usage: deltas, a final usage chunk with the upstream numbers, and the answering model', async () => {
    const usage = openaiUsage({ promptTokens: 9, completionTokens: 3 });
    upstream.script({
      kind: 'sse',
      events: openaiChunks({ model: 'gpt-4o-mini-2024-07-18', content: ['Hel', 'lo', '!'], usage }),
    });
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finalUsage: OpenAI.CompletionUsage | undefined | null;
    const models = new Set<string>();
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      models.add(chunk.model);
      if (chunk.usage) finalUsage = chunk.usage;
    }
    expect(text).toBe('Hello!');
    expect(finalUsage).toEqual(usage);
    expect([...models]).toEqual(['gpt-4o-mini-2024-07-18']);
  });

  it('reassembles streamed tool-call argument deltas, including parallel calls', async () => {
    upstream.script({
      kind: 'sse',
      events: openaiChunks({
        toolCalls: [
          { id: 'call_1', name: 'get_weather', argumentPieces: ['{"loc', 'ation":"Shang', 'hai"}'] },
          { id: 'call_2', name: 'get_time', argumentPieces: ['{"tz":', '"CST"}'] },
        ],
      }),
    });
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } },
      },
      {
        type: 'function',
        function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } },
      },
    ];
    const runner = client.chat.completions.stream({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'weather?' }],
      tools,
      tool_choice: 'auto',
    });
    const completion = await runner.finalChatCompletion();
    const calls = completion.choices[0]?.message.tool_calls ?? [];
    expect(
      calls.map((call) => call.type === 'function' && [call.id, call.function.name, JSON.parse(call.function.arguments)]),
    ).toEqual([
      ['call_1', 'get_weather', { location: 'Shanghai' }],
      ['call_2', 'get_time', { tz: 'CST' }],
    ]);
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(upstream.lastRequest()?.body).toMatchObject({ tools, tool_choice: 'auto' });
  });

  it('passes JSON mode and vision content parts through to the upstream', async () => {
    const content: OpenAI.ChatCompletionContentPart[] = [
      { type: 'text', text: 'What is in this image?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
    ];
    const responseFormat = {
      type: 'json_schema' as const,
      json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } }, strict: true },
    };
    const completion = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content }],
      response_format: responseFormat,
    });
    expect(completion.choices[0]?.message.content).toBe('echo: What is in this image?');
    expect(upstream.lastRequest()?.body).toMatchObject({
      messages: [{ role: 'user', content }],
      response_format: responseFormat,
    });
  });

  it('creates embeddings with the SDK default base64 encoding and with floats', async () => {
    const base64 = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input: ['alpha', 'beta'] });
    expect(upstream.lastRequest()?.body).toMatchObject({ encoding_format: 'base64', model: 'text-embedding-3-small' });
    expect(base64.data).toHaveLength(2);
    const expected = fakeEmbedding({ text: 'alpha' });
    for (const [index, value] of (base64.data[0]?.embedding ?? []).entries())
      expect(value).toBeCloseTo(expected[index] as number, 6);

    const floats = await client.embeddings.create({
      model: 'openai/text-embedding-3-small',
      input: 'alpha',
      encoding_format: 'float',
    });
    expect(floats.data[0]?.embedding).toEqual(
      decodeFloat32Base64(Buffer.from(new Float32Array(expected).buffer).toString('base64')),
    );
  });

  it('lists models: aliases and each provider’s models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['fast', 'mock/echo', 'openai/gpt-4o-mini']));
  });

  it('answers mock/echo offline, streaming and not, with no provider key', async () => {
    const completion = await client.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'ping' }],
    });
    expect(completion.choices[0]?.message.content).toBe('echo: ping');
    const stream = await client.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'ping pong' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: ping pong');
  });

  it('surfaces errors as the SDK’s typed errors with the upstream’s status and message', async () => {
    await expect(
      client.chat.completions.create({ model: 'nope/nothing', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
    upstream.script({
      kind: 'error',
      status: 400,
      message: "This model's maximum context length is 128000 tokens.",
      code: 'context_length_exceeded',
      param: 'messages',
    });
    const error = await client.chat.completions
      .create({ model: 'fast', messages: [{ role: 'user', content: 'x' }] })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded', param: 'messages' });
  });

  it('makes the SDK throw when a stream breaks mid-way, instead of ending cleanly', async () => {
    upstream.script({ kind: 'sse', events: openaiChunks({ content: ['a', 'b', 'c'] }).slice(0, -1), done: false });
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const received: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toThrow(/ended the stream before it was complete/);
    expect(received.join('')).toBe('abc');
  });
});

describe('the server under client disconnects and large bodies', () => {
  it('aborts the upstream request within milliseconds when the client disconnects mid-stream', async () => {
    upstream.script({ kind: 'sse', events: openaiChunks({ content: ['one', 'two', 'three'] }), stallAfter: 2 });
    const port = server.port;
    const body = JSON.stringify({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'x' }] });
    await new Promise<void>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/chat/completions',
          headers: { 'content-type': 'application/json' },
        },
        (response) => {
          response.once('data', () => {
            request.destroy();
            resolve();
          });
        },
      );
      request.on('error', (error) => (error.message.includes('socket hang up') ? resolve() : reject(error)));
      request.end(body);
    });
    const disconnectedAt = performance.now();
    while (upstream.aborts === 0 && performance.now() - disconnectedAt < 2000)
      await new Promise((resolve) => setTimeout(resolve, 2));
    expect(upstream.aborts).toBe(1);
    expect(performance.now() - disconnectedAt).toBeLessThan(1000);
  });

  it('answers 413 in the OpenAI shape for a body over the limit', async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'x'.repeat(6 * 1024 * 1024) }] }),
    });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('request_too_large');
  });
});

describe('the server under a chunked body with no declared length', () => {
  it('stops reading at the limit and answers 413 without buffering the rest', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/v1/chat/completions',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8').on('data', (part: string) => {
            text += part;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        },
      );
      request.on('error', (error) =>
        error.message.includes('EPIPE') || error.message.includes('ECONNRESET') ? undefined : reject(error),
      );
      const piece = Buffer.alloc(256 * 1024, 0x61);
      request.write('{"model":"mock/echo","messages":[{"role":"user","content":"');
      // 6 MiB in 256 KiB pieces: more than the 5 MiB default limit.
      for (let index = 0; index < 24; index++) request.write(piece);
      request.end('"}]}');
    });
    expect(status).toBe(413);
    expect(JSON.parse(body).error.code).toBe('request_too_large');
  });
});
