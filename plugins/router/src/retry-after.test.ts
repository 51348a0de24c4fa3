import { describe, expect, it } from 'vitest';
import { retryAfterMs } from './retry-after.js';

const now = Date.parse('2025-01-01T00:00:00Z');

describe('retryAfterMs', () => {
  it('reads retry-after-ms as milliseconds', () => {
    expect(retryAfterMs({ 'retry-after-ms': '1500' }, now)).toBe(1500);
  });

  it('reads x-ms-retry-after-ms as milliseconds', () => {
    expect(retryAfterMs({ 'x-ms-retry-after-ms': '250' }, now)).toBe(250);
  });

  it('prefers the millisecond headers over retry-after', () => {
    expect(retryAfterMs({ 'retry-after-ms': '20', 'retry-after': '7' }, now)).toBe(20);
    expect(retryAfterMs({ 'x-ms-retry-after-ms': '30', 'retry-after': '7' }, now)).toBe(30);
  });

  it('falls back to retry-after when the millisecond header is unreadable', () => {
    expect(retryAfterMs({ 'retry-after-ms': 'soon', 'retry-after': '2' }, now)).toBe(2000);
    expect(retryAfterMs({ 'retry-after-ms': '-5', 'retry-after': '2' }, now)).toBe(2000);
  });

  it('reads delta-seconds, decimals included', () => {
    expect(retryAfterMs({ 'retry-after': '3' }, now)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': '0' }, now)).toBe(0);
    expect(retryAfterMs({ 'retry-after': '1.5' }, now)).toBe(1500);
    expect(retryAfterMs({ 'retry-after': ' 2 ' }, now)).toBe(2000);
  });

  it('reads an HTTP-date in the future as the time until it', () => {
    expect(retryAfterMs({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }, now)).toBe(30_000);
  });

  it('reads an HTTP-date in the past as zero', () => {
    expect(retryAfterMs({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, now)).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(retryAfterMs({}, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': '' }, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': '5 seconds' }, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after-ms': 'NaN' }, now)).toBeUndefined();
    expect(retryAfterMs({ 'x-ms-retry-after-ms': 'Infinity' }, now)).toBeUndefined();
  });
});

describe('retryAfterMs: values that are not a delay', () => {
  it('ignores garbage that a lenient date parser would accept, and empty or hex milliseconds', () => {
    for (const value of ['-5', 'abc 1', 'Tomorrow 12']) expect(retryAfterMs({ 'retry-after': value })).toBeUndefined();
    for (const value of ['', ' ', '0x10']) expect(retryAfterMs({ 'retry-after-ms': value })).toBeUndefined();
  });

  it('reads the RFC 850 and asctime date forms', () => {
    const now = Date.parse('Sun, 06 Nov 1994 08:49:30 GMT');
    expect(retryAfterMs({ 'retry-after': 'Sunday, 06-Nov-94 08:49:37 GMT' }, now)).toBe(7_000);
    expect(retryAfterMs({ 'retry-after': 'Sun Nov  6 08:49:37 1994' }, now)).toBe(7_000);
  });
});
