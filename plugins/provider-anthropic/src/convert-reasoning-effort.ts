import { invalidRequest } from '@switchyard/spec';
import type { AnthropicThinkingConfig } from './anthropic-wire-types.js';

/** OpenAI `reasoning_effort` → Anthropic extended-thinking budget (tokens), as data. `none` turns thinking off. */
export const anthropicThinkingBudgets: Readonly<Record<string, number | null>> = Object.freeze({
  none: null,
  minimal: 1024,
  low: 1024,
  medium: 4096,
  high: 16384,
  xhigh: 32768,
});

export interface ReasoningSettings {
  thinking: AnthropicThinkingConfig;
  /** Anthropic needs `max_tokens` > `budget_tokens`: a smaller limit is raised to budget + the limit. */
  maxTokens: number;
}

/** `undefined` when no thinking is asked for. @throws GatewayError (400) for an unknown effort. */
export function convertReasoningEffort(effort: unknown, maxTokens: number): ReasoningSettings | undefined {
  if (effort === undefined || effort === null) return undefined;
  const budget = typeof effort === 'string' ? anthropicThinkingBudgets[effort] : undefined;
  if (budget === undefined) {
    throw invalidRequest(`\`reasoning_effort\` must be one of ${Object.keys(anthropicThinkingBudgets).join(', ')}.`, {
      param: 'reasoning_effort',
    });
  }
  if (budget === null) return undefined;
  return {
    thinking: { type: 'enabled', budget_tokens: budget },
    maxTokens: maxTokens > budget ? maxTokens : budget + maxTokens,
  };
}
