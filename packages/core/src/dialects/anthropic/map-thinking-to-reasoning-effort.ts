import type { AnthropicOutputConfigParam, AnthropicThinkingParam } from './anthropic-request-schema.js';

export type ReasoningEffort = 'low' | 'medium' | 'high' | 'xhigh';

/** An extended-thinking budget → OpenAI `reasoning_effort`: below 2048 low, below 8192 medium, else high. */
export function mapThinkingBudgetToReasoningEffort(budgetTokens: number): ReasoningEffort {
  if (budgetTokens < 2048) return 'low';
  if (budgetTokens < 8192) return 'medium';
  return 'high';
}

/**
 * The `reasoning_effort` an Anthropic request asks for, or `undefined`. `output_config.effort` is the
 * explicit setting and wins (`max` → `xhigh`); otherwise `thinking: {type:'enabled', budget_tokens}` maps by
 * budget. `disabled`, `adaptive` and `between_tools` thinking leave the effort to the target's default.
 */
export function mapThinkingToReasoningEffort(
  thinking: AnthropicThinkingParam | undefined,
  outputConfig: AnthropicOutputConfigParam | undefined,
): ReasoningEffort | undefined {
  const effort = outputConfig?.effort;
  if (effort !== undefined && effort !== null) return effort === 'max' ? 'xhigh' : effort;
  if (thinking?.type === 'enabled') return mapThinkingBudgetToReasoningEffort(thinking.budget_tokens);
  return undefined;
}
