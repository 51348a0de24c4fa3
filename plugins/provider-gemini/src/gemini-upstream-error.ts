import { type UpstreamErrorOptions, upstreamError } from '@switchyard/provider-utils';
import { GatewayError } from '@switchyard/spec';

interface GeminiErrorFields {
  /** `google.rpc.Code` name: `RESOURCE_EXHAUSTED`, `INVALID_ARGUMENT`, `UNAVAILABLE`, … */
  status?: string;
  details: unknown[];
}

function readGeminiError(bodyText: string): GeminiErrorFields {
  try {
    const parsed: unknown = JSON.parse(bodyText);
    const error = typeof parsed === 'object' && parsed !== null ? (parsed as { error?: unknown }).error : undefined;
    if (typeof error !== 'object' || error === null) return { details: [] };
    const { status, details } = error as { status?: unknown; details?: unknown };
    return { status: typeof status === 'string' ? status : undefined, details: Array.isArray(details) ? details : [] };
  } catch {
    return { details: [] };
  }
}

function detailOfType(details: unknown[], type: string): Record<string, unknown> | undefined {
  for (const detail of details) {
    if (typeof detail === 'object' && detail !== null && (detail as { '@type'?: unknown })['@type'] === type) {
      return detail as Record<string, unknown>;
    }
  }
  return undefined;
}

/** `google.rpc.RetryInfo.retryDelay` (a protobuf Duration in JSON: `"37s"`, `"0.5s"`) in milliseconds. */
export function geminiRetryDelayMs(details: unknown[]): number | undefined {
  const delay = detailOfType(details, 'type.googleapis.com/google.rpc.RetryInfo')?.retryDelay;
  const match = typeof delay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(delay) : null;
  return match?.[1] === undefined ? undefined : Math.round(Number(match[1]) * 1000);
}

/**
 * Normalises a Gemini error (`{"error":{"code","message","status","details"}}`) into a GatewayError.
 * The shared `upstreamError` already reads the message (secrets scrubbed), the HTTP status, its kind and
 * retryability (429 and 5xx retry; 400 does not). On top of it:
 *
 * - `code` is Gemini's status in snake case (`resource_exhausted`, `invalid_argument`, `unavailable`),
 *   or `invalid_api_key` for `ErrorInfo.reason` `API_KEY_INVALID` (never retried);
 * - `google.rpc.RetryInfo.retryDelay` becomes `retry-after` (whole seconds, rounded up) and
 *   `retry-after-ms`, unless the upstream sent those headers itself;
 * - Gemini's status is not passed on as the client-facing error `type`: clients of the OpenAI dialect
 *   get the canonical type for the kind (`rate_limit_error`, …).
 */
export function geminiUpstreamError(options: UpstreamErrorOptions): GatewayError {
  const base = upstreamError(options);
  const { status, details } = readGeminiError(options.bodyText);
  const invalidKey = detailOfType(details, 'type.googleapis.com/google.rpc.ErrorInfo')?.reason === 'API_KEY_INVALID';
  const headers = { ...base.headers };
  const delayMs = geminiRetryDelayMs(details);
  if (delayMs !== undefined && headers['retry-after'] === undefined && headers['retry-after-ms'] === undefined) {
    headers['retry-after'] = String(Math.ceil(delayMs / 1000));
    headers['retry-after-ms'] = String(delayMs);
  }
  return new GatewayError({
    message: base.message,
    kind: base.kind,
    status: base.status,
    code: invalidKey ? 'invalid_api_key' : (status?.toLowerCase() ?? base.code),
    param: base.param,
    retryable: base.retryable && !invalidKey,
    headers,
  });
}
