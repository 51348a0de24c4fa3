import { describe, expect, it } from 'vitest';
import type { AnthropicMessage } from './anthropic-wire-types.js';
import { convertFromAnthropicMessage, isAnthropicMessage } from './convert-from-anthropic-message.js';

const usage = { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 4, cache_creation_input_tokens: 1 };

describe('convertFromAnthropicMessage', () => {
  it('joins text blocks, keeps the id and the upstream model, and converts usage', () => {
    const message: AnthropicMessage = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [
        { type: 'text', text: 'Hello ' },
        { type: 'text', text: 'world' },
      ],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage,
    };
    expect(convertFromAnthropicMessage({ message, created: 42 })).toEqual({
      id: 'msg_1',
      object: 'chat.completion',
      created: 42,
      model: 'claude-sonnet-4-5-20250929',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello world', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 15,
        completion_tokens: 5,
        total_tokens: 20,
        prompt_tokens_details: { cached_tokens: 4, cache_creation_tokens: 1 },
      },
    });
  });

  it('turns tool_use into tool_calls and thinking into reasoning_content', () => {
    const message: AnthropicMessage = {
      id: 'msg_2',
      type: 'message',
      role: 'assistant',
      model: 'claude',
      content: [
        { type: 'thinking', thinking: 'Two cities.', signature: 'sig' },
        { type: 'redacted_thinking', data: 'xx' },
        { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Oslo' } },
        { type: 'tool_use', id: 'toolu_2', name: 'weather', input: {} },
      ],
      stop_reason: 'tool_use',
    };
    const { choices } = convertFromAnthropicMessage({ message, created: 1 });
    expect(choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        reasoning_content: 'Two cities.',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'weather', arguments: '{}' } },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
  });

  it('gives empty content when nothing was said, and maps max_tokens to length', () => {
    const message: AnthropicMessage = {
      id: 'm',
      type: 'message',
      role: 'assistant',
      model: 'c',
      content: [],
      stop_reason: 'max_tokens',
    };
    const { choices } = convertFromAnthropicMessage({ message, created: 1 });
    expect([choices[0]?.message.content, choices[0]?.finish_reason]).toEqual(['', 'length']);
  });
});

describe('isAnthropicMessage', () => {
  it('accepts the documented shape only', () => {
    expect(isAnthropicMessage({ id: 'm', type: 'message', model: 'c', content: [{ type: 'text', text: '' }] })).toBe(true);
    expect(isAnthropicMessage({ id: 'm', type: 'error', model: 'c', content: [] })).toBe(false);
    expect(isAnthropicMessage({ id: 'm', type: 'message', model: 'c', content: [null] })).toBe(false);
    expect(isAnthropicMessage('message')).toBe(false);
  });
});
