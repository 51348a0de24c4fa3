import type { ChatCompletion } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { chunksToCompletion } from './chunks-to-completion.js';
import { completionToChunks } from './completion-to-chunks.js';

const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };

describe('stream and completion conversions', () => {
  it('round-trips a completion with text, tool calls and usage through chunks', () => {
    const completion: ChatCompletion = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-4o-mini',
      system_fingerprint: 'fp_1',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello there', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
        {
          index: 1,
          message: {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage,
    };
    const chunks = completionToChunks(completion);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage });
    const rebuilt = chunksToCompletion(chunks);
    expect(rebuilt.choices[0]?.message.content).toBe('Hello there');
    expect(rebuilt.choices[1]?.message.tool_calls).toEqual(completion.choices[1]?.message.tool_calls);
    expect(rebuilt.choices[1]?.finish_reason).toBe('tool_calls');
    expect(rebuilt).toMatchObject({
      id: 'chatcmpl-1',
      created: 1_700_000_000,
      model: 'gpt-4o-mini',
      usage,
      system_fingerprint: 'fp_1',
    });
  });

  it('merges streamed tool-call deltas by index', () => {
    const base = { id: 'c', object: 'chat.completion.chunk' as const, created: 1, model: 'm' };
    const completion = chunksToCompletion([
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }] },
      {
        ...base,
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'f', arguments: '{"a"' } }] },
            finish_reason: null,
          },
        ],
      },
      {
        ...base,
        choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }, finish_reason: null }],
      },
      { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
    ]);
    expect(completion.choices[0]?.message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
    });
  });
});
