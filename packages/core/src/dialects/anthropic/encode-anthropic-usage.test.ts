import { describe, expect, it } from 'vitest';
import { encodeAnthropicUsage } from './encode-anthropic-usage.js';

describe('encodeAnthropicUsage', () => {
  it('reports cache writes apart from plain input when the provider gave them', () => {
    expect(
      encodeAnthropicUsage({
        prompt_tokens: 45,
        completion_tokens: 20,
        total_tokens: 65,
        prompt_tokens_details: { cached_tokens: 30, cache_creation_tokens: 5 },
      }),
    ).toEqual({ input_tokens: 10, output_tokens: 20, cache_creation_input_tokens: 5, cache_read_input_tokens: 30 });
  });

  it('never reports more cache writes than uncached input', () => {
    expect(
      encodeAnthropicUsage({
        prompt_tokens: 10,
        completion_tokens: 1,
        total_tokens: 11,
        prompt_tokens_details: { cached_tokens: 8, cache_creation_tokens: 50 },
      }),
    ).toMatchObject({ input_tokens: 0, cache_creation_input_tokens: 2, cache_read_input_tokens: 8 });
  });
});
