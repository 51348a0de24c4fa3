import type { GatewayError } from '@switchyard/spec';

/** What kind of failure an attempt ended with, for retry, fallback and breaker decisions. */
export type ErrorClass =
  | 'rate_limit'
  | 'quota'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'context_length'
  | 'content_policy'
  | 'auth'
  | 'invalid_request'
  | 'not_found';

export const errorClasses: readonly ErrorClass[] = [
  'rate_limit',
  'quota',
  'server',
  'timeout',
  'connection',
  'context_length',
  'content_policy',
  'auth',
  'invalid_request',
  'not_found',
];

const quotaCodes = new Set([
  'insufficient_quota',
  'enforced_spend_limit_reached',
  'billing_hard_limit_reached',
  'quota_exceeded',
]);
const contextCodes = new Set(['context_length_exceeded', 'string_above_max_length', 'context_window_exceeded']);
const policyCodes = new Set(['content_policy_violation', 'content_filter', 'safety_block']);
const connectionCodes = new Set(['upstream_connection_error', 'upstream_connect_timeout']);

export function classifyError(error: GatewayError): ErrorClass {
  const code = error.code ?? '';
  if (quotaCodes.has(code)) return 'quota';
  if (contextCodes.has(code)) return 'context_length';
  if (policyCodes.has(code)) return 'content_policy';
  if (connectionCodes.has(code)) return 'connection';
  if (error.kind === 'timeout') return 'timeout';
  if (error.status === 429) return 'rate_limit';
  if (error.status === 401 || error.status === 403) return 'auth';
  if (error.status === 404) return 'not_found';
  if (error.status >= 500) return 'server';
  return 'invalid_request';
}

/** Failures that say nothing about a deployment's health (the request itself was at fault). */
export function countsAgainstHealth(errorClass: ErrorClass): boolean {
  return errorClass === 'rate_limit' || errorClass === 'server' || errorClass === 'timeout' || errorClass === 'connection';
}

/**
 * Failures worth another attempt on the same deployment. Timeouts are not: retrying a silent route
 * multiplies the wait. Quota, auth and request errors will fail the same way again.
 */
export function retryableOnSameDeployment(errorClass: ErrorClass, error: GatewayError): boolean {
  if (errorClass === 'rate_limit' || errorClass === 'connection') return true;
  if (errorClass === 'server') return error.retryable;
  return false;
}

/** What moves a request on to the next deployment when a strategy does not say otherwise. */
export const defaultMoveOn: ReadonlySet<ErrorClass> = new Set<ErrorClass>([
  'rate_limit',
  'quota',
  'server',
  'timeout',
  'connection',
  'auth',
]);
