import { GatewayError } from '@switchyard/spec';

export type ModerationStage = 'input' | 'output';

/** A 400 naming the flagged categories; never the text. */
export function contentFlagged(stage: ModerationStage, categories: readonly string[]): GatewayError {
  const list = categories.length > 0 ? categories.join(', ') : 'unspecified';
  return new GatewayError({
    message:
      stage === 'input'
        ? `The request was refused by content moderation (flagged: ${list}).`
        : `The response was stopped by content moderation (flagged: ${list}).`,
    kind: 'invalid_request',
    status: 400,
    code: 'content_flagged',
    ...(stage === 'input' ? { param: 'messages' } : {}),
    retryable: false,
  });
}

/** A 503 naming the guard that could not decide (fail-closed). */
export function moderationUnavailable(checkName: string, reason: 'timeout' | 'error', timeoutMs: number): GatewayError {
  return new GatewayError({
    message:
      reason === 'timeout'
        ? `Content moderation is unavailable: the check "${checkName}" did not answer within ${timeoutMs} ms.`
        : `Content moderation is unavailable: the check "${checkName}" failed.`,
    kind: 'unavailable',
    status: 503,
    code: 'moderation_unavailable',
    retryable: true,
  });
}
