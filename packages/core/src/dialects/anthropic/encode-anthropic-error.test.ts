import { GatewayError, invalidRequest, requestTooLarge, timeoutError } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { anthropicDialect } from './anthropic-dialect.js';

function encoded(error: GatewayError) {
  const result = anthropicDialect.encodeError(error);
  return { ...result, body: JSON.parse(result.body) as { type: string; error: { type: string; message: string } } };
}

describe('anthropicDialect.encodeError', () => {
  it('writes the Anthropic error envelope with the status', () => {
    const result = encoded(invalidRequest("Missing required parameter: 'max_tokens'.", { param: 'max_tokens' }));
    expect(result.status).toBe(400);
    expect(result.body).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: "Missing required parameter: 'max_tokens'." },
    });
    expect(result.headers).toEqual({});
  });

  it.each([
    ['authentication', 401, 'authentication_error'],
    ['permission', 403, 'permission_error'],
    ['not_found', 404, 'not_found_error'],
    ['request_too_large', 413, 'request_too_large'],
    ['rate_limit', 429, 'rate_limit_error'],
    ['upstream', 502, 'api_error'],
    ['internal', 500, 'api_error'],
    ['timeout', 504, 'timeout_error'],
    ['unavailable', 503, 'overloaded_error'],
    ['upstream', 529, 'overloaded_error'],
  ] as const)('kind %s (status %i) → %s', (kind, status, type) => {
    const result = encoded(new GatewayError({ message: 'x', kind, status }));
    expect(result.status).toBe(status);
    expect(result.body.error.type).toBe(type);
  });

  it("uses the upstream's own Anthropic type instead of a generic api_error", () => {
    const error = new GatewayError({ message: 'Pay up', kind: 'upstream', status: 402, upstreamType: 'billing_error' });
    expect(encoded(error).body.error.type).toBe('billing_error');
    const foreign = new GatewayError({ message: 'x', kind: 'upstream', status: 500, upstreamType: 'server_error' });
    expect(encoded(foreign).body.error.type).toBe('api_error');
  });

  it('keeps retry-after and adds x-should-retry: false only for non-retryable errors ≥ 408', () => {
    const limited = new GatewayError({
      message: 'Slow down',
      kind: 'rate_limit',
      status: 429,
      retryable: true,
      headers: { 'retry-after': '7' },
    });
    expect(encoded(limited).headers).toEqual({ 'retry-after': '7' });
    expect(encoded(requestTooLarge(10)).headers).toEqual({ 'x-should-retry': 'false' });
    expect(encoded(timeoutError('slow')).headers).toEqual({});
    expect(encoded(invalidRequest('bad')).headers).toEqual({});
  });

  it('refuses to encode embeddings', () => {
    expect(() => anthropicDialect.encodeEmbeddings({ type: 'embeddings', source: 'provider' } as never)).toThrow(
      expect.objectContaining({ kind: 'invalid_request', status: 400 }),
    );
  });
});
