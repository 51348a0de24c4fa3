import { describe, expect, it } from 'vitest';
import { convertGeminiUsage } from './convert-gemini-usage.js';

describe('convertGeminiUsage', () => {
  it('counts thoughts as completion (reasoning) tokens and cached tokens inside the prompt', () => {
    expect(
      convertGeminiUsage({
        promptTokenCount: 100,
        candidatesTokenCount: 20,
        thoughtsTokenCount: 30,
        cachedContentTokenCount: 40,
        totalTokenCount: 150,
      }),
    ).toEqual({
      prompt_tokens: 100,
      completion_tokens: 50,
      total_tokens: 150,
      prompt_tokens_details: { cached_tokens: 40 },
      completion_tokens_details: { reasoning_tokens: 30 },
    });
  });

  it('adds tool-use prompt tokens to the prompt and tolerates missing counts', () => {
    expect(convertGeminiUsage({ promptTokenCount: 5, toolUsePromptTokenCount: 3, totalTokenCount: 8 })).toEqual({
      prompt_tokens: 8,
      completion_tokens: 0,
      total_tokens: 8,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    expect(convertGeminiUsage(undefined)).toBeUndefined();
  });
});
