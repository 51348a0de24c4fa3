import { describe, expect, it } from 'vitest';
import { decodeFloat32Base64, encodeFloat32Base64, fakeEmbedding } from './fake-embedding.js';
import { countWords, openaiChunks, openaiCompletion, openaiError, openaiUsage } from './openai-fixtures.js';

describe('openaiCompletion', () => {
  it('builds a text completion with stop and usage', () => {
    const completion = openaiCompletion({ model: 'gpt-4o', content: 'two words', created: 1 });
    expect(completion).toEqual({
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'two words', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: openaiUsage({ promptTokens: 5, completionTokens: 2 }),
      system_fingerprint: 'fp_fake',
    });
  });

  it('uses tool_calls and null content when tool calls are given', () => {
    const completion = openaiCompletion({ toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"q":1}' }] });
    const [choice] = completion.choices;
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } },
    ]);
  });
});

describe('openaiChunks', () => {
  it('streams content pieces between a role chunk and a finish chunk, without usage fields', () => {
    const chunks = openaiChunks({ id: 'c1', created: 7, content: ['Hel', 'lo'] });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hel' },
      { content: 'lo' },
      {},
    ]);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.every((chunk) => chunk.id === 'c1' && chunk.created === 7 && !('usage' in chunk))).toBe(true);
  });

  it('streams tool calls as OpenAI does and ends with a usage chunk when usage is given', () => {
    const usage = openaiUsage({ promptTokens: 3, completionTokens: 4 });
    const chunks = openaiChunks({
      toolCalls: [
        { id: 'call_a', name: 'first', argumentPieces: ['{"a"', ':1}'] },
        { id: 'call_b', name: 'second', argumentPieces: ['{}'] },
      ],
      usage,
    });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: null },
      { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'first', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] },
      { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] },
      { tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'second', arguments: '' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{}' } }] },
      {},
      undefined,
    ]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toEqual(usage);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });
});

describe('openaiError and helpers', () => {
  it('builds the exact OpenAI error body', () => {
    expect(openaiError({ message: 'nope' })).toEqual({
      error: { message: 'nope', type: 'invalid_request_error', param: null, code: null },
    });
  });

  it('counts whitespace-separated words', () => {
    expect(countWords('  a b\n c\t')).toBe(3);
    expect(countWords('')).toBe(0);
  });

  it('derives stable embeddings in [-1, 1] that survive the base64 round trip', () => {
    const vector = fakeEmbedding({ text: 'hello', dimensions: 20 });
    expect(vector).toHaveLength(20);
    expect(vector).toEqual(fakeEmbedding({ text: 'hello', dimensions: 20 }));
    expect(vector).not.toEqual(fakeEmbedding({ text: 'hellp', dimensions: 20 }));
    expect(vector.every((value) => value >= -1 && value <= 1)).toBe(true);
    expect(decodeFloat32Base64(encodeFloat32Base64(vector))).toEqual(vector);
  });
});
