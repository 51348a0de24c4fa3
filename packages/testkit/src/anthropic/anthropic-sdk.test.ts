// Wire-compatibility check against the official Anthropic SDK (a root devDependency, not a testkit dependency).
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anthropicErrorEvent, anthropicStreamEvents, anthropicUsage } from './anthropic-fixtures.js';
import { startFakeAnthropic } from './fake-anthropic.js';
import type { FakeAnthropic } from './types.js';

describe('the Anthropic SDK against the fake', () => {
  let upstream: FakeAnthropic;
  let client: Anthropic;
  beforeAll(async () => {
    upstream = await startFakeAnthropic({ apiKey: 'sk-ant-fake' });
    client = new Anthropic({ baseURL: upstream.url, apiKey: 'sk-ant-fake', maxRetries: 0 });
  });
  afterEach(() => upstream.reset());
  afterAll(() => upstream.close());

  it('creates a message; the SDK authenticates and sends an anthropic-version, both recorded', async () => {
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'ping' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'echo: ping' }]);
    expect(message.usage.output_tokens).toBe(2);
    const headers = upstream.lastRequest()?.headers ?? {};
    // This SDK release sends its `apiKey` as a bearer token; the fake accepts that and `x-api-key` alike.
    expect(headers.authorization ?? `Bearer ${headers['x-api-key']}`).toBe('Bearer sk-ant-fake');
    expect(headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('accumulates a scripted stream with thinking, text, parallel tool uses and cache usage', async () => {
    upstream.script({
      kind: 'sse',
      events: anthropicStreamEvents({
        thinking: ['Let me ', 'think.'],
        text: ['Checking', ' both.'],
        toolUses: [
          { id: 'toolu_1', name: 'weather', partialJson: ['{"city":', ' "Oslo"}'] },
          { id: 'toolu_2', name: 'weather', partialJson: ['', '{"city":"Rome"}'] },
        ],
        usage: anthropicUsage({ inputTokens: 10, outputTokens: 20, cacheReadInputTokens: 30, cacheCreationInputTokens: 5 }),
      }),
    });
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'x' }],
    });
    const message = await stream.finalMessage();
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Let me think.', signature: 'sig_fake' },
      { type: 'text', text: 'Checking both.' },
      { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'toolu_2', name: 'weather', input: { city: 'Rome' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({
      input_tokens: 10,
      output_tokens: 20,
      cache_read_input_tokens: 30,
      cache_creation_input_tokens: 5,
    });
  });

  it('raises APIError with the status, error type and request id', async () => {
    upstream.script({ kind: 'error', status: 529, message: 'Overloaded' });
    const failure = await client.messages
      .create({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).status).toBe(529);
    expect((failure as APIError).requestID).toBe('req_fake_1');
    expect((failure as APIError).error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });

  it('throws on an in-stream error event', async () => {
    upstream.script({ kind: 'sse', events: [...anthropicStreamEvents({ text: ['a'] }).slice(0, 4), anthropicErrorEvent()] });
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'x' }],
    });
    await expect(stream.finalMessage()).rejects.toThrow(/Overloaded/);
  });

  it('counts tokens and lists models', async () => {
    const counted = await client.messages.countTokens({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'a b c' }],
    });
    expect(counted.input_tokens).toBe(3);
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1']);
  });
});
