import { type ErrorKind, GatewayError } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import {
  classifyError,
  countsAgainstHealth,
  defaultMoveOn,
  type ErrorClass,
  errorClasses,
  retryableOnSameDeployment,
} from './error-class.js';

function errorWith(status: number, code: string | null = null, kind: ErrorKind = 'upstream', retryable = false): GatewayError {
  return new GatewayError({ message: 'failed', status, code, kind, retryable });
}

describe('classifyError', () => {
  it('classifies quota codes as quota even with status 429', () => {
    for (const code of ['insufficient_quota', 'enforced_spend_limit_reached', 'billing_hard_limit_reached', 'quota_exceeded']) {
      expect(classifyError(errorWith(429, code, 'rate_limit'))).toBe('quota');
    }
  });

  it('classifies context-length codes with 400 as context_length', () => {
    for (const code of ['context_length_exceeded', 'string_above_max_length', 'context_window_exceeded']) {
      expect(classifyError(errorWith(400, code, 'invalid_request'))).toBe('context_length');
    }
  });

  it('classifies content-policy codes as content_policy', () => {
    for (const code of ['content_policy_violation', 'content_filter', 'safety_block']) {
      expect(classifyError(errorWith(400, code, 'invalid_request'))).toBe('content_policy');
    }
  });

  it('classifies connection codes as connection', () => {
    expect(classifyError(errorWith(502, 'upstream_connection_error', 'unavailable'))).toBe('connection');
    expect(classifyError(errorWith(504, 'upstream_connect_timeout', 'timeout'))).toBe('connection');
  });

  it('classifies the timeout kind as timeout whatever the status', () => {
    expect(classifyError(errorWith(504, null, 'timeout'))).toBe('timeout');
    expect(classifyError(errorWith(408, 'response_timeout', 'timeout'))).toBe('timeout');
  });

  it('classifies by status when no code decides', () => {
    expect(classifyError(errorWith(429, 'rate_limit_exceeded', 'rate_limit'))).toBe('rate_limit');
    expect(classifyError(errorWith(401, null, 'authentication'))).toBe('auth');
    expect(classifyError(errorWith(403, null, 'permission'))).toBe('auth');
    expect(classifyError(errorWith(404, 'model_not_found', 'not_found'))).toBe('not_found');
    expect(classifyError(errorWith(500))).toBe('server');
    expect(classifyError(errorWith(503, null, 'unavailable'))).toBe('server');
    expect(classifyError(errorWith(400, 'invalid_value', 'invalid_request'))).toBe('invalid_request');
    expect(classifyError(errorWith(422))).toBe('invalid_request');
  });
});

describe('countsAgainstHealth', () => {
  it('counts rate limits, server errors, timeouts and connection failures only', () => {
    const counted = errorClasses.filter((errorClass) => countsAgainstHealth(errorClass));
    expect(counted.sort()).toEqual(['connection', 'rate_limit', 'server', 'timeout']);
  });
});

describe('retryableOnSameDeployment', () => {
  it('retries rate limits and connection failures', () => {
    expect(retryableOnSameDeployment('rate_limit', errorWith(429))).toBe(true);
    expect(retryableOnSameDeployment('connection', errorWith(502, 'upstream_connection_error'))).toBe(true);
  });

  it('retries server errors only when the error is retryable', () => {
    expect(retryableOnSameDeployment('server', errorWith(503, null, 'unavailable', true))).toBe(true);
    expect(retryableOnSameDeployment('server', errorWith(500, null, 'upstream', false))).toBe(false);
  });

  it('does not retry any other class, even when the error says retryable', () => {
    const others: ErrorClass[] = ['quota', 'timeout', 'context_length', 'content_policy', 'auth', 'invalid_request', 'not_found'];
    for (const errorClass of others)
      expect(retryableOnSameDeployment(errorClass, errorWith(500, null, 'upstream', true))).toBe(false);
  });
});

describe('defaultMoveOn', () => {
  it('moves on for deployment faults but not for request faults', () => {
    expect([...defaultMoveOn].sort()).toEqual(['auth', 'connection', 'quota', 'rate_limit', 'server', 'timeout']);
  });
});
