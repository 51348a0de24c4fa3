import {
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatRequest,
  type EmbeddingRequest,
  type EmbeddingResponse,
  isGatewayError,
  type ProviderV1,
  type StreamPart,
} from '@switchyard/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockProvider, defaultFixedReply } from './mock-provider.js';

const providers: ProviderV1[] = [];

function mock(options: Parameters<typeof createMockProvider>[0] = {}): ProviderV1 {
  const provider = createMockProvider(options);
  providers.push(provider);
  return provider;
}

afterEach(async () => {
  await Promise.all(providers.splice(0).map((provider) => provider.close?.()));
});

function chatCall(model: string, request: Partial<ChatRequest> = {}, signal = new AbortController().signal) {
  return {
    model,
    request: { model: `mock/${model}`, messages: [{ role: 'user' as const, content: 'hello there' }], ...request },
    signal,
    requestId: 'request-1',
  };
}

async function collect(parts: AsyncIterable<StreamPart>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const part of parts) chunks.push(part.chunk.value);
  return chunks;
}

function contentOf(chunks: ChatCompletionChunk[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' }, unit: { type: 'string' }, days: { type: 'integer' } },
      required: ['location', 'days'],
    },
  },
};

describe('createMockProvider', () => {
  it('lists its models, custom replies included', () => {
    const provider = mock({ replies: { greeter: 'Hi!', fixed: 'Changed.' } });
    expect(provider.id).toBe('mock');
    expect(provider.specificationVersion).toBe('v1');
    expect(provider.models).toEqual(['echo', 'fixed', 'tool', 'error-429', 'error-500', 'break', 'greeter']);
  });

  it('rejects invalid options at construction', () => {
    expect(() => createMockProvider({ id: '' })).toThrow(/id/);
    expect(() => createMockProvider({ chunkDelayMs: -1 })).toThrow(/chunkDelayMs/);
    expect(() => createMockProvider({ replies: { echo: 'no' } })).toThrow(/echo/);
    expect(() => createMockProvider({ replies: { 'error-418': 'no' } })).toThrow(/error-418/);
  });

  it('echo answers with the last user message in an exact chat.completion', async () => {
    const { body, upstream } = await mock().chat(
      chatCall('echo', {
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'first question' },
          { role: 'assistant', content: 'first answer' },
          { role: 'user', content: [{ type: 'text', text: 'what is ' }, { type: 'image_url' }, { type: 'text', text: 'up?' }] },
        ],
      }),
    );
    expect(upstream).toEqual({ status: 200 });
    const completion = body.value;
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'echo',
      system_fingerprint: 'fp_mock',
      choices: [{ index: 0, message: { role: 'assistant', content: 'echo: what is up?' }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: 9,
        completion_tokens: 4,
        total_tokens: 13,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(completion.id).toMatch(/^chatcmpl-mock-[0-9a-f]+$/);
    expect(Math.abs(completion.created - Date.now() / 1000)).toBeLessThan(5);
    expect(JSON.parse(body.text)).toEqual(completion);
  });

  it('fixed answers the default sentence, and replies add or override fixed models', async () => {
    const plain = await mock().chat(chatCall('fixed'));
    expect(plain.body.value.choices[0]?.message.content).toBe(defaultFixedReply);
    const custom = mock({ replies: { fixed: 'Changed reply.', greeter: 'Hi from the greeter.' } });
    expect((await custom.chat(chatCall('fixed'))).body.value.choices[0]?.message.content).toBe('Changed reply.');
    const greeter = (await custom.chat(chatCall('greeter'))).body.value;
    expect(greeter.choices[0]?.message.content).toBe('Hi from the greeter.');
    expect(greeter.model).toBe('greeter');
    expect(greeter.usage?.completion_tokens).toBe(4);
  });

  it('tool calls the first tool with its required string arguments', async () => {
    const { body } = await mock().chat(
      chatCall('tool', { tools: [weatherTool, { type: 'function', function: { name: 'other' } }] }),
    );
    const choice = body.value.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.tool_calls?.[0];
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather', arguments: '{"location":"echo"}' } });
    expect(call?.id).toMatch(/^call_mock_/);
    expect(body.value.usage?.completion_tokens).toBeGreaterThanOrEqual(2);
  });

  it('tool answers in text when the request offers no tools', async () => {
    const { body } = await mock().chat(chatCall('tool'));
    expect(body.value.choices[0]?.finish_reason).toBe('stop');
    expect(body.value.choices[0]?.message.content).toMatch(/no tools/);
  });

  it.each([
    [429, 'rate_limit', true, { 'retry-after': '1' }],
    [500, 'upstream', true, {}],
    [503, 'unavailable', true, {}],
    [400, 'invalid_request', false, {}],
    [408, 'timeout', true, {}],
  ])('error-%i throws a GatewayError, streaming or not', async (status, kind, retryable, headers) => {
    const provider = mock();
    for (const attempt of [provider.chat(chatCall(`error-${status}`)), provider.streamChat(chatCall(`error-${status}`))]) {
      const error = await caught(attempt);
      expect(isGatewayError(error)).toBe(true);
      expect(error).toMatchObject({ status, kind, retryable, headers });
    }
  });

  it('an unknown model is a model_not_found error naming it', async () => {
    const provider = mock();
    for (const attempt of [provider.chat(chatCall('nope')), provider.streamChat(chatCall('nope'))]) {
      const error = await caught(attempt);
      expect(error).toMatchObject({ status: 404, kind: 'not_found', code: 'model_not_found' });
      expect((error as Error).message).toContain('"nope"');
    }
  });

  it('break streams two content chunks and then fails as a truncated upstream', async () => {
    const provider = mock();
    const { parts, upstream } = await provider.streamChat(chatCall('break'));
    expect(upstream.status).toBe(200);
    const received: ChatCompletionChunk[] = [];
    const error = await caught(
      (async () => {
        for await (const part of parts) received.push(part.chunk.value);
      })(),
    );
    expect(received.filter((chunk) => chunk.choices[0]?.delta.content)).toHaveLength(2);
    expect(error).toMatchObject({ status: 502, kind: 'upstream', code: 'upstream_stream_truncated', retryable: true });
    expect(await caught(provider.chat(chatCall('break')))).toMatchObject({ code: 'upstream_stream_truncated' });
  });

  it.each(['echo', 'fixed'])('%s streams the same content and usage as it answers', async (model) => {
    const provider = mock();
    const call = chatCall(model, { messages: [{ role: 'user', content: '  spaced   out\ttext  ' }] });
    const completion: ChatCompletion = (await provider.chat(call)).body.value;
    const chunks = await collect((await provider.streamChat(call)).parts);

    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(contentOf(chunks)).toBe(completion.choices[0]?.message.content);
    const words = (completion.choices[0]?.message.content ?? '').split(/\s+/).filter(Boolean).length;
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content)).toHaveLength(words);

    const finish = chunks.at(-2);
    expect(finish?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    const usageChunk = chunks.at(-1);
    expect(usageChunk?.choices).toEqual([]);
    expect(usageChunk?.usage).toEqual(completion.usage);
    expect(usageChunk?.usage?.total_tokens).toBe(
      (usageChunk?.usage?.prompt_tokens ?? 0) + (usageChunk?.usage?.completion_tokens ?? 0),
    );
    for (const chunk of chunks.slice(0, -1)) expect('usage' in chunk).toBe(false);

    const ids = new Set(chunks.map((chunk) => chunk.id));
    expect(ids.size).toBe(1);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ object: 'chat.completion.chunk', model, system_fingerprint: 'fp_mock' });
    }
  });

  it('tool streams a tool call whose argument pieces reassemble to the non-stream arguments', async () => {
    const provider = mock();
    const call = chatCall('tool', { tools: [weatherTool] });
    const completion = (await provider.chat(call)).body.value;
    const chunks = await collect((await provider.streamChat(call)).parts);

    const first = chunks[0]?.choices[0]?.delta.tool_calls?.[0];
    expect(first).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(first?.id).toMatch(/^call_mock_/);
    const pieces = chunks
      .slice(1)
      .flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])
      .map((delta) => delta.function?.arguments ?? '');
    expect(pieces.length).toBeGreaterThanOrEqual(2);
    const streamedArguments = pieces.join('');
    const expected = completion.choices[0]?.message.tool_calls?.[0]?.function.arguments ?? '';
    expect(streamedArguments).toBe(expected);
    expect(JSON.parse(streamedArguments)).toEqual({ location: 'echo' });

    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)?.usage).toEqual(completion.usage);
    expect(completion.usage?.completion_tokens).toBe(pieces.length);
  });

  it('a tool without required string properties is called with {}', async () => {
    const provider = mock();
    const call = chatCall('tool', { tools: [{ type: 'function', function: { name: 'ping' } }] });
    const chunks = await collect((await provider.streamChat(call)).parts);
    const pieces = chunks
      .flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])
      .map((delta) => delta.function?.arguments ?? '');
    expect(pieces.filter(Boolean)).toEqual(['{', '}']);
  });

  it('stops a delayed stream when the signal aborts, with the signal reason', async () => {
    const provider = mock({ chunkDelayMs: 20 });
    const controller = new AbortController();
    const { parts } = await provider.streamChat(chatCall('fixed', {}, controller.signal));
    const reason = new Error('client went away');
    const received: ChatCompletionChunk[] = [];
    const error = await caught(
      (async () => {
        for await (const part of parts) {
          received.push(part.chunk.value);
          if (received.length === 2) controller.abort(reason);
        }
      })(),
    );
    expect(error).toBe(reason);
    expect(received).toHaveLength(2);
  });

  it('refuses to start when the signal is already aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('too late');
    controller.abort(reason);
    expect(await caught(mock().streamChat(chatCall('echo', {}, controller.signal)))).toBe(reason);
    expect(await caught(mock().chat(chatCall('echo', {}, controller.signal)))).toBe(reason);
  });

  it('waits chunkDelayMs between chunks', async () => {
    const provider = mock({ chunkDelayMs: 15 });
    const started = Date.now();
    const chunks = await collect((await provider.streamChat(chatCall('echo'))).parts);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15 * (chunks.length - 1) - 5);
  });
});

describe('createMockProvider embed', () => {
  function embedCall(request: Partial<EmbeddingRequest> = {}) {
    return {
      model: 'any-embedding',
      request: { model: 'mock/any-embedding', input: 'hello world', ...request },
      signal: new AbortController().signal,
      requestId: 'request-2',
    };
  }

  async function embed(request: Partial<EmbeddingRequest> = {}): Promise<EmbeddingResponse> {
    const provider = mock();
    if (!provider.embed) throw new Error('the mock provider embeds');
    return (await provider.embed(embedCall(request))).body.value;
  }

  it('returns deterministic unit vectors in the OpenAI list shape', async () => {
    const first = await embed({ input: ['hello world', 'other text here'] });
    const again = await embed({ input: ['hello world', 'other text here'] });
    expect(first).toEqual(again);
    expect(first).toMatchObject({ object: 'list', model: 'any-embedding', usage: { prompt_tokens: 5, total_tokens: 5 } });
    expect(first.data).toHaveLength(2);
    const [one, two] = first.data.map((item) => item.embedding as number[]);
    expect(one).toHaveLength(8);
    expect(one).not.toEqual(two);
    const norm = Math.sqrt((one ?? []).reduce((sum, value) => sum + value * value, 0));
    expect(norm).toBeCloseTo(1, 5);
  });

  it('honours dimensions', async () => {
    const response = await embed({ dimensions: 32 });
    expect(response.data[0]?.embedding).toHaveLength(32);
  });

  it('base64 decodes (little-endian float32) to the float vector', async () => {
    const floats = (await embed({ dimensions: 16 })).data[0]?.embedding as number[];
    const encoded = (await embed({ dimensions: 16, encoding_format: 'base64' })).data[0]?.embedding;
    expect(typeof encoded).toBe('string');
    const bytes = Buffer.from(encoded as string, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
    expect(decoded).toEqual(floats);
  });

  it('embeds token-id inputs and fails for error models', async () => {
    expect(
      (
        await embed({
          input: [
            [1, 2, 3],
            [4, 5],
          ],
        })
      ).data,
    ).toHaveLength(2);
    const provider = mock();
    const error = await caught(provider.embed?.({ ...embedCall(), model: 'error-503' }) ?? Promise.resolve());
    expect(error).toMatchObject({ status: 503, retryable: true });
  });
});
