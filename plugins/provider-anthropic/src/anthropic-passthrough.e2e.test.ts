/**
 * Anthropic SDK → gateway → Anthropic upstream: the client's own body goes upstream (cache_control on every
 * block, thinking blocks with signatures, fields this release does not know) and the upstream's own bytes
 * come back, streamed or not. As soon as a middleware replaces the request (PII masking here), the
 * translation path is used instead, and nothing native leaks past it.
 */
import Anthropic from '@anthropic-ai/sdk';
import { createGateway, type Gateway, silentLogger } from '@switchyard/core';
import { pii } from '@switchyard/pii';
import { type RunningServer, startServer } from '@switchyard/server';
import { type FakeAnthropic, startFakeAnthropic } from '@switchyard/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAnthropicProvider } from './anthropic-provider.js';

const apiKey = 'sk-ant-upstream-passthrough-0123';
let upstream: FakeAnthropic;
let plain: RunningServer;
let masked: RunningServer;

function gatewayWith(middleware: Parameters<typeof createGateway>[0]['middleware'] = []): Gateway {
  return createGateway({
    providers: [createAnthropicProvider({ apiKey, baseURL: upstream.url })],
    middleware,
    logger: silentLogger,
  });
}

beforeAll(async () => {
  upstream = await startFakeAnthropic({ apiKey });
  plain = await startServer({ gateway: gatewayWith(), port: 0 });
  masked = await startServer({ gateway: gatewayWith([pii({ detectors: { email: 'mask' } })]), port: 0 });
});
afterAll(async () => {
  await plain.close();
  await masked.close();
  await upstream.close();
});
beforeEach(() => upstream.reset());

/** A request using what the canonical (OpenAI) shape cannot carry. */
const richRequest = {
  model: 'anthropic/claude-sonnet-4-5',
  max_tokens: 2048,
  system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral', ttl: '1h' } }],
  thinking: { type: 'enabled', budget_tokens: 1024 },
  tools: [
    {
      name: 'weather',
      description: 'Weather by city',
      input_schema: { type: 'object', properties: { city: { type: 'string' } } },
      cache_control: { type: 'ephemeral' },
    },
  ],
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?', cache_control: { type: 'ephemeral' } }] },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Use the tool.', signature: 'sig-EqQBCkgIARABGAIiQL' },
        { type: 'tool_use', id: 'toolu_01', name: 'weather', input: { city: 'Oslo' } },
      ],
    },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: '4 °C, rain' }] },
  ],
  a_field_from_the_future: { enabled: true },
};

const richMessage = {
  id: 'msg_01Passthrough',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [
    { type: 'thinking', thinking: 'It rains.', signature: 'sig-ErUBCkYIAxgCIkD' },
    { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' },
    { type: 'text', text: 'Rainy, 4 °C.', citations: null },
  ],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: {
    input_tokens: 40,
    output_tokens: 12,
    cache_creation_input_tokens: 30,
    cache_read_input_tokens: 0,
    service_tier: 'standard',
  },
  container: null,
};

function post(server: RunningServer, body: unknown) {
  return fetch(`${server.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
}

describe('Anthropic to Anthropic pass-through', () => {
  it('sends the client body upstream unchanged but for the model id', async () => {
    upstream.script({ kind: 'json', body: richMessage });
    const client = new Anthropic({ baseURL: plain.url, apiKey: 'gateway-key', maxRetries: 0 });
    await client.messages.create(richRequest as unknown as Anthropic.MessageCreateParamsNonStreaming);
    const { model, ...rest } = (upstream.lastRequest()?.body ?? {}) as Record<string, unknown>;
    const { model: _asked, ...expected } = richRequest;
    expect(model).toBe('claude-sonnet-4-5');
    expect(rest).toEqual(expected);
  });

  it('returns the upstream message as it was, thinking signatures and unknown blocks included', async () => {
    upstream.script({ kind: 'json', body: richMessage });
    const response = await post(plain, richRequest);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(richMessage);
  });

  it('streams the upstream frames through byte for byte, pings and signature deltas included', async () => {
    const events = [
      {
        event: 'message_start',
        data: {
          type: 'message_start',
          message: { ...richMessage, content: [], stop_reason: null, usage: { input_tokens: 40, output_tokens: 1 } },
        },
      },
      {
        event: 'content_block_start',
        data: { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      },
      { event: 'ping', data: { type: 'ping' } },
      {
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'It rains.' } },
      },
      {
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig-ErUBCkYIAxgCIkD' } },
      },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
      {
        event: 'content_block_start',
        data: { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      },
      {
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Rainy, 4 °C.' } },
      },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 1 } },
      {
        event: 'message_delta',
        data: { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 12 } },
      },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ];
    const wire = events.map(({ event, data }) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');

    upstream.script({ kind: 'sse', events });
    const response = await post(plain, { ...richRequest, stream: true });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(await response.text()).toBe(wire);
    expect((upstream.lastRequest()?.body as { stream?: boolean } | undefined)?.stream).toBe(true);

    upstream.script({ kind: 'sse', events });
    const client = new Anthropic({ baseURL: plain.url, apiKey: 'gateway-key', maxRetries: 0 });
    const stream = client.messages.stream(richRequest as unknown as Anthropic.MessageCreateParamsNonStreaming);
    const final = await stream.finalMessage();
    expect(final.content[0]).toEqual({ type: 'thinking', thinking: 'It rains.', signature: 'sig-ErUBCkYIAxgCIkD' });
    expect(final.content[1]).toMatchObject({ type: 'text', text: 'Rainy, 4 °C.' });
  });

  it('translates instead as soon as a middleware changed the request, and restores what it masked', async () => {
    upstream.script({
      kind: 'json',
      body: { ...richMessage, content: [{ type: 'text', text: 'Mailing <EMAIL_1> now.' }] },
    });
    const response = await post(masked, {
      model: 'anthropic/claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'mail ana@example.com' }],
      a_field_from_the_future: true,
    });
    const sent = (upstream.lastRequest()?.body ?? {}) as Record<string, unknown>;
    expect(JSON.stringify(sent)).toContain('<EMAIL_1>');
    expect(JSON.stringify(sent)).not.toContain('ana@example.com');
    expect(sent.a_field_from_the_future).toBeUndefined();
    const message = (await response.json()) as { content: Array<{ text: string }>; container?: unknown };
    expect(message.content[0]?.text).toBe('Mailing ana@example.com now.');
    expect('container' in message).toBe(false);
  });
});
