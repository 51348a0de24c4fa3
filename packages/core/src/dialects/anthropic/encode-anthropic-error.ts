import type { ErrorKind, GatewayError } from '@switchyard/spec';
import type { EncodedError } from '../../dialect.js';
import type { AnthropicErrorBody, AnthropicErrorType } from './anthropic-wire-types.js';

/** Gateway error kind → Anthropic `error.type`, as data. */
export const anthropicErrorTypes: Readonly<Record<ErrorKind, AnthropicErrorType>> = Object.freeze({
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  request_too_large: 'request_too_large',
  rate_limit: 'rate_limit_error',
  upstream: 'api_error',
  timeout: 'timeout_error',
  unavailable: 'overloaded_error',
  internal: 'api_error',
});

const knownTypes = new Set<string>(Object.values(anthropicErrorTypes).concat('billing_error'));

/**
 * The Anthropic `error.type` for a gateway error: `overloaded_error` for status 529, else by kind. A
 * generic `api_error` gives way to the upstream's own type when that is Anthropic vocabulary
 * (`billing_error` from an Anthropic upstream, …).
 */
export function anthropicErrorType(error: GatewayError): AnthropicErrorType {
  if (error.status === 529) return 'overloaded_error';
  const type = anthropicErrorTypes[error.kind] ?? 'api_error';
  if (type === 'api_error' && error.upstreamType !== undefined && knownTypes.has(error.upstreamType)) {
    return error.upstreamType as AnthropicErrorType;
  }
  return type;
}

/** `{"type":"error","error":{"type","message"}}`, the body of Anthropic errors and of in-stream `error` events. */
export function anthropicErrorBody(error: GatewayError): AnthropicErrorBody {
  return { type: 'error', error: { type: anthropicErrorType(error), message: error.message } };
}

/**
 * A gateway error as an Anthropic HTTP answer: the error's status and headers (`retry-after` kept), plus
 * `x-should-retry: false` when retrying cannot help and the SDKs would otherwise retry (status ≥ 408).
 */
export function encodeAnthropicError(error: GatewayError): EncodedError {
  const headers: Record<string, string> = { ...error.headers };
  if (!error.retryable && error.status >= 408) headers['x-should-retry'] = 'false';
  return { status: error.status, headers, body: JSON.stringify(anthropicErrorBody(error)) };
}
