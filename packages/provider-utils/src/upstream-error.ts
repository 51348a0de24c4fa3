import { type ErrorKind, GatewayError } from '@switchyard/spec';
import { redactSecrets } from './redact-secrets.js';

export interface UpstreamErrorOptions {
  providerId: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The raw response body text (may be empty, JSON, HTML, anything). */
  bodyText: string;
  /** Secrets to scrub from the message (the provider's own key). */
  secrets?: readonly string[];
}

const retryableStatuses = new Set([408, 409, 429]);

/** Deterministic failures that another attempt cannot fix, whatever the status says. */
const nonRetryableCodes = new Set(['context_length_exceeded', 'insufficient_quota', 'invalid_api_key', 'model_not_found']);

function kindForStatus(status: number): ErrorKind {
  if (status === 400 || status === 422) return 'invalid_request';
  if (status === 401) return 'authentication';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 503 || status === 529) return 'unavailable';
  return 'upstream';
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

interface ParsedErrorBody {
  message?: string;
  type?: string;
  code?: string | null;
  param?: string | null;
}

/** Reads the common error envelopes: OpenAI `{error:{message,type,code,param}}`, `{error:"..."}`, `{message}`. */
function parseErrorBody(bodyText: string): ParsedErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const record = parsed as Record<string, unknown>;
  const error = record.error;
  if (typeof error === 'string') return { message: error };
  if (typeof error === 'object' && error !== null) {
    const inner = error as Record<string, unknown>;
    return {
      message: typeof inner.message === 'string' ? inner.message : undefined,
      type: typeof inner.type === 'string' ? inner.type : typeof inner.status === 'string' ? inner.status : undefined,
      code: typeof inner.code === 'string' ? inner.code : null,
      param: typeof inner.param === 'string' ? inner.param : null,
    };
  }
  return { message: typeof record.message === 'string' ? record.message : undefined };
}

/**
 * Turns a non-2xx upstream answer into a GatewayError that keeps the upstream's status and message (with
 * secrets scrubbed) and says whether another attempt may succeed. Non-JSON bodies (HTML error pages) are
 * not echoed: they become a generic message naming the provider and status.
 */
export function upstreamError({ providerId, status, headers, bodyText, secrets = [] }: UpstreamErrorOptions): GatewayError {
  const parsed = parseErrorBody(bodyText);
  const message = parsed.message
    ? redactSecrets(parsed.message, secrets)
    : `The upstream provider "${providerId}" answered with HTTP ${status}.`;
  const code = parsed.code ?? null;
  const retryAfter = firstHeader(headers['retry-after']);
  const retryAfterMs = firstHeader(headers['retry-after-ms']);
  const responseHeaders: Record<string, string> = {};
  if (retryAfter) responseHeaders['retry-after'] = retryAfter;
  if (retryAfterMs) responseHeaders['retry-after-ms'] = retryAfterMs;
  const retryable = (retryableStatuses.has(status) || status >= 500) && !(code && nonRetryableCodes.has(code));
  // Statuses outside the 4xx/5xx range (a 3xx or 1xx that leaked through) are reported as a bad gateway.
  const clientStatus = status >= 400 && status <= 599 ? status : 502;
  return new GatewayError({
    message,
    kind: kindForStatus(status),
    status: clientStatus,
    code,
    param: parsed.param ?? null,
    retryable,
    headers: responseHeaders,
    upstreamType: parsed.type,
  });
}

/** The upstream said 2xx but sent something that is not the documented shape. */
export function invalidUpstreamResponse(providerId: string, detail: string): GatewayError {
  return new GatewayError({
    message: `The upstream provider "${providerId}" sent an invalid response: ${detail}.`,
    kind: 'upstream',
    status: 502,
    code: 'invalid_upstream_response',
    retryable: true,
  });
}
