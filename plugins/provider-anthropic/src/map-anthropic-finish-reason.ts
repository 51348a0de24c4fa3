import type { FinishReason } from '@switchyard/spec';

/** Anthropic `stop_reason` → canonical `finish_reason`, as data. */
export const anthropicFinishReasons: Readonly<Record<string, FinishReason>> = Object.freeze({
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
});

/** `null` while generation has not stopped; a stop reason newer than this table counts as `stop`. */
export function mapAnthropicFinishReason(stopReason: string | null | undefined): FinishReason | null {
  if (stopReason === null || stopReason === undefined) return null;
  return anthropicFinishReasons[stopReason] ?? 'stop';
}
