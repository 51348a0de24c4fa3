import type { Usage } from '@switchyard/spec';
import type { AnthropicUsage } from './anthropic-wire-types.js';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Canonical (OpenAI) usage → Anthropic usage. OpenAI's `prompt_tokens` includes cached tokens, Anthropic's
 * `input_tokens` excludes them: `input_tokens` = prompt − cached, `cache_read_input_tokens` = cached.
 * Cache writes, when the provider reported them (`prompt_tokens_details.cache_creation_tokens`, set by the
 * Anthropic provider), move from `input_tokens` to `cache_creation_input_tokens`. `output_tokens` = `completion_tokens` (both include reasoning).
 * Missing usage counts as zeros.
 */
export function encodeAnthropicUsage(usage: Usage | null | undefined): AnthropicUsage {
  const promptTokens = count(usage?.prompt_tokens);
  const cachedTokens = Math.min(count(usage?.prompt_tokens_details?.cached_tokens), promptTokens);
  const written = Math.min(count(usage?.prompt_tokens_details?.cache_creation_tokens), promptTokens - cachedTokens);
  return {
    input_tokens: promptTokens - cachedTokens - written,
    output_tokens: count(usage?.completion_tokens),
    cache_creation_input_tokens: written,
    cache_read_input_tokens: cachedTokens,
  };
}
