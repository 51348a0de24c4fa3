import { describe, expect, it } from 'vitest';
import { convertAnthropicUsage, mergeAnthropicUsage } from './convert-anthropic-usage.js';

describe('convertAnthropicUsage', () => {
  it('counts cache reads and writes into prompt_tokens (OpenAI counting) and reports reads as cached', () => {
    expect(
      convertAnthropicUsage({
        input_tokens: 10,
        cache_read_input_tokens: 30,
        cache_creation_input_tokens: 5,
        output_tokens: 20,
      }),
    ).toEqual({
      prompt_tokens: 45,
      completion_tokens: 20,
      total_tokens: 65,
      prompt_tokens_details: { cached_tokens: 30, cache_creation_tokens: 5 },
    });
  });

  it('treats missing and null counts as zero and reports thinking tokens as reasoning tokens', () => {
    expect(
      convertAnthropicUsage({
        input_tokens: 3,
        cache_read_input_tokens: null,
        output_tokens: 9,
        output_tokens_details: { thinking_tokens: 4 },
      }),
    ).toEqual({
      prompt_tokens: 3,
      completion_tokens: 9,
      total_tokens: 12,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 4 },
    });
    expect(convertAnthropicUsage(undefined)).toMatchObject({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });
});

describe('mergeAnthropicUsage', () => {
  it('lets cumulative non-null delta counts replace the message_start counts', () => {
    expect(
      mergeAnthropicUsage(
        { input_tokens: 10, cache_read_input_tokens: 2, output_tokens: 1 },
        { input_tokens: null, cache_read_input_tokens: 4, output_tokens: 15 },
      ),
    ).toEqual({ input_tokens: 10, cache_read_input_tokens: 4, output_tokens: 15 });
    expect(mergeAnthropicUsage(undefined, undefined)).toEqual({});
  });
});
