import { describe, expect, it } from 'vitest';
import { anthropicStreamError, anthropicUpstreamError } from './anthropic-upstream-error.js';

function body(type: string, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_1' });
}

function summary(error: ReturnType<typeof anthropicUpstreamError>) {
  return {
    status: error.status,
    kind: error.kind,
    code: error.code,
    retryable: error.retryable,
    upstreamType: error.upstreamType,
  };
}

describe('anthropicUpstreamError', () => {
  it.each([
    [400, 'invalid_request_error', { status: 400, kind: 'invalid_request', code: null, retryable: false }],
    [401, 'authentication_error', { status: 401, kind: 'authentication', code: 'invalid_api_key', retryable: false }],
    [403, 'permission_error', { status: 403, kind: 'permission', code: 'permission_denied', retryable: false }],
    [404, 'not_found_error', { status: 404, kind: 'not_found', code: 'not_found', retryable: false }],
    [413, 'request_too_large', { status: 413, kind: 'request_too_large', code: 'request_too_large', retryable: false }],
    [429, 'rate_limit_error', { status: 429, kind: 'rate_limit', code: 'rate_limit_exceeded', retryable: true }],
    [500, 'api_error', { status: 500, kind: 'upstream', code: 'upstream_error', retryable: true }],
    [529, 'overloaded_error', { status: 529, kind: 'unavailable', code: 'overloaded', retryable: true }],
  ])('maps HTTP %i %s', (status, type, expected) => {
    const error = anthropicUpstreamError({ providerId: 'anthropic', status, headers: {}, bodyText: body(type, 'boom') });
    expect(summary(error)).toEqual({ ...expected, upstreamType: type });
    expect(error.message).toBe('boom');
  });

  it('keeps retry-after, redacts the key, spots context overflow and honours x-should-retry: false', () => {
    const limited = anthropicUpstreamError({
      providerId: 'anthropic',
      status: 429,
      headers: { 'retry-after': '12' },
      bodyText: body('rate_limit_error', 'key sk-ant-secret-0123456789 is limited'),
      secrets: ['sk-ant-secret-0123456789'],
    });
    expect(limited.headers).toEqual({ 'retry-after': '12' });
    expect(limited.message).toBe('key [redacted] is limited');
    const tooLong = anthropicUpstreamError({
      providerId: 'anthropic',
      status: 400,
      headers: {},
      bodyText: body('invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'),
    });
    expect(tooLong.code).toBe('context_length_exceeded');
    const noRetry = anthropicUpstreamError({
      providerId: 'a',
      status: 500,
      headers: { 'x-should-retry': 'false' },
      bodyText: '',
    });
    expect([noRetry.retryable, noRetry.message]).toEqual([false, 'The upstream provider "a" answered with HTTP 500.']);
  });
});

describe('anthropicStreamError', () => {
  it('gives an in-stream overloaded_error the 529 status, retryable, code overloaded', () => {
    const error = anthropicStreamError({
      providerId: 'anthropic',
      data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      secrets: [],
    });
    expect(summary(error)).toEqual({
      status: 529,
      kind: 'unavailable',
      code: 'overloaded',
      retryable: true,
      upstreamType: 'overloaded_error',
    });
    const unknown = anthropicStreamError({ providerId: 'anthropic', data: { type: 'error' }, secrets: [] });
    expect([unknown.status, unknown.retryable]).toEqual([502, true]);
  });
});
