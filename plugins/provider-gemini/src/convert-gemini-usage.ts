import type { Usage } from '@switchyard/spec';
import type { GeminiUsageMetadata } from './gemini-wire-types.js';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Gemini `usageMetadata` → canonical (OpenAI) usage. Gemini's `promptTokenCount` already includes cached
 * tokens (as OpenAI's does); `toolUsePromptTokenCount` (input from built-in tools) is input too and is
 * added. `candidatesTokenCount` excludes thoughts, so completion = candidates + thoughts, with the
 * thoughts reported as `reasoning_tokens`. Returns `undefined` when there is no usage object.
 */
export function convertGeminiUsage(usage: GeminiUsageMetadata | undefined): Usage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const promptTokens = count(usage.promptTokenCount) + count(usage.toolUsePromptTokenCount);
  const reasoningTokens = count(usage.thoughtsTokenCount);
  const completionTokens = count(usage.candidatesTokenCount) + reasoningTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: count(usage.cachedContentTokenCount) },
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
  };
}
