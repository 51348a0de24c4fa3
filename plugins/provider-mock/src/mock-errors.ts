import { type ErrorKind, GatewayError, notFound } from '@switchyard/spec';

/** Model names of the form `error-<status>`, e.g. `error-429`. */
const errorModelPattern = /^error-(\d{3})$/;

/** The HTTP status an `error-<status>` model fails with, or `undefined` for any other name. */
export function errorModelStatus(model: string): number | undefined {
  const match = errorModelPattern.exec(model);
  if (!match) return undefined;
  const status = Number(match[1]);
  return status >= 400 && status <= 599 ? status : undefined;
}

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

/** The error an `error-<status>` model throws: retryable for 408, 429 and 5xx; a 429 says `retry-after: 1`. */
export function scriptedError(providerId: string, model: string, status: number): GatewayError {
  return new GatewayError({
    message: `The mock provider "${providerId}" model "${model}" always fails with HTTP ${status}.`,
    kind: kindForStatus(status),
    status,
    code: status === 429 ? 'rate_limit_exceeded' : 'mock_error',
    retryable: status === 408 || status === 429 || status >= 500,
    headers: status === 429 ? { 'retry-after': '1' } : {},
  });
}

/** What the `break` model throws: an upstream that died in the middle of a stream. */
export function streamTruncatedError(providerId: string): GatewayError {
  return new GatewayError({
    message: `The upstream provider "${providerId}" ended the stream before it was complete.`,
    kind: 'upstream',
    status: 502,
    code: 'upstream_stream_truncated',
    retryable: true,
  });
}

export function unknownModelError(providerId: string, model: string, models: readonly string[]): GatewayError {
  return notFound(
    `The model "${model}" does not exist on the mock provider "${providerId}". Available models: ${models.join(', ')}, error-<status>.`,
    { code: 'model_not_found', param: 'model' },
  );
}
