import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anthropicErrorEvent, anthropicStreamEvents } from './anthropic-fixtures.js';
import { startFakeAnthropic } from './fake-anthropic.js';
import type { AnthropicErrorBody, AnthropicMessage, FakeAnthropic } from './types.js';

function post(upstream: FakeAnthropic, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${upstream.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

interface ParsedEvent {
  event: string | undefined;
  data: Record<string, unknown>;
}

/** The `event:`/`data:` pairs of an SSE body, in order. */
function sseEvents(text: string): ParsedEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.length > 0)
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '{}';
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

const basic = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hello there' }] };

describe('fake Anthropic defaults', () => {
  let upstream: FakeAnthropic;
  beforeAll(async () => {
    upstream = await startFakeAnthropic({ apiKey: 'sk-ant-fake' });
  });
  afterEach(() => upstream.reset());
  afterAll(() => upstream.close());

  const auth = { 'x-api-key': 'sk-ant-fake' };

  it('uses an origin without /v1 as its base URL', () => {
    expect(upstream.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(upstream.origin).toBe(upstream.url);
  });

  it('echoes the last user text in a message with deterministic usage and records the request', async () => {
    const response = await post(
      upstream,
      '/v1/messages',
      {
        ...basic,
        system: [{ type: 'text', text: 'be brief' }],
        messages: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'ok' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'hello ' },
              { type: 'text', text: 'there' },
            ],
          },
        ],
      },
      auth,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('request-id')).toBe('req_fake_1');
    const message = (await response.json()) as AnthropicMessage;
    expect(message).toEqual({
      id: 'msg_fake_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'echo: hello there' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 6,
        output_tokens: 3,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        service_tier: 'standard',
      },
    });
    const recorded = upstream.lastRequest();
    expect(recorded?.path).toBe('/v1/messages');
    expect(recorded?.headers['anthropic-version']).toBe('2023-06-01');
    expect(recorded?.headers['x-api-key']).toBe('sk-ant-fake');
  });

  it('streams with event lines: message_start, blocks, ping, message_delta, message_stop', async () => {
    const response = await post(upstream, '/v1/messages', { ...basic, stream: true }, auth);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = sseEvents(await response.text());
    expect(events.map((event) => event.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const event of events) expect(event.data.type).toBe(event.event);
    expect(events[0]?.data).toMatchObject({ message: { id: 'msg_fake_1', content: [], usage: { input_tokens: 2 } } });
    const text = events
      .filter((event) => event.event === 'content_block_delta')
      .map((event) => (event.data.delta as { text: string }).text)
      .join('');
    expect(text).toBe('echo: hello there');
    expect(events[7]?.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 3 },
    });
  });

  it('accepts Authorization: Bearer and rejects a wrong key with an authentication_error', async () => {
    expect((await post(upstream, '/v1/messages', basic, { authorization: 'Bearer sk-ant-fake' })).status).toBe(200);
    const rejected = await post(upstream, '/v1/messages', basic, { 'x-api-key': 'wrong' });
    expect(rejected.status).toBe(401);
    expect(await rejected.json()).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key' },
      request_id: 'req_fake_2',
    });
  });

  it('does not require anthropic-version', async () => {
    const response = await fetch(`${upstream.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify(basic),
    });
    expect(response.status).toBe(200);
    expect(upstream.lastRequest()?.headers['anthropic-version']).toBeUndefined();
  });

  it('rejects a missing max_tokens and a system role in messages like Anthropic', async () => {
    const noMax = await post(upstream, '/v1/messages', { model: 'm', messages: basic.messages }, auth);
    expect(noMax.status).toBe(400);
    expect(((await noMax.json()) as AnthropicErrorBody).error).toEqual({
      type: 'invalid_request_error',
      message: 'max_tokens: Field required',
    });
    const system = await post(upstream, '/v1/messages', { ...basic, messages: [{ role: 'system', content: 'x' }] }, auth);
    expect(((await system.json()) as AnthropicErrorBody).error.message).toBe(
      "messages.0.role: Input should be 'user' or 'assistant'",
    );
  });

  it('uses a tool when tool_choice forces one, streaming its input as partial JSON', async () => {
    const body = {
      ...basic,
      tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'lookup' },
    };
    const message = (await (await post(upstream, '/v1/messages', body, auth)).json()) as AnthropicMessage;
    expect(message.content).toEqual([{ type: 'tool_use', id: 'toolu_fake_1', name: 'lookup', input: { text: 'hello there' } }]);
    expect(message.stop_reason).toBe('tool_use');

    const events = sseEvents(await (await post(upstream, '/v1/messages', { ...body, stream: true }, auth)).text());
    const pieces = events
      .filter((event) => event.event === 'content_block_delta')
      .map((event) => (event.data.delta as { partial_json: string }).partial_json);
    expect(pieces.length).toBe(2);
    expect(JSON.parse(pieces.join(''))).toEqual({ text: 'hello there' });
  });

  it('thinks when thinking is enabled and checks the budget against max_tokens', async () => {
    const thinking = { type: 'enabled', budget_tokens: 1024 };
    const tooSmall = await post(upstream, '/v1/messages', { ...basic, thinking }, auth);
    expect(tooSmall.status).toBe(400);
    const message = (await (
      await post(upstream, '/v1/messages', { ...basic, max_tokens: 2000, thinking }, auth)
    ).json()) as AnthropicMessage;
    expect(message.content[0]).toEqual({ type: 'thinking', thinking: 'Thinking about: hello there', signature: 'sig_fake' });
    const events = sseEvents(
      await (await post(upstream, '/v1/messages', { ...basic, max_tokens: 2000, thinking, stream: true }, auth)).text(),
    );
    expect(events.some((event) => (event.data.delta as { type?: string } | undefined)?.type === 'thinking_delta')).toBe(true);
  });

  it('stops at stop sequences and at max_tokens words', async () => {
    const stopped = (await (
      await post(upstream, '/v1/messages', { ...basic, stop_sequences: ['there'] }, auth)
    ).json()) as AnthropicMessage;
    expect(stopped).toMatchObject({ content: [{ text: 'echo: hello ' }], stop_reason: 'stop_sequence', stop_sequence: 'there' });
    const cut = (await (await post(upstream, '/v1/messages', { ...basic, max_tokens: 2 }, auth)).json()) as AnthropicMessage;
    expect(cut).toMatchObject({ content: [{ text: 'echo: hello ' }], stop_reason: 'max_tokens' });
  });

  it('counts tokens and lists models', async () => {
    const counted = await post(upstream, '/v1/messages/count_tokens', { model: 'm', messages: basic.messages }, auth);
    expect(await counted.json()).toEqual({ input_tokens: 2 });
    const models = await fetch(`${upstream.url}/v1/models`, { headers: auth });
    expect(await models.json()).toMatchObject({
      data: [{ type: 'model', id: 'claude-sonnet-4-5' }, { id: 'claude-haiku-4-5' }, { id: 'claude-opus-4-1' }],
      has_more: false,
      first_id: 'claude-sonnet-4-5',
      last_id: 'claude-opus-4-1',
    });
    expect((await fetch(`${upstream.url}/v1/models/nope`, { headers: auth })).status).toBe(404);
  });
});

describe('fake Anthropic scripting', () => {
  let upstream: FakeAnthropic;
  beforeAll(async () => {
    upstream = await startFakeAnthropic();
  });
  afterEach(() => upstream.reset());
  afterAll(() => upstream.close());

  it('plays scripted errors in the Anthropic envelope, 529 as overloaded_error', async () => {
    upstream.script(
      { kind: 'error', status: 529, message: 'Overloaded' },
      { kind: 'error', status: 429, message: 'slow down', headers: { 'retry-after': '7' } },
    );
    const overloaded = await post(upstream, '/v1/messages', basic);
    expect(overloaded.status).toBe(529);
    expect(overloaded.headers.get('request-id')).toBe('req_fake_1');
    expect(await overloaded.json()).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
      request_id: 'req_fake_1',
    });
    const limited = await post(upstream, '/v1/messages', basic);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(((await limited.json()) as AnthropicErrorBody).error.type).toBe('rate_limit_error');
    // The queue is empty again: defaults resume.
    expect((await post(upstream, '/v1/messages', basic)).status).toBe(200);
  });

  it('streams scripted {event, data} objects and raw strings verbatim', async () => {
    upstream.script({
      kind: 'sse',
      events: [...anthropicStreamEvents({ text: ['a'] }).slice(0, 3), anthropicErrorEvent(), 'event: custom\ndata: raw\n\n'],
    });
    const text = await (await post(upstream, '/v1/messages', basic)).text();
    expect(text).toContain('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n');
    expect(text.endsWith('event: custom\ndata: raw\n\n')).toBe(true);
  });

  it('cuts a stream after N events without a terminator', async () => {
    upstream.script({ kind: 'sse', events: anthropicStreamEvents({ text: ['a', 'b'] }), cutAfter: 2 });
    const response = await post(upstream, '/v1/messages', basic);
    await expect(response.text()).rejects.toThrow();
  });

  it('stalls a stream and counts the client abort', async () => {
    upstream.script({ kind: 'sse', events: anthropicStreamEvents({ text: ['a'] }), stallAfter: 1, firstEventDelayMs: 5 });
    const response = await post(upstream, '/v1/messages', basic);
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain('event: message_start');
    await reader?.cancel();
    await expect.poll(() => upstream.aborts).toBe(1);
  });

  it('plays json, raw, reset and hang', async () => {
    upstream.script(
      { kind: 'json', status: 200, body: { hello: 'world' } },
      { kind: 'raw', status: 502, body: '<html>bad gateway</html>', headers: { 'content-type': 'text/html' } },
      { kind: 'reset' },
      { kind: 'hang' },
    );
    expect(await (await post(upstream, '/v1/messages', basic)).json()).toEqual({ hello: 'world' });
    const raw = await post(upstream, '/v1/messages', basic);
    expect([raw.status, await raw.text()]).toEqual([502, '<html>bad gateway</html>']);
    await expect(post(upstream, '/v1/messages', basic)).rejects.toThrow();
    await expect(
      fetch(`${upstream.url}/v1/messages`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(100) }),
    ).rejects.toThrow();
    expect(upstream.requests.map((request) => request.path)).toEqual(Array(4).fill('/v1/messages'));
  });
});
