import { type UpstreamErrorOptions, upstreamError } from '@switchyard/provider-utils';
import { GatewayError } from '@switchyard/spec';

/** Anthropic `error.type` → the HTTP status Anthropic uses for it (for in-stream errors, which have none). */
export const anthropicErrorStatuses: Readonly<Record<string, number>> = Object.freeze({
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
});

/** Anthropic `error.type` → the gateway's stable error code. */
export const anthropicErrorCodes: Readonly<Record<string, string>> = Object.freeze({
  authentication_error: 'invalid_api_key',
  billing_error: 'billing_error',
  permission_error: 'permission_denied',
  not_found_error: 'not_found',
  request_too_large: 'request_too_large',
  rate_limit_error: 'rate_limit_exceeded',
  api_error: 'upstream_error',
  timeout_error: 'upstream_timeout',
  overloaded_error: 'overloaded',
});

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function codeFor(type: string | undefined, message: string): string | null {
  if (type === 'invalid_request_error') return /prompt is too long/i.test(message) ? 'context_length_exceeded' : null;
  return type === undefined ? null : (anthropicErrorCodes[type] ?? null);
}

/**
 * A non-2xx Anthropic answer → GatewayError. provider-utils' `upstreamError` already reads Anthropic's
 * `{"type":"error","error":{"type","message"}}` envelope (message, `upstreamType`), the status-based
 * kind and retryability (429/5xx/529 retryable) and `retry-after`; this adds a stable `code` from the
 * error type and honours Anthropic's `x-should-retry: false`.
 */
export function anthropicUpstreamError(options: UpstreamErrorOptions): GatewayError {
  const base = upstreamError(options);
  const retryable = firstHeader(options.headers['x-should-retry']) === 'false' ? false : base.retryable;
  return new GatewayError({
    message: base.message,
    kind: base.kind,
    status: base.status,
    code: codeFor(base.upstreamType, base.message) ?? base.code,
    param: base.param,
    retryable,
    headers: base.headers,
    upstreamType: base.upstreamType,
  });
}

/**
 * An in-stream `event: error` (`{"type":"error","error":{"type":"overloaded_error",…}}`) → GatewayError,
 * with the status Anthropic uses for that error type (529 for `overloaded_error`, retryable).
 */
export function anthropicStreamError({
  providerId,
  data,
  secrets,
}: {
  providerId: string;
  data: unknown;
  secrets: readonly string[];
}): GatewayError {
  const error = typeof data === 'object' && data !== null ? (data as { error?: unknown }).error : undefined;
  const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  const status = (typeof type === 'string' ? anthropicErrorStatuses[type] : undefined) ?? 502;
  return anthropicUpstreamError({ providerId, status, headers: {}, bodyText: JSON.stringify(data), secrets });
}
