import type { Usage } from '@switchyard/spec';
import type { AnthropicUsage } from './anthropic-wire-types.js';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * Anthropic usage → canonical (OpenAI) usage. Anthropic's `input_tokens` excludes cache reads and cache
 * writes, OpenAI's `prompt_tokens` includes them: prompt = input + cache_read + cache_creation, and
 * `cached_tokens` = cache_read, `cache_creation_tokens` = cache_creation (with `cache_creation_1h_tokens`
 * for one-hour writes). `output_tokens` already includes thinking, as `completion_tokens` does.
 */
export function convertAnthropicUsage(usage: AnthropicUsage | null | undefined): Usage {
  const cacheRead = count(usage?.cache_read_input_tokens);
  const cacheCreation = count(usage?.cache_creation_input_tokens);
  const promptTokens = count(usage?.input_tokens) + cacheRead + cacheCreation;
  const completionTokens = count(usage?.output_tokens);
  const converted: Usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
  // Cache writes are billed above the input price, so cost accounting needs them (1-hour writes apart).
  if (cacheCreation > 0 && converted.prompt_tokens_details) {
    converted.prompt_tokens_details.cache_creation_tokens = cacheCreation;
    const oneHour = count(
      (usage?.cache_creation as { ephemeral_1h_input_tokens?: unknown } | undefined)?.ephemeral_1h_input_tokens,
    );
    if (oneHour > 0) converted.prompt_tokens_details.cache_creation_1h_tokens = oneHour;
  }
  const thinkingTokens = usage?.output_tokens_details?.thinking_tokens;
  if (typeof thinkingTokens === 'number') converted.completion_tokens_details = { reasoning_tokens: thinkingTokens };
  return converted;
}

/**
 * Combines `message_start` usage with a later `message_delta` usage. The delta's counts are cumulative,
 * so each count it carries (non-null) replaces the earlier one.
 */
export function mergeAnthropicUsage(start: AnthropicUsage | undefined, delta: AnthropicUsage | undefined): AnthropicUsage {
  const merged: AnthropicUsage = { ...start };
  if (delta === undefined) return merged;
  for (const [key, value] of Object.entries(delta)) {
    if (value !== null && value !== undefined) merged[key] = value;
  }
  return merged;
}
