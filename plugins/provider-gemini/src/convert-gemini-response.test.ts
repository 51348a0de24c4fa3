import { geminiResponse } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { convertGeminiResponse } from './convert-gemini-response.js';
import type { GeminiGenerateContentResponse } from './gemini-wire-types.js';

const convert = (response: unknown) =>
  convertGeminiResponse({ response: response as GeminiGenerateContentResponse, model: 'gemini-2.5-flash', created: 100 });

describe('convertGeminiResponse', () => {
  it('maps text, ids, model and usage to a chat.completion', () => {
    const completion = convert(
      geminiResponse({
        text: 'Hello there',
        model: 'gemini-2.5-flash-002',
        responseId: 'resp-1',
        usage: { promptTokens: 10, candidatesTokens: 2, thoughtsTokens: 5, cachedTokens: 4 },
      }),
    );
    expect(completion).toEqual({
      id: 'resp-1',
      object: 'chat.completion',
      created: 100,
      model: 'gemini-2.5-flash-002',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello there', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 7,
        total_tokens: 17,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 5 },
      },
    });
  });

  it('puts thoughts in reasoning_content and function calls in tool_calls with tool_calls finish', () => {
    const completion = convert(
      geminiResponse({
        thoughts: ['Let me ', 'check.'],
        functionCalls: [
          { name: 'get_weather', args: { city: 'Oslo', days: [1, 2] }, thoughtSignature: 'sig' },
          { name: 'get_time', id: 'fc_2' },
        ],
      }),
    );
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.reasoning_content).toBe('Let me check.');
    expect(choice?.message.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_[0-9a-f]{24}\.c2ln$/),
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Oslo","days":[1,2]}' },
      },
      { id: 'fc_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
    ]);
  });

  it('keeps candidate indexes and maps finish reasons', () => {
    const completion = convert({
      candidates: [
        { content: { role: 'model', parts: [{ text: 'a' }] }, finishReason: 'MAX_TOKENS', index: 1 },
        { content: { role: 'model', parts: [{ text: 'b' }] }, finishReason: 'SAFETY', index: 0 },
      ],
    });
    expect(completion.choices.map((choice) => [choice.index, choice.finish_reason])).toEqual([
      [1, 'length'],
      [0, 'content_filter'],
    ]);
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe('gemini-2.5-flash');
    expect(completion.usage).toBeUndefined();
  });

  it('turns a blocked prompt into an empty content_filter completion', () => {
    const completion = convert(geminiResponse({ blockReason: 'PROHIBITED_CONTENT', usage: { promptTokens: 9 } }));
    expect(completion.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: 'content_filter' },
    ]);
    expect(completion.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 0, total_tokens: 9 });
  });

  it('treats a candidate without content (safety stop) as empty', () => {
    const completion = convert({ candidates: [{ finishReason: 'SAFETY', index: 0 }] });
    expect(completion.choices[0]).toMatchObject({ message: { content: '' }, finish_reason: 'content_filter' });
  });
});
