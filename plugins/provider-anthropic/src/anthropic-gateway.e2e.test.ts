// End to end: the official openai SDK → the standalone Switchyard server → this provider → the fake Anthropic.
import { createGateway, silentLogger } from '@switchyard/core';
import { type RunningServer, startServer } from '@switchyard/server';
import {
  anthropicErrorEvent,
  anthropicMessage,
  anthropicStreamEvents,
  anthropicUsage,
  type FakeAnthropic,
  startFakeAnthropic,
} from '@switchyard/testkit';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAnthropicProvider } from './anthropic-provider.js';

const apiKey = 'sk-ant-upstream-0123456789abcdef';
const model = 'anthropic/claude-sonnet-4-5';
let upstream: FakeAnthropic;
let server: RunningServer;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeAnthropic({ apiKey });
  const gateway = createGateway({
    providers: [createAnthropicProvider({ apiKey, baseURL: upstream.url })],
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

function sent(): Record<string, unknown> {
  return upstream.lastRequest()?.body as Record<string, unknown>;
}

async function apiError(promise: Promise<unknown>): Promise<APIError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof APIError)) throw new Error(`expected an APIError, got ${String(error)}`);
  return error;
}

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'weather',
    description: 'Weather by city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('plain completions', () => {
  it('translates a plain request and answer, with usage in OpenAI counting', async () => {
    upstream.script({
      kind: 'json',
      body: anthropicMessage({
        id: 'msg_01abc',
        model: 'claude-sonnet-4-5-20250929',
        text: 'Hi there!',
        usage: anthropicUsage({ inputTokens: 11, outputTokens: 3, cacheReadInputTokens: 100, cacheCreationInputTokens: 20 }),
      }),
    });
    const { data, response } = await client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'Say hi' }] })
      .withResponse();
    expect(data).toMatchObject({
      id: 'msg_01abc',
      object: 'chat.completion',
      model: 'claude-sonnet-4-5-20250929',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi there!' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 131, completion_tokens: 3, total_tokens: 134, prompt_tokens_details: { cached_tokens: 100 } },
    });
    expect(response.headers.get('x-switchyard-provider')).toBe('anthropic');
    expect(response.headers.get('x-switchyard-upstream-request-id')).toBe('req_fake_1');
    expect(sent()).toEqual({ model: 'claude-sonnet-4-5', max_tokens: 4096, messages: [{ role: 'user', content: 'Say hi' }] });
    const headers = upstream.lastRequest()?.headers ?? {};
    expect([headers['x-api-key'], headers['anthropic-version'], headers.authorization]).toEqual([
      apiKey,
      '2023-06-01',
      undefined,
    ]);
  });

  it('moves system and developer messages to the top-level system field, in order', async () => {
    const completion = await client.chat.completions.create({
      model,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: 'Answer in English.' },
        { role: 'user', content: 'hello world' },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe('echo: hello world');
    expect(sent()).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: [
        { type: 'text', text: 'You are terse.' },
        { type: 'text', text: 'Answer in English.' },
      ],
      messages: [{ role: 'user', content: 'hello world' }],
    });
  });

  it('sends image parts as base64 and url sources', async () => {
    await client.chat.completions.create({
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
          ],
        },
      ],
    });
    expect(sent().messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
        ],
      },
    ]);
  });

  it('maps stop to stop_sequences, and max_tokens both ways (length finish)', async () => {
    const stopped = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'one two three' }],
      stop: ['two'],
    });
    expect(sent()).toMatchObject({ stop_sequences: ['two'], max_tokens: 4096 });
    expect([stopped.choices[0]?.message.content, stopped.choices[0]?.finish_reason]).toEqual(['echo: one ', 'stop']);

    const cut = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'one two three' }],
      max_tokens: 2,
    });
    expect(sent().max_tokens).toBe(2);
    expect(cut.choices[0]?.finish_reason).toBe('length');
    await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'x' }],
      max_completion_tokens: 300,
      max_tokens: 2,
    });
    expect(sent().max_tokens).toBe(300);
  });

  it('turns reasoning_effort into a thinking budget and returns the thinking as reasoning_content', async () => {
    const completion = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'why' }],
      reasoning_effort: 'medium',
      max_completion_tokens: 1000,
    });
    expect(sent()).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 4096 }, max_tokens: 5096 });
    expect(completion.choices[0]?.message).toMatchObject({ content: 'echo: why', reasoning_content: 'Thinking about: why' });
  });
});

describe('tools', () => {
  it('round-trips tool calls and tool results (exact upstream JSON)', async () => {
    await client.chat.completions.create({
      model,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Oslo and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'toolu_01', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
            { id: 'toolu_02', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_01', content: '12C' },
        { role: 'tool', tool_call_id: 'toolu_02', content: '20C' },
      ],
    });
    expect(sent()).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      tools: [
        {
          name: 'weather',
          description: 'Weather by city',
          input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      ],
      messages: [
        { role: 'user', content: 'Weather in Oslo and Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_01', name: 'weather', input: { city: 'Oslo' } },
            { type: 'tool_use', id: 'toolu_02', name: 'weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_01', content: '12C' },
            { type: 'tool_result', tool_use_id: 'toolu_02', content: '20C' },
          ],
        },
      ],
    });
  });

  it('returns a forced tool call (non-stream) and maps tool_choice and parallel_tool_calls', async () => {
    const completion = await client.chat.completions.create({
      model,
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      parallel_tool_calls: false,
      messages: [{ role: 'user', content: 'Oslo' }],
    });
    expect(sent().tool_choice).toEqual({ type: 'tool', name: 'weather', disable_parallel_tool_use: true });
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: null,
        tool_calls: [{ id: 'toolu_fake_1', type: 'function', function: { name: 'weather', arguments: '{"text":"Oslo"}' } }],
      },
    });
  });

  it('streams parallel tool calls with argument deltas indexed by tool call', async () => {
    upstream.script({
      kind: 'sse',
      events: anthropicStreamEvents({
        text: ['Checking both.'],
        toolUses: [
          { id: 'toolu_a', name: 'weather', partialJson: ['', '{"city"', ': "Oslo"}'] },
          { id: 'toolu_b', name: 'weather', partialJson: ['{"city": ', '"Rome"}'] },
        ],
      }),
    });
    const stream = await client.chat.completions.create({
      model,
      tools: [weatherTool],
      tool_choice: 'required',
      messages: [{ role: 'user', content: 'both' }],
      stream: true,
    });
    const toolDeltas: unknown[] = [];
    for await (const chunk of stream) toolDeltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
    expect(sent()).toMatchObject({ stream: true, tool_choice: { type: 'any' } });
    expect(toolDeltas).toEqual([
      { index: 0, id: 'toolu_a', type: 'function', function: { name: 'weather', arguments: '' } },
      { index: 0, function: { arguments: '{"city"' } },
      { index: 0, function: { arguments: ': "Oslo"}' } },
      { index: 1, id: 'toolu_b', type: 'function', function: { name: 'weather', arguments: '' } },
      { index: 1, function: { arguments: '{"city": ' } },
      { index: 1, function: { arguments: '"Rome"}' } },
    ]);

    upstream.script({
      kind: 'sse',
      events: anthropicStreamEvents({ toolUses: [{ id: 'toolu_c', name: 'weather', partialJson: ['{"ci', 'ty":"Bergen"}'] }] }),
    });
    const final = await client.chat.completions
      .stream({ model, tools: [weatherTool], messages: [{ role: 'user', content: 'x' }] })
      .finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      id: 'toolu_c',
      function: { name: 'weather', arguments: '{"city":"Bergen"}' },
    });
  });
});

describe('streaming', () => {
  it('streams content and, with include_usage, a final usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'a b c' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const finishReasons: unknown[] = [];
    let usage: unknown;
    let roleSeen = false;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.role === 'assistant') roleSeen = true;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]?.finish_reason) finishReasons.push(chunk.choices[0].finish_reason);
      if (chunk.usage) usage = { usage: chunk.usage, choices: chunk.choices };
    }
    expect(roleSeen).toBe(true);
    expect(text).toBe('echo: a b c');
    expect(finishReasons).toEqual(['stop']);
    expect(usage).toEqual({
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, prompt_tokens_details: { cached_tokens: 0 } },
      choices: [],
    });
    expect(sent()).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      stream: true,
      messages: [{ role: 'user', content: 'a b c' }],
    });
  });

  it('leaves the usage chunk out when the client did not ask for it', async () => {
    const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'a' }], stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.choices.length === 1)).toBe(true);
  });

  it('streams thinking as reasoning_content deltas', async () => {
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'why' }],
      reasoning_effort: 'low',
      stream: true,
    });
    let reasoning = '';
    for await (const chunk of stream)
      reasoning += (chunk.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '';
    expect(reasoning).toBe('Thinking about: why');
  });
});

describe('errors', () => {
  it('passes a 429 through with retry-after, as a rate limit', async () => {
    upstream.script({
      kind: 'error',
      status: 429,
      message: 'Number of requests has exceeded your rate limit',
      headers: { 'retry-after': '17' },
    });
    const error = await apiError(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] }));
    expect(error.status).toBe(429);
    expect(error.headers?.get('retry-after')).toBe('17');
    expect(error.message).toContain('Number of requests has exceeded your rate limit');
    expect(error.type).toBe('rate_limit_error');
  });

  it('passes a 529 overloaded through as retryable with code overloaded', async () => {
    upstream.script({ kind: 'error', status: 529, message: 'Overloaded' });
    const error = await apiError(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] }));
    expect([error.status, error.type, error.code]).toEqual([529, 'overloaded_error', 'overloaded']);
    expect(error.headers?.get('x-should-retry')).toBeNull();
  });

  it('passes an upstream 400 through as non-retryable', async () => {
    upstream.script({ kind: 'error', status: 400, message: 'messages: roles must alternate' });
    const error = await apiError(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] }));
    expect([error.status, error.type, error.message]).toEqual([
      400,
      'invalid_request_error',
      '400 messages: roles must alternate',
    ]);
    // Non-retryable below 408: the SDK does not retry a 400 anyway, so no x-should-retry header is needed.
    expect(error.headers?.get('x-should-retry')).toBeNull();
  });

  it('refuses n > 1 and json_object with a 400 naming the parameter, without calling upstream', async () => {
    const n = await apiError(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }], n: 2 }));
    expect([n.status, n.param, n.type]).toEqual([400, 'n', 'invalid_request_error']);
    const json = await apiError(
      client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'x' }],
        response_format: { type: 'json_object' },
      }),
    );
    expect([json.status, json.param]).toEqual([400, 'response_format']);
    expect(upstream.requests).toHaveLength(0);
  });

  it('turns an error event as the first event into an HTTP 529', async () => {
    upstream.script({ kind: 'sse', events: [anthropicErrorEvent()] });
    const error = await apiError(
      client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }], stream: true }),
    );
    expect([error.status, error.code]).toEqual([529, 'overloaded']);
  });

  it('raises a mid-stream event: error in the client after the content already sent', async () => {
    const events = anthropicStreamEvents({ text: ['partial ', 'answer'] });
    upstream.script({ kind: 'sse', events: [...events.slice(0, 4), anthropicErrorEvent({ message: 'Overloaded mid-stream' })] });
    const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }], stream: true });
    let text = '';
    const error = await apiError(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(text).toBe('partial ');
    expect(error.message).toContain('Overloaded mid-stream');
  });
});
