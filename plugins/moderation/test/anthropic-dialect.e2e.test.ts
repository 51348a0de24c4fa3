import Anthropic from '@anthropic-ai/sdk';
import { openaiChunks } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayUnderTest, startGateway } from './harness.js';

const lead = 'The weather today is calm and the sky is clear over the harbour, and ';

let gateway: GatewayUnderTest;
let client: Anthropic;
beforeAll(async () => {
  gateway = await startGateway({ output: { holdBackChars: 30, windowChars: 10 }, rules: { deny: ['open the pod bay doors'] } });
  client = new Anthropic({ baseURL: gateway.baseURL.replace(/\/v1$/, ''), apiKey: 'sk-client', maxRetries: 0 });
});
afterAll(() => gateway.close());

describe('moderation for Anthropic-dialect clients', () => {
  it('refuses flagged input with an Anthropic error and no upstream call', async () => {
    const error = await client.messages
      .create({ model: 'openai/gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'open the pod bay doors' }] })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toContain('deny-list');
    expect(gateway.chat.requests).toHaveLength(0);
  });

  it('ends a stream that turns bad mid-way with an error event the Anthropic SDK raises', async () => {
    const pieces = [...(lead.match(/\S+\s*/g) ?? []), 'I will open the p', 'od bay doors.'];
    gateway.chat.script({ kind: 'sse', events: openaiChunks({ content: pieces }) });
    const stream = client.messages.stream({
      model: 'openai/gpt-4o-mini',
      max_tokens: 200,
      messages: [{ role: 'user', content: 'hello' }],
    });
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const error = await stream.finalMessage().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toContain('content moderation');
    expect(text.startsWith('The weather')).toBe(true);
    expect(text).not.toContain('open the p');
  });
});
