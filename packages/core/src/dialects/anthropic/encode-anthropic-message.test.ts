import { type ChatCompletion, JsonPayload } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { anthropicDialect } from './anthropic-dialect.js';
import { encodeAnthropicMessage } from './encode-anthropic-message.js';
import { mapFinishReasonToAnthropic } from './map-finish-reason-to-anthropic.js';

function completion(message: ChatCompletion['choices'][number]['message'], extra: Partial<ChatCompletion> = {}): ChatCompletion {
  return {
    id: 'chatcmpl-abc',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message, finish_reason: 'stop', logprobs: null }],
    usage: {
      prompt_tokens: 100,
      completion_tokens: 20,
      total_tokens: 120,
      prompt_tokens_details: { cached_tokens: 30 },
    },
    ...extra,
  };
}

describe('encodeAnthropicMessage', () => {
  it('encodes text, id, model, stop reason and usage', () => {
    expect(encodeAnthropicMessage(completion({ role: 'assistant', content: 'Hello!' }))).toEqual({
      id: 'msg_chatcmpl-abc',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o-mini',
      content: [{ type: 'text', text: 'Hello!' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 70, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 30 },
    });
  });

  it('keeps an id that already starts with msg_ and reports zero usage when there is none', () => {
    const message = encodeAnthropicMessage(completion({ role: 'assistant', content: 'x' }, { id: 'msg_01', usage: undefined }));
    expect(message.id).toBe('msg_01');
    expect(message.usage).toEqual({
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
  });

  it('encodes reasoning as a thinking block, then text, then tool_use blocks', () => {
    const withChoice = encodeAnthropicMessage({
      ...completion({ role: 'assistant', content: null }),
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: 'Let me check.',
            reasoning_content: 'The user wants weather.',
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
              { id: 'call_2', type: 'function', function: { name: 'broken', arguments: '{"city":' } },
              { id: 'call_3', type: 'function', function: { name: 'empty', arguments: '' } },
            ],
          },
        },
      ],
    });
    expect(withChoice.content).toEqual([
      { type: 'thinking', thinking: 'The user wants weather.', signature: '' },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_2', name: 'broken', input: {} },
      { type: 'tool_use', id: 'call_3', name: 'empty', input: {} },
    ]);
    expect(withChoice.stop_reason).toBe('tool_use');
  });

  it('encodes a completion without choices as an empty end_turn message', () => {
    const message = encodeAnthropicMessage(completion({ role: 'assistant', content: 'x' }, { choices: [] }));
    expect(message.content).toEqual([]);
    expect(message.stop_reason).toBe('end_turn');
  });

  it('uses a refusal as text when there is no content', () => {
    const message = encodeAnthropicMessage({
      ...completion({ role: 'assistant', content: null, refusal: 'I cannot help with that.' }),
      choices: [
        {
          index: 0,
          finish_reason: 'content_filter',
          message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' },
        },
      ],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'I cannot help with that.' }]);
    expect(message.stop_reason).toBe('refusal');
  });

  it('is what the dialect writes for a completion result', () => {
    const body = completion({ role: 'assistant', content: 'Hi' });
    const text = anthropicDialect.encodeCompletion({ type: 'completion', source: 'provider', body: JsonPayload.fromValue(body) });
    expect(JSON.parse(text)).toEqual(encodeAnthropicMessage(body));
  });
});

describe('mapFinishReasonToAnthropic', () => {
  it.each([
    ['stop', false, 'end_turn'],
    ['length', false, 'max_tokens'],
    ['tool_calls', true, 'tool_use'],
    ['function_call', true, 'tool_use'],
    ['content_filter', false, 'refusal'],
    [null, false, 'end_turn'],
    ['something_new', false, 'end_turn'],
    ['stop', true, 'tool_use'],
    [null, true, 'tool_use'],
    ['length', true, 'max_tokens'],
  ] as const)('%s (tool calls: %s) → %s', (reason, hasToolCalls, expected) => {
    expect(mapFinishReasonToAnthropic(reason, { hasToolCalls })).toBe(expected);
  });
});
