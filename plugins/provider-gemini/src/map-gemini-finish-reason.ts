import type { FinishReason } from '@switchyard/spec';

/** Gemini `FinishReason` → canonical, for the reasons that do not depend on the content. */
const finishReasons: Readonly<Record<string, FinishReason>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  LANGUAGE: 'content_filter',
  RECITATION: 'stop',
  OTHER: 'stop',
  MALFORMED_FUNCTION_CALL: 'stop',
  FINISH_REASON_UNSPECIFIED: 'stop',
};

/**
 * Maps a Gemini finish reason. Gemini says `STOP` even when it emitted function calls, so `STOP` with
 * calls becomes `tool_calls`. Unknown reasons (newer API versions) map to `stop`.
 */
export function mapGeminiFinishReason(finishReason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (finishReason === undefined || finishReason === 'STOP') return hasToolCalls ? 'tool_calls' : 'stop';
  return finishReasons[finishReason] ?? 'stop';
}
