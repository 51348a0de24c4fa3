import { geminiError, geminiRetryInfo } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { geminiRetryDelayMs, geminiUpstreamError } from './gemini-upstream-error.js';

const error = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  geminiUpstreamError({ providerId: 'gemini', status, headers, bodyText: JSON.stringify(body), secrets: ['AIzaSECRETKEY'] });

describe('geminiUpstreamError', () => {
  it('makes RESOURCE_EXHAUSTED a retryable rate limit with retry-after from RetryInfo', () => {
    const result = error(429, geminiError({ code: 429, message: 'Quota exceeded', details: [geminiRetryInfo('36.5s')] }));
    expect(result).toMatchObject({
      kind: 'rate_limit',
      status: 429,
      code: 'resource_exhausted',
      retryable: true,
      message: 'Quota exceeded',
      headers: { 'retry-after': '37', 'retry-after-ms': '36500' },
      upstreamType: undefined,
    });
  });

  it('keeps an upstream retry-after header over RetryInfo', () => {
    const result = error(429, geminiError({ code: 429, message: 'x', details: [geminiRetryInfo('9s')] }), { 'retry-after': '2' });
    expect(result.headers).toEqual({ 'retry-after': '2' });
  });

  it('retries UNAVAILABLE and INTERNAL but not INVALID_ARGUMENT or a bad key', () => {
    expect(error(503, geminiError({ code: 503, message: 'overloaded' }))).toMatchObject({
      kind: 'unavailable',
      retryable: true,
      code: 'unavailable',
    });
    expect(error(500, geminiError({ code: 500, message: 'internal' }))).toMatchObject({
      kind: 'upstream',
      retryable: true,
      code: 'internal',
    });
    expect(error(400, geminiError({ code: 400, message: 'bad' }))).toMatchObject({
      kind: 'invalid_request',
      retryable: false,
      code: 'invalid_argument',
    });
    const badKey = error(
      400,
      geminiError({
        code: 400,
        message: 'API key not valid: AIzaSECRETKEY',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
      }),
    );
    expect(badKey).toMatchObject({ code: 'invalid_api_key', retryable: false });
    expect(badKey.message).not.toContain('AIzaSECRETKEY');
  });

  it('survives non-JSON bodies', () => {
    const result = geminiUpstreamError({ providerId: 'gemini', status: 502, headers: {}, bodyText: '<html>' });
    expect(result).toMatchObject({ status: 502, retryable: true, code: null });
    expect(result.message).toContain('gemini');
  });

  it('reads protobuf durations', () => {
    expect(geminiRetryDelayMs([geminiRetryInfo('2s')])).toBe(2000);
    expect(geminiRetryDelayMs([geminiRetryInfo('0.25s')])).toBe(250);
    expect(geminiRetryDelayMs([{ '@type': 'other' }])).toBeUndefined();
  });
});
