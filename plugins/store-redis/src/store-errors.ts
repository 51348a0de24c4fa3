import { GatewayError, isGatewayError } from '@switchyard/spec';

/** What went wrong with a store call, as far as a caller's fail policy cares. */
export type StoreFailure = 'store_unavailable' | 'store_timeout';

const messages: Record<StoreFailure, string> = {
  store_unavailable: "The gateway's shared store is unavailable.",
  store_timeout: "The gateway's shared store did not answer in time.",
};

/**
 * The error every failed store call rejects with: kind `unavailable`, status 503, code `store_unavailable`
 * or `store_timeout`. The message names no host and no credential; the original error is kept as `cause`
 * for logs.
 */
export function storeError(code: StoreFailure, cause?: unknown): GatewayError {
  return new GatewayError({ message: messages[code], kind: 'unavailable', status: 503, code, retryable: true, cause });
}

/** Whether an error is one of the store's own (`store_unavailable` / `store_timeout`). */
export function isStoreError(error: unknown): error is GatewayError {
  return isGatewayError(error) && (error.code === 'store_unavailable' || error.code === 'store_timeout');
}

/** Redis error replies that are about the server's state, not about the command: the same command may work later. */
const transientReplies = /^(LOADING|BUSY|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS|OOM|MOVED|ASK)\b/;

/** How ioredis reports a command that waited longer than `commandTimeout`. */
const timedOut = /^Command timed out/;

/** An error reply from Redis itself (ioredis' `ReplyError`), as opposed to a connection failure. */
export function isReplyError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ReplyError';
}

/** The first word of a Redis error reply (`ERR`, `WRONGTYPE`, `NOSCRIPT`…), safe to log. */
export function replyCode(error: Error): string {
  return /^[A-Z]+/.exec(error.message)?.[0] ?? 'ERR';
}

/** Maps anything a Redis call threw to the store's error. */
export function toStoreError(error: unknown): GatewayError {
  if (isStoreError(error)) return error;
  if (error instanceof Error && timedOut.test(error.message)) return storeError('store_timeout', error);
  return storeError('store_unavailable', error);
}

/** A reply error that is not about availability (a script bug, a wrong type): worth a log line. */
export function isCommandFault(error: unknown): error is Error {
  return isReplyError(error) && !transientReplies.test(error.message);
}
