import type { FinishReason } from '@switchyard/spec';
import type { AnthropicStopReason } from './anthropic-wire-types.js';

/** Canonical `finish_reason` → Anthropic `stop_reason`, as data. */
export const anthropicStopReasons: Readonly<Record<FinishReason, AnthropicStopReason>> = Object.freeze({
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
});

/**
 * A canonical finish reason → Anthropic's stop reason. `stop` is always `end_turn`: the canonical shape
 * does not say whether a stop sequence matched, so `stop_sequence` is never produced. A reply that carries
 * tool calls but says `stop` (or nothing) becomes `tool_use`, because Anthropic clients run tools only on
 * `tool_use`. A missing or unknown reason counts as `end_turn`.
 */
export function mapFinishReasonToAnthropic(
  finishReason: FinishReason | (string & {}) | null | undefined,
  { hasToolCalls }: { hasToolCalls: boolean },
): AnthropicStopReason {
  const mapped =
    finishReason === null || finishReason === undefined ? undefined : anthropicStopReasons[finishReason as FinishReason];
  if (hasToolCalls && (mapped === undefined || mapped === 'end_turn')) return 'tool_use';
  return mapped ?? 'end_turn';
}
