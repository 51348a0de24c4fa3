import type { ChatCompletionChunk } from '@switchyard/spec';
import { geminiStreamFrames } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { createGeminiStreamConverter } from './convert-gemini-stream.js';
import type { GeminiGenerateContentResponse } from './gemini-wire-types.js';

function run(frames: unknown[]): ChatCompletionChunk[] {
  const converter = createGeminiStreamConverter({ model: 'gemini-2.5-flash', providerId: 'gemini', created: 1 });
  const chunks = frames.flatMap((frame) => converter.push(frame as GeminiGenerateContentResponse));
  return [...chunks, ...converter.finish()];
}

describe('createGeminiStreamConverter', () => {
  it('emits a role chunk, text deltas, a finish chunk and a usage chunk', () => {
    const chunks = run(
      geminiStreamFrames({
        text: ['Hel', 'lo'],
        responseId: 'r1',
        model: 'gemini-2.5-flash-001',
        usage: { promptTokens: 3, candidatesTokens: 1 },
      }),
    );
    expect(chunks.map((chunk) => chunk.choices[0]?.delta ?? null)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hel' },
      { content: 'lo' },
      {},
      null,
    ]);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason ?? null)).toEqual([null, null, null, 'stop', null]);
    expect(chunks.at(-1)).toEqual({
      id: 'r1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gemini-2.5-flash-001',
      choices: [],
      usage: {
        prompt_tokens: 3,
        completion_tokens: 1,
        total_tokens: 4,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(new Set(chunks.map((chunk) => `${chunk.id}|${chunk.model}|${chunk.created}`)).size).toBe(1);
  });

  it('emits each function call as one complete tool_calls delta, indexes counting tool calls only', () => {
    const chunks = run(
      geminiStreamFrames({
        thoughts: ['plan'],
        text: ['Checking.'],
        functionCalls: [
          { name: 'a', args: { x: 1 }, thoughtSignature: 'sig' },
          { name: 'b', args: {} },
        ],
      }),
    );
    const deltas = chunks.map((chunk) => chunk.choices[0]?.delta);
    expect(deltas[1]).toEqual({ reasoning_content: 'plan' });
    expect(deltas[2]).toEqual({ content: 'Checking.' });
    expect(deltas[3]?.tool_calls).toEqual([
      {
        index: 0,
        id: expect.stringMatching(/^call_[0-9a-f]{24}\.c2ln$/),
        type: 'function',
        function: { name: 'a', arguments: '{"x":1}' },
      },
    ]);
    expect(deltas[4]?.tool_calls).toEqual([
      { index: 1, id: expect.stringMatching(/^call_[0-9a-f]{24}$/), type: 'function', function: { name: 'b', arguments: '{}' } },
    ]);
    expect(chunks[5]?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('turns a blocked prompt into a content_filter finish', () => {
    const chunks = run(geminiStreamFrames({ blockReason: 'SAFETY' }));
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason ?? null)).toEqual([null, 'content_filter', null]);
  });

  it('tracks several candidates by index', () => {
    const chunks = run([
      {
        candidates: [
          { index: 0, content: { parts: [{ text: 'a' }] } },
          { index: 1, content: { parts: [{ text: 'b' }] } },
        ],
      },
      {
        candidates: [
          { index: 0, finishReason: 'STOP' },
          { index: 1, finishReason: 'MAX_TOKENS' },
        ],
      },
    ]);
    const finishes = chunks
      .filter((chunk) => chunk.choices[0]?.finish_reason)
      .map((chunk) => [chunk.choices[0]?.index, chunk.choices[0]?.finish_reason]);
    expect(finishes).toEqual([
      [0, 'stop'],
      [1, 'length'],
    ]);
  });

  it('refuses a stream that ends without a finish reason', () => {
    expect(() => run(geminiStreamFrames({ text: ['a'], finishReason: null }))).toThrow(
      expect.objectContaining({ status: 502, code: 'upstream_stream_truncated', retryable: true }),
    );
    expect(() => run([])).toThrow(expect.objectContaining({ code: 'upstream_stream_truncated' }));
  });
});
