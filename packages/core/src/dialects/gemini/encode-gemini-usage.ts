import type { Usage } from '@switchyard/spec';
import type { GeminiUsageMetadata } from './gemini-wire-types.js';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Canonical (OpenAI) usage → Gemini `usageMetadata`. Both count cached tokens in the prompt:
 * `promptTokenCount` = `prompt_tokens`, `cachedContentTokenCount` = `cached_tokens`. OpenAI's
 * `completion_tokens` includes reasoning, Gemini's `candidatesTokenCount` does not:
 * `candidatesTokenCount` = completion − reasoning, `thoughtsTokenCount` = reasoning. As Gemini does,
 * zero thought and cache counts are left out. `undefined` when there is no usage.
 */
export function encodeGeminiUsage(usage: Usage | null | undefined): GeminiUsageMetadata | undefined {
  if (usage === null || usage === undefined) return undefined;
  const promptTokens = count(usage.prompt_tokens);
  const completionTokens = count(usage.completion_tokens);
  const reasoningTokens = Math.min(count(usage.completion_tokens_details?.reasoning_tokens), completionTokens);
  const cachedTokens = Math.min(count(usage.prompt_tokens_details?.cached_tokens), promptTokens);
  const metadata: GeminiUsageMetadata = {
    promptTokenCount: promptTokens,
    candidatesTokenCount: completionTokens - reasoningTokens,
    totalTokenCount: count(usage.total_tokens) || promptTokens + completionTokens,
  };
  if (reasoningTokens > 0) metadata.thoughtsTokenCount = reasoningTokens;
  if (cachedTokens > 0) metadata.cachedContentTokenCount = cachedTokens;
  return metadata;
}
