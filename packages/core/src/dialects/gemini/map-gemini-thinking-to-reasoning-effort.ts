import type { GeminiGenerationConfigParam } from './gemini-request-schema.js';

export type GeminiReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high';

/**
 * A Gemini thinking budget → OpenAI `reasoning_effort`: 0 → `none`, up to 2048 → `low`, up to 8192 →
 * `medium`, above → `high`; -1 (dynamic thinking) → `undefined` (the target's default).
 */
export function mapGeminiThinkingBudgetToReasoningEffort(budget: number): GeminiReasoningEffort | undefined {
  if (budget < 0) return undefined;
  if (budget === 0) return 'none';
  if (budget <= 2048) return 'low';
  if (budget <= 8192) return 'medium';
  return 'high';
}

/**
 * `generationConfig.thinkingConfig` → `reasoning_effort`: `thinkingLevel` (Gemini 3) maps by name and
 * wins; otherwise `thinkingBudget` maps by size. `includeThoughts` cannot be expressed canonically and is
 * dropped: thoughts the target returns are always passed on as thought parts.
 */
export function mapGeminiThinkingToReasoningEffort(
  thinkingConfig: GeminiGenerationConfigParam['thinkingConfig'],
): GeminiReasoningEffort | undefined {
  const level = thinkingConfig?.thinkingLevel;
  if (level !== undefined && level !== null && level !== 'THINKING_LEVEL_UNSPECIFIED') {
    return level.toLowerCase() as GeminiReasoningEffort;
  }
  const budget = thinkingConfig?.thinkingBudget;
  return budget === undefined || budget === null ? undefined : mapGeminiThinkingBudgetToReasoningEffort(budget);
}
