import type { FinishReason } from '@switchyard/spec';
import type { GeminiFinishReason } from './gemini-wire-types.js';

/**
 * Canonical `finish_reason` → Gemini `finishReason`, as data. Gemini reports `STOP` after function calls,
 * so `tool_calls` (and legacy `function_call`) map to `STOP`.
 */
export const geminiFinishReasons: Readonly<Record<FinishReason, GeminiFinishReason>> = Object.freeze({
  stop: 'STOP',
  length: 'MAX_TOKENS',
  tool_calls: 'STOP',
  function_call: 'STOP',
  content_filter: 'SAFETY',
});

/** A canonical finish reason → Gemini's; `undefined` while generation has not stopped, unknown reasons → `STOP`. */
export function mapFinishReasonToGemini(
  finishReason: FinishReason | (string & {}) | null | undefined,
): GeminiFinishReason | undefined {
  if (finishReason === null || finishReason === undefined) return undefined;
  return geminiFinishReasons[finishReason as FinishReason] ?? 'STOP';
}
