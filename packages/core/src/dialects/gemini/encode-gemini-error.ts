import type { ErrorKind, GatewayError } from '@switchyard/spec';
import type { EncodedError } from '../../dialect.js';
import type { GeminiErrorBody, GeminiErrorStatus } from './gemini-wire-types.js';

/** Gateway error kind → `google.rpc.Code` name, as data. */
export const geminiErrorStatuses: Readonly<Record<ErrorKind, GeminiErrorStatus>> = Object.freeze({
  invalid_request: 'INVALID_ARGUMENT',
  authentication: 'UNAUTHENTICATED',
  permission: 'PERMISSION_DENIED',
  not_found: 'NOT_FOUND',
  request_too_large: 'INVALID_ARGUMENT',
  rate_limit: 'RESOURCE_EXHAUSTED',
  upstream: 'INTERNAL',
  timeout: 'DEADLINE_EXCEEDED',
  unavailable: 'UNAVAILABLE',
  internal: 'INTERNAL',
});

const rpcCodes = new Set<string>([
  ...Object.values(geminiErrorStatuses),
  'FAILED_PRECONDITION',
  'CANCELLED',
  'UNKNOWN',
  'ALREADY_EXISTS',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'DATA_LOSS',
]);

/**
 * The `google.rpc.Code` name for a gateway error: the upstream Gemini status when the error carries it as
 * its code (the Gemini provider sets `code` to the lower-cased status, e.g. `failed_precondition`), else
 * by kind.
 */
export function geminiErrorStatus(error: GatewayError): GeminiErrorStatus {
  const fromCode = error.code?.toUpperCase();
  if (fromCode !== undefined && rpcCodes.has(fromCode)) return fromCode as GeminiErrorStatus;
  return geminiErrorStatuses[error.kind] ?? 'INTERNAL';
}

/** `{"error":{"code","message","status"}}`, the body of Gemini errors and of in-stream error frames. */
export function geminiErrorBody(error: GatewayError): GeminiErrorBody {
  return { error: { code: error.status, message: error.message, status: geminiErrorStatus(error) } };
}

/** A gateway error as a Gemini HTTP answer: the error's status and headers (`retry-after` kept). */
export function encodeGeminiError(error: GatewayError): EncodedError {
  return { status: error.status, headers: { ...error.headers }, body: JSON.stringify(geminiErrorBody(error)) };
}
