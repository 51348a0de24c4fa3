import type { Usage } from '@switchyard/spec';
import type { AnthropicUsage } from './anthropic-wire-types.js';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Canonical (OpenAI) usage → Anthropic usage. OpenAI's `prompt_tokens` includes cached tokens, Anthropic's
 * `input_tokens` excludes them: `input_tokens` = prompt − cached, `cache_read_input_tokens` = cached.
 * Cache writes are not reported separately in the canonical shape, so `cache_creation_input_tokens` is 0
 * (they stay counted in `input_tokens`). `output_tokens` = `completion_tokens` (both include reasoning).
 * Missing usage counts as zeros.
 */
export function encodeAnthropicUsage(usage: Usage | null | undefined): AnthropicUsage {
  const promptTokens = count(usage?.prompt_tokens);
  const cachedTokens = Math.min(count(usage?.prompt_tokens_details?.cached_tokens), promptTokens);
  return {
    input_tokens: promptTokens - cachedTokens,
    output_tokens: count(usage?.completion_tokens),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cachedTokens,
  };
}
